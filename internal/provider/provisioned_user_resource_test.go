package provider

import (
	"fmt"
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

const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// peopleConfig wires an app, a mapping and one account per person, the way
// the quickstart does, but with one resource block per person:
// terraform-plugin-testing's state checks do not support for_each addresses
// (the demo exercises for_each with the real CLI). extraRules and userArgs let a step vary the mapping
// and the accounts' settings.
type peopleConfig struct {
	baseURL    string
	token      string
	people     map[string]map[string]string
	extraRules string
	// userArgs adds arguments to one person's account resource.
	userArgs func(key string) string
	appArgs  string
}

func (c peopleConfig) String() string {
	var people strings.Builder
	for key, p := range c.people {
		fmt.Fprintf(&people, "    %s = {\n", key)
		for k, v := range p {
			fmt.Fprintf(&people, "      %s = %q\n", k, v)
		}
		people.WriteString("    }\n")
	}
	token := c.token
	if token == "" {
		token = testToken
	}
	return providerConfig(c.baseURL, token) + fmt.Sprintf(`
locals {
  people = {
%s  }
}

resource "scim_connected_app" "app" {
  name     = "Local target"
  base_url = %q
%s
}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "title", source = "title" },
    { target = "%s:department", source = "department" },
%s  ]
}

%s`, people.String(), c.baseURL, c.appArgs, enterpriseURN, c.extraRules, c.users())
}

func (c peopleConfig) users() string {
	keys := make([]string, 0, len(c.people))
	for k := range c.people {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		extra := ""
		if c.userArgs != nil {
			extra = c.userArgs(k)
		}
		fmt.Fprintf(&b, `
resource "scim_provisioned_user" %q {
  connected_app_id  = scim_connected_app.app.id
  compatibility     = scim_connected_app.app.compatibility
  attribute_mapping = scim_attribute_mapping.app.rules
  profile           = local.people.%s
%s
}
`, k, k, extra)
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

// userByName returns the target's account for a userName or fails.
func userByName(target *scimtarget.Target, userName string) (map[string]any, error) {
	u, ok := target.FindUserByUserName(userName)
	if !ok {
		return nil, fmt.Errorf("the target has no account %q", userName)
	}
	return u, nil
}

func expectTargetAttr(target *scimtarget.Target, userName string, get func(map[string]any) any, want any) error {
	u, err := userByName(target, userName)
	if err != nil {
		return err
	}
	if got := get(u); fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("account %q: got %v, want %v", userName, got, want)
	}
	return nil
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

func TestAccProvisionedUser_lifecycle(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}
	alice := "scim_provisioned_user.alice"

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// The default deprovision mode deactivates and keeps accounts.
			if n := len(target.Users()); n != 3 {
				return fmt.Errorf("after destroy the target has %d accounts, want the 3 kept", n)
			}
			for _, u := range target.Users() {
				if u["active"] != false {
					return fmt.Errorf("account %v is still active after destroy", u["userName"])
				}
			}
			if n := target.Count("DELETE", "/Users/*"); n != 0 {
				return fmt.Errorf("destroy sent %d DELETEs, want none (deprovision = deactivate)", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Create: the plan shows exactly the SCIM attributes that will be sent.
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionCreate),
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
						plancheck.ExpectKnownValue("scim_provisioned_user.carol", tfjsonpath.New("attributes"),
							knownvalue.MapSizeExact(6)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(alice, tfjsonpath.New("user_name"), knownvalue.StringExact("alice@example.com")),
					statecheck.ExpectKnownValue(alice, tfjsonpath.New("deprovision"), knownvalue.StringExact("deactivate")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						if n := target.Count("POST", "/Users"); n != 3 {
							return fmt.Errorf("target received %d POSTs, want 3", n)
						}
						return nil
					},
					func(*terraform.State) error {
						return expectTargetAttr(target, "alice@example.com", field(enterpriseURN, "department"), "R&D")
					},
					func(*terraform.State) error {
						return expectTargetAttr(target, "alice@example.com", workEmail, "alice@example.com")
					},
					func(*terraform.State) error {
						return expectTargetAttr(target, "carol@example.com", field("title"), nil)
					},
					func(*terraform.State) error {
						u, err := userByName(target, "alice@example.com")
						if err != nil {
							return err
						}
						schemas := fmt.Sprint(u["schemas"])
						if !strings.Contains(schemas, enterpriseURN) {
							return fmt.Errorf("alice's schemas %s lack the enterprise extension", schemas)
						}
						return nil
					},
				),
			},
			{
				// Someone edits Alice's title in the app: the plan shows it, apply repairs it with one PATCH.
				PreConfig: func() {
					u, _ := target.FindUserByUserName("alice@example.com")
					if err := target.SetUserAttribute(u["id"].(string), "title", "Manager"); err != nil {
						t.Fatal(err)
					}
					target.ResetRequests()
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
					},
				},
				Check: func(*terraform.State) error {
					if err := expectTargetAttr(target, "alice@example.com", field("title"), "Engineer"); err != nil {
						return err
					}
					return expectOnlyPatch(target, 1, `"path":"title"`)
				},
			},
			{
				// Someone deactivates Bob in the app: the plan reactivates him.
				PreConfig: func() {
					u, _ := target.FindUserByUserName("bob@example.com")
					if err := target.DeactivateUser(u["id"].(string)); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("scim_provisioned_user.bob", tfjsonpath.New("active"), knownvalue.Bool(true)),
					},
				},
				Check: func(*terraform.State) error {
					return expectTargetAttr(target, "bob@example.com", field("active"), true)
				},
			},
			{
				// Someone deletes Carol in the app: the plan re-creates her.
				PreConfig: func() {
					u, _ := target.FindUserByUserName("carol@example.com")
					if err := target.DeleteUser(u["id"].(string)); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.carol", plancheck.ResourceActionCreate),
					},
				},
				Check: func(*terraform.State) error {
					_, err := userByName(target, "carol@example.com")
					return err
				},
			},
			{
				// Alice leaves: active = false deactivates her in place.
				Config: func() string {
					c := cfg
					c.userArgs = func(k string) string {
						if k == "alice" {
							return "  active = false"
						}
						return ""
					}
					return c.String()
				}(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(alice, tfjsonpath.New("active"), knownvalue.Bool(false)),
					},
				},
				Check: func(*terraform.State) error {
					return expectTargetAttr(target, "alice@example.com", field("active"), false)
				},
			},
		},
	})
}

func importLocation(target *scimtarget.Target, baseURL, userName string) resource.ImportStateIdFunc {
	return func(*terraform.State) (string, error) {
		u, err := userByName(target, userName)
		if err != nil {
			return "", err
		}
		return baseURL + "/Users/" + u["id"].(string), nil
	}
}

// expectOnlyPatch checks that the target received exactly n write requests
// since its log was reset, all PATCHes, each containing want.
func expectOnlyPatch(target *scimtarget.Target, n int, want string) error {
	var writes []scimtarget.RecordedRequest
	for _, r := range target.Requests() {
		if r.Method != "GET" {
			writes = append(writes, r)
		}
	}
	if len(writes) != n {
		return fmt.Errorf("target received %d writes, want %d: %v", len(writes), n, describeRequests(writes))
	}
	for _, w := range writes {
		if w.Method != "PATCH" || !strings.Contains(string(w.Body), want) {
			return fmt.Errorf("want PATCH containing %s, got %s %s %s", want, w.Method, w.Path, w.Body)
		}
	}
	return nil
}

func describeRequests(rs []scimtarget.RecordedRequest) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s %s %s", r.Method, r.Path, r.Body))
	}
	return strings.Join(parts, "; ")
}
