package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Adopting a group is visible before anyone approves it, as adopting an
// account is: the plan warns which group will be linked and what applying
// changes in it (its name, each member removed and added), and the apply
// does exactly that.
func TestAccProvisionedGroup_adoptionPreview(t *testing.T) {
	target, baseURL := newTestTarget(t)
	providers, warnings := captureWarnings()
	var daveID string
	adopt := groupConfig(baseURL, groupBlock("sales", "Sales", "  adopt_existing = true\n  deprovision = \"abandon\"\n"+membersOf("bob")))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		Steps: []resource.TestStep{
			// The accounts first, so the group's members are known at plan time.
			{Config: groupConfig(baseURL)},
			{
				PreConfig: func() {
					var err error
					daveID, err = target.AddUser(map[string]any{"userName": "dave@example.com", "name": map[string]any{"givenName": "Dave", "familyName": "Ek"}})
					must(t, err)
					_, err = target.AddGroup(map[string]any{"displayName": "sales", "members": []any{map[string]any{"value": daveID}}})
					must(t, err)
					target.ResetRequests()
				},
				Config: adopt,
				Check: checkTarget(func() error {
					bobID := userID(target, "bob@example.com")
					w, ok := findWarning(warnings(), "PlanResourceChange", "Existing SCIM Group Will Be Adopted",
						`displayName: "sales" -> "Sales"`, "members removed: "+daveID, "members added: "+bobID)
					if !ok {
						return fmt.Errorf("no plan warning naming the adopted group's changes; warnings: %+v", warnings())
					}
					if n := len(target.Groups()); n != 1 {
						return fmt.Errorf("%d groups after adoption, want 1 (warning: %s)", n, w.Detail)
					}
					return expectGroupMembers(target, "Sales", "bob@example.com")
				}),
			},
			{
				Config: adopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Adoption by an attribute the resource has no value for is refused when
// the configuration is checked, before anything is sent: a group adopted
// by externalId without external_id, an account adopted by externalId
// under a mapping that yields none.
func TestAccAdoption_lookupValueCheckedAtPlan(t *testing.T) {
	target, baseURL := newTestTarget(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      groupConfig(baseURL, groupBlock("sales", "Sales", "  adopt_existing = true\n  adopt_by = \"externalId\"\n")),
				PlanOnly:    true,
				ExpectError: regexpLiteral(`Cannot Adopt by externalId`),
			},
			{
				Config: peopleConfig{baseURL: baseURL, people: threePeople(),
					userArgs: userArg("adopt_existing = true\n  adopt_by = \"externalId\"")}.String(),
				PlanOnly:    true,
				ExpectError: regexpParts(`Cannot Look Up the Existing Account .* adopt_existing looks accounts up by externalId, but the attribute mapping yields no externalId`),
			},
			{
				PreConfig: func() {
					if w := writeRequests(target); len(w) > 0 {
						t.Errorf("a refused adoption sent %s", describeRequests(w))
					}
				},
				Config: groupConfig(baseURL),
			},
		},
	})
}

// Importing a group and managing its members: the plan shows the
// configured members as added, and a warning names what applying really
// does, the members it removes included (carol, whom the configuration
// does not name).
func TestAccProvisionedGroup_importPreviewNamesRemovedMembers(t *testing.T) {
	target, baseURL := newTestTarget(t)
	providers, warnings := captureWarnings()
	var adminsID string
	admins := groupConfig(baseURL, groupBlock("admins", "Admins", membersOf("alice", "bob")))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		Steps: []resource.TestStep{
			{Config: groupConfig(baseURL)},
			{
				PreConfig: func() {
					var err error
					adminsID, err = target.AddGroup(map[string]any{"displayName": "Admins", "members": []any{
						map[string]any{"value": userID(target, "alice@example.com")},
						map[string]any{"value": userID(target, "carol@example.com")},
					}})
					must(t, err)
				},
				Config:             admins,
				ResourceName:       "scim_provisioned_group.admins",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return baseURL + "/Groups/" + adminsID, nil },
			},
			{
				Config: admins,
				Check: checkTarget(func() error {
					carol, bob := userID(target, "carol@example.com"), userID(target, "bob@example.com")
					if _, ok := findWarning(warnings(), "PlanResourceChange", "Existing Members of the SCIM Group Will Change",
						"holds 2 now", "members removed: "+carol, "members added: "+bob); !ok {
						return fmt.Errorf("no plan warning naming the members the import's apply removes; warnings: %+v", warnings())
					}
					return expectGroupMembers(target, "Admins", "alice@example.com", "bob@example.com")
				}),
			},
		},
	})
}
