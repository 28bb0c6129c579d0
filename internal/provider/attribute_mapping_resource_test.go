package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const coreUserURN = "urn:ietf:params:scim:schemas:core:2.0:User"

// fourPeople are threePeople plus Erin, who has neither a title nor a
// given name, so rules on those change nothing for her.
func fourPeople() map[string]map[string]string {
	p := threePeople()
	p["erin"] = map[string]string{"email": "erin@example.com", "family_name": "Oko", "department": "Legal"}
	return p
}

// A changed mapping is an update of every affected account, planned with
// the exact new attributes, applied as one minimal PATCH per account; an
// account the change does not touch plans nothing.
func TestAccAttributeMapping_changePlansMinimalUpdates(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: fourPeople()}
	changedConfig := cfg.plusRules(nickNameRule).replacingRule(upperTitleRule).String()
	alice, bob, carol, erin := "scim_provisioned_user.alice", "scim_provisioned_user.bob", "scim_provisioned_user.carol", "scim_provisioned_user.erin"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, u := range target.Users() {
				if u["active"] != false {
					return fmt.Errorf("account %v is still active after destroy", u["userName"])
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check: checkTarget(func() error {
					if n := len(target.Users()); n != 4 {
						return fmt.Errorf("target has %d accounts, want 4", n)
					}
					target.ResetRequests()
					return nil
				}),
			},
			{
				Config: changedConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_attribute_mapping.app", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("scim_attribute_mapping.app", tfjsonpath.New("managed_attributes"), knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact("displayName"),
							knownvalue.StringExact(`emails[type eq "work"].value`),
							knownvalue.StringExact("name.familyName"),
							knownvalue.StringExact("name.givenName"),
							knownvalue.StringExact("nickName"),
							knownvalue.StringExact("title"),
							knownvalue.StringExact(enterpriseURN + ":department"),
							knownvalue.StringExact("userName"),
						})),
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes"), knownvalue.MapExact(map[string]knownvalue.Check{
							"userName":                     knownvalue.StringExact("alice@example.com"),
							"name.givenName":               knownvalue.StringExact("Alice"),
							"name.familyName":              knownvalue.StringExact("Ng"),
							"displayName":                  knownvalue.StringExact("Alice Ng"),
							`emails[type eq "work"].value`: knownvalue.StringExact("alice@example.com"),
							"title":                        knownvalue.StringExact("ENGINEER"),
							"nickName":                     knownvalue.StringExact("Alice"),
							enterpriseURN + ":department":  knownvalue.StringExact("R&D"),
						})),
						plancheck.ExpectResourceAction(bob, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(bob, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("ACCOUNT EXECUTIVE")),
						plancheck.ExpectKnownValue(bob, tfjsonpath.New("attributes").AtMapKey("nickName"), knownvalue.StringExact("Bob")),
						// Carol has no title: only the new rule reaches her.
						plancheck.ExpectResourceAction(carol, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(carol, tfjsonpath.New("attributes").AtMapKey("nickName"), knownvalue.StringExact("Carol")),
						plancheck.ExpectKnownValue(carol, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(7)),
						// Erin has neither: nothing to do.
						plancheck.ExpectResourceAction(erin, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("ENGINEER")),
					statecheck.ExpectKnownValue(erin, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(4)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						return expectPatches(target, map[string][]string{
							"alice@example.com": {`add nickName "Alice"`, `replace title "ENGINEER"`},
							"bob@example.com":   {`add nickName "Bob"`, `replace title "ACCOUNT EXECUTIVE"`},
							"carol@example.com": {`add nickName "Carol"`},
						})
					}),
					checkTarget(func() error { return expectTargetAttr(target, "alice@example.com", field("title"), "ENGINEER") }),
					checkTarget(func() error { return expectTargetAttr(target, "carol@example.com", field("nickName"), "Carol") }),
					checkTarget(func() error { return expectTargetAttr(target, "erin@example.com", field("nickName"), nil) }),
				),
			},
		},
	})
}

// Dropping a rule removes the attribute from every account that had it.
func TestAccAttributeMapping_removedRuleRemovesAttribute(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	withoutDepartment := cfg.withoutRules(enterpriseURN + ":department").String()
	alice := "scim_provisioned_user.alice"
	department := field(enterpriseURN, "department")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, u := range target.Users() {
				if u["active"] != false {
					return fmt.Errorf("account %v is still active after destroy", u["userName"])
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check: checkTarget(func() error {
					target.ResetRequests()
					return expectTargetAttr(target, "alice@example.com", department, "R&D")
				}),
			},
			{
				Config: withoutDepartment,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(6)),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						remove := []string{"remove " + enterpriseURN + ":department"}
						return expectPatches(target, map[string][]string{
							"alice@example.com": remove, "bob@example.com": remove, "carol@example.com": remove,
						})
					}),
					checkTarget(func() error { return expectTargetAttr(target, "alice@example.com", department, nil) }),
					checkTarget(func() error { return expectTargetAttr(target, "carol@example.com", department, nil) }),
					// Everything else is untouched.
					checkTarget(func() error { return expectTargetAttr(target, "alice@example.com", field("title"), "Engineer") }),
				),
			},
		},
	})
}

