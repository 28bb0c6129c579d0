package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// crowdConfig is n accounts of one app, p000 to p<n-1>, those below
// inactiveFrom active, with providerArgs in the provider block.
func crowdConfig(baseURL string, n, inactiveFrom int, providerArgs ...string) string {
	return providerBlock{urls: []string{baseURL}, token: testToken, args: providerArgs}.String() + fmt.Sprintf(`
resource "scim_connected_app" "app" {
  name     = "Local target"
  base_url = %q
}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email" },
    { target = "name.familyName", source = "family_name" },
  ]
}

resource "scim_provisioned_user" "crowd" {
  count             = %d
  connected_app_id  = scim_connected_app.app.id
  compatibility     = scim_connected_app.app.compatibility
  attribute_mapping = scim_attribute_mapping.app.encoded
  profile           = { email = format("p%%03d@example.com", count.index), family_name = format("p%%03d", count.index) }
  active            = count.index < %d
}
`, baseURL, n, inactiveFrom)
}

func activeAccounts(target *scimtarget.Target) int {
	n := 0
	for _, u := range target.Users() {
		if u["active"] == true {
			n++
		}
	}
	return n
}

func expectActive(target *scimtarget.Target, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := activeAccounts(target); got != want || len(target.Users()) != 50 {
			return fmt.Errorf("the app holds %d accounts, %d active; want 50, %d active", len(target.Users()), got, want)
		}
		return nil
	}
}

// A plan that removes 40 of an app's 50 accounts fails at plan time with
// the guard's error, and nothing is deactivated, until the 40 are approved
// for that app; a plan of `active = false` for many, and a destroy of
// many, are held the same way; a few pass without approval.
func TestAccDeprovisionGuard(t *testing.T) {
	target, baseURL := newTestTarget(t)
	approve := func(n int) string {
		return fmt.Sprintf("deprovision_guard = { approve = { %q = %d } }", baseURL, n)
	}
	// More than 10 and more than 25 % of 50: the 13th is refused.
	providers, warnings := captureWarnings()
	deactivationsSaid := func(*terraform.State) error {
		named := map[string]bool{}
		for _, w := range warnings() {
			if w.RPC == "PlanResourceChange" && w.Summary == "Accounts at "+baseURL+" Will Be Deactivated and Kept" {
				named[w.Detail] = true
			}
		}
		if len(named) != 5 {
			return fmt.Errorf("the plan said for %d accounts that they are deactivated and kept, want the 5 removed: %v", len(named), named)
		}
		return nil
	}
	refused := regexpParts(`Mass Deprovisioning Refused .* at least 13 of the 50 accounts of the app at ` + baseURL +
		` .* deprovision_guard = { approve = { "` + baseURL + `" = 13 } }`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		CheckDestroy: func(*terraform.State) error {
			if n := activeAccounts(target); n != 0 {
				return fmt.Errorf("%d accounts active after the approved destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: crowdConfig(baseURL, 50, 50), Check: expectActive(target, 50)},
			// 5 of 50 removed: below the guard, and the plan says what a
			// removal does to each (deactivated, kept).
			{Config: crowdConfig(baseURL, 45, 45), Check: resource.ComposeAggregateTestCheckFunc(expectActive(target, 45), deactivationsSaid)},
			{Config: crowdConfig(baseURL, 50, 50), Check: expectActive(target, 50)},
			// 40 of 50 removed from the configuration: refused at plan.
			{Config: crowdConfig(baseURL, 10, 10), ExpectError: refused},
			// 40 of 50 set inactive: refused too.
			{Config: crowdConfig(baseURL, 50, 10), ExpectError: refused},
			{Config: crowdConfig(baseURL, 50, 50), Check: expectActive(target, 50)},
			// Approved, for fewer than planned: still refused.
			{Config: crowdConfig(baseURL, 10, 10, approve(30)), ExpectError: regexpParts(`Mass Deprovisioning Refused .* at least 31 of the 50`)},
			// Approved for this app: applied.
			{Config: crowdConfig(baseURL, 10, 10, approve(40)), Check: expectActive(target, 10)},
			{Config: crowdConfig(baseURL, 50, 50), Check: expectActive(target, 50)},
			// terraform destroy of all 50 is held as well.
			{Config: crowdConfig(baseURL, 50, 50), Destroy: true, ExpectError: refused},
			// The last config approves the destroy CheckDestroy runs.
			{Config: crowdConfig(baseURL, 50, 50, approve(50)), Check: expectActive(target, 50)},
		},
	})
}

// The approval can come from the environment, for one command.
func TestAccDeprovisionGuard_approvedInTheEnvironment(t *testing.T) {
	target, baseURL := newTestTarget(t)
	approved := providerFactories(providerEnv{EnvApproveDeprovisioning: baseURL + "=15"}, nil)
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{ProtoV6ProviderFactories: protoV6ProviderFactories, Config: crowdConfig(baseURL, 15, 15)},
			{ProtoV6ProviderFactories: protoV6ProviderFactories, Config: crowdConfig(baseURL, 15, 0),
				ExpectError: regexpParts(`Mass Deprovisioning Refused .* at least 11 of the 15 accounts`)},
			{ProtoV6ProviderFactories: approved, Config: crowdConfig(baseURL, 15, 0), Check: func(*terraform.State) error {
				if n := activeAccounts(target); n != 0 || len(target.Users()) != 15 {
					return fmt.Errorf("%d of %d accounts active after the approved deactivation", n, len(target.Users()))
				}
				return nil
			}},
		},
	})
}

// The share is of the app's active accounts: leavers deactivated over the
// years (deactivate is the default) do not dilute it. 15 of 20 active
// accounts removed in an app that also holds 40 inactive ones is held.
func TestAccDeprovisionGuard_shareOfActiveAccounts(t *testing.T) {
	target, baseURL := newTestTarget(t)
	for i := range 40 {
		_, err := target.AddUser(map[string]any{"userName": fmt.Sprintf("leaver%02d@example.com", i), "active": false})
		must(t, err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: crowdConfig(baseURL, 20, 20)},
			{Config: crowdConfig(baseURL, 5, 5), ExpectError: regexpParts(`Mass Deprovisioning Refused .* at least 11 of the 20 accounts`)},
			{Config: crowdConfig(baseURL, 20, 20, fmt.Sprintf("deprovision_guard = { approve = { %q = 20 } }", baseURL))},
		},
	})
}
