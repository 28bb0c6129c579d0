package provider

import (
	"fmt"
	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// peopleConfig wires an app, a mapping and one account per person, the way
// the quickstart does, but with one resource block per person:
// terraform-plugin-testing's state checks do not support for_each addresses
// (the demo exercises for_each with the real CLI). A step varies the
// configuration by changing fields, never the text it renders.
type peopleConfig struct {
	baseURL string
	token   string
	// credentialURLs are the URLs the provider block has credentials for
	// (with token); nil: baseURL alone.
	credentialURLs []string
	// providerArgs are more arguments of the provider block.
	providerArgs []string
	people       map[string]map[string]string
	// rules are the mapping's rules; nil: baseRules().
	rules []mappingRule
	// userArgs adds arguments to one person's account resource.
	userArgs func(key string) string
	appArgs  string
	// prefix, when set, starts the name of every resource and of the
	// local, so that several apps fit in one configuration.
	prefix string
}

// mappingRule is one rule of scim_attribute_mapping; empty fields are left
// out.
type mappingRule struct{ target, source, template, value, transform string }

func (r mappingRule) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{ target = %q", r.target)
	for _, arg := range []struct{ name, value string }{
		{"source", r.source}, {"template", r.template}, {"value", r.value}, {"transform", r.transform},
	} {
		if arg.value != "" {
			fmt.Fprintf(&b, ", %s = %q", arg.name, arg.value)
		}
	}
	return b.String() + " }"
}

// baseRules is the mapping of every people configuration: the quickstart's.
func baseRules() []mappingRule {
	return []mappingRule{
		{target: "userName", source: "email", transform: "lower"},
		{target: "name.givenName", source: "given_name"},
		{target: "name.familyName", source: "family_name"},
		{target: "displayName", template: "{given_name} {family_name}"},
		{target: `emails[type eq "work"].value`, source: "email", transform: "lower"},
		{target: "title", source: "title"},
		{target: enterpriseURN + ":department", source: "department"},
	}
}

// Rules every variant of the mapping draws on.
var (
	nickNameRule   = mappingRule{target: "nickName", source: "given_name"}
	externalIDRule = mappingRule{target: "externalId", source: "employee_id"}
	upperTitleRule = mappingRule{target: "title", source: "title", transform: "upper"}
)

func (c peopleConfig) mappingRules() []mappingRule {
	if c.rules == nil {
		return baseRules()
	}
	return slices.Clone(c.rules)
}

// plusRules is c with rules added after its own.
func (c peopleConfig) plusRules(rules ...mappingRule) peopleConfig {
	c.rules = append(c.mappingRules(), rules...)
	return c
}

// replacingRule is c with the rule of the same target replaced by rule.
func (c peopleConfig) replacingRule(rule mappingRule) peopleConfig {
	rules := c.mappingRules()
	i := slices.IndexFunc(rules, func(r mappingRule) bool { return r.target == rule.target })
	if i < 0 {
		panic("replacingRule: the mapping has no rule for " + rule.target)
	}
	rules[i] = rule
	c.rules = rules
	return c
}

// withoutRules is c without the rules of these targets.
func (c peopleConfig) withoutRules(targets ...string) peopleConfig {
	rules := c.mappingRules()
	for _, target := range targets {
		n := len(rules)
		rules = slices.DeleteFunc(rules, func(r mappingRule) bool { return r.target == target })
		if len(rules) == n {
			panic("withoutRules: the mapping has no rule for " + target)
		}
	}
	c.rules = rules
	return c
}

// withPerson is c with one person's profile set, the others' as they are.
func (c peopleConfig) withPerson(key string, profile map[string]string) peopleConfig {
	people := maps.Clone(c.people)
	people[key] = profile
	c.people = people
	return c
}

func (c peopleConfig) String() string {
	token := c.token
	if token == "" {
		token = testToken
	}
	urls := c.credentialURLs
	if urls == nil {
		urls = []string{c.baseURL}
	}
	return providerBlock{urls: urls, token: token, args: c.providerArgs}.String() + c.resources()
}

// name is a resource's or the local's name in c.
func (c peopleConfig) name(n string) string {
	if c.prefix == "" {
		return n
	}
	return c.prefix + "_" + n
}

// resources is c without its provider block.
func (c peopleConfig) resources() string {
	var people strings.Builder
	for key, p := range c.people {
		fmt.Fprintf(&people, "    %s = {\n", key)
		for k, v := range p {
			fmt.Fprintf(&people, "      %s = %q\n", k, v)
		}
		people.WriteString("    }\n")
	}
	var rules strings.Builder
	for _, r := range c.mappingRules() {
		fmt.Fprintf(&rules, "    %s,\n", r)
	}
	app, mapping := "scim_connected_app."+c.name("app"), "scim_attribute_mapping."+c.name("app")
	return fmt.Sprintf(`
locals {
  %s = {
%s  }
}

resource "scim_connected_app" %q {
  name     = "Local target"
  base_url = %q
%s
}

resource "scim_attribute_mapping" %q {
  connected_app_id = %s.id
  rules = [
%s  ]
}

%s`, c.name("people"), people.String(), c.name("app"), c.baseURL, c.appArgs+vendorArgs(c.baseURL, c.appArgs), c.name("app"), app, rules.String(), c.users(app, mapping))
}

// testVendors are the vendor profiles of test servers that emulate a
// vendor, by base URL (servers_test.go): the app of a configuration for
// such a server names the profile, as a user of a URL that does not tell
// the vendor would.
var testVendors sync.Map

// vendorArgs is `compatibility = { vendor = ... }` for the app at baseURL
// when its server emulates a vendor and appArgs sets no compatibility.
func vendorArgs(baseURL, appArgs string) string {
	v, ok := testVendors.Load(baseURL)
	if !ok || strings.Contains(appArgs, "compatibility") {
		return ""
	}
	return fmt.Sprintf("\n  compatibility = { vendor = %q }\n", v)
}

func (c peopleConfig) users(app, mapping string) string {
	keys := slices.Sorted(maps.Keys(c.people))
	var b strings.Builder
	for _, k := range keys {
		extra := ""
		if c.userArgs != nil {
			extra = c.userArgs(k)
		}
		fmt.Fprintf(&b, `
resource "scim_provisioned_user" %q {
  connected_app_id  = %s.id
  compatibility     = %s.compatibility
  attribute_mapping = %s.encoded
  profile           = local.%s.%s
%s
}
`, c.name(k), app, app, mapping, c.name("people"), k, extra)
	}
	return b.String()
}

func threePeople() map[string]map[string]string {
	return map[string]map[string]string{
		"alice": {"email": "Alice@Example.com", "given_name": "Alice", "family_name": "Ng", "title": "Engineer", "department": "R&D"},
		"bob":   {"email": "bob@example.com", "given_name": "Bob", "family_name": "Diaz", "title": "Account Executive", "department": "Sales"},
		"carol": {"email": "carol@example.com", "given_name": "Carol", "family_name": "Ito", "department": "Finance"},
	}
}

// userByName returns the server's account for a userName or fails.
func userByName(srv accountServer, userName string) (map[string]any, error) {
	u, ok := srv.FindUserByUserName(userName)
	if !ok {
		return nil, fmt.Errorf("the server has no account %q", userName)
	}
	return u, nil
}

// expectTargetAttr checks one value the server stores for an account (get
// reads it, nil: absent), compared as printed.
func expectTargetAttr(srv accountServer, userName string, get func(map[string]any) any, want any) error {
	u, err := userByName(srv, userName)
	if err != nil {
		return err
	}
	if got := get(u); fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("account %q: got %v, want %v (account: %s)", userName, got, want, jsonText(u))
	}
	return nil
}

