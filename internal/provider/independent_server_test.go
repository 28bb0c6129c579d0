package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/elimitytarget"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// The core scenarios again, against a SCIM server this project did not
// write: github.com/elimity-com/scim behind a thin in-memory store
// (internal/elimitytarget). The local target shares the provider's reading
// of RFC 7643/7644; this one does not, so a failure here is either a
// provider defect or something an independent server does that a real
// client has to survive. The checks read what the server stores (its Go
// methods) and what it received (its request log), not only state.

// newIndependentServer starts an elimity-based server accepting testToken.
func newIndependentServer(t *testing.T) (*elimitytarget.Server, string) {
	t.Helper()
	srv := elimitytarget.NewTestServer(t, testToken)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("requests the elimity server received: %s", indDescribe(srv.Requests()))
		}
	})
	return srv, srv.BaseURL()
}

func indUser(srv *elimitytarget.Server, userName string) (map[string]any, error) {
	u, ok := srv.UserByUserName(userName)
	if !ok {
		return nil, fmt.Errorf("the elimity server has no account %q", userName)
	}
	return u, nil
}

func indUserID(srv *elimitytarget.Server, userName string) string {
	u, ok := srv.UserByUserName(userName)
	if !ok {
		return ""
	}
	id, _ := u["id"].(string)
	return id
}

// indExpect checks one stored value of an account (nil: absent).
func indExpect(srv *elimitytarget.Server, userName string, get func(map[string]any) any, want any) func(*terraform.State) error {
	return func(*terraform.State) error {
		u, err := indUser(srv, userName)
		if err != nil {
			return err
		}
		if got := get(u); fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("elimity server, account %q: holds %v, want %v (account: %s)", userName, got, want, indJSON(u))
		}
		return nil
	}
}

func indJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func indWrites(srv *elimitytarget.Server) []elimitytarget.RecordedRequest {
	var out []elimitytarget.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

func indDescribe(rs []elimitytarget.RecordedRequest) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s %s?%s %s -> %d", r.Method, r.Path, r.Query, r.Body, r.Status))
	}
	return strings.Join(parts, "; ")
}

// indExpectPatches checks that every write since the log was reset is one
// PATCH per account in want (by userName), answered 200, carrying exactly
// the listed operations (describeOps format).
func indExpectPatches(srv *elimitytarget.Server, want map[string][]string) error {
	writes := indWrites(srv)
	if len(writes) != len(want) {
		return fmt.Errorf("elimity server received %d writes, want %d PATCHes: %s", len(writes), len(want), indDescribe(writes))
	}
	got := map[string][]string{}
	for _, w := range writes {
		if w.Method != "PATCH" || !strings.HasPrefix(w.Path, "/Users/") || w.Status != 200 {
			return fmt.Errorf("want only PATCH /Users/<id> answered 200, got %s", indDescribe([]elimitytarget.RecordedRequest{w}))
		}
		u, ok := srv.User(strings.TrimPrefix(w.Path, "/Users/"))
		if !ok {
			return fmt.Errorf("PATCH %s: the server has no such account", w.Path)
		}
		var req scim.PatchRequest
		if err := json.Unmarshal(w.Body, &req); err != nil {
			return fmt.Errorf("PATCH %s: body %s: %v", w.Path, w.Body, err)
		}
		userName := strings.ToLower(fmt.Sprint(u["userName"]))
		if _, dup := got[userName]; dup {
			return fmt.Errorf("account %s was PATCHed more than once: %s", userName, indDescribe(writes))
		}
		got[userName] = describeOps(req.Operations)
	}
	for userName, ops := range want {
		wantOps := slices.Clone(ops)
		slices.Sort(wantOps)
		if !slices.Equal(got[userName], wantOps) {
			return fmt.Errorf("account %s: PATCH operations\n  got  %q\n  want %q", userName, got[userName], wantOps)
		}
	}
	return nil
}

