package provider

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/openscim/terraform-provider-scim/internal/pluginserver"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// fastPair is the provider's server with its fast paths and the
// framework's own, configured alike against one app.
type fastPair struct {
	fast   *fastServer
	viaFW  *benchServer // the framework's server
	viaFP  *benchServer // the same calls through the fast paths
	target *scimtarget.Target
}

func newFastPair(t *testing.T, compat map[string]any) *fastPair {
	t.Helper()
	target, srv := scimtarget.NewTestServer(t, scimtarget.Options{BearerTokens: []string{testToken}})
	env := func(string) string { return "" }
	fast, ok := NewProtocolServer("test", env)().(*fastServer)
	if !ok {
		t.Fatal("NewProtocolServer did not put the fast paths in front of the framework's server")
	}
	return &fastPair{
		fast:   fast,
		viaFP:  newServerFor(t, scimtarget.BaseURL(srv), fast, compat),
		viaFW:  newServerFor(t, scimtarget.BaseURL(srv), providerserver.NewProtocol6(NewWithEnv("test", env)())(), compat),
		target: target,
	}
}

// configWith is the account's configuration with some attributes changed.
func (p *fastPair) configWith(t *testing.T, key string, change map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	v := p.viaFW.config(t, key)
	var fields map[string]tftypes.Value
	if err := v.As(&fields); err != nil {
		t.Fatal(err)
	}
	_, typ := userSchema()
	for name, val := range change {
		ft := typ.AttributeTypes[name]
		switch x := val.(type) {
		case nil:
			fields[name] = tftypes.NewValue(ft, nil)
		case map[string]string:
			m := map[string]tftypes.Value{}
			for k, s := range x {
				m[k] = tftypes.NewValue(tftypes.String, s)
			}
			fields[name] = tftypes.NewValue(ft, m)
		default:
			fields[name] = tftypes.NewValue(ft, x)
		}
	}
	return dynamic(t, typ, tftypes.NewValue(typ, fields))
}

// read runs UpgradeResourceState and ReadResource on both servers and
// checks they answer alike; it returns the framework's answer, and whether
// the fast path answered the read itself.
func (p *fastPair) read(t *testing.T, state *tfprotov6.DynamicValue) (*tfprotov6.ReadResourceResponse, bool) {
	t.Helper()
	ctx := context.Background()
	_, typ := userSchema()
	v, err := state.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	raw := &tfprotov6.RawState{JSON: stateJSON(t, v)}
	upFW, _ := p.viaFW.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: userTypeName, RawState: raw})
	upFP, _ := p.fast.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: userTypeName, RawState: raw})
	sameValue(t, "UpgradeResourceState", upFW.UpgradedState, upFP.UpgradedState)
	fw, err := p.viaFW.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: userTypeName, CurrentState: upFW.UpgradedState})
	if err != nil {
		t.Fatal(err)
	}
	fp, answered := p.fast.fastRead(ctx, &tfprotov6.ReadResourceRequest{TypeName: userTypeName, CurrentState: upFP.UpgradedState})
	if !answered {
		fp, _ = p.fast.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: userTypeName, CurrentState: upFP.UpgradedState})
	}
	sameValue(t, "ReadResource", fw.NewState, fp.NewState)
	sameDiagnostics(t, "ReadResource", fw.Diagnostics, fp.Diagnostics)
	sameIdentity(t, "ReadResource", fw.NewIdentity, fp.NewIdentity)
	if !bytes.Equal(fw.Private, fp.Private) {
		t.Errorf("ReadResource: private %q, the fast path %q", fw.Private, fp.Private)
	}
	return fw, answered
}

