package provider

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Scenarios of apps that deviate from RFC 7644 in ways seen on independent
// servers: a refused `attributes` parameter, throttling answered 500.

// attributesParam returns the `attributes` query parameter of a request, ""
// when it has none.
func attributesParam(r scimtarget.RecordedRequest) string {
	q, _ := url.ParseQuery(r.Query)
	return q.Get("attributes")
}

// The app answers 400 to any read whose `attributes` names an extension
// attribute. Create, refresh, drift repair and adoption all work: the
// client repeats a refused read without the parameter and filters the
// answer itself, so unmanaged attributes cause no diff.
func TestAccAppQuirk_rejectsAttributesParameter(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.Quirks.RejectExtensionAttributesParam = true })
	daveID, err := target.AddUser(map[string]any{"userName": "dave@example.com", "title": "Intern", "nickName": "Davey", "active": true})
	if err != nil {
		t.Fatal(err)
	}
	people := threePeople()
	people["dave"] = map[string]string{"email": "dave@example.com", "given_name": "Dave", "family_name": "Park", "title": "Engineer", "department": "R&D"}
	cfg := peopleConfig{baseURL: baseURL, people: people, userArgs: func(k string) string {
		if k == "dave" {
			return "  adopt_existing = true"
		}
		return ""
	}}
	refused := func() int {
		n := 0
		for _, r := range target.Requests() {
			if r.Method == http.MethodGet && strings.Contains(attributesParam(r), "urn:") {
				if r.Status != http.StatusBadRequest {
					t.Errorf("the quirk let %s %s?%s through with %d", r.Method, r.Path, r.Query, r.Status)
				}
				n++
			}
		}
		return n
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 4),
		Steps: []resource.TestStep{
			{
				// Dave's adoption looks him up with a filtered read.
				Config: cfg.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("scim_provisioned_user.dave", tfjsonpath.New("id"), knownvalue.StringExact(daveID)),
					statecheck.ExpectKnownValue("scim_provisioned_user.dave", tfjsonpath.New("attributes").AtMapKey(enterpriseURN+":department"), knownvalue.StringExact("R&D")),
				},
				Check: checkTarget(func() error {
					if refused() == 0 {
						return fmt.Errorf("no read carried an extension attribute in `attributes`; the quirk was not exercised")
					}
					if n := len(target.Users()); n != 4 {
						return fmt.Errorf("target has %d accounts, want 4 (dave adopted, not duplicated)", n)
					}
					return expectTargetAttr(target, "dave@example.com", field("title"), "Engineer")
				}),
			},
			{
				// Drift on a core attribute is found by the refresh and
				// repaired with one PATCH; nothing else differs.
				PreConfig: func() {
					target.ResetRequests()
					if err := target.SetUserAttribute(userID(target, "alice@example.com"), "title", "Manager"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("scim_provisioned_user.dave", plancheck.ResourceActionNoop),
					},
				},
				Check: checkTarget(func() error {
					if refused() == 0 {
						return fmt.Errorf("no refresh carried an extension attribute in `attributes`; the quirk was not exercised")
					}
					if err := expectPatches(target, map[string][]string{"alice@example.com": {`replace title "Engineer"`}}); err != nil {
						return err
					}
					return expectTargetAttr(target, "alice@example.com", field("title"), "Engineer")
				}),
			},
			{
				// Drift on the extension attribute the app refuses to
				// select is found too.
				PreConfig: func() {
					if err := target.SetUserAttribute(userID(target, "bob@example.com"), enterpriseURN+":department", "Marketing"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.bob", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionNoop),
					},
				},
				Check: checkTarget(func() error {
					return expectTargetAttr(target, "bob@example.com", field(enterpriseURN, "department"), "Sales")
				}),
			},
		},
	})
}