// indExpectAllInactive is the destroy check of the default deprovision
// mode: every account kept, deactivated, no DELETE sent.
func indExpectAllInactive(srv *elimitytarget.Server, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		users := srv.Users()
		if len(users) != want {
			return fmt.Errorf("after destroy the elimity server has %d accounts, want %d", len(users), want)
		}
		for _, u := range users {
			if u["active"] != false {
				return fmt.Errorf("account %v is still active after destroy: %s", u["userName"], indJSON(u))
			}
		}
		if n := srv.Count("DELETE", "/Users/*"); n != 0 {
			return fmt.Errorf("destroy sent %d DELETEs, want none", n)
		}
		return nil
	}
}

// indStateID checks that a resource's id is the server's id of userName.
func indStateID(srv *elimitytarget.Server, addr, userName string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
		if want := indUserID(srv, userName); v == "" || v != want {
			return fmt.Errorf("id %q, want the server's id %q of %s", v, want, userName)
		}
		return nil
	}))
}

// indExpectProjectedRead checks that the account was read with an
// "attributes" parameter naming the enterprise extension's department,
// and that the server answered 200.
func indExpectProjectedRead(srv *elimitytarget.Server, id string) error {
	for _, r := range srv.Requests() {
		if r.Method != "GET" || r.Path != "/Users/"+id {
			continue
		}
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			return err
		}
		if attrs := q.Get("attributes"); strings.Contains(attrs, enterpriseURN+":department") {
			if r.Status != 200 {
				return fmt.Errorf("GET /Users/%s?%s was answered %d", id, r.Query, r.Status)
			}
			return nil
		}
	}
	return fmt.Errorf("no read of %s with attributes naming %s:department: %s", id, enterpriseURN, indDescribe(srv.Requests()))
}

// expectPriorAttribute is a plan check on the value a resource's
// "attributes" map had before the change, i.e. what refresh read.
type expectPriorAttribute struct{ addr, key, want string }

