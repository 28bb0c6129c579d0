package provider

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The protocol server's fast paths: the calls a command makes for every
// account and group, answered by this provider's own code without the
// framework's generic machinery around it.
//
// A plan with no changes costs each account an UpgradeResourceState, a
// ReadResource and a PlanResourceChange. Around the resource's own Read and
// ModifyPlan, the framework (v1.19) walks the whole value several times per
// call: for each of the account's 27 attributes and nested attributes it
// looks up the config, plan and state values from the root and sets the
// planned value back, rebuilding the whole object each time, and for each
// element of a list (a group's 10,000 members) it looks the element's path
// up in the schema again. None of it changes anything when nothing
// changes, which is what almost every account and group of a refresh is.
// Through the protocol server, a refresh cost an account 30,000 allocations
// against 3,900 for a resource of two attributes (BenchmarkNoopRefresh);
// a group of 10,000 members, 5.2 million.
//
// So, for scim_provisioned_user and scim_provisioned_group:
//
//   - UpgradeResourceState of the current schema version decodes the saved
//     state as the framework's pass-through does.
//   - ReadResource decodes the state, runs the resource's Read (the same
//     code the framework would call) and encodes what it returns, with the
//     identity the Read sets and the private state as it came. An imported
//     account (no mapping in state yet) goes to the framework.
//   - PlanResourceChange answers a plan that changes nothing: prior and
//     proposed states equal, a configuration fully known and without a
//     write-only value, every default the schema declares already what the
//     state holds, and the resource's ModifyPlan (the same code) returning
//     the prior state unchanged with no diagnostic. Anything else, an
//     update, a destroy, a warning, goes to the framework, which runs
//     ModifyPlan again from the start; ModifyPlan sends nothing to the app
//     for what is already in state, so nothing is sent twice.
//   - An account's create is planned (defaults, unknown computed values,
//     then ModifyPlan; any diagnostic, such as a rehire's warning, goes to
//     the framework) and applied (the resource's Create) the same way.
//
// TestFastPathAnswersAsTheFramework, TestFastPathCreatesAsTheFramework and
// TestFastPathGroupsAsTheFramework run both servers on the same calls and
// compare the answers; TestAccFastPathsServeARealCommand shows a real
// command takes the fast paths, and every acceptance test goes through
// them.

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
	// answered counts the calls the fast paths answered, by RPC, for the
	// tests that show a real command takes them.
	answered struct{ upgrade, read, plan, createPlan, create atomic.Int64 }
}

const (
	userTypeName  = "scim_provisioned_user"
	groupTypeName = "scim_provisioned_group"
)

// fastKind is what the fast paths know of one resource type.
type fastKind struct {
	schema   schema.Schema
	typ      tftypes.Object
	identity resource.IdentitySchemaResponse
	idType   tftypes.Object
	// defaults are the values the schema's defaults give attributes the
	// configuration leaves unset.
	defaults map[string]tftypes.Value
	// newResource is a configured resource, as the framework makes one for
	// each call.
	newResource func(*clientFactory) fastResource
	// skipRead, when set, leaves a state's read to the framework.
	skipRead func(state tftypes.Value) bool
}

// fastResource is what the fast paths call of a resource.
type fastResource interface {
	resource.ResourceWithModifyPlan
	resource.ResourceWithIdentity
}

// fastKinds are the resource types with fast paths: one account, one group.
var fastKinds = sync.OnceValue(func() map[string]*fastKind {
	return map[string]*fastKind{
		userTypeName: newFastKind(&provisionedUserResource{}, func(c *clientFactory) fastResource {
			return &provisionedUserResource{appResource: appResource{clients: c}}
		}, func(state tftypes.Value) bool {
			// Imported: the framework's path records the mapping.
			return rawAttribute(state, "attribute_mapping", tftypes.String).IsNull()
		}),
		groupTypeName: newFastKind(&provisionedGroupResource{}, func(c *clientFactory) fastResource {
			return &provisionedGroupResource{appResource: appResource{clients: c}}
		}, nil),
	}
})

