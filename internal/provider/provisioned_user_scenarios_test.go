package provider

import (
	"encoding/json"
	"fmt"
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

// Scenarios of scim_provisioned_user beyond the lifecycle test: deprovision
// modes, import, adoption, credentials, the app's address, and apps that
// lack PATCH, filtered PATCH paths or a PATCH body, or enforce ETags.

func alicePeople() map[string]map[string]string {
	return map[string]map[string]string{"alice": threePeople()["alice"]}
}

func userArg(arg string) func(string) string { return func(string) string { return "  " + arg } }

// expectAllInactive is the destroy check of the default deprovision mode:
// every account is kept, deactivated, and no DELETE was sent.
func expectAllInactive(srv accountServer, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		users := srv.Users()
		if len(users) != want {
			return fmt.Errorf("after destroy the server has %d accounts, want %d", len(users), want)
		}
		for _, u := range users {
			if u["active"] != false {
				return fmt.Errorf("account %v is still active after destroy: %s", u["userName"], jsonText(u))
			}
		}
		if n := srv.Count("DELETE", "/Users/*"); n != 0 {
			return fmt.Errorf("destroy sent %d DELETEs, want none", n)
		}
		return nil
	}
}

// testDestroy creates Alice's account, active, with deprovision = mode (""
// leaves the default), then destroys it. check judges what destroy did,
// from her account as the create left it and the requests sent since.
func testDestroy(t *testing.T, srv accountServer, baseURL, mode string, check func(before map[string]any) error) {
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	wantMode := "deactivate"
	if mode != "" {
		cfg.userArgs = userArg(fmt.Sprintf("deprovision = %q", mode))
		wantMode = mode
	}
	var before map[string]any
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return check(before) },
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("deprovision"), knownvalue.StringExact(wantMode)),
			},
			Check: checkTarget(func() error {
				u, ok := srv.FindUserByUserName("alice@example.com")
				if !ok {
					return fmt.Errorf("alice was not created")
				}
				if u["active"] != true {
					return fmt.Errorf("alice is not active: %s", jsonText(u))
				}
				before = u
				srv.ResetRequests()
				return nil
			}),
		}},
	})
}

// testDestroyDeactivates: the default deprovision mode deactivates and
// keeps the account: one PATCH of active, no DELETE.
func testDestroyDeactivates(t *testing.T, srv accountServer, baseURL string) {
	testDestroy(t, srv, baseURL, "", func(before map[string]any) error {
		if err := expectAllInactive(srv, 1)(nil); err != nil {
			return err
		}
		id, _ := before["id"].(string)
		if u, ok := srv.GetUser(id); !ok || u["title"] != "Engineer" {
			return fmt.Errorf("account %s after destroy: %s, want it kept as it was, only inactive", id, jsonText(u))
		}
		return expectPatches(srv, map[string][]string{"alice@example.com": {`replace active false`}})
	})
}

// testDeprovisionDelete: deprovision = "delete" deletes the account with
// one DELETE.
func testDeprovisionDelete(t *testing.T, srv accountServer, baseURL string) {
	testDestroy(t, srv, baseURL, "delete", func(before map[string]any) error {
		id, _ := before["id"].(string)
		if _, ok := srv.GetUser(id); ok {
			return fmt.Errorf("account %s is still on the server after destroy with deprovision = delete", id)
		}
		if n := len(srv.Users()); n != 0 {
			return fmt.Errorf("after destroy the server has %d accounts, want none", n)
		}
		w := writeRequests(srv)
		if len(w) != 1 || w[0].Method != "DELETE" || w[0].Path != "/Users/"+id || w[0].Status != 204 {
			return fmt.Errorf("destroy sent %s, want exactly DELETE /Users/%s answered 204", describeRequests(w), id)
		}
		return nil
	})
}