func (e expectPriorAttribute) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr || rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		attrs, _ := before["attributes"].(map[string]any)
		if got := fmt.Sprint(attrs[e.key]); got != e.want {
			resp.Error = fmt.Errorf("%s: attributes[%q] before the change is %q, want %q", e.addr, e.key, got, e.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

func TestAccIndependent_createThreePeople(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	alice, bob, carol := "scim_provisioned_user.alice", "scim_provisioned_user.bob", "scim_provisioned_user.carol"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 3),
		Steps: []resource.TestStep{{
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
					plancheck.ExpectKnownValue(carol, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(6)),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				// The library's discovery documents are read as it serves them.
				statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("capabilities").AtMapKey("patch"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("capabilities").AtMapKey("filter"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("capabilities").AtMapKey("etag"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("user_schema_extensions"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(enterpriseURN)})),
				statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("discovery_missing"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("scim_attribute_mapping.app", tfjsonpath.New("schema_problems"), knownvalue.ListSizeExact(0)),
				indStateID(srv, alice, "alice@example.com"),
				indStateID(srv, bob, "bob@example.com"),
				indStateID(srv, carol, "carol@example.com"),
				statecheck.ExpectKnownValue(alice, tfjsonpath.New("location"), knownvalue.StringFunc(func(v string) error {
					if want := baseURL + "/Users/" + indUserID(srv, "alice@example.com"); v != want {
						return fmt.Errorf("location %s, want %s", v, want)
					}
					return nil
				})),
				statecheck.ExpectKnownValue(alice, tfjsonpath.New("user_name"), knownvalue.StringExact("alice@example.com")),
				statecheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
				statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey(enterpriseURN+":department"), knownvalue.StringExact("R&D")),
				statecheck.ExpectKnownValue(bob, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Account Executive")),
				statecheck.ExpectKnownValue(carol, tfjsonpath.New("attributes"), knownvalue.MapSizeExact(6)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error {
					if n := srv.Count("POST", "/Users"); n != 3 {
						return fmt.Errorf("elimity server received %d POSTs, want 3: %s", n, indDescribe(indWrites(srv)))
					}
					if n := len(srv.Users()); n != 3 {
						return fmt.Errorf("elimity server holds %d accounts, want 3", n)
					}
					return nil
				},
				indExpect(srv, "alice@example.com", field("userName"), "alice@example.com"),
				indExpect(srv, "alice@example.com", field("name", "givenName"), "Alice"),
				indExpect(srv, "alice@example.com", field("name", "familyName"), "Ng"),
				indExpect(srv, "alice@example.com", field("displayName"), "Alice Ng"),
				indExpect(srv, "alice@example.com", workEmail, "alice@example.com"),
				indExpect(srv, "alice@example.com", field("title"), "Engineer"),
				indExpect(srv, "alice@example.com", field(enterpriseURN, "department"), "R&D"),
				indExpect(srv, "alice@example.com", field("active"), true),
				indExpect(srv, "bob@example.com", field("title"), "Account Executive"),
				indExpect(srv, "bob@example.com", field(enterpriseURN, "department"), "Sales"),
				// Carol has no title: nothing was sent for it.
				indExpect(srv, "carol@example.com", field("title"), nil),
				indExpect(srv, "carol@example.com", field(enterpriseURN, "department"), "Finance"),
			),
		}},
	})
}

// A mapping change (a transform on a rule, a new rule, dropped rules) plans an update
// of exactly the affected accounts and sends one minimal PATCH to each.
func TestAccIndependent_mappingChange(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	const titleRuleHCL = `{ target = "title", source = "title" }`
	upper := replaceOnce(cfg.String(), titleRuleHCL, `{ target = "title", source = "title", transform = "upper" }`)
	withNick := cfg
	withNick.extraRules = "    { target = \"nickName\", source = \"given_name\" },\n"
	upperWithNick := replaceOnce(withNick.String(), titleRuleHCL, `{ target = "title", source = "title", transform = "upper" }`)
	withoutEmailAndDepartment := replaceOnce(replaceOnce(upperWithNick,
		"    { target = \"emails[type eq \\\"work\\\"].value\", source = \"email\", transform = \"lower\" },\n", ""),
		"    { target = \""+enterpriseURN+":department\", source = \"department\" },\n", "")
	alice, bob, carol := "scim_provisioned_user.alice", "scim_provisioned_user.bob", "scim_provisioned_user.carol"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 3),
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
						return indExpectPatches(srv, map[string][]string{
							"alice@example.com": {`replace title "ENGINEER"`},
							"bob@example.com":   {`replace title "ACCOUNT EXECUTIVE"`},
						})
					}),
					indExpect(srv, "alice@example.com", field("title"), "ENGINEER"),
					indExpect(srv, "bob@example.com", field("title"), "ACCOUNT EXECUTIVE"),
					indExpect(srv, "carol@example.com", field("title"), nil),
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
						return indExpectPatches(srv, map[string][]string{
							"alice@example.com": {`add nickName "Alice"`},
							"bob@example.com":   {`add nickName "Bob"`},
							"carol@example.com": {`add nickName "Carol"`},
						})
					}),
					indExpect(srv, "alice@example.com", field("nickName"), "Alice"),
					indExpect(srv, "carol@example.com", field("nickName"), "Carol"),
					indExpect(srv, "alice@example.com", field("title"), "ENGINEER"),
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
						return indExpectPatches(srv, map[string][]string{
							"alice@example.com": remove, "bob@example.com": remove, "carol@example.com": remove,
						})
					}),
					indExpect(srv, "alice@example.com", workEmail, nil),
					indExpect(srv, "alice@example.com", field(enterpriseURN), nil),
					indExpect(srv, "alice@example.com", field("title"), "ENGINEER"),
					indExpect(srv, "carol@example.com", field("nickName"), "Carol"),
				),
			},
		},
	})
}