// A rule the app's schema cannot take is an error at plan time that names
// the rule; nothing reaches the app.
func TestAccAttributeMapping_planTimeErrorsNameTheRule(t *testing.T) {
	target, baseURL := newTestTarget(t)
	alice := map[string]map[string]string{"alice": threePeople()["alice"]}
	cfg := peopleConfig{baseURL: baseURL, people: alice}
	withRule := func(rule mappingRule) string { return cfg.plusRules(rule).String() }
	// The extra rule comes after the 7 base rules.
	steps := []struct{ config, want string }{
		{withRule(mappingRule{target: "titel", source: "title"}),
			`Attribute Mapping Does Not Fit the App's Schema .* rule 8 (target "titel"): the app's schema does not describe titel: .* did you mean "title"?`},
		{withRule(mappingRule{target: `groups[type eq "direct"].value`, value: "g1"}),
			`rule 8 (target "groups[type eq \"direct\"].value"): groups[type eq "direct"].value is readOnly in the app's schema`},
		{withRule(mappingRule{target: "id", value: "x"}),
			`Invalid Attribute Mapping Rule .* rule 8 (target "id"): id is set by the app, not by a mapping rule`},
		{withRule(mappingRule{target: `emails[type eq "work"].primary`, value: "maybe"}),
			`rule 8 (target "emails[type eq \"work\"].primary"): value "maybe" does not fit: the app's schema types this attribute as boolean; use "true" or "false"`},
		{cfg.plusRules(nickNameRule).withoutRules("userName").String(),
			`Invalid Attribute Mapping .* no rule maps userName, which every SCIM account needs`},
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		testSteps = append(testSteps, resource.TestStep{Config: s.config, PlanOnly: true, ExpectError: regexpParts(s.want)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return expectNoWrites(target) },
		Steps:                    testSteps,
	})
}

// A mapping the app stops accepting is reported by the refresh in
// schema_problems, one entry naming each rule at fault, so a scheduled plan
// or `terraform show` sees it; nothing about the accounts changes. A changed
// mapping is checked again at plan time; once the app accepts the rules
// again, the next refresh empties the list.
func TestAccAttributeMapping_schemaProblemsOnRefresh(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": threePeople()["alice"]}}
	withNickName := cfg.plusRules(nickNameRule)
	const mappingAddr = "scim_attribute_mapping.app"
	problems := tfjsonpath.New("schema_problems")
	none := knownvalue.ListExact([]knownvalue.Check{})
	titleProblem := func(pattern string) knownvalue.Check {
		return knownvalue.ListExact([]knownvalue.Check{knownvalue.StringRegexp(regexp.MustCompile(pattern))})
	}
	// The title rule is the 6th of peopleConfig's rules.
	titleReadOnly := titleProblem(`^rule 6 \(target "title"\): title is readOnly in the app's schema`)
	titleGone := titleProblem(`^rule 6 \(target "title"\): the app's schema does not describe title\b`)
	changeSchema := func(change func() error) func() {
		return func() {
			if err := change(); err != nil {
				t.Fatal(err)
			}
			target.ResetRequests()
		}
	}
	refreshOnly := func(want knownvalue.Check) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionNoop),
			plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionNoop),
			plancheck.ExpectKnownValue(mappingAddr, problems, want),
		}}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The app's id (its base URL) is known at plan time, so the
				// rules are checked then and the plan knows the result.
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(mappingAddr, problems, none),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(mappingAddr, problems, none)},
			},
			{
				// The app makes title readOnly: the refresh records it.
				PreConfig:         changeSchema(func() error { return target.SetAttributeMutability(coreUserURN, "title", "readOnly") }),
				Config:            cfg.String(),
				ConfigPlanChecks:  refreshOnly(titleReadOnly),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(mappingAddr, problems, titleReadOnly)},
				Check:             checkTarget(func() error { return expectNoWrites(target) }),
			},
			{
				// Changing the mapping while it does not fit is refused at
				// plan time, naming the rule.
				Config:      withNickName.String(),
				PlanOnly:    true,
				ExpectError: regexpParts(`rule 6 (target "title"): title is readOnly in the app's schema`),
			},
			{
				// The app drops title altogether.
				PreConfig:         changeSchema(func() error { return target.RemoveSchemaAttribute(coreUserURN, "title") }),
				Config:            cfg.String(),
				ConfigPlanChecks:  refreshOnly(titleGone),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(mappingAddr, problems, titleGone)},
				Check:             checkTarget(func() error { return expectNoWrites(target) }),
			},
			{
				// The app takes title back: the next refresh empties the list.
				PreConfig:         changeSchema(func() error { target.ResetSchemas(); return nil }),
				Config:            cfg.String(),
				ConfigPlanChecks:  refreshOnly(none),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(mappingAddr, problems, none)},
			},
			{
				// A changed mapping that the plan-time check passed plans
				// the empty list, and apply stores exactly that.
				Config: withNickName.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(mappingAddr, problems, none),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(mappingAddr, problems, none)},
			},
		},
	})
}