// expectStored is expectTargetAttr as a TestCheckFunc.
func expectStored(srv accountServer, userName string, get func(map[string]any) any, want any) resource.TestCheckFunc {
	return checkTarget(func() error { return expectTargetAttr(srv, userName, get, want) })
}

func field(path ...string) func(map[string]any) any {
	return func(m map[string]any) any {
		var cur any = m
		for _, p := range path {
			obj, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = obj[p]
		}
		return cur
	}
}

func workEmail(m map[string]any) any {
	list, _ := m["emails"].([]any)
	for _, e := range list {
		if el, ok := e.(map[string]any); ok && el["type"] == "work" {
			return el["value"]
		}
	}
	return nil
}

// The lifecycle of three people's accounts: created as planned, drift
// reported and repaired, an account deactivated or deleted in the app
// restored, a leaver deactivated in place; destroy keeps every account,
// inactive (the default deprovision mode).
func testLifecycle(t *testing.T, target accountServer, baseURL string, traits serverTraits) {
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	create := createThreePeopleStep(target, cfg)
	if traits.keepsSchemas {
		create.Check = resource.ComposeAggregateTestCheckFunc(create.Check, checkTarget(func() error {
			u, err := userByName(target, "alice@example.com")
			if err != nil {
				return err
			}
			if schemas := fmt.Sprint(u["schemas"]); !strings.Contains(schemas, enterpriseURN) {
				return fmt.Errorf("alice's schemas %s lack the enterprise extension", schemas)
			}
			return nil
		}))
	}
	driftReport, driftRepair := aliceDriftSteps(t, target, cfg)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			create,
			driftReport,
			driftRepair,
			bobReactivatedStep(t, target, cfg),
			carolRecreatedStep(t, target, cfg),
			aliceLeavesStep(target, cfg),
		},
	})
}

