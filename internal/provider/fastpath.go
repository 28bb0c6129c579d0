package provider

import (
	"bytes"
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The protocol server's fast paths: the calls a refresh makes for every
// account, answered by this provider's own code without the framework's
// generic machinery around it.
//
// A plan with no changes costs each account a ReadResource and a
// PlanResourceChange. Around the resource's own Read and ModifyPlan, the
// framework (v1.19) walks the whole schema several times per call: for each
// of the account's 27 attributes and nested attributes it looks up the
// config, plan and state values from the root and sets the planned value
// back, rebuilding the whole object each time, and it converts the
// resource's values to and from every attribute's types. For an account,
// that was about 8 times what the same calls cost a resource of two
// attributes (BenchmarkProviderServerRefresh against BenchmarkNoopRefresh).
// None of it changes anything when nothing changes, which is what almost
// every account of a refresh is.
//
// So for scim_provisioned_user:
//
//   - ReadResource decodes the state, runs the resource's Read (the same
//     code the framework would call) and encodes what it returns, with the
//     identity the Read sets and the private state as it came. An imported
//     account (no mapping in state yet) goes to the framework.
//   - PlanResourceChange answers only a plan that changes nothing: prior
//     and proposed states equal, a configuration fully known and without a
//     write-only password, every default the schema declares already what
//     the state holds, and the resource's ModifyPlan (the same code)
//     returning the prior state unchanged with no diagnostic. Anything else,
//     a create, an update, a destroy, a warning, goes to the framework,
//     which runs ModifyPlan again from the start; ModifyPlan sends nothing
//     to the app for an account already in state, so nothing is sent twice.
//
// TestFastPathAnswersAsTheFramework runs both on the same calls and
// compares the answers; every acceptance test runs through the fast path.

// NewProtocolServer is the provider's protocol server: the framework's, with
// the fast paths in front.
func NewProtocolServer(version string, getenv func(string) string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &scimProvider{version: version, getenv: getenv}
		fw, ok := providerserver.NewProtocol6(p)().(frameworkServer)
		if !ok {
			// Not the server this was written against: no fast path.
			return providerserver.NewProtocol6(p)()
		}
		return &fastServer{frameworkServer: fw, provider: p}
	}
}

// frameworkServer is every set of RPCs the framework's server implements;
// fastServer embeds it, so each passes through unless overridden.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

type fastServer struct {
	frameworkServer
	provider *scimProvider
}

const userTypeName = "scim_provisioned_user"

// userSchema is scim_provisioned_user's schema and its raw type.
var userSchema = sync.OnceValues(func() (schema.Schema, tftypes.Object) {
	var resp resource.SchemaResponse
	(&provisionedUserResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	t, _ := resp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	return resp.Schema, t
})

// userIdentitySchema is the account identity's schema.
var userIdentitySchema = sync.OnceValue(func() resource.IdentitySchemaResponse {
	var resp resource.IdentitySchemaResponse
	(&provisionedUserResource{}).IdentitySchema(context.Background(), resource.IdentitySchemaRequest{}, &resp)
	return resp
})

// userDefaults are the values the schema's defaults give attributes left
// unset (TestFastPathKnowsTheSchema keeps this true to the schema).
var userDefaults = map[string]tftypes.Value{
	"active":         tftypes.NewValue(tftypes.Bool, true),
	"deprovision":    tftypes.NewValue(tftypes.String, "deactivate"),
	"adopt_existing": tftypes.NewValue(tftypes.Bool, false),
	"adopt_by":       tftypes.NewValue(tftypes.String, "userName"),
}

// userResource is a configured scim_provisioned_user, as the framework
// makes one for each call; nil before the provider is configured.
func (s *fastServer) userResource() *provisionedUserResource {
	clients := s.provider.configured.Load()
	if clients == nil {
		return nil
	}
	return &provisionedUserResource{appResource: appResource{clients: clients}}
}

func (s *fastServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if resp, ok := s.fastUpgrade(req); ok {
		return resp, nil
	}
	return s.frameworkServer.UpgradeResourceState(ctx, req)
}

func (s *fastServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if resp, ok := s.fastRead(ctx, req); ok {
		return resp, nil
	}
	return s.frameworkServer.ReadResource(ctx, req)
}

func (s *fastServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if resp, ok := s.fastPlan(ctx, req); ok {
		return resp, nil
	}
	return s.frameworkServer.PlanResourceChange(ctx, req)
}

// fastUpgrade reads an account's state saved by this schema version, as
// the framework's pass-through does (attributes the schema no longer has
// are dropped), without its walk for blocks the schema does not have.
func (s *fastServer) fastUpgrade(req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, bool) {
	sch, typ := userSchema()
	if req.TypeName != userTypeName || req.RawState == nil || req.RawState.JSON == nil || req.Version != sch.Version || len(sch.Blocks) > 0 {
		return nil, false
	}
	v, err := req.RawState.UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return nil, false // the framework says what is wrong
	}
	upgraded, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &upgraded}, true
}

