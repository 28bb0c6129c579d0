package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// The core scenarios against each vendor personality of the local target
// (internal/scimtarget/personality_*.go, each written from the vendor's
// documentation), with the app naming its vendor profile as a user of a
// URL that does not tell it would. TestAccServers runs the same stories
// with exact wire checks against RFC-minded servers and the AWS
// personality; these check what the emulated app ends up holding, since
// each vendor answers in its own way, and that what the vendor cannot do
// fails at plan with an error that names its limit.

// vendorsUnderTest are the personalities besides aws_identity_center
// (which TestAccServers runs).
var vendorsUnderTest = []string{"google_cloud_identity", "github_emu", "slack", "salesforce", "databricks", "zoom", "atlassian", "miro"}

var vendorScenarios = []struct {
	name string
	run  func(t *testing.T, vendor string)
}{
	{"users", testVendorUsers},
	{"adopt", testVendorAdopt},
	{"import", testVendorImport},
	{"deprovisionModes", testVendorDeprovisionModes},
	{"groups", testVendorGroups},
	{"dataSources", testVendorDataSources},
	{"listResources", testVendorListResources},
}

func TestAccVendors(t *testing.T) {
	for _, v := range vendorsUnderTest {
		for _, sc := range vendorScenarios {
			t.Run(v+"/"+sc.name, func(t *testing.T) { sc.run(t, v) })
		}
	}
}

// vendorProfile is the provider's profile of vendor.
func vendorProfile(t *testing.T, vendor string) lifecycle.Vendor {
	t.Helper()
	v, ok := lifecycle.VendorNamed(vendor)
	if !ok {
		t.Fatalf("no vendor profile %q", vendor)
	}
	return v
}

// vendorPeople is the people configuration of an app with vendor's
// personality: the usual mapping, with an externalId where the vendor
// requires one (GitHub).
func vendorPeople(baseURL, vendor string, people map[string]map[string]string) peopleConfig {
	cfg := peopleConfig{baseURL: baseURL, people: people}
	if vendor == "github_emu" {
		cfg = cfg.plusRules(mappingRule{target: "externalId", source: "email"})
	}
	return cfg
}

// storedActive checks that the app holds userName with active as want.
func storedActive(target *scimtarget.Target, userName string, want bool) error {
	u, ok := target.FindUserByUserName(userName)
	if !ok {
		return fmt.Errorf("the app holds no account %q", userName)
	}
	if got := u["active"]; got != want {
		return fmt.Errorf("account %q: active %v, want %v", userName, got, want)
	}
	return nil
}

// testVendorUsers: three accounts created; a mapping change applied; a
// title edited in the app repaired; one deactivated; the destroy
// deactivates them all.
func testVendorUsers(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	cfg := vendorPeople(baseURL, vendor, threePeople())
	upper := cfg.replacingRule(upperTitleRule)
	title := func(userName, want string) error {
		u, ok := target.FindUserByUserName(userName)
		if !ok || u["title"] != want {
			return fmt.Errorf("account %q holds title %v, want %q", userName, u["title"], want)
		}
		return nil
	}
	leaver := cfg
	leaver.userArgs = func(k string) string {
		if k == "bob" {
			return "  active = false"
		}
		return ""
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: checkTarget(func() error {
			for _, un := range []string{"alice@example.com", "bob@example.com", "carol@example.com"} {
				if err := storedActive(target, un, false); err != nil {
					return err
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("vendor"), knownvalue.StringExact(vendor)),
				}},
				Check: checkTarget(func() error {
					if n := len(target.Users()); n != 3 {
						return fmt.Errorf("the app holds %d accounts, want 3", n)
					}
					return title("alice@example.com", "Engineer")
				}),
			},
			{
				Config: upper.String(),
				Check:  checkTarget(func() error { return title("alice@example.com", "ENGINEER") }),
			},
			{
				PreConfig: func() {
					must(t, target.SetUserAttribute(userID(target, "alice@example.com"), "title", "Manager"))
				},
				Config: upper.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionUpdate),
				}},
				Check: checkTarget(func() error { return title("alice@example.com", "ENGINEER") }),
			},
			{
				Config: leaver.replacingRule(upperTitleRule).String(),
				Check:  checkTarget(func() error { return storedActive(target, "bob@example.com", false) }),
			},
		},
	})
}

// handMadeDave is Dave's account as made by hand in an app of vendor: the
// name the mapping gives, another title.
func handMadeDave(vendor string) map[string]any {
	dave := map[string]any{
		"schemas":     []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":    "dave@example.com",
		"displayName": "Dave Park",
		"name":        map[string]any{"givenName": "Dave", "familyName": "Park"},
		"emails":      []any{map[string]any{"type": "work", "value": "dave@example.com", "primary": true}},
		"title":       "Intern",
		"active":      true,
	}
	if vendor == "github_emu" {
		dave["externalId"] = "dave@example.com"
	}
	return dave
}

