package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// groupConfig is the three people of threePeople, their accounts, and
// groups given as HCL blocks.
func groupConfig(baseURL string, groups ...string) string {
	return peopleConfig{baseURL: baseURL, people: threePeople()}.String() + strings.Join(groups, "\n")
}

func groupBlock(name, displayName, extra string) string {
	return fmt.Sprintf(`
resource "scim_provisioned_group" %q {
  connected_app_id = scim_connected_app.app.id
  compatibility    = scim_connected_app.app.compatibility
  display_name     = %q
%s
}
`, name, displayName, extra)
}

func membersOf(people ...string) string {
	var refs []string
	for _, p := range people {
		refs = append(refs, "scim_provisioned_user."+p+".id")
	}
	return "  members = [" + strings.Join(refs, ", ") + "]"
}

// groupByName finds a group of the target by displayName.
func groupByName(target *scimtarget.Target, name string) (map[string]any, bool) {
	for _, g := range target.Groups() {
		if g["displayName"] == name {
			return g, true
		}
	}
	return nil, false
}

// expectGroupMembers checks that the group named name holds exactly the
// accounts of these userNames.
func expectGroupMembers(target *scimtarget.Target, name string, userNames ...string) error {
	g, ok := groupByName(target, name)
	if !ok {
		return fmt.Errorf("the target has no group %q (groups: %v)", name, target.Groups())
	}
	ids, err := target.GroupMembers(g["id"].(string))
	if err != nil {
		return err
	}
	var got []string
	for _, id := range ids {
		u, ok := target.GetUser(id)
		if !ok {
			return fmt.Errorf("group %q holds %q, which is no user", name, id)
		}
		got = append(got, strings.ToLower(u["userName"].(string)))
	}
	want := make([]string, len(userNames))
	for i, u := range userNames {
		want[i] = strings.ToLower(u)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("group %q holds %v, want %v", name, got, want)
	}
	return nil
}

// memberValuesSent counts the member values in the PATCH requests the
// target received for groups, and reports whether any replaced the whole
// member list.
func memberValuesSent(target *scimtarget.Target) (values int, wholeList bool) {
	for _, r := range target.Requests() {
		if r.Method != http.MethodPatch || !strings.HasPrefix(r.Path, "/Groups/") {
			continue
		}
		var body struct {
			Operations []struct {
				Op    string `json:"op"`
				Path  string `json:"path"`
				Value any    `json:"value"`
			} `json:"Operations"`
		}
		_ = json.Unmarshal(r.Body, &body)
		for _, op := range body.Operations {
			switch {
			case strings.EqualFold(op.Op, "replace") && strings.EqualFold(op.Path, "members"):
				wholeList = true
			case strings.HasPrefix(op.Path, "members"):
				if list, ok := op.Value.([]any); ok {
					values += len(list)
				} else {
					values++
				}
			}
		}
	}
	return values, wholeList
}

// A group created with members, drift in its members and name repaired by
// PATCHes that name only what changed, a member removed from the
// configuration, the group deleted in the app and created again, import by
// location, and destroy deleting it.
func TestAccProvisionedGroup_membersAndDrift(t *testing.T) {
	target, baseURL := newTestTarget(t)
	const addr = "scim_provisioned_group.eng"
	eng := func(people ...string) string {
		return groupConfig(baseURL, groupBlock("eng", "Engineering", `  external_id = "eng"
`+membersOf(people...)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if g := target.Groups(); len(g) != 0 {
				return fmt.Errorf("groups left after destroy: %v", g)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: eng("alice", "bob"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("external_id"), knownvalue.StringExact("eng")),
				},
				Check: checkTarget(func() error { return expectGroupMembers(target, "Engineering", "alice@example.com", "bob@example.com") }),
			},
			{
				// The same members in another order: nothing to do.
				Config: eng("bob", "alice"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Behind Terraform's back: bob removed, carol added, the
				// group renamed. The plan shows it; apply repairs it with
				// the two member values and the name, nothing else.
				PreConfig: func() {
					g, _ := groupByName(target, "Engineering")
					id := g["id"].(string)
					must(t, target.RemoveGroupMember(id, userID(target, "bob@example.com")))
					must(t, target.AddGroupMember(id, userID(target, "carol@example.com")))
					must(t, target.RenameGroup(id, "Eng (old)"))
					target.ResetRequests()
				},
				Config: eng("alice", "bob"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Engineering")),
					},
				},
				Check: checkTarget(func() error {
					if err := expectGroupMembers(target, "Engineering", "alice@example.com", "bob@example.com"); err != nil {
						return err
					}
					if n, whole := memberValuesSent(target); n != 2 || whole {
						return fmt.Errorf("the repair sent %d member values (whole list: %t), want 2", n, whole)
					}
					return nil
				}),
			},
			{
				// Bob leaves the group in the configuration: one removal.
				PreConfig: target.ResetRequests,
				Config:    eng("alice"),
				Check: checkTarget(func() error {
					if err := expectGroupMembers(target, "Engineering", "alice@example.com"); err != nil {
						return err
					}
					if n, _ := memberValuesSent(target); n != 1 {
						return fmt.Errorf("removing bob sent %d member values, want 1", n)
					}
					return nil
				}),
			},
			{
				// Deleted in the app: planned and created again.
				PreConfig: func() {
					g, _ := groupByName(target, "Engineering")
					must(t, target.DeleteGroup(g["id"].(string)))
				},
				Config: eng("alice"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: checkTarget(func() error { return expectGroupMembers(target, "Engineering", "alice@example.com") }),
			},
			{
				Config:            eng("alice"),
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[addr].Primary.Attributes["location"], nil
				},
				// Members and externalId are managed once the configuration
				// says so; the first plan after import reads them.
				ImportStateVerifyIgnore: []string{"members", "external_id", "compatibility"},
			},
		},
	})
}