// testDeprovisionAbandon: deprovision = "abandon" sends nothing and leaves
// the account exactly as it was, active.
func testDeprovisionAbandon(t *testing.T, srv accountServer, baseURL string) {
	testDestroy(t, srv, baseURL, "abandon", func(before map[string]any) error {
		if err := expectNoWrites(srv); err != nil {
			return fmt.Errorf("destroy with deprovision = abandon: %w", err)
		}
		after, err := userByName(srv, "alice@example.com")
		if err != nil {
			return err
		}
		if a, b := jsonText(after), jsonText(before); a != b {
			return fmt.Errorf("abandoned account changed:\n  before %s\n  after  %s", b, a)
		}
		return nil
	})
}

// Import by location gives the state a create gives, but for what only
// the configuration knows; a malformed ID gets the expected format.
func TestAccProvisionedUser_importVerify(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				ResourceName:            "scim_provisioned_user.bob",
				ImportState:             true,
				ImportStateIdFunc:       importLocation(target, baseURL, "bob@example.com"),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"attribute_mapping", "profile", "compatibility", "attributes"},
			},
			{
				ResourceName:  "scim_provisioned_user.bob",
				ImportState:   true,
				ImportStateId: "bob@example.com",
				ExpectError: regexpParts("Invalid Import ID .* A provisioned user is imported by its SCIM location, `<base_url>/Users/<id>`, " +
					`.* got "bob@example.com".`),
			},
			{
				ResourceName:  "scim_provisioned_user.bob",
				ImportState:   true,
				ImportStateId: baseURL + "/Users/",
				ExpectError:   regexpParts("Invalid Import ID .* `<base_url>/Users/<id>`"),
			},
		},
	})
}

// daveInApp is Dave's account as an administrator of the app created it,
// before Terraform managed him: not yet as the mapping has him, and with a
// nickName the mapping does not manage.
func daveInApp(userName string) map[string]any {
	return map[string]any{
		"userName": userName,
		"name":     map[string]any{"givenName": "David", "familyName": "Park"},
		"title":    "Intern",
		"nickName": "Davey",
		"active":   true,
	}
}

// expectDaveMapped checks that Dave's account (daveInApp) holds the values
// the mapping gives him, and what the mapping does not manage as the app
// has it.
func expectDaveMapped(srv accountServer) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		expectStored(srv, "dave@example.com", field("title"), "Engineer"),
		expectStored(srv, "dave@example.com", field("name", "givenName"), "Dave"),
		expectStored(srv, "dave@example.com", field("displayName"), "Dave Park"),
		expectStored(srv, "dave@example.com", workEmail, "dave@example.com"),
		expectStored(srv, "dave@example.com", field(enterpriseURN, "department"), "R&D"),
		// Not managed: left as the app has it.
		expectStored(srv, "dave@example.com", field("nickName"), "Davey"),
	)
}