// davePeople is the configuration of Dave alone in an app of vendor.
func davePeople(baseURL, vendor string) peopleConfig {
	return vendorPeople(baseURL, vendor, map[string]map[string]string{
		"dave": {"email": "dave@example.com", "given_name": "Dave", "family_name": "Park", "title": "Engineer", "department": "R&D"},
	})
}

// daveBroughtToMapping checks the app holds Dave's account once, id, with
// the mapped title.
func daveBroughtToMapping(target *scimtarget.Target, id string) func(*terraform.State) error {
	return checkTarget(func() error {
		if n := len(target.Users()); n != 1 {
			return fmt.Errorf("the app holds %d accounts, want Dave's alone", n)
		}
		u, _ := target.GetUser(id)
		if u["title"] != "Engineer" {
			return fmt.Errorf("Dave's account holds title %v, want Engineer", u["title"])
		}
		return nil
	})
}

// testVendorAdopt: an account made by hand, with the mapped name but
// another title, is adopted (no second account) and brought to the
// mapping.
func testVendorAdopt(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	id, err := target.AddUser(handMadeDave(vendor))
	if err != nil {
		t.Fatal(err)
	}
	cfg := davePeople(baseURL, vendor)
	cfg.userArgs = func(string) string { return "  adopt_existing = true" }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("scim_provisioned_user.dave", tfjsonpath.New("id"), knownvalue.StringExact(id)),
			},
			Check: daveBroughtToMapping(target, id),
		}},
	})
}

// testVendorImport: the same hand-made account imported by its location,
// then brought to the mapping by the next apply.
func testVendorImport(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	id, err := target.AddUser(handMadeDave(vendor))
	if err != nil {
		t.Fatal(err)
	}
	cfg := davePeople(baseURL, vendor)
	empty := cfg
	empty.people = map[string]map[string]string{}
	addr := "scim_provisioned_user.dave"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: empty.String()},
			{
				Config: cfg.String(), ResourceName: addr, ImportState: true, ImportStatePersist: true,
				ImportStateId: baseURL + "/Users/" + id,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if s.ID == id && s.Attributes["user_name"] == "dave@example.com" {
							return nil
						}
					}
					return fmt.Errorf("the import holds no account %s named dave@example.com: %v", id, states)
				},
			},
			{
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: daveBroughtToMapping(target, id),
			},
		},
	})
}

// testVendorDeprovisionModes: destroying an account with deprovision =
// "delete" deletes it, or, where the vendor's DELETE only deactivates
// (Slack, Salesforce), leaves it inactive, as the plan said; "abandon"
// leaves it as it was.
func testVendorDeprovisionModes(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	v := vendorProfile(t, vendor)
	people := map[string]map[string]string{"alice": threePeople()["alice"], "bob": threePeople()["bob"]}
	cfg := vendorPeople(baseURL, vendor, people)
	cfg.userArgs = func(k string) string {
		if k == "alice" {
			return `  deprovision = "delete"`
		}
		return `  deprovision = "abandon"`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: checkTarget(func() error {
			if err := storedActive(target, "bob@example.com", true); err != nil {
				return fmt.Errorf("abandoned: %w", err)
			}
			_, kept := target.FindUserByUserName("alice@example.com")
			switch {
			case v.DeleteMeans == lifecycle.DeleteDeactivates:
				return storedActive(target, "alice@example.com", false)
			case kept:
				return fmt.Errorf("alice's account is still in the app after deprovision = \"delete\"")
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			Check:  checkTarget(func() error { return storedActive(target, "alice@example.com", true) }),
		}},
	})
}