// An edit in the app behind Terraform's back is the drift report of a
// plan, and apply repairs it with one PATCH.
func TestAccIndependent_driftRepaired(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	alice := "scim_provisioned_user.alice"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 3),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				// The drift report: a refresh-plan only, nothing written.
				PreConfig: func() {
					if err := srv.SetAttribute(indUserID(srv, "alice@example.com"), "title", "Manager"); err != nil {
						t.Fatal(err)
					}
					srv.ResetRequests()
				},
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
			},
			{
				// Apply repairs it.
				PreConfig: func() {
					if w := indWrites(srv); len(w) != 0 {
						t.Fatalf("the drift report wrote to the app: %s", indDescribe(w))
					}
					// The refresh asked for the managed attributes, the
					// extension's among them; the library ignores the
					// parameter (it neither applies nor rejects it) and
					// answers with the whole account.
					if err := indExpectProjectedRead(srv, indUserID(srv, "alice@example.com")); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						expectPriorAttribute{alice, "title", "Manager"},
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						return indExpectPatches(srv, map[string][]string{"alice@example.com": {`replace title "Engineer"`}})
					}),
					indExpect(srv, "alice@example.com", field("title"), "Engineer"),
				),
			},
			{
				// Someone deletes Carol in the app (the library answers 404):
				// the plan re-creates her.
				PreConfig: func() {
					if err := srv.Delete(indUserID(srv, "carol@example.com")); err != nil {
						t.Fatal(err)
					}
					srv.ResetRequests()
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.carol", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{indStateID(srv, "scim_provisioned_user.carol", "carol@example.com")},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						if w := indWrites(srv); len(w) != 1 || w[0].Method != "POST" || w[0].Status != 201 {
							return fmt.Errorf("want exactly one POST answered 201, got %s", indDescribe(w))
						}
						return nil
					}),
					indExpect(srv, "carol@example.com", field(enterpriseURN, "department"), "Finance"),
				),
			},
		},
	})
}

// active = false deactivates in place, active = true reactivates, and an
// account deactivated in the app is planned for reactivation.
func TestAccIndependent_deactivateAndReactivate(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	leaver := cfg
	leaver.userArgs = func(k string) string {
		if k == "alice" {
			return "  active = false"
		}
		return ""
	}
	alice := "scim_provisioned_user.alice"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 3),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check:  checkTarget(func() error { srv.ResetRequests(); return nil }),
			},
			{
				Config: leaver.String(),
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
						defer srv.ResetRequests()
						return indExpectPatches(srv, map[string][]string{"alice@example.com": {`replace active false`}})
					}),
					indExpect(srv, "alice@example.com", field("active"), false),
					indExpect(srv, "alice@example.com", field("title"), "Engineer"),
				),
			},
			{
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(true)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						return indExpectPatches(srv, map[string][]string{"alice@example.com": {`replace active true`}})
					}),
					indExpect(srv, "alice@example.com", field("active"), true),
				),
			},
			{
				// Someone deactivates Bob in the app: the plan reactivates him.
				PreConfig: func() {
					if err := srv.Deactivate(indUserID(srv, "bob@example.com")); err != nil {
						t.Fatal(err)
					}
					srv.ResetRequests()
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("scim_provisioned_user.bob", tfjsonpath.New("active"), knownvalue.Bool(true)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(func() error {
						return indExpectPatches(srv, map[string][]string{"bob@example.com": {`replace active true`}})
					}),
					indExpect(srv, "bob@example.com", field("active"), true),
				),
			},
		},
	})
}