// testImportOutOfBand: an account created in the app, imported by its
// location, is brought to the mapped attributes by the next apply: one
// PATCH, no POST.
func testImportOutOfBand(t *testing.T, srv accountServer, baseURL string) {
	id, err := srv.AddUser(daveInApp("dave@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	dave := map[string]map[string]string{"dave": {"email": "dave@example.com", "given_name": "Dave", "family_name": "Park", "title": "Engineer", "department": "R&D"}}
	withoutUsers := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{}}.String()
	cfg := peopleConfig{baseURL: baseURL, people: dave}
	addr := "scim_provisioned_user.dave"
	providers, warnings := captureWarnings()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		CheckDestroy:             expectAllInactive(srv, 1),
		Steps: []resource.TestStep{
			{Config: withoutUsers},
			{
				Config:             cfg.String(),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      baseURL + "/Users/" + id,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if s.ID == id && s.Attributes["user_name"] == "dave@example.com" && s.Attributes["active"] == "true" &&
							s.Attributes["location"] == baseURL+"/Users/"+id {
							srv.ResetRequests()
							return nil
						}
					}
					return fmt.Errorf("the import holds no account %s with user_name dave@example.com: %v", id, states)
				},
			},
			{
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("attributes"), knownvalue.MapExact(map[string]knownvalue.Check{
							"userName":                     knownvalue.StringExact("dave@example.com"),
							"name.givenName":               knownvalue.StringExact("Dave"),
							"name.familyName":              knownvalue.StringExact("Park"),
							"displayName":                  knownvalue.StringExact("Dave Park"),
							`emails[type eq "work"].value`: knownvalue.StringExact("dave@example.com"),
							"title":                        knownvalue.StringExact("Engineer"),
							enterpriseURN + ":department":  knownvalue.StringExact("R&D"),
						})),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The plan shows every mapped attribute as added after an
					// import; its warning says what the account held.
					checkTarget(func() error {
						w := warnings()
						if _, ok := findWarning(w, "PlanResourceChange", "Imported SCIM Account Will Be Overwritten",
							baseURL+"/Users/"+id, `title: "Intern" -> "Engineer"`, `name.givenName: "David" -> "Dave"`); !ok {
							return fmt.Errorf("the plan after import did not say what is overwritten; warnings: %+v", w)
						}
						return nil
					}),
					checkTarget(func() error {
						if n := srv.Count("POST", "/Users"); n != 0 {
							return fmt.Errorf("the server received %d POSTs, want none", n)
						}
						if w := writeRequests(srv); len(w) != 1 || w[0].Method != "PATCH" || w[0].Path != "/Users/"+id || w[0].Status != 200 ||
							!strings.Contains(string(w[0].Body), `"path":"title"`) {
							return fmt.Errorf("want exactly one PATCH /Users/%s of the title answered 200, got %s", id, describeRequests(w))
						}
						return nil
					}),
					expectDaveMapped(srv),
				),
			},
		},
	})
}

// adoptConfig is one person, Dave, with adopt_existing set.
func adoptConfig(baseURL string, extraArgs ...string) peopleConfig {
	args := append([]string{"adopt_existing = true"}, extraArgs...)
	return peopleConfig{
		baseURL: baseURL,
		people: map[string]map[string]string{"dave": {
			"email": "dave@example.com", "given_name": "Dave", "family_name": "Park", "title": "Engineer",
			"department": "R&D", "employee_id": "E-100",
		}},
		userArgs: func(string) string { return "  " + strings.Join(args, "\n  ") },
	}
}

// testAdoptExisting: an account that exists in the app (its userName
// differs in case; the server's filter compares it case-insensitively) is
// linked, never duplicated, and brought to the mapped attributes with one
// PATCH carrying exactly wantOps (what they are depends on what the server
// made of the account it was given); unmanaged attributes are left alone.
// The plan says which account it links and what it overwrites; so does the
// apply.
func testAdoptExisting(t *testing.T, srv accountServer, baseURL string, wantOps []string) {
	id, err := srv.AddUser(daveInApp("Dave@Example.com"))
	if err != nil {
		t.Fatal(err)
	}
	addr := "scim_provisioned_user.dave"
	providers, warnings := captureWarnings()
	overwritten := []string{`title: "Intern" -> "Engineer"`, `name.givenName: "David" -> "Dave"`, `emails[type eq "work"].value: unset -> "dave@example.com"`}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		CheckDestroy:             expectAllInactive(srv, 1),
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetRequests,
			Config:    adoptConfig(baseURL).String(),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("location"), knownvalue.StringExact(baseURL+"/Users/"+id)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_name"), knownvalue.StringExact("dave@example.com")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTarget(func() error {
					if n := len(srv.Users()); n != 1 {
						return fmt.Errorf("the server has %d accounts, want the one adopted", n)
					}
					if n := srv.Count("POST", "/Users"); n != 0 {
						return fmt.Errorf("adoption sent %d POSTs, want none: %s", n, describeRequests(writeRequests(srv)))
					}
					return expectPatches(srv, map[string][]string{"dave@example.com": wantOps})
				}),
				expectStored(srv, "dave@example.com", field("id"), id),
				expectDaveMapped(srv),
				checkTarget(func() error {
					w := warnings()
					if _, ok := findWarning(w, "PlanResourceChange", "Existing SCIM Account Will Be Adopted",
						append([]string{baseURL + "/Users/" + id}, overwritten...)...); !ok {
						return fmt.Errorf("the plan did not warn which account is adopted and what it overwrites; warnings: %+v", w)
					}
					if _, ok := findWarning(w, "ApplyResourceChange", "SCIM Account Adopted", overwritten...); !ok {
						return fmt.Errorf("the apply did not say what the adoption overwrote; warnings: %+v", w)
					}
					return nil
				}),
			),
		}},
	})
}

