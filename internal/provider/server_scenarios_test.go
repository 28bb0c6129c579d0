package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// The core scenarios of accounts and groups, each run against every SCIM
// server under test: the local target (internal/scimtarget) and a server
// this project did not write, github.com/elimity-com/scim behind a thin
// in-memory store (internal/elimitytarget, see newIndependentServer). The
// local target shares the provider's reading of RFC 7643/7644; the
// independent one does not, so a failure there is either a provider defect
// or something an independent server does that a real client has to
// survive. The checks read what the server stores (its Go methods) and
// what it received (its request log), not only state (see accountServer).

// serverUnderTest is a SCIM server the scenarios run against.
type serverUnderTest struct {
	name   string
	start  func(t *testing.T) (accountServer, string)
	traits serverTraits
}

// serverTraits is where servers rightly differ, as a scenario sees it.
type serverTraits struct {
	// etag: the server's discovery documents say it supports ETags.
	etag bool
	// keepsSchemas: the server stores the schemas an account was created
	// with (the elimity library derives them when it answers instead).
	keepsSchemas bool
	// adoptOps are the PATCH operations that bring daveInApp to the
	// mapping: what they are depends on what the server made of the
	// account it was given.
	adoptOps []string
}

var serversUnderTest = []serverUnderTest{
	{
		name:  "local",
		start: func(t *testing.T) (accountServer, string) { return newTestTarget(t) },
		traits: serverTraits{
			etag:         true,
			keepsSchemas: true,
			adoptOps: []string{
				`add ` + enterpriseURN + `:department "R&D"`,
				`replace displayName "Dave Park"`, // the target derived "David Park"
				`add emails [{"type":"work","value":"dave@example.com"}]`,
				`replace name.givenName "Dave"`,
				`replace title "Engineer"`,
			},
		},
	},
	{
		// The local target as AWS IAM Identity Center documents its SCIM
		// API (scimtarget personality aws_identity_center): cursor paging,
		// groups that hide their members, eq-only filters, one email that
		// must be primary, no ETags.
		name: "aws_identity_center",
		start: func(t *testing.T) (accountServer, string) {
			return newVendorTarget(t, "aws_identity_center")
		},
		traits: serverTraits{
			keepsSchemas: true,
			adoptOps: []string{
				`add ` + enterpriseURN + `:department "R&D"`,
				`replace displayName "Dave Park"`,
				`add emails [{"primary":true,"type":"work","value":"dave@example.com"}]`,
				`replace name.givenName "Dave"`,
				`replace title "Engineer"`,
			},
		},
	},
	{
		name:  "independent",
		start: func(t *testing.T) (accountServer, string) { return newIndependentServer(t) },
		traits: serverTraits{
			etag: false,
			adoptOps: []string{
				`add ` + enterpriseURN + `:department "R&D"`,
				`add displayName "Dave Park"`, // the library derives no displayName
				`add emails [{"type":"work","value":"dave@example.com"}]`,
				`replace name.givenName "Dave"`,
				`replace title "Engineer"`,
			},
		},
	},
}

// newVendorTarget is the local target with a vendor's personality, its
// base URL recorded so that test configurations name the vendor profile
// (vendorArgs) and add what the vendor needs to the mapping (vendorRules).
func newVendorTarget(t *testing.T, vendor string) (*scimtarget.Target, string) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.Personality = vendor })
	testVendors.Store(baseURL, vendor)
	t.Cleanup(func() { testVendors.Delete(baseURL) })
	return target, baseURL
}