// Without members, a group's members are neither managed nor read, so a
// large group costs a small read; members added in the app are no drift.
func TestAccProvisionedGroup_membersUnmanaged(t *testing.T) {
	target, baseURL := newTestTarget(t)
	config := groupConfig(baseURL, groupBlock("all", "All staff", ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					g, _ := groupByName(target, "All staff")
					must(t, target.AddGroupMember(g["id"].(string), userID(target, "alice@example.com")))
					target.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkTarget(func() error {
					for _, r := range target.Requests() {
						if strings.HasPrefix(r.Path, "/Groups/") && (!strings.Contains(r.Query, "attributes=") || strings.Contains(r.Query, "members")) {
							return fmt.Errorf("a group with unmanaged members was read with %q", r.Query)
						}
					}
					return nil
				}),
			},
		},
	})
}

// adopt_existing links the one group with the same displayName and brings
// its members to the configuration; the app keeps one group.
func TestAccProvisionedGroup_adopt(t *testing.T) {
	target, baseURL := newTestTarget(t)
	config := groupConfig(baseURL, groupBlock("sales", "Sales", "  adopt_existing = true\n  deprovision = \"abandon\"\n"+membersOf("bob")))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// abandon: the group stays in the app.
			if _, ok := groupByName(target, "Sales"); !ok {
				return fmt.Errorf("the abandoned group was deleted")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_, err := target.AddGroup(map[string]any{"displayName": "sales"})
					must(t, err)
				},
				Config: config,
				Check: checkTarget(func() error {
					if n := len(target.Groups()); n != 1 {
						return fmt.Errorf("%d groups after adoption, want 1", n)
					}
					return expectGroupMembers(target, "Sales", "bob@example.com")
				}),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A membership of a group made in the app (holding dave, an account
// Terraform does not manage): added by PATCH, added back when removed in
// the app, imported by its location, removed when it leaves the
// configuration; dave is never touched.
func TestAccGroupMember_groupOwnedElsewhere(t *testing.T) {
	target, baseURL := newTestTarget(t)
	const addr = "scim_group_member.alice_admins"
	dave, err := target.AddUser(map[string]any{"userName": "dave@example.com"})
	must(t, err)
	groupID, err := target.AddGroup(map[string]any{"displayName": "Admins", "members": []any{map[string]any{"value": dave}}})
	must(t, err)
	config := groupConfig(baseURL, fmt.Sprintf(`
resource "scim_group_member" "alice_admins" {
  connected_app_id = scim_connected_app.app.id
  compatibility    = scim_connected_app.app.compatibility
  group_id         = %q
  member_id        = scim_provisioned_user.alice.id
}
`, groupID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectGroupMembers(target, "Admins", "dave@example.com")
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: checkTarget(func() error {
					return expectGroupMembers(target, "Admins", "alice@example.com", "dave@example.com")
				}),
			},
			{
				PreConfig: func() {
					must(t, target.RemoveGroupMember(groupID, userID(target, "alice@example.com")))
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: checkTarget(func() error {
					return expectGroupMembers(target, "Admins", "alice@example.com", "dave@example.com")
				}),
			},
			{
				Config:            config,
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return baseURL + "/Groups/" + groupID + "/members/" + userID(target, "alice@example.com"), nil
				},
				ImportStateVerifyIgnore: []string{"compatibility"},
			},
			{
				// The membership leaves the configuration: alice leaves the group.
				Config: groupConfig(baseURL),
				Check: checkTarget(func() error {
					return expectGroupMembers(target, "Admins", "dave@example.com")
				}),
			},
		},
	})
}