// Two accounts match: nothing is linked or created, and the error lists both.
func TestAccProvisionedUser_adoptAmbiguous(t *testing.T) {
	target, baseURL := newTestTarget(t)
	var ids []string
	for _, userName := range []string{"dave.park@example.com", "dpark@example.com"} {
		id, err := target.AddUser(map[string]any{"userName": userName, "externalId": "E-100"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	cfg := adoptConfig(baseURL, `adopt_by = "externalId"`)
	cfg = cfg.plusRules(externalIDRule)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(target.Users()); n != 2 {
				return fmt.Errorf("target has %d accounts, want the 2 it had", n)
			}
			return expectNoWrites(target)
		},
		Steps: []resource.TestStep{{
			PreConfig: target.ResetRequests,
			Config:    cfg.String(),
			ExpectError: regexpParts(`More Than One Account to Adopt .* Looking up externalId "E-100" .* found 2 accounts: ` +
				`.* ` + baseURL + "/Users/" + ids[0] + ` (userName "dave.park@example.com", active true) ` +
				`.* ` + baseURL + "/Users/" + ids[1] + ` (userName "dpark@example.com", active true) ` +
				`.* Nothing was linked or created.`),
		}},
	})
}

// testExistingWithoutAdopt: without adopt_existing, an account that exists
// already is the server's 409, reported with the conflicting account and
// how to adopt it; nothing is created.
func testExistingWithoutAdopt(t *testing.T, srv accountServer, baseURL string) {
	id, err := srv.AddUser(map[string]any{"userName": "Dave@Example.com", "active": true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := adoptConfig(baseURL)
	cfg.userArgs = nil
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			users := srv.Users()
			if len(users) != 1 || users[0]["id"] != id || users[0]["active"] != true {
				return fmt.Errorf("the server holds %s, want only the existing active %s", jsonText(users), id)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			// (AWS IAM Identity Center's 409 carries no scimType.)
			ExpectError: regexpParts(`SCIM Account Already Exists .* HTTP 409 ` +
				`.* ` + baseURL + "/Users/" + id + ` (userName "Dave@Example.com", active true) ` +
				".* Nothing was created. An active account is never taken over silently: it is linked without asking only when it already " +
				"holds exactly the mapped values .* name.givenName: unset -> \"Dave\" .* To manage it, set `adopt_existing = true`"),
		}},
	})
}

// Credentials live in the provider configuration only: rotating the token
// changes nothing and sends nothing.
func TestAccProvisionedUser_rotatedCredentialPlansNothing(t *testing.T) {
	const rotated = "rotated-token-9f3e21"
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.BearerTokens = []string{testToken, rotated} })
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	rotatedCfg := cfg
	rotatedCfg.token = rotated
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				PreConfig: target.ResetRequests,
				Config:    rotatedCfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkTarget(func() error {
					if target.Count("GET", "/Users/*")+target.Count("GET", "/Users") == 0 {
						return fmt.Errorf("the refresh read no account: the step did not exercise the rotated token")
					}
					return expectNoWrites(target)
				}),
			},
		},
	})
}

