package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// A rehire: a person removed from the configuration (their account
// deactivated, the default) and added back later. The create conflicts
// with the inactive account, which is linked, reactivated and brought to
// the mapped values: no extra setting, no duplicate, and a warning that
// says so.
func TestAccProvisionedUser_rehire(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		mods []func(*scimtarget.Options)
		// back is Bob's profile when he returns.
		back map[string]string
	}{
		"same userName": {
			back: map[string]string{"email": "bob@example.com", "given_name": "Bob", "family_name": "Diaz", "title": "Sales Director", "department": "Sales", "employee_id": "E-2"},
		},
		// A new address; the app keeps externalId unique, and the account
		// is found by it.
		"new userName, same externalId": {
			mods: []func(*scimtarget.Options){func(o *scimtarget.Options) { o.Quirks.UniqueExternalID = true }},
			back: map[string]string{"email": "robert.diaz@example.com", "given_name": "Robert", "family_name": "Diaz", "title": "Sales Director", "department": "Sales", "employee_id": "E-2"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			target, baseURL := newTestTarget(t, tc.mods...)
			providers, warnings := captureWarnings()
			people := map[string]map[string]string{
				"alice": {"email": "alice@example.com", "given_name": "Alice", "family_name": "Ng", "title": "Engineer", "department": "R&D", "employee_id": "E-1"},
				"bob":   {"email": "bob@example.com", "given_name": "Bob", "family_name": "Diaz", "title": "Account Executive", "department": "Sales", "employee_id": "E-2"},
			}
			before := peopleConfig{baseURL: baseURL, people: people}.plusRules(externalIDRule)
			left := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": people["alice"]}}.plusRules(externalIDRule)
			back := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": people["alice"], "bob": tc.back}}.plusRules(externalIDRule)
			bob := "scim_provisioned_user.bob"
			var bobID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providers,
				CheckDestroy:             expectAllInactive(target, 2),
				Steps: []resource.TestStep{
					{
						Config: before.String(),
						Check: checkTarget(func() error {
							bobID = userID(target, "bob@example.com")
							return nil
						}),
					},
					{
						// Bob leaves: his account is deactivated and kept.
						Config: left.String(),
						Check: checkTarget(func() error {
							target.ResetRequests()
							return expectTargetAttr(target, "bob@example.com", field("active"), false)
						}),
					},
					{
						// Bob is rehired.
						Config: back.String(),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bob, plancheck.ResourceActionCreate)},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(bob, tfjsonpath.New("active"), knownvalue.Bool(true)),
							statecheck.ExpectKnownValue(bob, tfjsonpath.New("user_name"), knownvalue.StringExact(tc.back["email"])),
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrPtr(bob, "id", &bobID),
							checkTarget(func() error {
								if n := len(target.Users()); n != 2 {
									return fmt.Errorf("target has %d accounts, want 2: the rehire must not duplicate", n)
								}
								if n := target.Count(http.MethodPost, "/Users"); n != 1 {
									return fmt.Errorf("%d POSTs, want the one that conflicted", n)
								}
								u, ok := target.GetUser(bobID)
								if !ok {
									return fmt.Errorf("bob's account %s is gone", bobID)
								}
								if u["active"] != true || u["title"] != "Sales Director" || fmt.Sprint(u["userName"]) != tc.back["email"] {
									return fmt.Errorf("bob's account is not reactivated with the mapped values: %v", u)
								}
								return nil
							}),
							checkTarget(func() error {
								w := warnings()
								if _, ok := findWarning(w, "ApplyResourceChange", "SCIM Existing Account Linked",
									baseURL+"/Users/"+bobID, "rehire", "active: false -> true", `title: "Account Executive" -> "Sales Director"`); !ok {
									return fmt.Errorf("the apply did not say the inactive account was linked and reactivated; warnings: %+v", w)
								}
								// The plan says so too, where the lookup by userName finds it.
								if _, ok := findWarning(w, "PlanResourceChange", "Inactive SCIM Account Will Be Reactivated (Rehire)",
									baseURL+"/Users/"+bobID, "active: false -> true", `title: "Account Executive" -> "Sales Director"`); !ok && name == "same userName" {
									return fmt.Errorf("the plan did not say the create is a rehire; warnings: %+v", w)
								}
								return nil
							}),
						),
					},
				},
			})
		})
	}
}

// The app answers 409 but lists no account with the userName or
// externalId (some apps keep a hidden record of a deleted account): the
// error says so and does not suggest adopt_existing, which cannot help.
func TestAccProvisionedUser_conflictWithHiddenAccount(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 0),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					target.InjectFault(scimtarget.Fault{Method: http.MethodPost, Path: "/Users", Status: http.StatusConflict, ContentType: "application/scim+json",
						Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName is already taken"}`})
				},
				Config: cfg.String(),
				ExpectError: regexpParts(`SCIM Account Already Exists but Cannot Be Found .* lists no account with userName "alice@example.com" ` +
					`.* adopt_existing cannot help here .* Nothing was created.`),
			},
		},
	})
}