func (s *fastServer) fastRead(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, bool) {
	if req.TypeName != userTypeName || req.CurrentState == nil || req.ProviderMeta != nil {
		return nil, false
	}
	r := s.userResource()
	if r == nil {
		return nil, false
	}
	sch, typ := userSchema()
	current, err := req.CurrentState.Unmarshal(typ)
	if err != nil || current.IsNull() || !current.IsFullyKnown() {
		return nil, false
	}
	if mapping := rawAttribute(current, "attribute_mapping", tftypes.String); mapping.IsNull() {
		return nil, false // imported: the framework's path
	}
	idSchema := userIdentitySchema().IdentitySchema
	idType, _ := idSchema.Type().TerraformType(ctx).(tftypes.Object)
	identity := &tfsdk.ResourceIdentity{Schema: idSchema, Raw: tftypes.NewValue(idType, nil)}
	if req.CurrentIdentity != nil && req.CurrentIdentity.IdentityData != nil {
		v, err := req.CurrentIdentity.IdentityData.Unmarshal(idType)
		if err != nil {
			return nil, false
		}
		identity.Raw = v
	}
	state := tfsdk.State{Schema: sch, Raw: current}
	readResp := resource.ReadResponse{State: state, Identity: identity}
	r.Read(ctx, resource.ReadRequest{State: state, Identity: &tfsdk.ResourceIdentity{Schema: idSchema, Raw: identity.Raw.Copy()}}, &readResp)

	resp := &tfprotov6.ReadResourceResponse{Diagnostics: protoDiagnostics(readResp.Diagnostics), Private: req.Private, NewState: req.CurrentState}
	if readResp.Diagnostics.HasError() {
		return resp, true
	}
	newState, err := tfprotov6.NewDynamicValue(typ, nullWriteOnly(readResp.State.Raw))
	if err != nil {
		return nil, false
	}
	resp.NewState = &newState
	if readResp.Identity != nil && !readResp.Identity.Raw.IsNull() {
		id, err := tfprotov6.NewDynamicValue(idType, readResp.Identity.Raw)
		if err != nil {
			return nil, false
		}
		resp.NewIdentity = &tfprotov6.ResourceIdentityData{IdentityData: &id}
	}
	return resp, true
}

func (s *fastServer) fastPlan(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	if req.TypeName != userTypeName || req.PriorState == nil || req.ProposedNewState == nil || req.Config == nil || req.ProviderMeta != nil {
		return nil, false
	}
	r := s.userResource()
	if r == nil {
		return nil, false
	}
	sch, typ := userSchema()
	prior, err := req.PriorState.Unmarshal(typ)
	if err != nil || prior.IsNull() || !prior.IsFullyKnown() {
		return nil, false
	}
	// Terraform encodes equal values alike, so equal bytes are the cheap
	// answer; anything else is compared as values.
	if !bytes.Equal(req.ProposedNewState.MsgPack, req.PriorState.MsgPack) || req.ProposedNewState.MsgPack == nil {
		proposed, err := req.ProposedNewState.Unmarshal(typ)
		if err != nil || !proposed.Equal(prior) {
			return nil, false
		}
	}
	config, err := req.Config.Unmarshal(typ)
	if err != nil || !config.IsFullyKnown() || !rawAttribute(config, "password_wo", tftypes.String).IsNull() {
		return nil, false
	}
	if rawAttribute(prior, "attribute_mapping", tftypes.String).IsNull() {
		return nil, false // imported: the first plan records the mapping
	}
	for name, def := range userDefaults {
		if rawAttribute(config, name, def.Type()).IsNull() && !rawAttribute(prior, name, def.Type()).Equal(def) {
			return nil, false // the default changes it
		}
	}
	plan := tfsdk.Plan{Schema: sch, Raw: prior}
	planResp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: sch, Raw: config},
		State:  tfsdk.State{Schema: sch, Raw: prior},
		Plan:   plan,
	}, &planResp)
	if len(planResp.Diagnostics) > 0 || len(planResp.RequiresReplace) > 0 || planResp.Deferred != nil || !planResp.Plan.Raw.Equal(prior) {
		return nil, false
	}
	identity := req.PriorIdentity
	if identity == nil {
		// As the framework answers a CLI that sends none: a null identity.
		idType, _ := userIdentitySchema().IdentitySchema.Type().TerraformType(ctx).(tftypes.Object)
		null, err := tfprotov6.NewDynamicValue(idType, tftypes.NewValue(idType, nil))
		if err != nil {
			return nil, false
		}
		identity = &tfprotov6.ResourceIdentityData{IdentityData: &null}
	}
	return &tfprotov6.PlanResourceChangeResponse{
		PlannedState:    req.PriorState,
		PlannedPrivate:  req.PriorPrivate,
		PlannedIdentity: identity,
	}, true
}

// nullWriteOnly is an account's state with its write-only attribute null,
// as the framework leaves every state.
func nullWriteOnly(v tftypes.Value) tftypes.Value {
	var fields map[string]tftypes.Value
	if v.IsNull() || v.As(&fields) != nil {
		return v
	}
	if pw, ok := fields["password_wo"]; ok && !pw.IsNull() {
		fields["password_wo"] = tftypes.NewValue(tftypes.String, nil)
		return tftypes.NewValue(v.Type(), fields)
	}
	return v
}

// protoDiagnostics is diags as the protocol carries them.
func protoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

// attributePath is p as the protocol carries it.
func attributePath(p path.Path) *tftypes.AttributePath {
	steps := p.Steps()
	if len(steps) == 0 {
		return nil
	}
	var out []tftypes.AttributePathStep
	for _, st := range steps {
		switch v := st.(type) {
		case path.PathStepAttributeName:
			out = append(out, tftypes.AttributeName(string(v)))
		case path.PathStepElementKeyString:
			out = append(out, tftypes.ElementKeyString(string(v)))
		case path.PathStepElementKeyInt:
			out = append(out, tftypes.ElementKeyInt(int64(v)))
		default:
			return tftypes.NewAttributePathWithSteps(out)
		}
	}
	return tftypes.NewAttributePathWithSteps(out)
}