// The same app at a new address: the app, the mapping and every account
// update in place; nothing is created, deleted or written.
func TestAccProvisionedUser_baseURLChangeUpdatesInPlace(t *testing.T) {
	target, baseURL := newTestTarget(t)
	localhostURL := strings.Replace(baseURL, "127.0.0.1", "localhost", 1)
	config := func(url string) string {
		return peopleConfig{baseURL: url, credentialURLs: []string{baseURL, localhostURL}, people: threePeople()}.String()
	}
	var aliceID string
	update := func(addr string) plancheck.PlanCheck {
		return plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			{
				Config: config(baseURL),
				Check: checkTarget(func() error {
					aliceID = userID(target, "alice@example.com")
					target.ResetRequests()
					return nil
				}),
			},
			{
				Config: config(localhostURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						update("scim_connected_app.app"),
						update("scim_attribute_mapping.app"),
						update("scim_provisioned_user.alice"),
						update("scim_provisioned_user.bob"),
						update("scim_provisioned_user.carol"),
						plancheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("connected_app_id"), knownvalue.StringExact(localhostURL)),
						plancheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("location"), knownvalue.StringFunc(func(v string) error {
						if want := localhostURL + "/Users/" + aliceID; v != want {
							return fmt.Errorf("location %s, want %s", v, want)
						}
						return nil
					})),
					statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("id"), knownvalue.StringExact(localhostURL)),
				},
				Check: checkTarget(func() error {
					if n := len(target.Users()); n != 3 {
						return fmt.Errorf("target has %d accounts, want the same 3", n)
					}
					if userID(target, "alice@example.com") != aliceID {
						return fmt.Errorf("alice's account changed id")
					}
					return expectNoWrites(target)
				}),
			},
		},
	})
}

// noPatchUpdate checks that an update of an app without PATCH (per its
// discovery or per compatibility) is a GET and a PUT of the whole account
// that keeps what Terraform does not manage.
func noPatchUpdate(t *testing.T, target *scimtarget.Target, baseURL, appArgs string) {
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople(), appArgs: appArgs}
	promoted := cfg
	promoted.people = alicePeople()
	promoted.people["alice"]["title"] = "Staff Engineer"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if n := target.Count("PATCH", ""); n != 0 {
				return fmt.Errorf("target received %d PATCHes, want none", n)
			}
			return expectAllInactive(target, 1)(s)
		},
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				PreConfig: func() {
					if err := target.SetUserAttribute(userID(target, "alice@example.com"), "nickName", "Ali"); err != nil {
						t.Fatal(err)
					}
					target.ResetRequests()
				},
				Config: promoted.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Staff Engineer")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						w := writeRequests(target)
						if len(w) != 1 || w[0].Method != "PUT" || w[0].Status != 200 {
							return fmt.Errorf("want exactly one PUT answered 200, got %s", describeRequests(w))
						}
						var sent map[string]any
						if err := json.Unmarshal(w[0].Body, &sent); err != nil {
							return err
						}
						if sent["nickName"] != "Ali" || sent["title"] != "Staff Engineer" {
							return fmt.Errorf("the PUT did not carry the whole account: %s", w[0].Body)
						}
						return nil
					}),
					expectStored(target, "alice@example.com", field("title"), "Staff Engineer"),
					expectStored(target, "alice@example.com", field("nickName"), "Ali"),
					expectStored(target, "alice@example.com", field(enterpriseURN, "department"), "R&D"),
				),
			},
		},
	})
}

func TestAccProvisionedUser_appWithoutPatchUsesPut(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.Capabilities = scimtarget.DefaultCapabilities()
		o.Capabilities.Patch = false
	})
	noPatchUpdate(t, target, baseURL, "")
}