// The steps of the lifecycle of threePeople's accounts, shared by the
// tests against the local target and against the independent server. Each
// step that checks the request log empties it first.

// inApp is a PreConfig that makes an edit in the app behind Terraform's
// back, as an administrator would, then empties the request log.
func inApp(t *testing.T, srv accountServer, edit func() error) func() {
	return func() {
		if err := edit(); err != nil {
			t.Fatal(err)
		}
		srv.ResetRequests()
	}
}

// createThreePeopleStep creates Alice, Bob and Carol: the plan shows exactly
// the SCIM attributes that will be sent, and the server holds them.
func createThreePeopleStep(srv accountServer, cfg peopleConfig) resource.TestStep {
	alice, bob, carol := "scim_provisioned_user.alice", "scim_provisioned_user.bob", "scim_provisioned_user.carol"
	return resource.TestStep{
		Config: cfg.String(),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(alice, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(bob, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(carol, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes"), knownvalue.MapExact(map[string]knownvalue.Check{
					"userName":                     knownvalue.StringExact("alice@example.com"),
					"name.givenName":               knownvalue.StringExact("Alice"),
					"name.familyName":              knownvalue.StringExact("Ng"),
					"displayName":                  knownvalue.StringExact("Alice Ng"),
					`emails[type eq "work"].value`: knownvalue.StringExact("alice@example.com"),
					"title":                        knownvalue.StringExact("Engineer"),
					enterpriseURN + ":department":  knownvalue.StringExact("R&D"),
				})),
				// Carol has no title: the attribute is omitted, not sent empty.
				plancheck.ExpectKnownValue(carol, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(6)),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			expectIDOf(srv, alice, "alice@example.com"),
			expectIDOf(srv, bob, "bob@example.com"),
			expectIDOf(srv, carol, "carol@example.com"),
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("location"), knownvalue.StringFunc(func(v string) error {
				if want := cfg.baseURL + "/Users/" + userID(srv, "alice@example.com"); v != want {
					return fmt.Errorf("location %s, want %s", v, want)
				}
				return nil
			})),
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("user_name"), knownvalue.StringExact("alice@example.com")),
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("deprovision"), knownvalue.StringExact("deactivate")),
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey(enterpriseURN+":department"), knownvalue.StringExact("R&D")),
			statecheck.ExpectKnownValue(bob, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Account Executive")),
			statecheck.ExpectKnownValue(carol, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(6)),
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			checkTarget(func() error {
				if n := srv.Count("POST", "/Users"); n != 3 {
					return fmt.Errorf("the server received %d POSTs, want 3: %s", n, describeRequests(writeRequests(srv)))
				}
				if n := len(srv.Users()); n != 3 {
					return fmt.Errorf("the server holds %d accounts, want 3", n)
				}
				return nil
			}),
			expectStored(srv, "alice@example.com", field("userName"), "alice@example.com"),
			expectStored(srv, "alice@example.com", field("name", "givenName"), "Alice"),
			expectStored(srv, "alice@example.com", field("name", "familyName"), "Ng"),
			expectStored(srv, "alice@example.com", field("displayName"), "Alice Ng"),
			expectStored(srv, "alice@example.com", workEmail, "alice@example.com"),
			expectStored(srv, "alice@example.com", field("title"), "Engineer"),
			expectStored(srv, "alice@example.com", field(enterpriseURN, "department"), "R&D"),
			expectStored(srv, "alice@example.com", field("active"), true),
			expectStored(srv, "bob@example.com", field("title"), "Account Executive"),
			expectStored(srv, "bob@example.com", field(enterpriseURN, "department"), "Sales"),
			// Carol has no title: nothing was sent for it.
			expectStored(srv, "carol@example.com", field("title"), nil),
			expectStored(srv, "carol@example.com", field(enterpriseURN, "department"), "Finance"),
		),
	}
}