// plan runs PlanResourceChange with prior as both prior and proposed state
// (what Terraform proposes when the configuration sets what the state
// holds) on both servers, checks they answer alike, and reports whether
// the fast path answered.
func (p *fastPair) plan(t *testing.T, prior, proposed, config *tfprotov6.DynamicValue, identity ...*tfprotov6.ResourceIdentityData) (*tfprotov6.PlanResourceChangeResponse, bool) {
	t.Helper()
	ctx := context.Background()
	req := func() *tfprotov6.PlanResourceChangeRequest {
		r := &tfprotov6.PlanResourceChangeRequest{TypeName: userTypeName, PriorState: prior, ProposedNewState: proposed, Config: config}
		if len(identity) > 0 {
			r.PriorIdentity = identity[0] // Terraform 1.12 and later send it
		}
		return r
	}
	fw, err := p.viaFW.server.PlanResourceChange(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	fp, answered := p.fast.fastPlan(ctx, req())
	if !answered {
		fp, _ = p.fast.PlanResourceChange(ctx, req())
	}
	sameValue(t, "PlanResourceChange", fw.PlannedState, fp.PlannedState)
	sameDiagnostics(t, "PlanResourceChange", fw.Diagnostics, fp.Diagnostics)
	sameIdentity(t, "PlanResourceChange", fw.PlannedIdentity, fp.PlannedIdentity)
	if !bytes.Equal(fw.PlannedPrivate, fp.PlannedPrivate) || len(fw.RequiresReplace) != len(fp.RequiresReplace) {
		t.Errorf("PlanResourceChange: private %q and %d replacements; the fast path %q and %d", fw.PlannedPrivate, len(fw.RequiresReplace), fp.PlannedPrivate, len(fp.RequiresReplace))
	}
	return fw, answered
}

// sameValue compares two answers' account values.
func sameValue(t *testing.T, call string, a, b *tfprotov6.DynamicValue) {
	t.Helper()
	sameKindValue(t, fastKinds()[userTypeName], call, a, b)
}

func sameDiagnostics(t *testing.T, call string, a, b []*tfprotov6.Diagnostic) {
	t.Helper()
	text := func(ds []*tfprotov6.Diagnostic) string {
		out := ""
		for _, d := range ds {
			out += fmt.Sprintf("[%v %q %q %v] ", d.Severity, d.Summary, d.Detail, d.Attribute)
		}
		return out
	}
	if text(a) != text(b) {
		t.Errorf("%s: the framework's diagnostics %s, the fast path's %s", call, text(a), text(b))
	}
}

func sameIdentity(t *testing.T, call string, a, b *tfprotov6.ResourceIdentityData) {
	t.Helper()
	enc := func(i *tfprotov6.ResourceIdentityData) []byte {
		if i == nil || i.IdentityData == nil {
			return nil
		}
		return i.IdentityData.MsgPack
	}
	if !bytes.Equal(enc(a), enc(b)) {
		t.Errorf("%s: the framework's identity %x, the fast path's %x", call, enc(a), enc(b))
	}
}

// TestFastPathAnswersAsTheFramework: on the calls a refresh makes, the fast
// paths answer exactly as the framework's server does, and answer
// themselves only where nothing changes.
func TestFastPathAnswersAsTheFramework(t *testing.T) {
	p := newFastPair(t, nil)
	userID := func(state *tfprotov6.DynamicValue) string {
		_, typ := userSchema()
		v, _ := state.Unmarshal(typ)
		id, _ := rawString(v, "id")
		return id
	}

	t.Run("unchanged", func(t *testing.T) {
		state := p.viaFW.create(t, "same")
		read, answered := p.read(t, state)
		if !answered {
			t.Error("the fast path left an unchanged account's read to the framework")
		}
		config := p.configWith(t, "same", nil)
		if _, answered := p.plan(t, read.NewState, read.NewState, config); !answered {
			t.Error("the fast path left an unchanged account's plan to the framework")
		}
		if read.NewIdentity == nil {
			t.Fatal("the read gave no identity")
		}
		if _, answered := p.plan(t, read.NewState, read.NewState, config, read.NewIdentity); !answered {
			t.Error("the fast path left an unchanged account's plan with its identity to the framework")
		}
	})
	t.Run("edited in the app", func(t *testing.T) {
		state := p.viaFW.create(t, "edited")
		if err := p.target.SetUserAttribute(userID(state), "title", "Manager"); err != nil {
			t.Fatal(err)
		}
		read, _ := p.read(t, state)
		if _, answered := p.plan(t, read.NewState, read.NewState, p.configWith(t, "edited", nil)); answered {
			t.Error("the fast path answered a plan that repairs drift")
		}
	})
	t.Run("deactivated in the app, active left to its default", func(t *testing.T) {
		state := p.viaFW.create(t, "deactivated")
		if err := p.target.DeactivateUser(userID(state)); err != nil {
			t.Fatal(err)
		}
		read, _ := p.read(t, state)
		if _, answered := p.plan(t, read.NewState, read.NewState, p.configWith(t, "deactivated", map[string]any{"active": nil})); answered {
			t.Error("the fast path answered a plan whose default reactivates the account")
		}
	})
	t.Run("deleted in the app", func(t *testing.T) {
		state := p.viaFW.create(t, "deleted")
		if err := p.target.DeleteUser(userID(state)); err != nil {
			t.Fatal(err)
		}
		read, _ := p.read(t, state)
		if len(read.Diagnostics) == 0 {
			t.Error("no warning that the account was deleted in the app")
		}
	})
	t.Run("profile changed", func(t *testing.T) {
		state := p.viaFW.create(t, "changed")
		read, _ := p.read(t, state)
		config := p.configWith(t, "changed", map[string]any{"profile": map[string]string{
			"email": "changed@example.com", "given_name": "Other", "family_name": "Family", "title": "Engineer", "department": "R&D",
		}})
		_, typ := userSchema()
		proposed, _ := read.NewState.Unmarshal(typ)
		var fields map[string]tftypes.Value
		_ = proposed.As(&fields)
		cfg, _ := config.Unmarshal(typ)
		var cfields map[string]tftypes.Value
		_ = cfg.As(&cfields)
		fields["profile"] = cfields["profile"]
		if _, answered := p.plan(t, read.NewState, dynamic(t, typ, tftypes.NewValue(typ, fields)), config); answered {
			t.Error("the fast path answered a plan that changes the profile")
		}
	})
	t.Run("a password in the configuration", func(t *testing.T) {
		state := p.viaFW.create(t, "password")
		read, _ := p.read(t, state)
		if _, answered := p.plan(t, read.NewState, read.NewState, p.configWith(t, "password", map[string]any{"password_wo": "s3cret-pw"})); answered {
			t.Error("the fast path answered a plan with a write-only password")
		}
	})
}

// A plan that warns (Slack's DELETE only deactivates) is the framework's,
// warning and all.
func TestFastPathLeavesWarningsToTheFramework(t *testing.T) {
	p := newFastPair(t, map[string]any{"vendor": "slack"})
	p.viaFW.extra = map[string]any{"deprovision": "delete"}
	p.viaFP.extra = p.viaFW.extra
	state := p.viaFW.create(t, "leaver")
	read, _ := p.read(t, state)
	fw, answered := p.plan(t, read.NewState, read.NewState, p.configWith(t, "leaver", nil))
	if answered {
		t.Error("the fast path answered a plan")
	}
	if len(fw.Diagnostics) == 0 {
		t.Fatal("no warning about deprovision = \"delete\" on Slack: the scenario does not test what it says")
	}
}

// TestFastPathKnowsTheSchema: the fast plans apply the schemas' defaults
// themselves (read from the schemas) and assume the one plan modifier they
// use, UseStateForUnknown, changes nothing when the prior state is known or
// null; a schema that gains another kind of default or plan modifier fails
// here.
func TestFastPathKnowsTheSchema(t *testing.T) {
	ctx := context.Background()
	useState := stringplanmodifier.UseStateForUnknown().Description(ctx)
	for typeName, k := range fastKinds() {
		for name, a := range k.schema.Attributes {
			switch x := a.(type) {
			case schema.BoolAttribute:
				if len(x.PlanModifiers) > 0 {
					t.Errorf("%s.%s has plan modifiers the fast plan does not know", typeName, name)
				}
			case schema.StringAttribute:
				for _, m := range x.PlanModifiers {
					if m.Description(ctx) != useState {
						t.Errorf("%s.%s has a plan modifier the fast plan does not know: %s", typeName, name, m.Description(ctx))
					}
				}
			case schema.MapAttribute:
				if x.Default != nil || len(x.PlanModifiers) > 0 {
					t.Errorf("%s.%s has a default or plan modifiers the fast plan does not know", typeName, name)
				}
			case schema.ListAttribute:
				if x.Default != nil || len(x.PlanModifiers) > 0 {
					t.Errorf("%s.%s has a default or plan modifiers the fast plan does not know", typeName, name)
				}
			case schema.Int64Attribute:
				if x.Default != nil || len(x.PlanModifiers) > 0 {
					t.Errorf("%s.%s has a default or plan modifiers the fast plan does not know", typeName, name)
				}
			case schema.SingleNestedAttribute:
				if x.Default != nil || len(x.PlanModifiers) > 0 {
					t.Errorf("%s.%s has a default or plan modifiers the fast plan does not know", typeName, name)
				}
			default:
				t.Errorf("%s.%s is a %T, which the fast plan does not know", typeName, name, a)
			}
		}
		if len(k.schema.Blocks) > 0 {
			t.Errorf("%s has blocks, which the fast paths do not handle", typeName)
		}
	}
	want := map[string]tftypes.Value{
		"active":         tftypes.NewValue(tftypes.Bool, true),
		"deprovision":    tftypes.NewValue(tftypes.String, "deactivate"),
		"adopt_existing": tftypes.NewValue(tftypes.Bool, false),
		"adopt_by":       tftypes.NewValue(tftypes.String, "userName"),
	}
	got := fastKinds()[userTypeName].defaults
	if len(got) != len(want) {
		t.Errorf("an account's defaults: %v, want %v", got, want)
	}
	for name, v := range want {
		if !got[name].Equal(v) {
			t.Errorf("an account's default %s: %s, want %s", name, got[name], v)
		}
	}
}

// createRequests are a create's plan and apply requests for key.
func (p *fastPair) createPlanRequest(t *testing.T, key string) *tfprotov6.PlanResourceChangeRequest {
	_, typ := userSchema()
	cfg := p.viaFW.config(t, key)
	return &tfprotov6.PlanResourceChangeRequest{
		TypeName: userTypeName, PriorState: dynamic(t, typ, tftypes.NewValue(typ, nil)),
		ProposedNewState: dynamic(t, typ, cfg), Config: dynamic(t, typ, cfg),
	}
}

// withoutIDs is an account's state with what differs between two creates
// of the same account (its id and what derives from it) left out.
func withoutIDs(t *testing.T, v *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	_, typ := userSchema()
	val, err := v.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]tftypes.Value
	if err := val.As(&fields); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"id", "location", "version"} {
		fields[name] = tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(typ, fields)
}