// testVendorGroups: a group with two members (created, or, where the
// vendor does not create groups, made by hand and adopted), a member
// removed, a member added in the app seen and removed (where the vendor
// tells members at all), and the destroy.
func testVendorGroups(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	v := vendorProfile(t, vendor)
	extra := ""
	if v.GroupCreateRefused != "" {
		if _, err := target.AddGroup(map[string]any{"displayName": "Engineering"}); err != nil {
			t.Fatal(err)
		}
		extra += "\n  adopt_existing = true"
	}
	if v.GroupDeleteRefused != "" {
		extra += "\n  deprovision    = \"abandon\""
	}
	if v.GroupExternalIDRequired {
		extra += "\n  external_id    = \"eng\""
	}
	people := vendorPeople(baseURL, vendor, threePeople())
	cfg := func(members ...string) string {
		return people.String() + groupBlock("eng", "Engineering", membersOf(members...)+extra)
	}
	members := func(want ...string) func(*terraform.State) error {
		return checkTarget(func() error {
			g, ok := groupByName(target, "Engineering")
			if !ok {
				return fmt.Errorf("no group Engineering in the app")
			}
			got, err := target.GroupMembers(fmt.Sprint(g["id"]))
			if err != nil {
				return err
			}
			var ids []string
			for _, un := range want {
				ids = append(ids, userID(target, un+"@example.com"))
			}
			if !lifecycle.SameMembers(got, ids) {
				return fmt.Errorf("Engineering holds %v, want %v (%v)", got, ids, want)
			}
			return nil
		})
	}
	steps := []resource.TestStep{
		{Config: cfg("alice", "bob"), Check: members("alice", "bob")},
		{Config: cfg("alice"), Check: members("alice")},
	}
	outOfBand := resource.TestStep{
		PreConfig: func() {
			g, _ := groupByName(target, "Engineering")
			must(t, target.AddGroupMember(fmt.Sprint(g["id"]), userID(target, "carol@example.com")))
		},
		Config: cfg("alice"),
	}
	if v.GroupMembersUnreadable {
		// The app never tells members: the plan cannot see carol, and
		// says so when the group is created.
		outOfBand.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("scim_provisioned_group.eng", plancheck.ResourceActionNoop),
		}}
		outOfBand.Check = members("alice", "carol")
	} else {
		outOfBand.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("scim_provisioned_group.eng", plancheck.ResourceActionUpdate),
		}}
		outOfBand.Check = members("alice")
	}
	steps = append(steps, outOfBand)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: checkTarget(func() error {
			_, kept := groupByName(target, "Engineering")
			if kept != (v.GroupDeleteRefused != "") {
				return fmt.Errorf("after destroy the group is in the app: %v (the vendor deletes groups: %v)", kept, v.GroupDeleteRefused == "")
			}
			return nil
		}),
		Steps: steps,
	})
}