func newFastKind(r fastResource, newResource func(*clientFactory) fastResource, skipRead func(tftypes.Value) bool) *fastKind {
	ctx := context.Background()
	k := &fastKind{newResource: newResource, skipRead: skipRead, defaults: map[string]tftypes.Value{}}
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	k.schema = resp.Schema
	k.typ, _ = resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &k.identity)
	k.idType, _ = k.identity.IdentitySchema.Type().TerraformType(ctx).(tftypes.Object)
	for name, a := range resp.Schema.Attributes {
		switch x := a.(type) {
		case schema.BoolAttribute:
			if x.Default != nil {
				var d defaults.BoolResponse
				x.Default.DefaultBool(ctx, defaults.BoolRequest{}, &d)
				k.defaults[name] = tftypes.NewValue(tftypes.Bool, d.PlanValue.ValueBool())
			}
		case schema.StringAttribute:
			if x.Default != nil {
				var d defaults.StringResponse
				x.Default.DefaultString(ctx, defaults.StringRequest{}, &d)
				k.defaults[name] = tftypes.NewValue(tftypes.String, d.PlanValue.ValueString())
			}
		}
	}
	return k
}

// userSchema is scim_provisioned_user's schema and its raw type.
func userSchema() (schema.Schema, tftypes.Object) {
	k := fastKinds()[userTypeName]
	return k.schema, k.typ
}

// kind is the fast paths' knowledge of typeName and a configured resource
// of it; nil when the type has no fast paths or the provider is not yet
// configured.
func (s *fastServer) kind(typeName string) (*fastKind, fastResource) {
	k := fastKinds()[typeName]
	clients := s.provider.configured.Load()
	if k == nil || clients == nil {
		return nil, nil
	}
	return k, k.newResource(clients)
}

func (s *fastServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp, ok := s.fastUpgrade(req)
	return answer(&s.answered.upgrade, resp, ok, func() (*tfprotov6.UpgradeResourceStateResponse, error) {
		return s.frameworkServer.UpgradeResourceState(ctx, req)
	})
}

func (s *fastServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, ok := s.fastRead(ctx, req)
	return answer(&s.answered.read, resp, ok, func() (*tfprotov6.ReadResourceResponse, error) {
		return s.frameworkServer.ReadResource(ctx, req)
	})
}

func (s *fastServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, ok := s.fastPlan(ctx, req) // counts what it answers, a create's plan or a plan of no change
	return answer(nil, resp, ok, func() (*tfprotov6.PlanResourceChangeResponse, error) {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	})
}

func (s *fastServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, ok := s.fastCreate(ctx, req)
	return answer(&s.answered.create, resp, ok, func() (*tfprotov6.ApplyResourceChangeResponse, error) {
		return s.frameworkServer.ApplyResourceChange(ctx, req)
	})
}

// answer is the fast path's response when it answered (counted), the
// framework's otherwise.
func answer[Resp any](counter *atomic.Int64, resp Resp, ok bool, framework func() (Resp, error)) (Resp, error) {
	if !ok {
		return framework()
	}
	if counter != nil {
		counter.Add(1)
	}
	return resp, nil
}

// fastUpgrade reads a state saved by this schema version, as the
// framework's pass-through does (attributes the schema no longer has are
// dropped), without its walk for blocks the schema does not have.
func (s *fastServer) fastUpgrade(req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, bool) {
	k := fastKinds()[req.TypeName]
	if k == nil || req.RawState == nil || req.RawState.JSON == nil || req.Version != k.schema.Version || len(k.schema.Blocks) > 0 {
		return nil, false
	}
	v, err := req.RawState.UnmarshalWithOpts(k.typ, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return nil, false // the framework says what is wrong
	}
	upgraded, err := tfprotov6.NewDynamicValue(k.typ, v)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &upgraded}, true
}