func TestAccProvisionedUser_compatibilityPatchFalseUsesPut(t *testing.T) {
	target, baseURL := newTestTarget(t)
	noPatchUpdate(t, target, baseURL, "  compatibility = { patch = false }")
}

// An app that rejects filtered PATCH paths gets the whole multi-valued
// attribute instead.
func TestAccProvisionedUser_noFilteredPatchPaths(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.Quirks.NoFilteredPatchPaths = true })
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople(), appArgs: "  compatibility = { filtered_patch_paths = false }"}
	renamed := cfg
	renamed.people = alicePeople()
	renamed.people["alice"]["email"] = "alice.ng@example.com"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check:  checkTarget(func() error { target.ResetRequests(); return nil }),
			},
			{
				Config: renamed.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("attributes").AtMapKey(`emails[type eq "work"].value`),
							knownvalue.StringExact("alice.ng@example.com")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						return expectPatches(target, map[string][]string{"alice.ng@example.com": {
							`replace emails [{"type":"work","value":"alice.ng@example.com"}]`,
							`replace userName "alice.ng@example.com"`,
						}})
					}),
					expectStored(target, "alice.ng@example.com", workEmail, "alice.ng@example.com"),
				),
			},
		},
	})
}

// A PATCH answered 204 without a body still ends with the account's state,
// read back with a GET.
func TestAccProvisionedUser_patchReturnsNoContent(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.Quirks.PatchReturnsNoContent = true })
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	promoted := cfg
	promoted.people = alicePeople()
	promoted.people["alice"]["title"] = "Staff Engineer"
	addr := "scim_provisioned_user.alice"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check:  checkTarget(func() error { target.ResetRequests(); return nil }),
			},
			{
				Config: promoted.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Staff Engineer")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.StringFunc(func(v string) error {
						u, _ := target.FindUserByUserName("alice@example.com")
						if want := fmt.Sprint(field("meta", "version")(u)); v != want {
							return fmt.Errorf("version %q, want the account's %q after the PATCH", v, want)
						}
						return nil
					})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						reqs := target.Requests()
						for i, r := range reqs {
							if r.Method == "PATCH" {
								if r.Status != 204 {
									return fmt.Errorf("PATCH answered %d, want 204", r.Status)
								}
								if i+1 == len(reqs) || reqs[i+1].Method != "GET" || reqs[i+1].Path != r.Path {
									return fmt.Errorf("the 204 PATCH was not followed by a GET of the account")
								}
							}
						}
						return expectOnlyPatch(target, 1, `"path":"title"`)
					}),
					expectStored(target, "alice@example.com", field("title"), "Staff Engineer"),
				),
			},
		},
	})
}

// An app that enforces ETags gets If-Match with the version Terraform read
// last, and accepts the update.
func TestAccProvisionedUser_etagIfMatch(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.EnforceETags = true })
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	promoted := cfg
	promoted.people = alicePeople()
	promoted.people["alice"]["title"] = "Staff Engineer"
	var version string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				// An edit in the app Terraform does not manage moves the
				// version on: the refresh must pick up the new one.
				PreConfig: func() {
					id := userID(target, "alice@example.com")
					if err := target.SetUserAttribute(id, "nickName", "Ali"); err != nil {
						t.Fatal(err)
					}
					u, _ := target.GetUser(id)
					version = fmt.Sprint(field("meta", "version")(u))
					target.ResetRequests()
				},
				Config: promoted.String(),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						if err := expectOnlyPatch(target, 1, `"path":"title"`); err != nil {
							return err
						}
						w := writeRequests(target)[0]
						if got := w.Header.Get("If-Match"); got != version || got == "" {
							return fmt.Errorf("PATCH If-Match %q, want the current version %q", got, version)
						}
						if w.Status != 200 {
							return fmt.Errorf("PATCH answered %d, want 200", w.Status)
						}
						return nil
					}),
					expectStored(target, "alice@example.com", field("title"), "Staff Engineer"),
				),
			},
		},
	})
}