// testVendorDataSources: the orphans listed, or, where the app lists only
// with a filter, an error at plan that says so; an account looked up by
// userName.
func testVendorDataSources(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	v := vendorProfile(t, vendor)
	ids := addAccounts(t, target, "dana@example.com", "erin@example.com")
	people := vendorPeople(baseURL, vendor, map[string]map[string]string{"alice": threePeople()["alice"]})
	lookup := people.String() + `
data "scim_user" "dana" {
  connected_app_id = scim_connected_app.app.id
  user_name        = "dana@example.com"
}
`
	orphans := lookup + `
data "scim_users" "orphans" {
  connected_app_id = scim_connected_app.app.id
  exclude_ids      = [scim_provisioned_user.alice.id]
}
`
	steps := []resource.TestStep{{
		Config: lookup,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.scim_user.dana", tfjsonpath.New("id"), knownvalue.StringExact(ids["dana@example.com"])),
		},
	}}
	if v.ListingNeedsFilter {
		steps = append(steps, resource.TestStep{Config: orphans, ExpectError: regexpParts(`The App Cannot List Its Accounts .* ` + v.Title + ` answers a listing`)})
	} else {
		want := []knownvalue.Check{knownvalue.StringExact(ids["dana@example.com"]), knownvalue.StringExact(ids["erin@example.com"])}
		steps = append(steps, resource.TestStep{
			Config: orphans,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("ids"), knownvalue.SetExact(want)),
			},
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// What a vendor cannot do fails at plan, before anything is sent, with an
// error that names the limit (and, for Miro, whose duplicate is a 400, the
// conflict is recognised as one at apply).
func TestAccVendors_limits(t *testing.T) {
	alice := map[string]map[string]string{"alice": threePeople()["alice"]}
	for _, tc := range []struct {
		vendor string
		// setup runs against the target before the steps; cfg are the
		// steps' configurations, the last of which must fail with want.
		setup func(t *testing.T, target *scimtarget.Target)
		cfg   func(baseURL string) []string
		want  string
	}{
		{vendor: "github_emu", want: `requires externalId on every account`,
			cfg: func(baseURL string) []string {
				return []string{peopleConfig{baseURL: baseURL, people: alice}.String()}
			}},
		{vendor: "zoom", want: `Zoom Keeps These Values on Update .* displayName: "Alice Ng" -> "Alicia Ng"`,
			cfg: func(baseURL string) []string {
				renamed := map[string]map[string]string{"alice": withField(threePeople()["alice"], "given_name", "Alicia")}
				return []string{peopleConfig{baseURL: baseURL, people: alice}.String(), peopleConfig{baseURL: baseURL, people: renamed}.String()}
			}},
		{vendor: "databricks", want: `Databricks does not keep externalId: remove the rule for externalId`,
			cfg: func(baseURL string) []string {
				return []string{peopleConfig{baseURL: baseURL, people: alice}.plusRules(mappingRule{target: "externalId", source: "email"}).String()}
			}},
		{vendor: "google_cloud_identity", want: `looks accounts up only by userName, not by externalId`,
			cfg: func(baseURL string) []string {
				c := peopleConfig{baseURL: baseURL, people: alice}.plusRules(mappingRule{target: "externalId", source: "email"})
				c.userArgs = func(string) string { return "  adopt_existing = true\n  adopt_by = \"externalId\"" }
				return []string{c.String()}
			}},
		{vendor: "slack", want: `Slack requires emails on every account`,
			cfg: func(baseURL string) []string {
				return []string{peopleConfig{baseURL: baseURL, people: alice}.withoutRules(`emails[type eq "work"].value`).String()}
			}},
		{vendor: "atlassian", want: `Atlassian requires emails on every account`,
			cfg: func(baseURL string) []string {
				return []string{peopleConfig{baseURL: baseURL, people: alice}.withoutRules(`emails[type eq "work"].value`).String()}
			}},
		{vendor: "aws_identity_center", want: `keeps one value of emails per account`,
			cfg: func(baseURL string) []string {
				return []string{peopleConfig{baseURL: baseURL, people: alice}.plusRules(
					mappingRule{target: `emails[type eq "home"].value`, source: "email"}).String()}
			}},
		{vendor: "miro", want: `SCIM Account Already Exists .* HTTP 400 .* not unique .* adopt_existing = true`,
			setup: func(t *testing.T, target *scimtarget.Target) {
				_, err := target.AddUser(map[string]any{"userName": "alice@example.com", "active": true, "title": "Intern"})
				must(t, err)
			},
			cfg: func(baseURL string) []string {
				return []string{peopleConfig{baseURL: baseURL, people: alice}.String()}
			}},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			target, baseURL := newVendorTarget(t, tc.vendor)
			if tc.setup != nil {
				tc.setup(t, target)
			}
			cfgs := tc.cfg(baseURL)
			var steps []resource.TestStep
			for i, c := range cfgs {
				steps = append(steps, resource.TestStep{Config: c})
				if i == len(cfgs)-1 {
					// The failing step, then the same again, which first
					// checks that the refusal sent nothing (Miro's refusal
					// is the app's, at apply).
					writes := 0
					steps[i].PreConfig = func() { writes = len(writeRequests(target)) }
					steps[i].ExpectError = regexpParts(tc.want)
					again := steps[i]
					again.PreConfig = func() {
						if w := writeRequests(target); tc.vendor != "miro" && len(w) != writes {
							t.Errorf("the refused plan let writes through: %s", describeRequests(w[writes:]))
						}
					}
					steps = append(steps, again)
				}
			}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
		})
	}
}

// withField is a copy of m with k set to v.
func withField(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range m {
		if key != k {
			out[key] = val
		}
	}
	return out
}

// testVendorListResources: `terraform query` lists the app's accounts and
// groups, or, where the app lists only with a filter, fails saying so
// before asking (the list blocks name the app by its URL alone: the vendor
// its compatibility names reaches them in the same command). Under
// Terraform 1.14.
func testVendorListResources(t *testing.T, vendor string) {
	target, baseURL := newVendorTarget(t, vendor)
	v := vendorProfile(t, vendor)
	danaID, erinID, salesID := handMadeApp(t, target)
	query := resource.TestStep{Query: true, Config: appListBlocks}
	if v.ListingNeedsFilter {
		query.ExpectError = regexpParts(`The App Cannot List Its .* ` + v.Title + ` answers a listing`)
	} else {
		query.QueryResultChecks = []querycheck.QueryResultCheck{
			querycheck.ExpectLength("scim_provisioned_user.app", 2),
			querycheck.ExpectIdentity("scim_provisioned_user.app", map[string]knownvalue.Check{"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.StringExact(danaID)}),
			querycheck.ExpectIdentity("scim_provisioned_user.app", map[string]knownvalue.Check{"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.StringExact(erinID)}),
			querycheck.ExpectLength("scim_provisioned_group.app", 1),
			querycheck.ExpectIdentity("scim_provisioned_group.app", map[string]knownvalue.Check{"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.StringExact(salesID)}),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsTerraform114,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: appAndMappingConfig(baseURL)}, query},
	})
}