// TestFastPathCreatesAsTheFramework: a create's plan and apply through the
// fast paths answer as the framework's do, and a plan that warns is the
// framework's.
func TestFastPathCreatesAsTheFramework(t *testing.T) {
	ctx := context.Background()
	p := newFastPair(t, nil)

	// The plan of a create, on both servers.
	req := p.createPlanRequest(t, "newcomer")
	fwPlan, err := p.viaFW.server.PlanResourceChange(ctx, req)
	if err != nil || hasErrors(fwPlan.Diagnostics) {
		t.Fatal(err, fwPlan.Diagnostics)
	}
	fpPlan, answered := p.fast.fastPlan(ctx, p.createPlanRequest(t, "newcomer"))
	if !answered {
		t.Fatal("the fast path left a create's plan to the framework")
	}
	sameValue(t, "PlanResourceChange (create)", fwPlan.PlannedState, fpPlan.PlannedState)
	sameDiagnostics(t, "PlanResourceChange (create)", fwPlan.Diagnostics, fpPlan.Diagnostics)
	sameIdentity(t, "PlanResourceChange (create)", fwPlan.PlannedIdentity, fpPlan.PlannedIdentity)
	if !bytes.Equal(fwPlan.PlannedPrivate, fpPlan.PlannedPrivate) {
		t.Errorf("private: the framework's %q, the fast path's %q", fwPlan.PlannedPrivate, fpPlan.PlannedPrivate)
	}

	// The apply: the framework's first; the account is then deleted in
	// the app and made again through the fast path.
	apply := func(plan *tfprotov6.PlanResourceChangeResponse) *tfprotov6.ApplyResourceChangeRequest {
		return &tfprotov6.ApplyResourceChangeRequest{TypeName: userTypeName, PriorState: req.PriorState, PlannedState: plan.PlannedState,
			Config: req.Config, PlannedPrivate: plan.PlannedPrivate, PlannedIdentity: plan.PlannedIdentity}
	}
	fwApplied, err := p.viaFW.server.ApplyResourceChange(ctx, apply(fwPlan))
	if err != nil || hasErrors(fwApplied.Diagnostics) {
		t.Fatal(err, fwApplied.Diagnostics)
	}
	_, typ := userSchema()
	v, _ := fwApplied.NewState.Unmarshal(typ)
	id, _ := rawString(v, "id")
	if err := p.target.DeleteUser(id); err != nil {
		t.Fatal(err)
	}
	fpApplied, answered := p.fast.fastCreate(ctx, apply(fpPlan))
	if !answered {
		t.Fatal("the fast path left a create to the framework")
	}
	if !withoutIDs(t, fwApplied.NewState).Equal(withoutIDs(t, fpApplied.NewState)) {
		t.Errorf("ApplyResourceChange: the framework's state\n%s\nthe fast path's\n%s", withoutIDs(t, fwApplied.NewState), withoutIDs(t, fpApplied.NewState))
	}
	sameDiagnostics(t, "ApplyResourceChange", fwApplied.Diagnostics, fpApplied.Diagnostics)
	if (fwApplied.NewIdentity == nil) != (fpApplied.NewIdentity == nil) || fpApplied.NewIdentity == nil {
		t.Fatalf("identity: the framework's %v, the fast path's %v", fwApplied.NewIdentity, fpApplied.NewIdentity)
	}
	if !bytes.Equal(fwApplied.Private, fpApplied.Private) {
		t.Errorf("private: the framework's %q, the fast path's %q", fwApplied.Private, fpApplied.Private)
	}

	// A create that will link the deactivated account (a rehire) warns at
	// plan: the framework's answer.
	v, _ = fpApplied.NewState.Unmarshal(typ)
	id, _ = rawString(v, "id")
	if err := p.target.DeactivateUser(id); err != nil {
		t.Fatal(err)
	}
	fwRehire, err := p.viaFW.server.PlanResourceChange(ctx, p.createPlanRequest(t, "newcomer"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fwRehire.Diagnostics) == 0 {
		t.Fatal("no rehire warning from the framework: the scenario does not test what it says")
	}
	if _, answered := p.fast.fastPlan(ctx, p.createPlanRequest(t, "newcomer")); answered {
		t.Error("the fast path answered the plan of a create that will link an inactive account")
	}
	fpRehire, _ := p.fast.PlanResourceChange(ctx, p.createPlanRequest(t, "newcomer"))
	sameValue(t, "PlanResourceChange (rehire)", fwRehire.PlannedState, fpRehire.PlannedState)
	sameDiagnostics(t, "PlanResourceChange (rehire)", fwRehire.Diagnostics, fpRehire.Diagnostics)
}

// TestAccFastPathsServeARealCommand: under the Terraform CLI, the creates
// of an apply and the refresh of a plan with no changes are answered by the
// fast paths (their counters), and the result is what every other
// acceptance test checks through them.
func TestAccFastPathsServeARealCommand(t *testing.T) {
	_, baseURL := newTestTarget(t)
	var (
		mu      sync.Mutex
		servers []*fastServer
	)
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"scim": func() (tfprotov6.ProviderServer, error) {
			s, ok := NewProtocolServer("test", providerEnv(nil).getenv)().(*fastServer)
			if !ok {
				return nil, fmt.Errorf("no fast paths")
			}
			mu.Lock()
			servers = append(servers, s)
			mu.Unlock()
			return pluginserver.Wrap(s), nil
		},
	}
	var before [5]int64
	counts := func() [5]int64 {
		mu.Lock()
		defer mu.Unlock()
		var c [5]int64
		for _, s := range servers {
			c[0] += s.answered.upgrade.Load()
			c[1] += s.answered.read.Load()
			c[2] += s.answered.plan.Load()
			c[3] += s.answered.createPlan.Load()
			c[4] += s.answered.create.Load()
		}
		return c
	}
	config := peopleConfig{baseURL: baseURL, people: threePeople()}.String()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					c := counts()
					if c[4] != 3 || c[3] < 3 {
						return fmt.Errorf("the fast paths answered %d creates and %d plans of creates, want 3 and at least 3", c[4], c[3])
					}
					before = c
					return nil
				},
			},
			{
				Config:   config,
				PlanOnly: true,
				PreConfig: func() {
					before = counts()
				},
			},
			{
				Config: config,
				Check: func(*terraform.State) error {
					c := counts()
					for i, name := range []string{"state upgrades", "reads", "plans with no changes"} {
						if c[i]-before[i] < 3 {
							return fmt.Errorf("the fast paths answered %d %s of the three accounts' refresh, want at least 3 (all: %v, before %v)", c[i]-before[i], name, c, before)
						}
					}
					return nil
				},
			},
		},
	})
}

