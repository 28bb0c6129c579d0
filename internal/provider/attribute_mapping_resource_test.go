package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const (
	titleRule      = `{ target = "title", source = "title" }`
	departmentRule = `{ target = "` + enterpriseURN + `:department", source = "department" }`
)

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
	changed := cfg
	changed.extraRules = "    { target = \"nickName\", source = \"given_name\" },\n"
	changedConfig := replaceOnce(changed.String(), titleRule, `{ target = "title", source = "title", transform = "upper" }`)
	alice, bob, carol, erin := "scim_provisioned_user.alice", "scim_provisioned_user.bob", "scim_provisioned_user.carol", "scim_provisioned_user.erin"

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
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
	withoutDepartment := replaceOnce(cfg.String(), "    "+departmentRule+",\n", "")
	alice := "scim_provisioned_user.alice"
	department := field(enterpriseURN, "department")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
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
	withRule := func(rule string) string {
		return peopleConfig{baseURL: baseURL, people: alice, extraRules: "    " + rule + ",\n"}.String()
	}
	// The extra rule comes after the 7 base rules.
	steps := []struct{ config, want string }{
		{withRule(`{ target = "titel", source = "title" }`),
			`Attribute Mapping Does Not Fit the App's Schema .* rule 8 (target "titel"): the app's schema does not describe titel: .* did you mean "title"?`},
		{withRule(`{ target = "groups[type eq \"direct\"].value", value = "g1" }`),
			`rule 8 (target "groups[type eq \"direct\"].value"): groups[type eq "direct"].value is readOnly in the app's schema`},
		{withRule(`{ target = "id", value = "x" }`),
			`Invalid Attribute Mapping Rule .* rule 8 (target "id"): id is set by the app, not by a mapping rule`},
		{withRule(`{ target = "emails[type eq \"work\"].primary", value = "maybe" }`),
			`rule 8 (target "emails[type eq \"work\"].primary"): value "maybe" does not fit: the app's schema types this attribute as boolean; use "true" or "false"`},
		{replaceOnce(withRule(`{ target = "nickName", source = "given_name" }`), `    { target = "userName", source = "email", transform = "lower" },`+"\n", ""),
			`Invalid Attribute Mapping .* no rule maps userName, which every SCIM account needs`},
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		testSteps = append(testSteps, resource.TestStep{Config: s.config, PlanOnly: true, ExpectError: regexpParts(s.want)})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return expectNoWrites(target) },
		Steps:                    testSteps,
	})
}
