package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// The provider's own cost per account, through the protocol server as
// Terraform calls it (msgpack in and out, the framework's conversions, this
// provider's code), without Terraform: what a refresh pays per account
// (UpgradeResourceState, ReadResource, PlanResourceChange) and what a
// create pays (PlanResourceChange, ApplyResourceChange). The app is the
// local target in process; a refresh's reads come from one listing, as in
// a refresh of many accounts. `make bench` runs these with the others; the
// end-to-end figures against Terraform and a no-op provider are e2ebench's.

type benchServer struct {
	server   tfprotov6.ProviderServer
	userType tftypes.Type
	baseURL  string
	encoded  string
	compat   map[string]any
	extra    map[string]any // more configuration
}

func newBenchServer(b testing.TB) *benchServer {
	_, srv := scimtarget.NewTestServer(b, scimtarget.Options{BearerTokens: []string{testToken}})
	return newServerFor(b, scimtarget.BaseURL(srv), NewProtocolServer("bench", func(string) string { return "" })(), nil)
}

// newServerFor configures server for the app at baseURL; compat, when set,
// is the accounts' compatibility.
func newServerFor(b testing.TB, baseURL string, server tfprotov6.ProviderServer, compat map[string]any) *benchServer {
	b.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	cfg := mustValue(b, schemas.Provider.ValueType(), map[string]any{
		"credentials": []any{map[string]any{"url": baseURL, "bearer_token": testToken}},
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamic(b, schemas.Provider.ValueType(), cfg)})
	if err != nil || hasErrors(resp.Diagnostics) {
		b.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
	rules := []mapping.Rule{
		{Target: "userName", Source: "email"},
		{Target: "name.givenName", Source: "given_name"},
		{Target: "name.familyName", Source: "family_name"},
		{Target: `emails[type eq "work"].value`, Source: "email"},
		{Target: "title", Source: "title"},
		{Target: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", Source: "department"},
	}
	if compat == nil {
		compat = map[string]any{}
	}
	return &benchServer{server: server, userType: schemas.ResourceSchemas["scim_provisioned_user"].ValueType(), baseURL: baseURL, encoded: mapping.Encode(rules), compat: compat}
}

// config is the account's configuration as the e2ebench's user writes it.
func (s *benchServer) config(b testing.TB, key string) tftypes.Value {
	cfg := map[string]any{
		"connected_app_id":  s.baseURL,
		"compatibility":     s.compat,
		"attribute_mapping": s.encoded,
		"profile": map[string]any{
			"email": key + "@example.com", "given_name": "Given " + key, "family_name": "Family", "title": "Engineer", "department": "R&D",
		},
	}
	for k, v := range s.extra {
		cfg[k] = v
	}
	return mustValue(b, s.userType, cfg)
}

// create plans and applies one account, and returns its state.
func (s *benchServer) create(b testing.TB, key string) *tfprotov6.DynamicValue {
	ctx := context.Background()
	cfg := dynamic(b, s.userType, s.config(b, key))
	prior := dynamic(b, s.userType, tftypes.NewValue(s.userType, nil))
	plan, err := s.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "scim_provisioned_user", PriorState: prior, ProposedNewState: cfg, Config: cfg,
	})
	if err != nil || hasErrors(plan.Diagnostics) {
		b.Fatalf("PlanResourceChange (create): %v %v", err, plan.Diagnostics)
	}
	applied, err := s.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "scim_provisioned_user", PriorState: prior, PlannedState: plan.PlannedState, Config: cfg, PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil || hasErrors(applied.Diagnostics) {
		b.Fatalf("ApplyResourceChange: %v %v", err, applied.Diagnostics)
	}
	return applied.NewState
}

// refresh is what a plan with no changes costs one account.
func (s *benchServer) refresh(b testing.TB, stateJSON []byte, cfg *tfprotov6.DynamicValue) {
	ctx := context.Background()
	up, err := s.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "scim_provisioned_user", RawState: &tfprotov6.RawState{JSON: stateJSON},
	})
	if err != nil || hasErrors(up.Diagnostics) {
		b.Fatalf("UpgradeResourceState: %v %v", err, up.Diagnostics)
	}
	read, err := s.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "scim_provisioned_user", CurrentState: up.UpgradedState})
	if err != nil || hasErrors(read.Diagnostics) {
		b.Fatalf("ReadResource: %v %v", err, read.Diagnostics)
	}
	plan, err := s.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "scim_provisioned_user", PriorState: read.NewState, ProposedNewState: read.NewState, Config: cfg,
	})
	if err != nil || hasErrors(plan.Diagnostics) {
		b.Fatalf("PlanResourceChange: %v %v", err, plan.Diagnostics)
	}
}