// aliceDriftSteps: someone edits Alice's title in the app. A plan is the
// drift report and writes nothing; apply repairs it with one PATCH.
func aliceDriftSteps(t *testing.T, srv accountServer, cfg peopleConfig) (report, repair resource.TestStep) {
	alice := "scim_provisioned_user.alice"
	report = resource.TestStep{
		PreConfig: inApp(t, srv, func() error {
			return srv.SetUserAttribute(userID(srv, "alice@example.com"), "title", "Manager")
		}),
		Config:             cfg.String(),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectNonEmptyPlan(),
				plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionNoop),
				expectPriorAttribute{alice, "title", "Manager"},
				plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
			},
		},
	}
	repair = resource.TestStep{
		PreConfig: func() {
			if w := writeRequests(srv); len(w) != 0 {
				t.Fatalf("the drift report wrote to the app: %s", describeRequests(w))
			}
			// The refresh asked for the managed attributes, the
			// extension's among them; the elimity library ignores the
			// parameter (it neither applies nor rejects it) and answers
			// with the whole account.
			if err := expectProjectedRead(srv, cfg.baseURL, userID(srv, "alice@example.com")); err != nil {
				t.Fatal(err)
			}
		},
		Config: cfg.String(),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionNoop),
				expectPriorAttribute{alice, "title", "Manager"},
				plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			checkTarget(func() error {
				return expectPatches(srv, map[string][]string{"alice@example.com": {`replace title "Engineer"`}})
			}),
			expectStored(srv, "alice@example.com", field("title"), "Engineer"),
		),
	}
	return report, repair
}

// expectProjectedRead checks that the account was read with an
// "attributes" parameter naming the enterprise extension's department,
// and that the server answered 200.
func expectProjectedRead(srv accountServer, baseURL, id string) error {
	if v, ok := testVendors.Load(baseURL); ok {
		if p, _ := lifecycle.VendorNamed(v.(string)); p.Defaults.AttributesParameter != nil && !*p.Defaults.AttributesParameter {
			// The vendor ignores the parameter (AWS IAM Identity Center):
			// the profile stops sending it.
			for _, r := range srv.Requests() {
				if attributesParam(r) != "" {
					return fmt.Errorf("GET %s?%s named attributes, which %s ignores", r.Path, r.Query, p.Title)
				}
			}
			return nil
		}
	}
	for _, r := range srv.Requests() {
		// The account by itself, or the app's listing, which a batched
		// refresh reads it from.
		if r.Method != "GET" || (r.Path != "/Users/"+id && r.Path != "/Users") {
			continue
		}
		if strings.Contains(attributesParam(r), enterpriseURN+":department") {
			if r.Status != 200 {
				return fmt.Errorf("GET %s?%s was answered %d", r.Path, r.Query, r.Status)
			}
			return nil
		}
	}
	return fmt.Errorf("no read of %s with attributes naming %s:department: %s", id, enterpriseURN, describeRequests(srv.Requests()))
}

