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

// deprovision = "delete" on an app whose DELETE is not a deletion says so
// in the plan, when the account is planned and when it is destroyed:
// Slack's DELETE only deactivates, GitHub's cannot be undone. The app's
// vendor, named in its compatibility, is shown in the plan.
func TestAccVendor_deleteMeaningSaidInPlan(t *testing.T) {
	for _, tc := range []struct {
		vendor, planned, destroyed, mustSay string
	}{
		{"slack", "Slack's DELETE Deactivates", " Will Be Deactivated, Not Deleted", "Sets a Slack user to deactivated"},
		{"github_emu", "GitHub Enterprise Managed Users's DELETE Cannot Be Undone", " Will Be Deleted for Good", "This action is irreversible"},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			_, baseURL := newTestTarget(t)
			providers, warnings := captureWarnings()
			cfg := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": threePeople()["alice"]},
				appArgs:  fmt.Sprintf("  compatibility = { vendor = %q }\n", tc.vendor),
				userArgs: func(string) string { return `  deprovision = "delete"` }}
			if tc.vendor == "github_emu" {
				cfg = cfg.plusRules(mappingRule{target: "externalId", value: "e-1"})
			}
			said := func(summary, part string) func(*terraform.State) error {
				return func(*terraform.State) error {
					if _, ok := findWarning(warnings(), "PlanResourceChange", summary, part); !ok {
						return fmt.Errorf("no plan warning %q saying %q; warnings: %+v", summary, part, warnings())
					}
					return nil
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providers,
				CheckDestroy:             said("Accounts at "+baseURL+tc.destroyed, tc.mustSay),
				Steps: []resource.TestStep{{
					Config: cfg.String(),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("vendor"), knownvalue.StringExact(tc.vendor)),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("scim_connected_app.app", tfjsonpath.New("vendor"), knownvalue.StringExact(tc.vendor)),
					},
					Check: said(tc.planned, tc.mustSay),
				}},
			})
		})
	}
}

// An app that does not create groups (Salesforce) fails the plan of a
// group create, before anything is sent, and says to adopt or import it;
// with adopt_existing the existing group is linked. (Salesforce does not
// delete groups either: deprovision = "abandon", or the plan fails.)
func TestAccVendor_groupCreateRefusedAtPlan(t *testing.T) {
	target, baseURL := newVendorTarget(t, "salesforce")
	if _, err := target.AddGroup(map[string]any{"displayName": "Engineering"}); err != nil {
		t.Fatal(err)
	}
	cfg := func(extra string) string {
		c := peopleConfig{baseURL: baseURL, people: threePeople(), appArgs: "  compatibility = { vendor = \"salesforce\" }\n"}
		return c.String() + groupBlock("eng", "Engineering", membersOf("alice")+"\n  deprovision = \"abandon\""+extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg(""),
				ExpectError: regexpParts(`Salesforce Does Not Create Groups .* reads and updates public groups but does not create them .* adopt_existing = true`),
			},
			{
				PreConfig: func() {
					if n := target.Count("POST", "/Groups"); n != 0 {
						t.Fatalf("the refused plan sent %d group POSTs", n)
					}
				},
				Config: cfg("\n  adopt_existing = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("scim_provisioned_group.eng", tfjsonpath.New("members"), knownvalue.ListSizeExact(1)),
				},
				Check: func(*terraform.State) error {
					if n := target.Count("POST", "/Groups"); n != 0 {
						return fmt.Errorf("the adoption sent %d group POSTs", n)
					}
					return nil
				},
			},
		},
	})
}