func (s *fastServer) fastRead(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, bool) {
	// Provider meta is left out: this provider declares no provider_meta
	// schema, so Terraform sends none, and its resources read none.
	if req.CurrentState == nil {
		return nil, false
	}
	k, r := s.kind(req.TypeName)
	if k == nil {
		return nil, false
	}
	current, err := req.CurrentState.Unmarshal(k.typ)
	if err != nil || current.IsNull() || !current.IsFullyKnown() || (k.skipRead != nil && k.skipRead(current)) {
		return nil, false
	}
	idSchema := k.identity.IdentitySchema
	currentIdentity, ok := k.decodeIdentity(req.CurrentIdentity)
	if !ok {
		return nil, false
	}
	identity := &tfsdk.ResourceIdentity{Schema: idSchema, Raw: currentIdentity}
	state := tfsdk.State{Schema: k.schema, Raw: current}
	readResp := resource.ReadResponse{State: state, Identity: identity}
	r.Read(ctx, resource.ReadRequest{State: state, Identity: &tfsdk.ResourceIdentity{Schema: idSchema, Raw: identity.Raw.Copy()}}, &readResp)

	// The read has run: what it returns is answered here, errors included,
	// as the framework answers them (the state and identity it left).
	diags := readResp.Diagnostics
	if !diags.HasError() && !readResp.State.Raw.IsNull() && (readResp.Identity == nil || readResp.Identity.Raw.IsFullyNull()) {
		diags.AddError("Missing Resource Identity After Read", "The provider returned no identity after reading the resource. This is a bug in the provider.")
	}
	resp := &tfprotov6.ReadResourceResponse{Private: req.Private, NewState: req.CurrentState}
	if newState, err := tfprotov6.NewDynamicValue(k.typ, k.nullWriteOnly(readResp.State.Raw)); err == nil {
		resp.NewState = &newState
	} else {
		diags.AddError("Provider Error: Cannot Encode the Resource's State", err.Error())
	}
	if readResp.Identity != nil {
		resp.NewIdentity = k.encodeIdentity(readResp.Identity.Raw)
	}
	resp.Diagnostics = protoDiagnostics(diags)
	return resp, true
}

func (s *fastServer) fastPlan(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	if req.PriorState == nil || req.ProposedNewState == nil || req.Config == nil {
		return nil, false
	}
	k, r := s.kind(req.TypeName)
	if k == nil {
		return nil, false
	}
	prior, err := req.PriorState.Unmarshal(k.typ)
	if err != nil || !prior.IsFullyKnown() {
		return nil, false
	}
	if prior.IsNull() {
		if req.TypeName != userTypeName {
			return nil, false
		}
		return s.fastCreatePlan(ctx, k, r, req)
	}
	// Terraform encodes equal values alike, so equal bytes are the cheap
	// answer; anything else is compared as values.
	if !bytes.Equal(req.ProposedNewState.MsgPack, req.PriorState.MsgPack) || req.ProposedNewState.MsgPack == nil {
		proposed, err := req.ProposedNewState.Unmarshal(k.typ)
		if err != nil || !proposed.Equal(prior) {
			return nil, false
		}
	}
	config, err := req.Config.Unmarshal(k.typ)
	if err != nil || !config.IsFullyKnown() || k.writeOnlySet(config) {
		return nil, false
	}
	if k.skipRead != nil && k.skipRead(prior) {
		return nil, false // imported: the first plan records what the configuration manages
	}
	for name, def := range k.defaults {
		if rawAttribute(config, name, def.Type()).IsNull() && !rawAttribute(prior, name, def.Type()).Equal(def) {
			return nil, false // the default changes it
		}
	}
	plan := tfsdk.Plan{Schema: k.schema, Raw: prior}
	planResp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: k.schema, Raw: config},
		State:  tfsdk.State{Schema: k.schema, Raw: prior},
		Plan:   plan,
	}, &planResp)
	if len(planResp.Diagnostics) > 0 || len(planResp.RequiresReplace) > 0 || planResp.Deferred != nil || !planResp.Plan.Raw.Equal(prior) {
		return nil, false
	}
	identity := req.PriorIdentity
	if identity == nil {
		// As the framework answers a CLI that sends none: a null identity.
		if identity = k.encodeIdentity(tftypes.NewValue(k.idType, nil)); identity == nil {
			return nil, false
		}
	}
	s.answered.plan.Add(1)
	return &tfprotov6.PlanResourceChangeResponse{
		PlannedState:    req.PriorState,
		PlannedPrivate:  req.PriorPrivate,
		PlannedIdentity: identity,
	}, true
}