// A large group (of accounts Terraform does not manage) changing by three
// members sends three member values, never the whole list.
func TestAccProvisionedGroup_largeGroupChangesByAFew(t *testing.T) {
	// 2,000 members: ten times the members one request may carry, so the
	// creation and the change both span several requests. The same story at
	// 10,000 runs without Terraform in internal/lifecycle
	// (TestGroupOfTenThousandChangesByAFew): Terraform's plan renderer
	// compares a list's elements pairwise, which costs it 8 CPU-seconds and
	// 880 MB per plan of a 10,000-member group, a tenth of this suite's CPU
	// spent on Terraform's code rather than ours. Seeding comes after the
	// decision to run at all.
	const size = 2000
	skipUnlessAcceptance(t)
	t.Parallel()
	target, baseURL := newTestTarget(t)
	ids := make([]string, size)
	for i := range ids {
		id, err := target.AddUser(map[string]any{"userName": fmt.Sprintf("u%05d@example.com", i)})
		must(t, err)
		ids[i] = id
	}
	config := func(members []string) string {
		quoted, _ := json.Marshal(members)
		return providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_connected_app" "app" {
  name     = "Local target"
  base_url = %q
}

resource "scim_provisioned_group" "everyone" {
  connected_app_id = scim_connected_app.app.id
  display_name     = "Everyone"
  members          = %s
}
`, baseURL, quoted)
	}
	before := ids[:size-1]
	after := append(append([]string{}, ids[2:size-1]...), ids[size-1])
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(before),
				Check: checkTarget(func() error {
					g, _ := groupByName(target, "Everyone")
					members, err := target.GroupMembers(g["id"].(string))
					if err != nil || len(members) != len(before) {
						return fmt.Errorf("%d members after create, want %d (%v)", len(members), len(before), err)
					}
					return nil
				}),
			},
			{
				PreConfig: target.ResetRequests,
				Config:    config(after),
				Check: checkTarget(func() error {
					if n, whole := memberValuesSent(target); n != 3 || whole {
						return fmt.Errorf("a change of 3 members sent %d member values (whole list: %t)", n, whole)
					}
					g, _ := groupByName(target, "Everyone")
					members, _ := target.GroupMembers(g["id"].(string))
					if len(members) != len(after) || slices.Contains(members, ids[0]) || !slices.Contains(members, ids[len(ids)-1]) {
						return fmt.Errorf("%d members after the change", len(members))
					}
					return nil
				}),
			},
		},
	})
}

// An app without PATCH: a change of members is a read and a PUT of the
// whole group, and other attributes of the group are kept.
func TestAccProvisionedGroup_withoutPatch(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := func(people ...string) string {
		c := peopleConfig{baseURL: baseURL, people: threePeople(), appArgs: "  compatibility = { patch = false }"}
		return c.String() + groupBlock("eng", "Engineering", membersOf(people...))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("alice")},
			{
				PreConfig: target.ResetRequests,
				Config:    cfg("alice", "carol"),
				Check: checkTarget(func() error {
					if err := expectGroupMembers(target, "Engineering", "alice@example.com", "carol@example.com"); err != nil {
						return err
					}
					if n := target.Count(http.MethodPatch, "/Groups/*"); n != 0 {
						return fmt.Errorf("%d PATCHes to an app without PATCH", n)
					}
					if n := target.Count(http.MethodPut, "/Groups/*"); n != 1 {
						return fmt.Errorf("%d PUTs of the group, want 1", n)
					}
					return nil
				}),
			},
		},
	})
}

// Adoption by externalId links the one group with that externalId whatever
// its name; two groups with the same name fail the plan with an error that
// lists them, and nothing is linked, created or destroyed.
func TestAccProvisionedGroup_adoptByExternalIDAndAmbiguity(t *testing.T) {
	target, baseURL := newTestTarget(t)
	byExternalID := groupConfig(baseURL, groupBlock("sales", "Sales", "  external_id = \"sales\"\n  adopt_existing = true\n  adopt_by = \"externalId\"\n"+membersOf("bob")))
	byName := groupConfig(baseURL, groupBlock("ops", "Ops", "  adopt_existing = true\n"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_, err := target.AddGroup(map[string]any{"displayName": "Sales (legacy)", "externalId": "sales"})
					must(t, err)
				},
				Config: byExternalID,
				Check: checkTarget(func() error {
					if n := len(target.Groups()); n != 1 {
						return fmt.Errorf("%d groups after adoption by externalId, want 1", n)
					}
					return expectGroupMembers(target, "Sales", "bob@example.com")
				}),
			},
			{
				PreConfig: func() {
					for range 2 {
						_, err := target.AddGroup(map[string]any{"displayName": "Ops"})
						must(t, err)
					}
				},
				Config:      byName,
				ExpectError: regexpFromPattern(`(?s)Several SCIM Groups Match.*found 2 groups`),
			},
			{
				PreConfig: func() {
					// The ambiguity fails the plan (the adoption preview), so
					// nothing of that run is applied: Sales, which the step's
					// configuration drops, is still there beside Ops twice.
					if n := len(target.Groups()); n != 3 {
						t.Errorf("the failed adoption left %d groups, want 3 (Sales, and Ops twice)", n)
					}
				},
				Config: groupConfig(baseURL),
			},
		},
	})
}
