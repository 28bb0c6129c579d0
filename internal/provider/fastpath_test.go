package provider

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

func sameValue(t *testing.T, call string, a, b *tfprotov6.DynamicValue) {
	t.Helper()
	_, typ := userSchema()
	if (a == nil) != (b == nil) {
		t.Fatalf("%s: the framework gave %v, the fast path %v", call, a, b)
	}
	if a == nil {
		return
	}
	va, err := a.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if !va.Equal(vb) {
		t.Errorf("%s: the framework gave\n%s\nthe fast path\n%s", call, va, vb)
	}
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

// TestFastPathKnowsTheSchema: the fast plan applies the schema's defaults
// itself and assumes its only plan modifier changes nothing when nothing
// changes; a schema change that breaks either fails here.
func TestFastPathKnowsTheSchema(t *testing.T) {
	sch, _ := userSchema()
	found := map[string]tftypes.Value{}
	for name, a := range sch.Attributes {
		switch x := a.(type) {
		case schema.BoolAttribute:
			if x.Default != nil {
				var resp defaults.BoolResponse
				x.Default.DefaultBool(context.Background(), defaults.BoolRequest{}, &resp)
				found[name] = tftypes.NewValue(tftypes.Bool, resp.PlanValue.ValueBool())
			}
			if len(x.PlanModifiers) > 0 {
				t.Errorf("%s has plan modifiers the fast plan does not know", name)
			}
		case schema.StringAttribute:
			if x.Default != nil {
				var resp defaults.StringResponse
				x.Default.DefaultString(context.Background(), defaults.StringRequest{}, &resp)
				found[name] = tftypes.NewValue(tftypes.String, resp.PlanValue.ValueString())
			}
			for _, m := range x.PlanModifiers {
				if m.Description(context.Background()) != stringplanmodifier.UseStateForUnknown().Description(context.Background()) || name != "id" {
					t.Errorf("%s has a plan modifier the fast plan does not know: %s", name, m.Description(context.Background()))
				}
			}
		case schema.MapAttribute:
			if x.Default != nil || len(x.PlanModifiers) > 0 {
				t.Errorf("%s has a default or plan modifiers the fast plan does not know", name)
			}
		case schema.Int64Attribute:
			if x.Default != nil || len(x.PlanModifiers) > 0 {
				t.Errorf("%s has a default or plan modifiers the fast plan does not know", name)
			}
		case schema.SingleNestedAttribute:
			if x.Default != nil || len(x.PlanModifiers) > 0 {
				t.Errorf("%s has a default or plan modifiers the fast plan does not know", name)
			}
		default:
			t.Errorf("%s is a %T, which the fast plan does not know", name, a)
		}
	}
	if len(found) != len(userDefaults) {
		t.Errorf("the schema's defaults %v, the fast plan's %v", found, userDefaults)
	}
	for name, v := range found {
		if !userDefaults[name].Equal(v) {
			t.Errorf("default of %s: the schema's %s, the fast plan's %s", name, v, userDefaults[name])
		}
	}
	if len(sch.Blocks) > 0 {
		t.Error("the schema has blocks, which the fast paths do not handle")
	}
}