// fastCreatePlan plans a create as the framework does: the configuration,
// with the schema's defaults where it sets nothing, write-only values
// null, and every computed attribute the configuration leaves unset
// unknown; then the resource's ModifyPlan. A configuration with an unknown
// value, and a plan with any diagnostic (a warning that the create will
// link an account, an error), go to the framework.
func (s *fastServer) fastCreatePlan(ctx context.Context, k *fastKind, r fastResource, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	config, err := req.Config.Unmarshal(k.typ)
	if err != nil || config.IsNull() || !config.IsFullyKnown() {
		return nil, false
	}
	proposed, err := req.ProposedNewState.Unmarshal(k.typ)
	if err != nil || proposed.IsNull() {
		return nil, false
	}
	var fields, configFields map[string]tftypes.Value
	if proposed.As(&fields) != nil || config.As(&configFields) != nil {
		return nil, false
	}
	for name, a := range k.schema.Attributes {
		t := k.typ.AttributeTypes[name]
		def, hasDefault := k.defaults[name]
		switch {
		case a.IsWriteOnly():
			fields[name] = tftypes.NewValue(t, nil)
		case !configFields[name].IsNull():
		case hasDefault:
			fields[name] = def
		case a.IsComputed() && fields[name].IsNull():
			fields[name] = tftypes.NewValue(t, tftypes.UnknownValue)
		}
	}
	planned := tftypes.NewValue(k.typ, fields)
	nullIdentity := tftypes.NewValue(k.idType, nil)
	if prior, ok := k.decodeIdentity(req.PriorIdentity); !ok || !prior.IsNull() {
		return nil, false
	}
	idSchema := k.identity.IdentitySchema
	plan := tfsdk.Plan{Schema: k.schema, Raw: planned}
	planResp := resource.ModifyPlanResponse{Plan: plan, Identity: &tfsdk.ResourceIdentity{Schema: idSchema, Raw: nullIdentity}}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{
		Config:   tfsdk.Config{Schema: k.schema, Raw: config},
		State:    tfsdk.State{Schema: k.schema, Raw: tftypes.NewValue(k.typ, nil)},
		Plan:     plan,
		Identity: &tfsdk.ResourceIdentity{Schema: idSchema, Raw: nullIdentity},
	}, &planResp)
	if len(planResp.Diagnostics) > 0 || len(planResp.RequiresReplace) > 0 || planResp.Deferred != nil || !planResp.Identity.Raw.IsNull() {
		return nil, false
	}
	plannedState, err := tfprotov6.NewDynamicValue(k.typ, k.nullWriteOnly(planResp.Plan.Raw))
	if err != nil {
		return nil, false
	}
	identity := k.encodeIdentity(nullIdentity)
	if identity == nil {
		return nil, false
	}
	s.answered.createPlan.Add(1)
	return &tfprotov6.PlanResourceChangeResponse{
		PlannedState:    &plannedState,
		PlannedPrivate:  req.PriorPrivate,
		PlannedIdentity: identity,
	}, true
}