// An account created in the app first is linked by adopt_existing (found
// with the library's userName filter, which compares case-insensitively),
// never duplicated, and brought to the mapped values.
func TestAccIndependent_adoptExisting(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	id, err := srv.AddUser(map[string]any{
		"userName": "Dave@Example.com",
		"name":     map[string]any{"givenName": "David", "familyName": "Park"},
		"title":    "Intern",
		"nickName": "Davey",
		"active":   true,
	})
	if err != nil {
		t.Fatal(err)
	}
	addr := "scim_provisioned_user.dave"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 1),
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetRequests,
			Config:    adoptConfig(baseURL).String(),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
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
						return fmt.Errorf("elimity server holds %d accounts, want the one adopted", n)
					}
					if n := srv.Count("POST", "/Users"); n != 0 {
						return fmt.Errorf("adoption sent %d POSTs, want none: %s", n, indDescribe(indWrites(srv)))
					}
					if n := srv.Count("PATCH", "/Users/"+id); n != 1 {
						return fmt.Errorf("adoption sent %d PATCHes of %s, want 1: %s", n, id, indDescribe(indWrites(srv)))
					}
					return nil
				}),
				indExpect(srv, "dave@example.com", field("id"), id),
				indExpect(srv, "dave@example.com", field("title"), "Engineer"),
				indExpect(srv, "dave@example.com", field("name", "givenName"), "Dave"),
				indExpect(srv, "dave@example.com", field("displayName"), "Dave Park"),
				indExpect(srv, "dave@example.com", workEmail, "dave@example.com"),
				indExpect(srv, "dave@example.com", field(enterpriseURN, "department"), "R&D"),
				// Not managed: left as the app has it.
				indExpect(srv, "dave@example.com", field("nickName"), "Davey"),
			),
		}},
	})
}

// Adoption by externalId uses the library's filter on the common attribute.
func TestAccIndependent_adoptByExternalID(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	id, err := srv.AddUser(map[string]any{"userName": "dpark@example.com", "externalId": "E-100", "active": true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := adoptConfig(baseURL, `adopt_by = "externalId"`)
	cfg.extraRules = "    { target = \"externalId\", source = \"employee_id\" },\n"
	addr := "scim_provisioned_user.dave"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 1),
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
						return fmt.Errorf("elimity server holds %d accounts, want the one adopted", n)
					}
					if n := srv.Count("POST", "/Users"); n != 0 {
						return fmt.Errorf("adoption sent %d POSTs, want none", n)
					}
					return nil
				}),
				indExpect(srv, "dave@example.com", field("id"), id),
				indExpect(srv, "dave@example.com", field("externalId"), "E-100"),
				indExpect(srv, "dave@example.com", field("title"), "Engineer"),
			),
		}},
	})
}

// Without adopt_existing, an account that exists already is the library's
// 409 (our store enforces the schema's userName uniqueness), reported with
// the conflicting account; nothing is created.
func TestAccIndependent_existingWithoutAdopt(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	id, err := srv.AddUser(map[string]any{"userName": "Dave@Example.com", "active": true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := adoptConfig(baseURL)
	cfg.userArgs = nil
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			users := srv.Users()
			if len(users) != 1 || users[0]["id"] != id || users[0]["active"] != true {
				return fmt.Errorf("elimity server holds %s, want only the existing active %s", indJSON(users), id)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ExpectError: regexpParts(`SCIM Account Already Exists .* HTTP 409 (scimType "uniqueness") ` +
				`.* ` + baseURL + "/Users/" + id + ` (userName "Dave@Example.com", active true) ` +
				".* Nothing was created. .* `adopt_existing = true`"),
		}},
	})
}