// mappingHarness calls the mapping resource's methods directly, for what an
// acceptance test cannot arrange: a provider process that discovered the app
// before its schema changed, or an app that stops answering between plan
// and apply.
type mappingHarness struct {
	t      *testing.T
	ctx    context.Context
	r      *attributeMappingResource
	schema schema.Schema
}

func newMappingHarness(t *testing.T, baseURL string) *mappingHarness {
	t.Helper()
	base, err := normalizeBaseURL(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	r := &attributeMappingResource{appResource{clients: newClientFactory([]credential{{url: base, bearerToken: testToken}}, clientSettings{timeout: 5 * time.Second}, "test")}}
	var sresp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &sresp)
	return &mappingHarness{t: t, ctx: context.Background(), r: r, schema: sresp.Schema}
}

// model is a mapping of userName and title for the app at baseURL, with the
// given schema_problems.
func (h *mappingHarness) model(baseURL string, problems types.List) attributeMappingModel {
	h.t.Helper()
	elem := h.schema.Attributes["rules"].GetType().(types.ListType).ElemType
	rules, diags := types.ListValueFrom(h.ctx, elem, []ruleModel{
		{Target: types.StringValue("userName"), Source: types.StringValue("email")},
		{Target: types.StringValue("title"), Source: types.StringValue("title")},
	})
	if diags.HasError() {
		h.t.Fatal(diags)
	}
	base, _ := normalizeBaseURL(baseURL)
	return attributeMappingModel{
		ID:                types.StringValue("mapping-test"),
		ConnectedAppID:    types.StringValue(base),
		Rules:             rules,
		ManagedAttributes: stringList([]string{"title", "userName"}),
		SchemaProblems:    problems,
	}
}

func (h *mappingHarness) state(m attributeMappingModel) tfsdk.State {
	h.t.Helper()
	s := tfsdk.State{Schema: h.schema}
	if diags := s.Set(h.ctx, &m); diags.HasError() {
		h.t.Fatal(diags)
	}
	return s
}

func (h *mappingHarness) plan(m attributeMappingModel) tfsdk.Plan {
	h.t.Helper()
	p := tfsdk.Plan{Schema: h.schema}
	if diags := p.Set(h.ctx, &m); diags.HasError() {
		h.t.Fatal(diags)
	}
	return p
}

// modifyPlan runs ModifyPlan for planned (with prior state, or a create
// when prior is nil) and returns the planned schema_problems.
func (h *mappingHarness) modifyPlan(planned attributeMappingModel, prior *attributeMappingModel) (types.List, diag.Diagnostics) {
	h.t.Helper()
	req := fwresource.ModifyPlanRequest{Plan: h.plan(planned), State: tfsdk.State{Schema: h.schema, Raw: tftypes.NewValue(h.schema.Type().TerraformType(h.ctx), nil)}}
	if prior != nil {
		req.State = h.state(*prior)
	}
	resp := fwresource.ModifyPlanResponse{Plan: req.Plan}
	h.r.ModifyPlan(h.ctx, req, &resp)
	var got attributeMappingModel
	resp.Diagnostics.Append(resp.Plan.Get(h.ctx, &got)...)
	return got.SchemaProblems, resp.Diagnostics
}

