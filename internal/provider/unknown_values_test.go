package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Rules, profile and compatibility built from values Terraform learns only
// at apply (a rule chosen by a conditional on another resource's output, a
// profile field from it) are valid configurations: validate and plan must
// take them as unknown, and apply must provision with the values they turn
// out to have.
func TestAccProvisionedUser_valuesUnknownAtPlan(t *testing.T) {
	target, baseURL := newTestTarget(t)
	user := "scim_provisioned_user.alice"
	config := func(flag bool) string {
		return providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "terraform_data" "flag" {
  input = %t
}

locals {
  base_rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.familyName", source = "family_name" },
  ]
  # Each branch is a rule object of another shape: the chosen element is
  # unknown as a whole until terraform_data.flag is applied.
  title_rule = terraform_data.flag.output ? { target = "title", source = "title" } : { target = "title", value = "Contractor", transform = "upper" }
}

resource "scim_connected_app" "app" {
  name          = "Local target"
  base_url      = %q
  compatibility = terraform_data.flag.output ? { etag = true } : { etag = false }
}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules            = concat(local.base_rules, [local.title_rule])
}

resource "scim_attribute_mapping" "base" {
  connected_app_id = scim_connected_app.app.id
  rules            = local.base_rules
}

resource "scim_provisioned_user" "alice" {
  connected_app_id  = scim_connected_app.app.id
  compatibility     = scim_connected_app.app.compatibility
  attribute_mapping = terraform_data.flag.output ? scim_attribute_mapping.app.encoded : scim_attribute_mapping.base.encoded
  profile = {
    email       = "alice@example.com"
    family_name = terraform_data.flag.output ? "Ng" : "Unknown"
    title       = "Engineer"
  }
}
`, flag, baseURL)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(user, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(user, tfjsonpath.New("attributes")),
						plancheck.ExpectUnknownValue("scim_attribute_mapping.app", tfjsonpath.New("managed_attributes")),
						plancheck.ExpectUnknownValue("scim_attribute_mapping.app", tfjsonpath.New("encoded")),
						plancheck.ExpectKnownValue("scim_attribute_mapping.base", tfjsonpath.New("encoded"),
							knownvalue.StringExact("v1: userName=email|lower; name.familyName=family_name")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(user, tfjsonpath.New("attributes"), knownvalue.MapExact(map[string]knownvalue.Check{
						"userName":        knownvalue.StringExact("alice@example.com"),
						"name.familyName": knownvalue.StringExact("Ng"),
						"title":           knownvalue.StringExact("Engineer"),
					})),
					statecheck.ExpectKnownValue("scim_attribute_mapping.app", tfjsonpath.New("managed_attributes"),
						knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact("name.familyName"), knownvalue.StringExact("title"), knownvalue.StringExact("userName"),
						})),
				},
				Check: checkTarget(func() error {
					return expectTargetAttr(target, "alice@example.com", field("title"), "Engineer")
				}),
			},
			{
				// Known now: the same configuration plans nothing.
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