func BenchmarkProviderServerRefresh(b *testing.B) {
	s := newBenchServer(b)
	const accounts = 200
	states := make([][]byte, accounts)
	configs := make([]*tfprotov6.DynamicValue, accounts)
	for i := range accounts {
		key := fmt.Sprintf("p%05d", i)
		st := s.create(b, key)
		v, err := st.Unmarshal(s.userType)
		if err != nil {
			b.Fatal(err)
		}
		states[i] = stateJSON(b, v)
		configs[i] = dynamic(b, s.userType, s.config(b, key))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.refresh(b, states[i%accounts], configs[i%accounts])
	}
}

func BenchmarkProviderServerCreate(b *testing.B) {
	s := newBenchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.create(b, fmt.Sprintf("c%07d", i))
	}
}

func mustValue(b testing.TB, typ tftypes.Type, v map[string]any) tftypes.Value {
	b.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	val, err := (&tfprotov6.RawState{JSON: raw}).UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
	if err != nil {
		b.Fatal(err)
	}
	return val
}

func dynamic(b testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	d, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &d
}

// stateJSON is v as Terraform keeps it in its state file.
func stateJSON(b testing.TB, v tftypes.Value) []byte {
	b.Helper()
	var conv func(tftypes.Value) any
	conv = func(v tftypes.Value) any {
		if v.IsNull() || !v.IsKnown() {
			return nil
		}
		switch {
		case v.Type().Is(tftypes.String):
			var s string
			_ = v.As(&s)
			return s
		case v.Type().Is(tftypes.Bool):
			var x bool
			_ = v.As(&x)
			return x
		case v.Type().Is(tftypes.Number):
			var f float64
			n := new(big.Float)
			_ = v.As(&n)
			f, _ = n.Float64()
			return f
		case v.Type().Is(tftypes.List{}) || v.Type().Is(tftypes.Set{}) || v.Type().Is(tftypes.Tuple{}):
			var xs []tftypes.Value
			_ = v.As(&xs)
			out := []any{}
			for _, x := range xs {
				out = append(out, conv(x))
			}
			return out
		default:
			var m map[string]tftypes.Value
			_ = v.As(&m)
			out := map[string]any{}
			for k, x := range m {
				out[k] = conv(x)
			}
			return out
		}
	}
	raw, err := json.Marshal(conv(v))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func hasErrors(ds []*tfprotov6.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// BenchmarkProviderServerGroupRefresh is what a plan with no changes costs
// a group of 10,000 members through the protocol server.
func BenchmarkProviderServerGroupRefresh(b *testing.B) {
	ctx := context.Background()
	target, srv := scimtarget.NewTestServer(b, scimtarget.Options{BearerTokens: []string{testToken}})
	s := newServerFor(b, scimtarget.BaseURL(srv), NewProtocolServer("bench", func(string) string { return "" })(), nil)
	schemas, err := s.server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	typ := schemas.ResourceSchemas["scim_provisioned_group"].ValueType()
	members := make([]any, 10000)
	for i := range members {
		id, err := target.AddUser(map[string]any{"userName": fmt.Sprintf("member%05d@example.com", i)})
		if err != nil {
			b.Fatal(err)
		}
		members[i] = id
	}
	cfg := dynamic(b, typ, mustValue(b, typ, map[string]any{"connected_app_id": s.baseURL, "display_name": "Everyone", "members": members}))
	prior := dynamic(b, typ, tftypes.NewValue(typ, nil))
	plan, err := s.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "scim_provisioned_group", PriorState: prior, ProposedNewState: cfg, Config: cfg})
	if err != nil || hasErrors(plan.Diagnostics) {
		b.Fatal(err, plan.Diagnostics)
	}
	applied, err := s.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: "scim_provisioned_group", PriorState: prior, PlannedState: plan.PlannedState, Config: cfg})
	if err != nil || hasErrors(applied.Diagnostics) {
		b.Fatal(err, applied.Diagnostics)
	}
	v, err := applied.NewState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	raw := stateJSON(b, v)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		up, err := s.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "scim_provisioned_group", RawState: &tfprotov6.RawState{JSON: raw}})
		if err != nil || hasErrors(up.Diagnostics) {
			b.Fatal(err, up.Diagnostics)
		}
		read, err := s.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "scim_provisioned_group", CurrentState: up.UpgradedState})
		if err != nil || hasErrors(read.Diagnostics) {
			b.Fatal(err, read.Diagnostics)
		}
		req := &tfprotov6.PlanResourceChangeRequest{TypeName: "scim_provisioned_group", PriorState: read.NewState, ProposedNewState: read.NewState, Config: cfg}
		if i == 0 {
			if _, answered := s.server.(*fastServer).fastPlan(ctx, req); !answered {
				b.Fatal("the fast path left the group's plan to the framework")
			}
		}
		p, err := s.server.PlanResourceChange(ctx, req)
		if err != nil || hasErrors(p.Diagnostics) {
			b.Fatal(err, p.Diagnostics)
		}
	}
}