// Read checks against what the app serves in this Terraform command (a new
// provider configuration, as each command makes), and the app is
// discovered once per command however many resources read it.
func TestAttributeMappingReadChecksTheCommandsDiscovery(t *testing.T) {
	target, baseURL := newTestTarget(t)
	if err := target.SetAttributeMutability(coreUserURN, "title", "readOnly"); err != nil {
		t.Fatal(err)
	}
	target.ResetRequests()
	h := newMappingHarness(t, baseURL)
	st := h.state(h.model(baseURL, stringList(nil)))
	resp := fwresource.ReadResponse{State: st}
	h.r.Read(h.ctx, fwresource.ReadRequest{State: st}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	again := fwresource.ReadResponse{State: st}
	h.r.Read(h.ctx, fwresource.ReadRequest{State: st}, &again)
	if n := target.Count("GET", "/Schemas"); n != 1 {
		t.Errorf("two reads in one command fetched /Schemas %d times, want 1", n)
	}
	var got attributeMappingModel
	if diags := resp.State.Get(h.ctx, &got); diags.HasError() {
		t.Fatal(diags)
	}
	var problems []string
	resp.Diagnostics.Append(got.SchemaProblems.ElementsAs(h.ctx, &problems, false)...)
	want := `rule 2 (target "title"): title is readOnly in the app's schema`
	if len(problems) != 1 || !strings.HasPrefix(problems[0], want) {
		t.Errorf("schema_problems = %q, want one starting %q", problems, want)
	}
	if resp.Diagnostics.WarningsCount() != 1 {
		t.Errorf("want one warning, got %v", resp.Diagnostics)
	}

	// An app that cannot be reached keeps the last result.
	h2 := newMappingHarness(t, "http://127.0.0.1:1/scim/v2")
	st = h2.state(h2.model("http://127.0.0.1:1/scim/v2", got.SchemaProblems))
	resp = fwresource.ReadResponse{State: st}
	h2.r.Read(h2.ctx, fwresource.ReadRequest{State: st}, &resp)
	var kept attributeMappingModel
	resp.Diagnostics.Append(resp.State.Get(h2.ctx, &kept)...)
	if resp.Diagnostics.HasError() || !kept.SchemaProblems.Equal(got.SchemaProblems) {
		t.Errorf("unreachable app: schema_problems = %s, diagnostics %v", kept.SchemaProblems, resp.Diagnostics)
	}
}

// The planned schema_problems is what Create or Update will store (the
// empty list: they fail otherwise), unknown only while the app's id is, and
// the refreshed value for a mapping that does not change. It stays known
// when the app cannot be reached, so a plan made again at apply cannot turn
// a known value unknown.
func TestAttributeMappingModifyPlanSchemaProblems(t *testing.T) {
	target, baseURL := newTestTarget(t)
	h := newMappingHarness(t, baseURL)
	empty := stringList(nil)
	problem := stringList([]string{`rule 2 (target "title"): title is readOnly in the app's schema`})

	// Create, app reachable, rules fit.
	if got, diags := h.modifyPlan(h.model(baseURL, types.ListUnknown(types.StringType)), nil); diags.HasError() || !got.Equal(empty) {
		t.Errorf("create: planned %s, diagnostics %v", got, diags)
	}
	// Create, app id unknown.
	m := h.model(baseURL, types.ListUnknown(types.StringType))
	m.ConnectedAppID = types.StringUnknown()
	if got, diags := h.modifyPlan(m, nil); diags.HasError() || !got.IsUnknown() {
		t.Errorf("create with unknown app id: planned %s, diagnostics %v", got, diags)
	}
	// Create, app unreachable: known empty list (apply checks again or fails), with a warning.
	down := newMappingHarness(t, "http://127.0.0.1:1/scim/v2")
	got, diags := down.modifyPlan(down.model("http://127.0.0.1:1/scim/v2", types.ListUnknown(types.StringType)), nil)
	if diags.HasError() || diags.WarningsCount() != 1 || !got.Equal(empty) {
		t.Errorf("create with unreachable app: planned %s, diagnostics %v", got, diags)
	}

	if err := target.SetAttributeMutability(coreUserURN, "title", "readOnly"); err != nil {
		t.Fatal(err)
	}
	// A new provider process, as for the next terraform command.
	h = newMappingHarness(t, baseURL)
	// Unchanged mapping: the refreshed value, no error.
	prior := h.model(baseURL, problem)
	if got, diags := h.modifyPlan(h.model(baseURL, types.ListUnknown(types.StringType)), &prior); diags.HasError() || !got.Equal(problem) {
		t.Errorf("unchanged: planned %s, diagnostics %v", got, diags)
	}
	// Changed mapping that does not fit: an error naming the rule.
	changed := h.model(baseURL, types.ListUnknown(types.StringType))
	elem := h.schema.Attributes["rules"].GetType().(types.ListType).ElemType
	changed.Rules, diags = types.ListValueFrom(h.ctx, elem, []ruleModel{
		{Target: types.StringValue("userName"), Source: types.StringValue("email")},
		{Target: types.StringValue("title"), Source: types.StringValue("title")},
		{Target: types.StringValue("nickName"), Source: types.StringValue("given_name")},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, diags := h.modifyPlan(changed, &prior); !diags.HasError() || !strings.Contains(fmt.Sprint(diags), `rule 2 (target "title")`) {
		t.Errorf("changed mapping that does not fit: diagnostics %v", diags)
	}
}