// With `compatibility.attributes_parameter = false` the parameter is never
// sent, not even once to learn that it is refused.
func TestAccAppQuirk_attributesParameterOff(t *testing.T) {
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.Quirks.RejectExtensionAttributesParam = true })
	cfg := peopleConfig{baseURL: baseURL, people: threePeople(), appArgs: "  compatibility = { attributes_parameter = false }"}
	noAttributes := func() error {
		for _, r := range target.Requests() {
			if a := attributesParam(r); a != "" {
				return fmt.Errorf("%s %s sent attributes=%s", r.Method, r.Path, a)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			{Config: cfg.String(), Check: checkTarget(noAttributes)},
			{
				PreConfig: func() {
					if err := target.SetUserAttribute(userID(target, "alice@example.com"), "title", "Manager"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.alice", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("scim_provisioned_user.carol", plancheck.ResourceActionNoop),
					},
				},
				Check: checkTarget(func() error {
					if err := noAttributes(); err != nil {
						return err
					}
					return expectTargetAttr(target, "alice@example.com", field("title"), "Engineer")
				}),
			},
		},
	})
}

// An app that signals throttling with 500: with `retry_statuses = [500]`
// reads and updates are retried and succeed; a create answered 500 is
// never re-sent.
func TestAccAppQuirk_retryStatuses(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	retrying := cfg
	retrying.providerArgs = []string{"retry_statuses = [500]"}
	withRetry := retrying.String()
	// Alice is promoted: her title changes.
	staffEngineer := threePeople()["alice"]
	staffEngineer["title"] = "Staff Engineer"
	promotedWithRetry := retrying.withPerson("alice", staffEngineer).String()
	promoted := cfg.withPerson("alice", staffEngineer).String()
	throttled := func(method, path string) scimtarget.Fault {
		return scimtarget.Fault{Method: method, Path: path, Status: http.StatusInternalServerError, Times: 2,
			Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"RATE_LIMIT_EXCEEDED"}`, ContentType: "application/scim+json"}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{
				// POST answered 500: one attempt only, and an error.
				PreConfig:   func() { target.InjectFault(throttled(http.MethodPost, "/Users")) },
				Config:      withRetry,
				ExpectError: regexpParts(`HTTP 500 .* RATE_LIMIT_EXCEEDED`),
			},
			{
				PreConfig: func() {
					if n := target.Count(http.MethodPost, "/Users"); n != 1 {
						t.Errorf("a create answered 500 was sent %d times, want once", n)
					}
					target.ClearFaults()
					target.ResetRequests()
				},
				Config: withRetry,
			},
			{
				// Refresh (the listing) and PATCH answered 500 twice each:
				// retried.
				PreConfig: func() {
					target.ResetRequests()
					target.InjectFault(throttled(http.MethodGet, "/Users"))
					target.InjectFault(throttled(http.MethodPatch, "/Users/*"))
				},
				Config: promotedWithRetry,
				Check: checkTarget(func() error {
					if n := target.Count(http.MethodGet, "/Users"); n < 3 {
						return fmt.Errorf("the listing was sent %d times, want at least 3 (two answered 500, then served)", n)
					}
					if n := target.Count(http.MethodPatch, "/Users/*"); n != 3 {
						return fmt.Errorf("PATCH sent %d times, want 3 (two answered 500, then applied)", n)
					}
					return expectTargetAttr(target, "alice@example.com", field("title"), "Staff Engineer")
				}),
			},
			{
				// Without the setting a 500 is final: the listing fails, and
				// so does the read of an account by itself that follows.
				PreConfig: func() {
					target.InjectFault(throttled(http.MethodGet, "/Users"))
					target.InjectFault(throttled(http.MethodGet, "/Users/*"))
				},
				Config:      promoted,
				ExpectError: regexpParts(`HTTP 500 .* RATE_LIMIT_EXCEEDED`),
			},
			{
				PreConfig: target.ClearFaults,
				Config:    promotedWithRetry,
			},
		},
	})
}