// serverScenarios run against every server under test.
var serverScenarios = []struct {
	name string
	run  func(t *testing.T, srv accountServer, baseURL string, traits serverTraits)
}{
	{"lifecycle", testLifecycle},
	{"createThreePeople", testCreateThreePeople},
	{"mappingChange", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testMappingChange(t, srv, baseURL)
	}},
	{"driftRepaired", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testDriftRepaired(t, srv, baseURL)
	}},
	{"deactivateAndReactivate", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testDeactivateAndReactivate(t, srv, baseURL)
	}},
	{"adoptExisting", func(t *testing.T, srv accountServer, baseURL string, traits serverTraits) {
		testAdoptExisting(t, srv, baseURL, traits.adoptOps)
	}},
	{"adoptByExternalID", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testAdoptByExternalID(t, srv, baseURL)
	}},
	{"existingWithoutAdopt", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testExistingWithoutAdopt(t, srv, baseURL)
	}},
	{"importOutOfBandAccount", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testImportOutOfBand(t, srv, baseURL)
	}},
	{"destroyDeactivates", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testDestroyDeactivates(t, srv, baseURL)
	}},
	{"deprovisionDelete", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testDeprovisionDelete(t, srv, baseURL)
	}},
	{"deprovisionAbandon", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testDeprovisionAbandon(t, srv, baseURL)
	}},
	{"groupMembers", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testGroupMembers(t, srv, baseURL)
	}},
	{"dataSources", func(t *testing.T, srv accountServer, baseURL string, _ serverTraits) {
		testDataSources(t, srv, baseURL)
	}},
}

// TestAccServers runs every scenario against every server, all in
// parallel: TestAccServers/<scenario>/<server>.
func TestAccServers(t *testing.T) {
	t.Parallel()
	for _, scenario := range serverScenarios {
		t.Run(scenario.name, func(t *testing.T) {
			t.Parallel()
			for _, server := range serversUnderTest {
				t.Run(server.name, func(t *testing.T) {
					srv, baseURL := server.start(t)
					scenario.run(t, srv, baseURL, server.traits)
				})
			}
		})
	}
}

func testCreateThreePeople(t *testing.T, srv accountServer, baseURL string, traits serverTraits) {
	create := createThreePeopleStep(srv, peopleConfig{baseURL: baseURL, people: threePeople()})
	app := "scim_connected_app.app"
	create.ConfigStateChecks = append(create.ConfigStateChecks,
		// The server's discovery documents are read as it serves them.
		statecheck.ExpectKnownValue(app, tfjsonpath.New("capabilities").AtMapKey("patch"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(app, tfjsonpath.New("capabilities").AtMapKey("filter"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(app, tfjsonpath.New("capabilities").AtMapKey("etag"), knownvalue.Bool(traits.etag)),
		statecheck.ExpectKnownValue(app, tfjsonpath.New("user_schema_extensions"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(enterpriseURN)})),
		statecheck.ExpectKnownValue(app, tfjsonpath.New("discovery_missing"), knownvalue.ListSizeExact(0)),
		statecheck.ExpectKnownValue("scim_attribute_mapping.app", tfjsonpath.New("schema_problems"), knownvalue.ListSizeExact(0)),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(srv, 3),
		Steps:                    []resource.TestStep{create},
	})
}

// A mapping change (a transform on a rule, a new rule, dropped rules) plans an update
// of exactly the affected accounts and sends one minimal PATCH to each.
func testMappingChange(t *testing.T, srv accountServer, baseURL string) {
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	upperCfg := cfg.replacingRule(upperTitleRule)
	upper := upperCfg.String()
	upperWithNickCfg := upperCfg.plusRules(nickNameRule)
	upperWithNick := upperWithNickCfg.String()
	withoutEmailAndDepartment := upperWithNickCfg.withoutRules(`emails[type eq "work"].value`, enterpriseURN+":department").String()
	alice, bob, carol := "scim_provisioned_user.alice", "scim_provisioned_user.bob", "scim_provisioned_user.carol"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(srv, 3),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check:  checkTarget(func() error { srv.ResetRequests(); return nil }),
			},
			{
				// A transform on the title rule: Alice and Bob change, Carol has no title.
				Config: upper,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(bob, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(carol, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("ENGINEER")),
						plancheck.ExpectKnownValue(bob, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("ACCOUNT EXECUTIVE")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("ENGINEER")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						defer srv.ResetRequests()
						return expectPatches(srv, map[string][]string{
							"alice@example.com": {`replace title "ENGINEER"`},
							"bob@example.com":   {`replace title "ACCOUNT EXECUTIVE"`},
						})
					}),
					expectStored(srv, "alice@example.com", field("title"), "ENGINEER"),
					expectStored(srv, "bob@example.com", field("title"), "ACCOUNT EXECUTIVE"),
					expectStored(srv, "carol@example.com", field("title"), nil),
				),
			},
			{
				// A new rule: every account gets nickName with an "add".
				Config: upperWithNick,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(bob, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(carol, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(carol, tfjsonpath.New("attributes").AtMapKey("nickName"), knownvalue.StringExact("Carol")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						return expectPatches(srv, map[string][]string{
							"alice@example.com": {`add nickName "Alice"`},
							"bob@example.com":   {`add nickName "Bob"`},
							"carol@example.com": {`add nickName "Carol"`},
						})
					}),
					expectStored(srv, "alice@example.com", field("nickName"), "Alice"),
					expectStored(srv, "carol@example.com", field("nickName"), "Carol"),
					expectStored(srv, "alice@example.com", field("title"), "ENGINEER"),
				),
			},
			{
				// Dropped rules: the filtered element and the extension
				// attribute are removed from every account.
				PreConfig: srv.ResetRequests,
				Config:    withoutEmailAndDepartment,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(bob, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(carol, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(6)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						remove := []string{`remove emails[type eq "work"]`, "remove " + enterpriseURN + ":department"}
						return expectPatches(srv, map[string][]string{
							"alice@example.com": remove, "bob@example.com": remove, "carol@example.com": remove,
						})
					}),
					expectStored(srv, "alice@example.com", workEmail, nil),
					expectStored(srv, "alice@example.com", field(enterpriseURN), nil),
					expectStored(srv, "alice@example.com", field("title"), "ENGINEER"),
					expectStored(srv, "carol@example.com", field("nickName"), "Carol"),
				),
			},
		},
	})
}

