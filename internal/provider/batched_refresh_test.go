package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// manyPeople is n people p00..p(n-1), each with a title.
func manyPeople(n int) map[string]map[string]string {
	out := map[string]map[string]string{}
	for i := range n {
		k := fmt.Sprintf("p%02d", i)
		out[k] = map[string]string{"email": k + "@example.com", "given_name": "Given", "family_name": k, "title": "Engineer", "department": "R&D"}
	}
	return out
}

// A refresh reads an app's accounts from its listing, in a few requests
// rather than one GET each, and finds exactly what reading them one by one
// found: an attribute edited in the app, an account deactivated in the
// app, an account deleted in the app (missing from the listing, then read
// by itself: 404), and accounts created by the previous apply.
func TestAccBatchedRefresh(t *testing.T) {
	const n = 30
	// Pages of 10 accounts: a refresh of 30 takes the first page, a few
	// misses read by themselves, then the rest of the listing.
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.Capabilities = scimtarget.DefaultCapabilities()
		o.Capabilities.FilterMaxResults = 10
	})
	// The destroy at the end deactivates all of them: approved.
	approve := []string{fmt.Sprintf("deprovision_guard = { approve = { %q = %d } }", baseURL, n+5)}
	cfg := peopleConfig{baseURL: baseURL, people: manyPeople(n), providerArgs: approve}
	grown := peopleConfig{baseURL: baseURL, people: manyPeople(n + 5), providerArgs: approve}
	refreshRequests := func(within int) func() error {
		return func() error {
			lists, singles := target.Count(http.MethodGet, "/Users"), target.Count(http.MethodGet, "/Users/*")
			if lists == 0 {
				return fmt.Errorf("the refresh read no listing: it was not batched (%d single GETs)", singles)
			}
			if lists+singles > within {
				return fmt.Errorf("the refresh sent %d listing and %d single GETs, want at most %d in all", lists, singles, within)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, n+5),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				// Nothing changed: an empty plan from a few requests. A
				// plan-only step runs one refresh.
				PreConfig:          target.ResetRequests,
				Config:             cfg.String(),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				PreConfig: func() {
					// 30 accounts, pages of 10: 3 listing pages plus a few
					// misses read alone while renting, per refresh.
					if err := refreshRequests(3 + 3 + 10)(); err != nil {
						t.Error(err)
					}
					target.ResetRequests()
					if err := target.SetUserAttribute(userID(target, "p03@example.com"), "title", "Manager"); err != nil {
						t.Fatal(err)
					}
					if err := target.DeactivateUser(userID(target, "p17@example.com")); err != nil {
						t.Fatal(err)
					}
					if err := target.DeleteUser(userID(target, "p25@example.com")); err != nil {
						t.Fatal(err)
					}
				},
				Config:             cfg.String(),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.p03", plancheck.ResourceActionUpdate),
						expectPriorAttribute{"scim_provisioned_user.p03", "title", "Manager"},
						plancheck.ExpectResourceAction("scim_provisioned_user.p17", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("scim_provisioned_user.p25", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("scim_provisioned_user.p04", plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// The deleted account was read by itself (404); the drift is
				// repaired; five new accounts are created.
				PreConfig: func() {
					id25 := ""
					for _, r := range target.Requests() {
						if r.Method == http.MethodGet && r.Status == http.StatusNotFound {
							id25 = r.Path
						}
					}
					if id25 == "" {
						t.Error("the deleted account was never read by itself")
					}
					if err := refreshRequests(3 + 3 + 10 + 1)(); err != nil {
						t.Error(err)
					}
				},
				Config: grown.String(),
				Check: checkTarget(func() error {
					if err := expectTargetAttr(target, "p03@example.com", field("title"), "Engineer"); err != nil {
						return err
					}
					if err := expectTargetAttr(target, "p17@example.com", field("active"), true); err != nil {
						return err
					}
					if err := expectTargetAttr(target, "p32@example.com", field("active"), true); err != nil {
						return err
					}
					target.ResetRequests()
					return nil
				}),
			},
			{
				// The accounts created by the last apply are read from the
				// listing like the others: nothing to change.
				Config:   grown.String(),
				PlanOnly: true,
			},
		},
	})
}