// TestFastPathGroupsAsTheFramework: a group's refresh through the fast
// paths answers as the framework's does; a member changed in the app is the
// framework's plan.
func TestFastPathGroupsAsTheFramework(t *testing.T) {
	ctx := context.Background()
	p := newFastPair(t, nil)
	k := fastKinds()[groupTypeName]
	members := []any{}
	for i := range 50 {
		id, err := p.target.AddUser(map[string]any{"userName": fmt.Sprintf("member%02d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, id)
	}
	cfgValue := mustValue(t, k.typ, map[string]any{"connected_app_id": p.viaFW.baseURL, "display_name": "Everyone", "members": members})
	cfg := dynamic(t, k.typ, cfgValue)
	null := dynamic(t, k.typ, tftypes.NewValue(k.typ, nil))
	plan, err := p.viaFW.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: groupTypeName, PriorState: null, ProposedNewState: cfg, Config: cfg})
	if err != nil || hasErrors(plan.Diagnostics) {
		t.Fatal(err, plan.Diagnostics)
	}
	applied, err := p.viaFW.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: groupTypeName, PriorState: null, PlannedState: plan.PlannedState, Config: cfg, PlannedIdentity: plan.PlannedIdentity})
	if err != nil || hasErrors(applied.Diagnostics) {
		t.Fatal(err, applied.Diagnostics)
	}
	refresh := func(wantPlanAnswered bool) {
		t.Helper()
		read, err := p.viaFW.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: groupTypeName, CurrentState: applied.NewState})
		if err != nil {
			t.Fatal(err)
		}
		fpRead, answered := p.fast.fastRead(ctx, &tfprotov6.ReadResourceRequest{TypeName: groupTypeName, CurrentState: applied.NewState})
		if !answered {
			t.Fatal("the fast path left a group's read to the framework")
		}
		sameKindValue(t, k, "ReadResource (group)", read.NewState, fpRead.NewState)
		sameDiagnostics(t, "ReadResource (group)", read.Diagnostics, fpRead.Diagnostics)
		sameIdentity(t, "ReadResource (group)", read.NewIdentity, fpRead.NewIdentity)
		// Terraform proposes the configured members over the state.
		prior, err := read.NewState.Unmarshal(k.typ)
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]tftypes.Value
		_ = prior.As(&fields)
		fields["members"] = rawAttribute(cfgValue, "members", k.typ.AttributeTypes["members"])
		proposed := dynamic(t, k.typ, tftypes.NewValue(k.typ, fields))
		req := func() *tfprotov6.PlanResourceChangeRequest {
			return &tfprotov6.PlanResourceChangeRequest{TypeName: groupTypeName, PriorState: read.NewState, ProposedNewState: proposed, Config: cfg, PriorIdentity: read.NewIdentity}
		}
		fw, err := p.viaFW.server.PlanResourceChange(ctx, req())
		if err != nil {
			t.Fatal(err)
		}
		fp, answered := p.fast.fastPlan(ctx, req())
		if answered != wantPlanAnswered {
			t.Errorf("the fast path answered the group's plan: %v, want %v", answered, wantPlanAnswered)
		}
		if !answered {
			fp, _ = p.fast.PlanResourceChange(ctx, req())
		}
		sameKindValue(t, k, "PlanResourceChange (group)", fw.PlannedState, fp.PlannedState)
		sameDiagnostics(t, "PlanResourceChange (group)", fw.Diagnostics, fp.Diagnostics)
		sameIdentity(t, "PlanResourceChange (group)", fw.PlannedIdentity, fp.PlannedIdentity)
	}
	refresh(true)
	// A member removed in the app: the plan puts it back.
	v, _ := applied.NewState.Unmarshal(k.typ)
	id, _ := rawString(v, "id")
	if err := p.target.RemoveGroupMember(id, members[7].(string)); err != nil {
		t.Fatal(err)
	}
	refresh(false)
}

// sameKindValue compares two answers' values of one resource type; both
// must be given or neither.
func sameKindValue(t *testing.T, k *fastKind, call string, a, b *tfprotov6.DynamicValue) {
	t.Helper()
	if (a == nil) != (b == nil) {
		t.Fatalf("%s: the framework gave %v, the fast path %v", call, a, b)
	}
	if a == nil {
		return
	}
	va, err := a.Unmarshal(k.typ)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.Unmarshal(k.typ)
	if err != nil {
		t.Fatal(err)
	}
	if !va.Equal(vb) {
		t.Errorf("%s: the framework gave\n%s\nthe fast path\n%s", call, va, vb)
	}
}