// An edit in the app behind Terraform's back is the drift report of a
// plan, and apply repairs it with one PATCH; an account deleted in the app
// (the library answers 404) is planned for re-creation.
func testDriftRepaired(t *testing.T, srv accountServer, baseURL string) {
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	driftReport, driftRepair := aliceDriftSteps(t, srv, cfg)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(srv, 3),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			driftReport,
			driftRepair,
			carolRecreatedStep(t, srv, cfg),
		},
	})
}

// active = false deactivates in place, active = true reactivates, and an
// account deactivated in the app is planned for reactivation.
func testDeactivateAndReactivate(t *testing.T, srv accountServer, baseURL string) {
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(srv, 3),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			aliceLeavesStep(srv, cfg),
			aliceReturnsStep(srv, cfg),
			bobReactivatedStep(t, srv, cfg),
		},
	})
}

// Adoption by externalId uses the server's filter on the common attribute.
func testAdoptByExternalID(t *testing.T, srv accountServer, baseURL string) {
	id, err := srv.AddUser(map[string]any{"userName": "dpark@example.com", "externalId": "E-100", "active": true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := adoptConfig(baseURL, `adopt_by = "externalId"`)
	cfg = cfg.plusRules(externalIDRule)
	addr := "scim_provisioned_user.dave"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(srv, 1),
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetRequests,
			Config:    cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_name"), knownvalue.StringExact("dave@example.com")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTarget(func() error {
					if n := len(srv.Users()); n != 1 {
						return fmt.Errorf("the server holds %d accounts, want the one adopted", n)
					}
					if n := srv.Count("POST", "/Users"); n != 0 {
						return fmt.Errorf("adoption sent %d POSTs, want none", n)
					}
					return nil
				}),
				expectStored(srv, "dave@example.com", field("id"), id),
				expectStored(srv, "dave@example.com", field("externalId"), "E-100"),
				expectStored(srv, "dave@example.com", field("title"), "Engineer"),
			),
		}},
	})
}

