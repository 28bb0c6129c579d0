package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// addAccounts adds accounts to srv as an administrator of the app would,
// one per userName, each with an externalId "ext-<userName>" and a title,
// and returns their ids by userName.
func addAccounts(t *testing.T, srv accountServer, userNames ...string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, un := range userNames {
		id, err := srv.AddUser(map[string]any{
			"schemas":    []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
			"userName":   un,
			"externalId": "ext-" + un,
			"title":      "Contractor",
			"active":     true,
		})
		if err != nil {
			t.Fatalf("adding %s: %v", un, err)
		}
		ids[un] = id
	}
	return ids
}

// orphansConfig is one managed account (alice) beside a scim_users data
// source that leaves it out, with further arguments, and an output of the
// orphans' userNames.
func orphansConfig(baseURL, args string) string {
	return peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": threePeople()["alice"]}}.String() + fmt.Sprintf(`
data "scim_users" "orphans" {
  connected_app_id = scim_connected_app.app.id
  exclude_ids      = [scim_provisioned_user.alice.id]
%s
}

output "orphans" {
  value = [for u in data.scim_users.orphans.users : u.user_name]
}
`, args)
}

// Orphans: the accounts of the app that no resource manages, listed with
// their attributes (one they lack) past a page boundary, narrowed by a filter, and a limit
// that fails instead of cutting the list; against the local target.
func TestAccUsersDataSource_orphans(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.Capabilities = scimtarget.DefaultCapabilities()
		o.Capabilities.FilterMaxResults = 2
	})
	ids := addAccounts(t, target, "dana@example.com", "erin@example.com", "frank@example.com")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: orphansConfig(baseURL, withTitle),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("orphans", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("dana@example.com"), knownvalue.StringExact("erin@example.com"), knownvalue.StringExact("frank@example.com"),
					})),
					statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("total_results"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(ids["dana@example.com"]), knownvalue.StringExact(ids["erin@example.com"]), knownvalue.StringExact(ids["frank@example.com"]),
					})),
					statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("users").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":           knownvalue.StringExact(ids["dana@example.com"]),
						"location":     knownvalue.StringExact(baseURL + "/Users/" + ids["dana@example.com"]),
						"user_name":    knownvalue.StringExact("dana@example.com"),
						"external_id":  knownvalue.StringExact("ext-dana@example.com"),
						"display_name": knownvalue.Null(),
						"active":       knownvalue.Bool(true),
						"attributes":   knownvalue.MapExact(map[string]knownvalue.Check{"title": knownvalue.StringExact("Contractor")}),
					})),
				},
			},
			{
				// Someone deactivates an orphan: a filter narrows the list.
				PreConfig: func() {
					if err := target.DeactivateUser(ids["erin@example.com"]); err != nil {
						t.Fatal(err)
					}
				},
				Config: orphansConfig(baseURL, `  filter = "active eq true"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("orphans", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("dana@example.com"), knownvalue.StringExact("frank@example.com"),
					})),
					statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("total_results"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("attributes"), knownvalue.Null()),
				},
			},
			{
				Config:      orphansConfig(baseURL, `  limit = 3`),
				ExpectError: regexpLiteral("holds 4 accounts that match, more than limit (3)"),
			},
			{
				Config:      orphansConfig(baseURL, `  filter = "userName == \"dana\""`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid SCIM Filter`),
			},
			{
				Config:      orphansConfig(baseURL, `  attribute_paths = ["emails[type eq"]`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid SCIM Attribute Path`),
			},
			{
				// The limit counts the managed account too.
				Config: orphansConfig(baseURL, `  limit = 4`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("orphans", knownvalue.ListSizeExact(3)),
				},
			},
			{
				// By userName (alice's email differs in case from her
				// userName), the orphans are known at plan time even while
				// an account is being created.
				Config: namesExcludedConfig(baseURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionCreate),
						plancheck.ExpectKnownOutputValue("orphans", knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact("dana@example.com"), knownvalue.StringExact("erin@example.com"), knownvalue.StringExact("frank@example.com"),
						})),
					},
				},
			},
		},
	})
}

// namesExcludedConfig adds bob to orphansConfig's alice and leaves both out
// of the orphans by userName, in any case. The data source names the app
// and the accounts as data, not by reference to their resources: Terraform
// reads a data source that refers to a resource with a planned change only
// at apply.
func namesExcludedConfig(baseURL string) string {
	people := map[string]map[string]string{"alice": threePeople()["alice"], "bob": threePeople()["bob"]}
	return peopleConfig{baseURL: baseURL, people: people}.String() + fmt.Sprintf(`
data "scim_users" "orphans" {
  connected_app_id   = %q
  exclude_user_names = [for p in local.people : p.email]
}

output "orphans" {
  value = [for u in data.scim_users.orphans.users : u.user_name]
}
`, baseURL)
}

const withTitle = `  attribute_paths = ["title", "emails[type eq \"work\"].value"]`

func userLookupConfig(baseURL, args string) string {
	return providerConfig(baseURL, testToken) + fmt.Sprintf(`
data "scim_user" "one" {
  connected_app_id = %q
  attribute_paths  = ["title"]
%s
}
`, baseURL, args)
}