// Import by location, then the next apply brings the account to the mapped
// values with one PATCH and no POST.
func TestAccIndependent_importByLocation(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	id, err := srv.AddUser(map[string]any{
		"userName": "dave@example.com",
		"name":     map[string]any{"givenName": "David", "familyName": "Park"},
		"title":    "Intern",
		"nickName": "Davey",
		"active":   true,
	})
	if err != nil {
		t.Fatal(err)
	}
	dave := map[string]map[string]string{"dave": {"email": "dave@example.com", "given_name": "Dave", "family_name": "Park", "title": "Engineer", "department": "R&D"}}
	withoutUsers := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{}}.String()
	cfg := peopleConfig{baseURL: baseURL, people: dave}
	addr := "scim_provisioned_user.dave"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             indExpectAllInactive(srv, 1),
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
					checkTarget(func() error {
						if n := srv.Count("POST", "/Users"); n != 0 {
							return fmt.Errorf("elimity server received %d POSTs, want none", n)
						}
						if w := indWrites(srv); len(w) != 1 || w[0].Method != "PATCH" || w[0].Path != "/Users/"+id || w[0].Status != 200 {
							return fmt.Errorf("want exactly one PATCH /Users/%s answered 200, got %s", id, indDescribe(w))
						}
						return nil
					}),
					indExpect(srv, "dave@example.com", field("title"), "Engineer"),
					indExpect(srv, "dave@example.com", field("name", "givenName"), "Dave"),
					indExpect(srv, "dave@example.com", field("displayName"), "Dave Park"),
					indExpect(srv, "dave@example.com", workEmail, "dave@example.com"),
					indExpect(srv, "dave@example.com", field(enterpriseURN, "department"), "R&D"),
					indExpect(srv, "dave@example.com", field("nickName"), "Davey"),
				),
			},
		},
	})
}

// Destroy with the default deprovision mode deactivates and keeps the
// account: one PATCH of active, no DELETE.
func TestAccIndependent_destroyDeactivates(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := indExpectAllInactive(srv, 1)(s); err != nil {
				return err
			}
			if u, ok := srv.User(id); !ok || u["title"] != "Engineer" {
				return fmt.Errorf("account %s after destroy: %s, want it kept as it was, only inactive", id, indJSON(u))
			}
			return indExpectPatches(srv, map[string][]string{"alice@example.com": {`replace active false`}})
		},
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("deprovision"), knownvalue.StringExact("deactivate")),
			},
			Check: checkTarget(func() error {
				if id = indUserID(srv, "alice@example.com"); id == "" {
					return fmt.Errorf("alice was not created")
				}
				srv.ResetRequests()
				return nil
			}),
		}},
	})
}

func TestAccIndependent_deprovisionDelete(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople(), userArgs: userArg(`deprovision = "delete"`)}
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, ok := srv.User(id); ok {
				return fmt.Errorf("account %s is still on the elimity server after destroy with deprovision = delete", id)
			}
			if n := len(srv.Users()); n != 0 {
				return fmt.Errorf("after destroy the elimity server holds %d accounts, want none", n)
			}
			w := indWrites(srv)
			if len(w) != 1 || w[0].Method != "DELETE" || w[0].Path != "/Users/"+id || w[0].Status != 204 {
				return fmt.Errorf("destroy sent %s, want exactly DELETE /Users/%s answered 204", indDescribe(w), id)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("scim_provisioned_user.alice", tfjsonpath.New("deprovision"), knownvalue.StringExact("delete")),
			},
			Check: checkTarget(func() error {
				if id = indUserID(srv, "alice@example.com"); id == "" {
					return fmt.Errorf("alice was not created")
				}
				srv.ResetRequests()
				return nil
			}),
		}},
	})
}

func TestAccIndependent_deprovisionAbandon(t *testing.T) {
	srv, baseURL := newIndependentServer(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople(), userArgs: userArg(`deprovision = "abandon"`)}
	var before string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if w := indWrites(srv); len(w) != 0 {
				return fmt.Errorf("destroy with deprovision = abandon wrote to the app: %s", indDescribe(w))
			}
			u, err := indUser(srv, "alice@example.com")
			if err != nil {
				return err
			}
			delete(u, "meta")
			if after := indJSON(u); after != before {
				return fmt.Errorf("abandoned account changed:\n  before %s\n  after  %s", before, after)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			Check: checkTarget(func() error {
				u, err := indUser(srv, "alice@example.com")
				if err != nil {
					return err
				}
				if u["active"] != true {
					return fmt.Errorf("alice is not active: %s", indJSON(u))
				}
				before = indJSON(u)
				srv.ResetRequests()
				return nil
			}),
		}},
	})
}
