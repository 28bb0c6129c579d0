package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// An error that concerns the whole app is reported once, at the app's
// resource: Terraform skips the refresh and the plan of every account that
// depends on it, so the plan does not repeat the error per account, and the
// accounts are not read at all. Discovery is public here, as in many apps,
// so only the app's own check of /Users can tell that the credentials are
// wrong.
func TestAccConnectedApp_appWideErrorsReportedOnceAtTheApp(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.PublicDiscovery = true })
	good := peopleConfig{baseURL: baseURL, people: threePeople()}
	badToken := good
	badToken.token = "not-the-token"
	rejected := regexpFromPattern(`(?s)Error: ` + summaryRejectedCredentials + `.*with scim_connected_app\.app.*Listing one user to check`)
	// afterFailedStep checks, before the next step, what the failed one
	// sent: at most the app's own check, nothing about the accounts.
	afterFailedStep := func(wantAtMost int, next func()) func() {
		return func() {
			if n := target.Count("", "/Users") + target.Count("", "/Users/*"); n > wantAtMost {
				t.Errorf("the failed plan sent %d requests about accounts, want at most %d (the app's own check): %v", n, wantAtMost, target.Requests())
			}
			target.ClearFaults()
			target.ResetRequests()
			next()
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			{Config: good.String()},
			{
				// Credentials the app rejects, found by the refresh.
				PreConfig:   target.ResetRequests,
				Config:      badToken.String(),
				ExpectError: rejected,
			},
			{
				// The same without a refresh: the app's plan finds it.
				PreConfig:   afterFailedStep(1, func() {}),
				Config:      badToken.String(),
				PlanOnly:    true,
				ExpectError: rejected,
			},
			{
				// The app cannot be reached: its discovery fails.
				PreConfig: afterFailedStep(1, func() {
					target.InjectFault(scimtarget.Fault{DropBeforeWrite: true, Times: 1000})
				}),
				Config:      good.String(),
				PlanOnly:    true,
				ExpectError: regexpFromPattern(`(?s)Error: ` + summaryCannotReach + `.*with scim_connected_app\.app`),
			},
			{
				PreConfig: afterFailedStep(0, func() {}),
				Config:    good.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