// One account by userName, by externalId and by id, and the errors that
// say what was found when none or several match; against the
// independent server and the local target.
func TestAccUserDataSource_lookups(t *testing.T) {
	t.Parallel()
	for name, start := range map[string]func(t *testing.T) (accountServer, string){
		"local":       func(t *testing.T) (accountServer, string) { return newTestTarget(t) },
		"independent": func(t *testing.T) (accountServer, string) { return newIndependentServer(t) },
	} {
		t.Run(name, func(t *testing.T) {
			srv, baseURL := start(t)
			ids := addAccounts(t, srv, "dana@example.com", "erin@example.com")
			dana := func(args string) resource.TestStep {
				return resource.TestStep{
					Config: userLookupConfig(baseURL, args),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("id"), knownvalue.StringExact(ids["dana@example.com"])),
						statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("user_name"), knownvalue.StringExact("dana@example.com")),
						statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("external_id"), knownvalue.StringExact("ext-dana@example.com")),
						statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("active"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("location"), knownvalue.StringRegexp(regexp.MustCompile(`/Users/`+regexp.QuoteMeta(ids["dana@example.com"])+`$`))),
						statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("attributes"), knownvalue.MapExact(map[string]knownvalue.Check{"title": knownvalue.StringExact("Contractor")})),
					},
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					dana(`  user_name = "dana@example.com"`),
					dana(`  external_id = "ext-dana@example.com"`),
					{
						Config:      userLookupConfig(baseURL, `  user_name = "nobody@example.com"`),
						ExpectError: regexpLiteral(`has no account whose userName is "nobody@example.com"`),
					},
					{
						Config:      userLookupConfig(baseURL, `  id = "no-such-id"`),
						ExpectError: regexpLiteral(`has no account with id "no-such-id"`),
					},
					{
						Config:      userLookupConfig(baseURL, `  user_name = "dana@example.com"`+"\n"+`  external_id = "ext-dana@example.com"`),
						PlanOnly:    true,
						ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
					},
					dana(fmt.Sprintf(`  id = %q`, ids["dana@example.com"])),
				},
			})
		})
	}
}

// Two accounts share an externalId (the local target allows it, as many
// apps do): the lookup names both instead of picking one.
func TestAccUserDataSource_ambiguous(t *testing.T) {
	target, baseURL := newTestTarget(t)
	ids := addAccounts(t, target, "dana@example.com", "erin@example.com")
	if err := target.SetUserAttribute(ids["erin@example.com"], "externalId", "ext-dana@example.com"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: userLookupConfig(baseURL, `  external_id = "ext-dana@example.com"`),
			ExpectError: regexpLiteral(fmt.Sprintf(`has 2 accounts whose externalId is "ext-dana@example.com": %s (userName "dana@example.com"), %s (userName "erin@example.com")`,
				ids["dana@example.com"], ids["erin@example.com"])),
		}, {
			Config: userLookupConfig(baseURL, `  user_name = "erin@example.com"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.scim_user.one", tfjsonpath.New("external_id"), knownvalue.StringExact("ext-dana@example.com")),
			},
		}},
	})
}

// Groups: the unmanaged ones listed with their members, and one group by
// name with its members.
func TestAccGroupsDataSources(t *testing.T) {
	target, baseURL := newTestTarget(t)
	ids := addAccounts(t, target, "dana@example.com", "erin@example.com")
	sales, err := target.AddGroup(map[string]any{"displayName": "Sales", "externalId": "sales",
		"members": []any{map[string]any{"value": ids["dana@example.com"]}, map[string]any{"value": ids["erin@example.com"]}}})
	if err != nil {
		t.Fatal(err)
	}
	config := groupConfig(baseURL, groupBlock("eng", "Engineering", membersOf("alice"))) + fmt.Sprintf(`
data "scim_groups" "orphans" {
  connected_app_id = scim_connected_app.app.id
  exclude_ids      = [scim_provisioned_group.eng.id]
  include_members  = true
}

data "scim_groups" "all" {
  connected_app_id = scim_connected_app.app.id
  filter           = "displayName eq \"Engineering\""
  depends_on       = [scim_provisioned_group.eng]
}

data "scim_group" "sales" {
  connected_app_id = %q
  display_name     = "Sales"
}
`, baseURL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.scim_groups.orphans", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":           knownvalue.StringExact(sales),
							"location":     knownvalue.StringExact(baseURL + "/Groups/" + sales),
							"display_name": knownvalue.StringExact("Sales"),
							"external_id":  knownvalue.StringExact("sales"),
							"members": knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact(ids["dana@example.com"]), knownvalue.StringExact(ids["erin@example.com"]),
							}),
						}),
					})),
					statecheck.ExpectKnownValue("data.scim_groups.orphans", tfjsonpath.New("total_results"), knownvalue.Int64Exact(2)),
					statecheck.CompareValuePairs("data.scim_groups.all", tfjsonpath.New("ids").AtSliceIndex(0),
						"scim_provisioned_group.eng", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.scim_groups.all", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("members"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.scim_group.sales", tfjsonpath.New("id"), knownvalue.StringExact(sales)),
					statecheck.ExpectKnownValue("data.scim_group.sales", tfjsonpath.New("members"), knownvalue.ListSizeExact(2)),
				},
			},
			{
				Config:      config + "\n" + `data "scim_group" "none" {` + fmt.Sprintf("\n  connected_app_id = %q\n  display_name = \"Nobody\"\n}\n", baseURL),
				ExpectError: regexpLiteral(`has no group whose displayName is "Nobody"`),
			},
			{
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}