// The core group scenario: a group created
// with members, a member removed in the app shown and added back, a member
// leaving the configuration removed, the group deleted on destroy.
func testGroupMembers(t *testing.T, srv accountServer, baseURL string) {
	const addr = "scim_provisioned_group.eng"
	cfg := func(people ...string) string {
		return groupConfig(baseURL, groupBlock("eng", "Engineering", membersOf(people...)))
	}
	members := func() ([]string, error) {
		groups := srv.Groups()
		if len(groups) != 1 {
			return nil, fmt.Errorf("the server holds %d groups, want 1", len(groups))
		}
		var out []string
		list, _ := groups[0]["members"].([]any)
		for _, m := range list {
			e, _ := m.(map[string]any)
			out = append(out, fmt.Sprint(e["value"]))
		}
		return out, nil
	}
	expectMembers := func(userNames ...string) func() error {
		return func() error {
			got, err := members()
			if err != nil {
				return err
			}
			var want []string
			for _, u := range userNames {
				want = append(want, userID(srv, u))
			}
			if !lifecycle.SameMembers(got, want) {
				return fmt.Errorf("members %v, want %v (%v)", got, want, userNames)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if g := srv.Groups(); len(g) != 0 {
				return fmt.Errorf("groups left after destroy: %v", g)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("alice", "bob"),
				Check:  checkTarget(expectMembers("alice@example.com", "bob@example.com")),
			},
			{
				PreConfig: func() {
					g := srv.Groups()[0]
					must(t, srv.RemoveGroupMember(fmt.Sprint(g["id"]), userID(srv, "bob@example.com")))
				},
				Config: cfg("alice", "bob"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkTarget(expectMembers("alice@example.com", "bob@example.com")),
			},
			{
				Config: cfg("alice"),
				Check:  checkTarget(expectMembers("alice@example.com")),
			},
			// Someone adds carol in the app: the plan sees her (on an app
			// that hides members, through its member filters) and removes
			// her.
			{
				PreConfig: func() {
					g := srv.Groups()[0]
					must(t, srv.AddGroupMember(fmt.Sprint(g["id"]), userID(srv, "carol@example.com")))
				},
				Config: cfg("alice"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkTarget(expectMembers("alice@example.com")),
			},
		},
	})
}

// testDataSources: the orphans (accounts no resource manages) listed past
// the app's paging, a group read with its members (on an app that hides
// them, through its member filters) and one account looked up by
// userName.
func testDataSources(t *testing.T, srv accountServer, baseURL string) {
	ids := addAccounts(t, srv, "dana@example.com", "erin@example.com")
	config := groupConfig(baseURL, groupBlock("eng", "Engineering", membersOf("alice", "bob"))) + `
data "scim_users" "orphans" {
  connected_app_id = scim_connected_app.app.id
  exclude_ids      = [scim_provisioned_user.alice.id, scim_provisioned_user.bob.id, scim_provisioned_user.carol.id]
}

data "scim_groups" "eng" {
  connected_app_id = scim_connected_app.app.id
  filter           = "displayName eq \"Engineering\""
  include_members  = true
  depends_on       = [scim_provisioned_group.eng]
}

data "scim_user" "dana" {
  connected_app_id = scim_connected_app.app.id
  user_name        = "dana@example.com"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.scim_users.orphans", tfjsonpath.New("ids"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact(ids["dana@example.com"]), knownvalue.StringExact(ids["erin@example.com"]),
				})),
				statecheck.CompareValueCollection("data.scim_groups.eng", []tfjsonpath.Path{tfjsonpath.New("groups"), tfjsonpath.New("members")},
					"scim_provisioned_user.alice", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.scim_groups.eng", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("members"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.scim_user.dana", tfjsonpath.New("id"), knownvalue.StringExact(ids["dana@example.com"])),
			},
		}},
	})
}