// fastCreate applies an account's create as the framework does: the
// resource's own Create, from a null state and identity, and the state and
// identity it sets. Anything but an account's create goes to the framework.
func (s *fastServer) fastCreate(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, bool) {
	if req.TypeName != userTypeName || req.PriorState == nil || req.PlannedState == nil || req.Config == nil || len(req.PlannedPrivate) > 0 {
		return nil, false
	}
	k, r := s.kind(req.TypeName)
	if k == nil {
		return nil, false
	}
	prior, err := req.PriorState.Unmarshal(k.typ)
	if err != nil || !prior.IsNull() {
		return nil, false
	}
	planned, err := req.PlannedState.Unmarshal(k.typ)
	if err != nil || planned.IsNull() {
		return nil, false
	}
	config, err := req.Config.Unmarshal(k.typ)
	if err != nil || config.IsNull() {
		return nil, false
	}
	idSchema := k.identity.IdentitySchema
	identity, ok := k.decodeIdentity(req.PlannedIdentity)
	if !ok {
		return nil, false
	}
	createResp := resource.CreateResponse{
		State:    tfsdk.State{Schema: k.schema, Raw: tftypes.NewValue(k.typ, nil)},
		Identity: &tfsdk.ResourceIdentity{Schema: idSchema, Raw: identity.Copy()},
	}
	r.Create(ctx, resource.CreateRequest{
		Config:   tfsdk.Config{Schema: k.schema, Raw: config},
		Plan:     tfsdk.Plan{Schema: k.schema, Raw: planned},
		Identity: &tfsdk.ResourceIdentity{Schema: idSchema, Raw: identity.Copy()},
	}, &createResp)
	// The create has run: whatever happens now is answered here, never
	// by a second create in the framework.
	diags := createResp.Diagnostics
	if !diags.HasError() && createResp.State.Raw.IsNull() {
		diags.AddError("Missing Resource State After Create", "The provider returned no state after creating the account without an error. "+
			"The account may exist in the app without Terraform tracking it: import it. This is a bug in the provider.")
	}
	if !diags.HasError() && (createResp.Identity == nil || createResp.Identity.Raw.IsFullyNull()) {
		diags.AddError("Missing Resource Identity After Create", "The provider returned no identity after creating the account. This is a bug in the provider.")
	}
	resp := &tfprotov6.ApplyResourceChangeResponse{}
	newState, err := tfprotov6.NewDynamicValue(k.typ, k.nullWriteOnly(createResp.State.Raw))
	if err != nil {
		diags.AddError("Provider Error: Cannot Encode the Account's State", err.Error())
	} else {
		resp.NewState = &newState
	}
	if createResp.Identity != nil {
		resp.NewIdentity = k.encodeIdentity(createResp.Identity.Raw)
	}
	resp.Diagnostics = protoDiagnostics(diags)
	return resp, true
}

// decodeIdentity is the identity a request carries: null when it carries
// none; false when it cannot be read.
func (k *fastKind) decodeIdentity(d *tfprotov6.ResourceIdentityData) (tftypes.Value, bool) {
	if d == nil || d.IdentityData == nil {
		return tftypes.NewValue(k.idType, nil), true
	}
	v, err := d.IdentityData.Unmarshal(k.idType)
	return v, err == nil
}

// encodeIdentity is v as the protocol carries an identity; nil when it
// cannot be encoded.
func (k *fastKind) encodeIdentity(v tftypes.Value) *tfprotov6.ResourceIdentityData {
	d, err := tfprotov6.NewDynamicValue(k.idType, v)
	if err != nil {
		return nil
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &d}
}

// writeOnlySet reports whether the configuration sets a write-only
// attribute.
func (k *fastKind) writeOnlySet(config tftypes.Value) bool {
	for name, a := range k.schema.Attributes {
		if a.IsWriteOnly() && !rawAttribute(config, name, k.typ.AttributeTypes[name]).IsNull() {
			return true
		}
	}
	return false
}

// nullWriteOnly is a state with its write-only attributes null, as the
// framework leaves every state.
func (k *fastKind) nullWriteOnly(v tftypes.Value) tftypes.Value {
	var fields map[string]tftypes.Value
	if v.IsNull() || v.As(&fields) != nil {
		return v
	}
	changed := false
	for name, a := range k.schema.Attributes {
		if a.IsWriteOnly() && !fields[name].IsNull() {
			fields[name] = tftypes.NewValue(k.typ.AttributeTypes[name], nil)
			changed = true
		}
	}
	if !changed {
		return v
	}
	return tftypes.NewValue(v.Type(), fields)
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
