package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// danaProfile is a person whose account an administrator made by hand,
// holding what the test mapping makes of this profile (danaAccount).
var danaProfile = map[string]string{
	"email": "dana@example.com", "given_name": "Dana", "family_name": "Kim", "title": "Engineer", "department": "R&D",
}

// danaAccount is that account as the app holds it.
func danaAccount() map[string]any {
	return map[string]any{
		"schemas":     []any{"urn:ietf:params:scim:schemas:core:2.0:User", enterpriseURN},
		"userName":    "dana@example.com",
		"name":        map[string]any{"givenName": "Dana", "familyName": "Kim"},
		"displayName": "Dana Kim",
		"emails":      []any{map[string]any{"type": "work", "value": "dana@example.com"}},
		"title":       "Engineer",
		enterpriseURN: map[string]any{"department": "R&D"},
		"active":      true,
	}
}

func identityImportBlock(addr, baseURL, id string) string {
	return fmt.Sprintf(`
import {
  to       = %s
  identity = {
    base_url = %q
    id       = %q
  }
}
`, addr, baseURL, id)
}

// An account made by hand is imported by identity in an import block
// (Terraform 1.12 and later): the plan imports it and changes nothing in
// the app, the apply sends no write, and the state has the identity. A
// resource Terraform creates has one too; a bad identity fails clearly.
func TestAccProvisionedUser_importByIdentity(t *testing.T) {
	target, baseURL := newTestTarget(t)
	danaID, err := target.AddUser(danaAccount())
	if err != nil {
		t.Fatal(err)
	}
	people := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"dana": danaProfile, "alice": threePeople()["alice"]}}.String()
	const dana, alice = "scim_provisioned_user.dana", "scim_provisioned_user.alice"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsTerraform114,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      people + identityImportBlock(dana, baseURL+"/", "no-such-id"),
				ExpectError: regexp.MustCompile(`Cannot import non-existent remote object|no longer exists`),
			},
			{
				Config:      people + identityImportBlock(dana, "ftp://example.com", danaID),
				ExpectError: regexp.MustCompile(`Invalid Import Identity`),
			},
			{
				PreConfig: target.ResetRequests,
				// The base URL as written in an import block need not be
				// normalised (a trailing slash).
				Config: people + identityImportBlock(dana, baseURL+"/", danaID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dana, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(dana, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Engineer")),
						plancheck.ExpectResourceAction(alice, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(dana, map[string]knownvalue.Check{
						"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.StringExact(danaID),
					}),
					statecheck.ExpectIdentity(alice, map[string]knownvalue.Check{
						"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.NotNull(),
					}),
					expectIDOf(target, alice, "alice@example.com"),
				},
				Check: checkTarget(func() error {
					// Alice's create only: Dana's account already held it all.
					writes := writeRequests(target)
					if len(writes) != 1 || writes[0].Method != "POST" {
						return fmt.Errorf("want only alice's POST, the app received %s", describeRequests(writes))
					}
					return nil
				}),
			},
			{
				Config: people,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A group made by hand, imported by identity with its members.
func TestAccProvisionedGroup_importByIdentity(t *testing.T) {
	target, baseURL := newTestTarget(t)
	danaID, err := target.AddUser(danaAccount())
	if err != nil {
		t.Fatal(err)
	}
	salesID, err := target.AddGroup(map[string]any{"displayName": "Sales", "members": []any{map[string]any{"value": danaID}}})
	if err != nil {
		t.Fatal(err)
	}
	const addr = "scim_provisioned_group.sales"
	config := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"dana": danaProfile}}.String() +
		groupBlock("sales", "Sales", membersOf("dana")) +
		identityImportBlock("scim_provisioned_user.dana", baseURL, danaID)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsTerraform114,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: target.ResetRequests,
				Config:    config + identityImportBlock(addr, baseURL, salesID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.StringExact(salesID),
					}),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(danaID)})),
				},
				Check: checkTarget(func() error { return expectNoWrites(target) }),
			},
			{
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
		},
	})
}