// bobReactivatedStep: someone deactivates Bob in the app; the plan
// reactivates him.
func bobReactivatedStep(t *testing.T, srv accountServer, cfg peopleConfig) resource.TestStep {
	deactivate := inApp(t, srv, func() error { return srv.DeactivateUser(userID(srv, "bob@example.com")) })
	return reactivatedStep(srv, cfg, "bob", deactivate)
}

// reactivatedStep applies cfg after preConfig (which empties the request
// log): the plan reactivates person's inactive account, with one PATCH.
func reactivatedStep(srv accountServer, cfg peopleConfig, person string, preConfig func()) resource.TestStep {
	addr, userName := "scim_provisioned_user."+person, person+"@example.com"
	return resource.TestStep{
		PreConfig: preConfig,
		Config:    cfg.String(),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(true)),
			},
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			checkTarget(func() error {
				return expectPatches(srv, map[string][]string{userName: {`replace active true`}})
			}),
			expectStored(srv, userName, field("active"), true),
		),
	}
}

// carolRecreatedStep: someone deletes Carol in the app (a read of her is
// answered 404); the plan re-creates her with one POST.
func carolRecreatedStep(t *testing.T, srv accountServer, cfg peopleConfig) resource.TestStep {
	carol := "scim_provisioned_user.carol"
	return resource.TestStep{
		PreConfig: inApp(t, srv, func() error { return srv.DeleteUser(userID(srv, "carol@example.com")) }),
		Config:    cfg.String(),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(carol, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionNoop),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{expectIDOf(srv, carol, "carol@example.com")},
		Check: resource.ComposeAggregateTestCheckFunc(
			checkTarget(func() error {
				if w := writeRequests(srv); len(w) != 1 || w[0].Method != "POST" || w[0].Status != 201 {
					return fmt.Errorf("want exactly one POST answered 201, got %s", describeRequests(w))
				}
				return nil
			}),
			expectStored(srv, "carol@example.com", field(enterpriseURN, "department"), "Finance"),
		),
	}
}

// aliceLeavesStep: active = false deactivates Alice in place, with one
// PATCH that changes nothing else.
func aliceLeavesStep(srv accountServer, cfg peopleConfig) resource.TestStep {
	alice := "scim_provisioned_user.alice"
	leaver := cfg
	leaver.userArgs = func(k string) string {
		if k == "alice" {
			return "  active = false"
		}
		return ""
	}
	return resource.TestStep{
		PreConfig: srv.ResetRequests,
		Config:    leaver.String(),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(false)),
				plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionNoop),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(false)),
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			checkTarget(func() error {
				return expectPatches(srv, map[string][]string{"alice@example.com": {`replace active false`}})
			}),
			expectStored(srv, "alice@example.com", field("active"), false),
			expectStored(srv, "alice@example.com", field("title"), "Engineer"),
		),
	}
}

// aliceReturnsStep follows aliceLeavesStep: back to cfg, active = true
// reactivates her.
func aliceReturnsStep(srv accountServer, cfg peopleConfig) resource.TestStep {
	return reactivatedStep(srv, cfg, "alice", srv.ResetRequests)
}

func importLocation(srv accountServer, baseURL, userName string) resource.ImportStateIdFunc {
	return func(*terraform.State) (string, error) {
		u, err := userByName(srv, userName)
		if err != nil {
			return "", err
		}
		return baseURL + "/Users/" + u["id"].(string), nil
	}
}

// expectOnlyPatch checks that the server received exactly n write requests
// since its log was reset, all PATCHes, each containing want.
func expectOnlyPatch(srv accountServer, n int, want string) error {
	writes := writeRequests(srv)
	if len(writes) != n {
		return fmt.Errorf("the server received %d writes, want %d: %v", len(writes), n, describeRequests(writes))
	}
	for _, w := range writes {
		if w.Method != "PATCH" || !strings.Contains(string(w.Body), want) {
			return fmt.Errorf("want PATCH containing %s, got %s %s %s", want, w.Method, w.Path, w.Body)
		}
	}
	return nil
}
