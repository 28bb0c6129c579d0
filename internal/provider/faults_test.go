package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Fault-injection acceptance tests: every operation of scim_provisioned_user
// (create, read, update, deactivate, delete and deactivate on destroy) run by
// a real terraform against the local target while it throttles, is
// unavailable, is slow, drops the connection after applying a write, answers
// garbage or reports a conflict; and applies that are interrupted half way.
// Each case checks the end state twice: on the target (exactly one account
// per person, the right attributes and active flag) and in Terraform (the
// state holds the target's ids; the plan after is empty).
//
// The provider block of the tests allows 2 retries; the waits are the
// client's defaults (1s minimum), so the faults ask for Retry-After: 1 and
// each fault is retried once.

// ---------------------------------------------------------------------------
// Configurations

// The three people of every fault test, by resource address.
const (
	faultAlice = "scim_provisioned_user.alice"
	faultBob   = "scim_provisioned_user.bob"
	faultCarol = "scim_provisioned_user.carol"
)

var faultUserNames = map[string]string{
	faultAlice: "alice@example.com",
	faultBob:   "bob@example.com",
	faultCarol: "carol@example.com",
}

// faultStages are the configurations a fault test walks through: Alice is
// deleted on destroy, Bob is deactivated in place, Carol is deactivated on
// destroy (the default deprovision mode).
type faultStages struct {
	created     string // alice, bob and carol, all active
	updated     string // alice's title changed
	deactivated string // and bob active = false
	destroyed   string // alice (delete) and carol (deactivate) removed
}

func newFaultStages(baseURL string, providerArgs string) faultStages {
	args := func(bobInactive bool) func(string) string {
		return func(key string) string {
			switch {
			case key == "alice":
				return `  deprovision = "delete"`
			case key == "bob" && bobInactive:
				return "  active = false"
			}
			return ""
		}
	}
	render := func(c peopleConfig) string {
		if providerArgs != "" {
			c.providerArgs = []string{providerArgs}
		}
		return c.String()
	}
	people := threePeople()
	s := faultStages{created: render(peopleConfig{baseURL: baseURL, people: people, userArgs: args(false)})}
	people = threePeople()
	people["alice"]["title"] = "Staff Engineer"
	s.updated = render(peopleConfig{baseURL: baseURL, people: people, userArgs: args(false)})
	s.deactivated = render(peopleConfig{baseURL: baseURL, people: people, userArgs: args(true)})
	delete(people, "alice")
	delete(people, "carol")
	s.destroyed = render(peopleConfig{baseURL: baseURL, people: people, userArgs: args(true)})
	return s
}

// createPreviewLookups are the lookups by userName that planning the three
// creates sends: none. Each looks for an account a create would link (a
// rehire, or one an interrupted apply made) to say so at plan time, in the
// plan and again when the apply plans them, and each is answered from the
// app's listing, which the plan and the apply read once each (the app
// holds nothing yet, so one page): scim.Collection.FindFromListing.
const createPreviewLookups = 0

// faultRequestTimeout is the per-attempt timeout of the timeout tests; the
// faults' latency is twice as long.
const (
	faultRequestTimeout = `request_timeout = "1s"`
	faultLatency        = 2 * time.Second
)

// ---------------------------------------------------------------------------
// Checks of the target

// expectAccounts checks that the target holds exactly the accounts listed,
// one per userName (no duplicate), each with the active flag given.
func expectAccounts(target *scimtarget.Target, want map[string]bool) error {
	got := map[string][]bool{}
	for _, u := range target.Users() {
		userName := strings.ToLower(fmt.Sprint(u["userName"]))
		active, _ := u["active"].(bool)
		got[userName] = append(got[userName], active)
	}
	var problems []string
	for userName, active := range want {
		switch flags := got[userName]; {
		case len(flags) == 0:
			problems = append(problems, fmt.Sprintf("%s: missing", userName))
		case len(flags) > 1:
			problems = append(problems, fmt.Sprintf("%s: %d accounts (duplicates)", userName, len(flags)))
		case flags[0] != active:
			problems = append(problems, fmt.Sprintf("%s: active %v, want %v", userName, flags[0], active))
		}
	}
	for userName := range got {
		if _, ok := want[userName]; !ok {
			problems = append(problems, fmt.Sprintf("%s: on the target, want it gone", userName))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("target accounts: %s", strings.Join(problems, "; "))
	}
	return nil
}

// expectStateMatchesTarget checks that every listed resource's state holds
// the id and active flag of the one account the target has for its person.
func expectStateMatchesTarget(target *scimtarget.Target, addrs ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, addr := range addrs {
			rs, ok := s.RootModule().Resources[addr]
			if !ok {
				return fmt.Errorf("%s is not in the state", addr)
			}
			u, err := userByName(target, faultUserNames[addr])
			if err != nil {
				return err
			}
			if got, want := rs.Primary.Attributes["id"], fmt.Sprint(u["id"]); got != want {
				return fmt.Errorf("%s: state id %q, the target's account is %q", addr, got, want)
			}
			if got, want := rs.Primary.Attributes["active"], fmt.Sprint(u["active"]); got != want {
				return fmt.Errorf("%s: state active %s, the target's account has %s", addr, got, want)
			}
		}
		return nil
	}
}

// expectNoPendingFaults checks that every injected fault was used, so a
// passing step did meet its fault.
func expectNoPendingFaults(target *scimtarget.Target) error {
	if f := target.Faults(); len(f) > 0 {
		return fmt.Errorf("%d injected faults were never hit: %+v", len(f), f)
	}
	return nil
}

func matchesRequest(r scimtarget.RecordedRequest, method, pattern string) bool {
	ok, _ := path.Match(pattern, r.Path)
	return ok && strings.EqualFold(r.Method, method)
}

// expectRetried checks that exactly times requests matching method and
// pattern met a fault, and that each was sent again to the same path and
// answered with one of ok (2xx when ok is empty).
func expectRetried(target *scimtarget.Target, method, pattern string, times int, ok ...int) error {
	reqs := target.Requests()
	n := 0
	for i, r := range reqs {
		if r.Fault == "" || !matchesRequest(r, method, pattern) {
			continue
		}
		n++
		var retry *scimtarget.RecordedRequest
		for j := i + 1; j < len(reqs); j++ {
			if reqs[j].Method == r.Method && reqs[j].Path == r.Path {
				retry = &reqs[j]
				break
			}
		}
		switch {
		case retry == nil:
			return fmt.Errorf("%s %s met the fault %q and was not sent again; requests: %s", r.Method, r.Path, r.Fault, describeLog(reqs))
		case retry.Fault != "":
			// The retry met the fault again (Times > 1): judged in its turn.
		case len(ok) == 0 && (retry.Status < 200 || retry.Status > 299), len(ok) > 0 && !slices.Contains(ok, retry.Status):
			return fmt.Errorf("%s %s was retried but the retry was answered %d; requests: %s", r.Method, r.Path, retry.Status, describeLog(reqs))
		}
	}
	if n != times {
		return fmt.Errorf("%d %s %s requests met a fault, want %d; requests: %s", n, method, pattern, times, describeLog(reqs))
	}
	return nil
}

// expectCount checks the number of requests matching method and pattern.
func expectCount(target *scimtarget.Target, method, pattern string, want int) error {
	if got := target.Count(method, pattern); got != want {
		return fmt.Errorf("target received %d %s %s, want %d; requests: %s", got, method, pattern, want, describeLog(target.Requests()))
	}
	return nil
}

// expectLookups checks the number of user lookups (GET /Users with a
// filter) the target received.
func expectLookups(target *scimtarget.Target, want int) error {
	got := 0
	for _, r := range target.Requests() {
		if r.Method == http.MethodGet && r.Path == "/Users" && strings.Contains(r.Query, "filter=") {
			got++
		}
	}
	if got != want {
		return fmt.Errorf("target received %d user lookups, want %d; requests: %s", got, want, describeLog(target.Requests()))
	}
	return nil
}

// describeLog renders the request log compactly, with status and fault.
func describeLog(reqs []scimtarget.RecordedRequest) string {
	var parts []string
	for _, r := range reqs {
		s := fmt.Sprintf("%s %s", r.Method, r.Path)
		if r.Query != "" {
			s += "?" + r.Query
		}
		s += fmt.Sprintf(" -> %d", r.Status)
		if r.Fault != "" {
			s += " [" + r.Fault + "]"
		}
		parts = append(parts, s)
	}
	return "\n  " + strings.Join(parts, "\n  ")
}

// faultedAddress returns the address of the resource whose POST was
// answered status, from the userName in the body.
func faultedAddress(target *scimtarget.Target, status int) (string, error) {
	var found []string
	for _, r := range target.Requests() {
		if r.Method != http.MethodPost || r.Path != "/Users" || r.Status != status {
			continue
		}
		var body struct {
			UserName string `json:"userName"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return "", fmt.Errorf("POST /Users body %s: %v", r.Body, err)
		}
		for addr, userName := range faultUserNames {
			if strings.EqualFold(userName, body.UserName) {
				found = append(found, addr)
			}
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("want exactly one POST /Users answered %d, found %v; requests: %s", status, found, describeLog(target.Requests()))
	}
	return found[0], nil
}

func targetChecks(fs ...func() error) resource.TestCheckFunc {
	out := make([]resource.TestCheckFunc, len(fs))
	for i, f := range fs {
		out[i] = checkTarget(f)
	}
	return resource.ComposeAggregateTestCheckFunc(out...)
}

// ---------------------------------------------------------------------------
// Plan checks

// planCheckFunc adapts a function to a plancheck.PlanCheck.
type planCheckFunc func(*tfjson.Plan) error

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// expectOnlyCreate checks that, of the provisioned users, the plan creates
// exactly the one *addr names and leaves the others alone. addr is read when
// the plan is checked, since which create failed is known only then.
func expectOnlyCreate(addr *string) plancheck.PlanCheck {
	return planCheckFunc(func(p *tfjson.Plan) error {
		var problems []string
		seen := 0
		for _, rc := range p.ResourceChanges {
			if rc.Type != "scim_provisioned_user" {
				continue
			}
			seen++
			want, ok := tfjson.Actions{tfjson.ActionNoop}, rc.Change.Actions.NoOp()
			if rc.Address == *addr {
				want, ok = tfjson.Actions{tfjson.ActionCreate}, rc.Change.Actions.Create()
			}
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %v, want %v", rc.Address, rc.Change.Actions, want))
			}
		}
		if seen == 0 {
			problems = append(problems, "the plan has no scim_provisioned_user")
		}
		if len(problems) > 0 {
			return fmt.Errorf("want only %s created: %s", *addr, strings.Join(problems, "; "))
		}
		return nil
	})
}

// editInApp runs between plan and apply (as a PreApply plan check): an
// administrator changes the account in the app after Terraform read it.
func editInApp(target *scimtarget.Target, userName, attr string, value any) plancheck.PlanCheck {
	return planCheckFunc(func(*tfjson.Plan) error {
		id := userID(target, userName)
		if id == "" {
			return fmt.Errorf("no account %s to edit", userName)
		}
		return target.SetUserAttribute(id, attr, value)
	})
}

// ---------------------------------------------------------------------------
// Transient faults: every operation meets the fault once and succeeds.

type transientFault struct {
	name string
	// providerArgs are added to the provider block.
	providerArgs string
	fault        func(method, pattern string) scimtarget.Fault
	// readTimes is how many GETs of one refresh meet the fault.
	readTimes int
	// extraPOST is how many more POSTs than accounts a faulted create
	// sends; lookups is how many user lookups (GET /Users?filter) it makes
	// to learn whether the first POST was applied.
	extraPOST, lookups int
	// deleteRetryStatus is the answer to the retried DELETE.
	deleteRetryStatus int
}

func transientFaults() []transientFault {
	return []transientFault{
		{
			// Throttled: the server did not process the request, every
			// method is retried after Retry-After, POST included.
			name: "429",
			fault: func(m, p string) scimtarget.Fault {
				return scimtarget.Fault{Method: m, Path: p, Status: http.StatusTooManyRequests, RetryAfter: "1"}
			},
			readTimes: 1, extraPOST: 1, deleteRetryStatus: http.StatusNoContent,
		},
		{
			// Unavailable, without Retry-After: the client's own backoff.
			name: "503",
			fault: func(m, p string) scimtarget.Fault {
				return scimtarget.Fault{Method: m, Path: p, Status: http.StatusServiceUnavailable}
			},
			readTimes: 1, extraPOST: 1, deleteRetryStatus: http.StatusNoContent,
		},
		{
			// No answer within request_timeout: the target sees the client
			// give up and does not apply the request. GET, PATCH and DELETE
			// are retried; a POST that timed out after being sent is an
			// unknown outcome: the provider looks the account up, finds none
			// and sends it again.
			name:         "timeout",
			providerArgs: faultRequestTimeout,
			fault: func(m, p string) scimtarget.Fault {
				return scimtarget.Fault{Method: m, Path: p, Latency: faultLatency}
			},
			readTimes: 1, extraPOST: 1, lookups: 1, deleteRetryStatus: http.StatusNoContent,
		},
		{
			// The connection is reset after the write was applied. A POST
			// is not sent again: the provider looks the account up and
			// adopts the one it just created. PATCH is retried (it
			// converges); the retried DELETE finds the account gone (404),
			// which is success. Go's transport itself retries a GET on a
			// reused connection, so two reads meet the reset.
			name: "reset",
			fault: func(m, p string) scimtarget.Fault {
				return scimtarget.Fault{Method: m, Path: p, DropAfterWrite: true}
			},
			readTimes: 2, extraPOST: 0, lookups: 1, deleteRetryStatus: http.StatusNotFound,
		},
	}
}

// TestAccFault_transient runs the whole life of three accounts with one
// fault per operation: create (POST), refresh (GET), update (PATCH of a
// changed title), deactivate (PATCH active = false), and destroy with
// deprovision = "delete" (DELETE) and the default deactivate (PATCH).
func TestAccFault_transient(t *testing.T) {
	t.Parallel()
	for _, tc := range transientFaults() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testAccFaultTransient(t, tc)
		})
	}
}

func testAccFaultTransient(t *testing.T, tc transientFault) {
	target, baseURL := newTestTarget(t)
	cfg := newFaultStages(baseURL, tc.providerArgs)
	inject := func(faults ...scimtarget.Fault) func() {
		return func() {
			target.ResetRequests()
			for _, f := range faults {
				target.InjectFault(f)
			}
		}
	}
	// A refresh reads the accounts from the app's listing (batched).
	read := tc.fault(http.MethodGet, "/Users")
	read.Times = tc.readTimes
	allActive := map[string]bool{"alice@example.com": true, "bob@example.com": true, "carol@example.com": true}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: targetChecks(func() error {
			return expectAccounts(target, map[string]bool{"bob@example.com": false, "carol@example.com": false})
		}),
		Steps: []resource.TestStep{
			{
				// Create: one of the three POSTs meets the fault.
				PreConfig: inject(tc.fault(http.MethodPost, "/Users")),
				Config:    cfg.created,
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectNoPendingFaults(target) },
						func() error { return expectAccounts(target, allActive) },
						func() error { return expectCount(target, http.MethodPost, "/Users", 3+tc.extraPOST) },
						func() error { return expectLookups(target, tc.lookups+createPreviewLookups) },
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Refresh: the same configuration plans nothing although
				// reading an account met the fault.
				PreConfig: inject(read),
				Config:    cfg.created,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectNoPendingFaults(target) },
						func() error { return expectRetried(target, http.MethodGet, "/Users", tc.readTimes) },
						func() error { return expectNoWrites(target) },
						func() error { return expectAccounts(target, allActive) },
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Update: Alice's PATCH meets the fault and is retried.
				PreConfig: inject(tc.fault(http.MethodPatch, "/Users/*")),
				Config:    cfg.updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(faultAlice, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(faultBob, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(faultAlice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Staff Engineer")),
				},
				Check: targetChecks(
					func() error { return expectNoPendingFaults(target) },
					func() error { return expectRetried(target, http.MethodPatch, "/Users/*", 1) },
					func() error { return expectCount(target, http.MethodPatch, "/Users/*", 2) },
					func() error { return expectTargetAttr(target, "alice@example.com", field("title"), "Staff Engineer") },
					func() error { return expectAccounts(target, allActive) },
				),
			},
			{
				// Deactivate: Bob's PATCH active = false meets the fault.
				PreConfig: inject(tc.fault(http.MethodPatch, "/Users/*")),
				Config:    cfg.deactivated,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(faultBob, tfjsonpath.New("active"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectNoPendingFaults(target) },
						func() error { return expectRetried(target, http.MethodPatch, "/Users/*", 1) },
						func() error { return expectCount(target, http.MethodPatch, "/Users/*", 2) },
						func() error {
							return expectAccounts(target, map[string]bool{"alice@example.com": true, "bob@example.com": false, "carol@example.com": true})
						},
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Destroy: Alice's DELETE and Carol's deactivating PATCH
				// each meet the fault.
				PreConfig: inject(tc.fault(http.MethodDelete, "/Users/*"), tc.fault(http.MethodPatch, "/Users/*")),
				Config:    cfg.destroyed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(faultAlice, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(faultCarol, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(faultBob, plancheck.ResourceActionNoop),
					},
				},
				Check: targetChecks(
					func() error { return expectNoPendingFaults(target) },
					func() error {
						return expectRetried(target, http.MethodDelete, "/Users/*", 1, tc.deleteRetryStatus)
					},
					func() error { return expectCount(target, http.MethodDelete, "/Users/*", 2) },
					func() error { return expectRetried(target, http.MethodPatch, "/Users/*", 1) },
					func() error { return expectCount(target, http.MethodPatch, "/Users/*", 2) },
					func() error {
						return expectAccounts(target, map[string]bool{"bob@example.com": false, "carol@example.com": false})
					},
				),
			},
		},
	})
}

// ---------------------------------------------------------------------------
// Malformed answers: a clear error with the status and the start of the
// body, then a run without the fault converges.

const (
	faultHTMLBody    = "<html>oops</html>"
	faultNotJSONBody = "{not json"
)

// faultHTMLAnswer is a login page or proxy interstitial answered 200 instead of
// the SCIM response; the request is not applied.
func faultHTMLAnswer(method, pattern string) scimtarget.Fault {
	return scimtarget.Fault{Method: method, Path: pattern, Status: http.StatusOK, Body: faultHTMLBody, ContentType: "text/html"}
}

// times makes f apply to n matching requests.
func times(n int, f scimtarget.Fault) scimtarget.Fault {
	f.Times = n
	return f
}

// faultBrokenAnswer applies the write, then answers 200 with a body that is not
// JSON.
func faultBrokenAnswer(method, pattern string) scimtarget.Fault {
	return scimtarget.Fault{Method: method, Path: pattern, Status: http.StatusOK, Body: faultNotJSONBody,
		ContentType: "application/scim+json", ApplyThenBody: true}
}

func TestAccFault_malformedAnswers(t *testing.T) {
	t.Parallel()
	target, baseURL := newTestTarget(t)
	cfg := newFaultStages(baseURL, "")
	inject := func(faults ...scimtarget.Fault) func() {
		return func() {
			target.ResetRequests()
			for _, f := range faults {
				target.InjectFault(f)
			}
		}
	}
	// then runs the checks before a step, once the previous step failed as
	// expected (a failing step runs no Check).
	then := func(fs ...func() error) func() {
		return func() {
			for _, f := range fs {
				if err := f(); err != nil {
					t.Error(err)
				}
			}
			target.ResetRequests()
		}
	}
	htmlError := regexpParts(`Unexpected Answer From SCIM App .* unusable HTTP 200 response .* ` + faultHTMLBody)
	notJSONError := regexpParts(`Unexpected Answer From SCIM App .* unusable HTTP 200 response: invalid JSON .* ` + faultNotJSONBody)
	allActive := map[string]bool{"alice@example.com": true, "bob@example.com": true, "carol@example.com": true}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: targetChecks(func() error {
			return expectAccounts(target, map[string]bool{"bob@example.com": false, "carol@example.com": false})
		}),
		Steps: []resource.TestStep{
			{
				// Create: one POST is answered 200 with an HTML page and not
				// applied. Its outcome is unknown, so the account is looked
				// up first and, as none exists, created once more: one
				// account each, in one apply.
				PreConfig: inject(faultHTMLAnswer(http.MethodPost, "/Users")),
				Config:    cfg.created,
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectNoPendingFaults(target) },
						func() error { return expectCount(target, http.MethodPost, "/Users", 4) },
						func() error { return expectAccounts(target, allActive) },
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Read: a refresh answered with an HTML page fails.
				// The app's own check of the credentials (one user listed)
				// and the listing fail, so does the read of an account by
				// itself that follows.
				PreConfig:   inject(times(2, faultHTMLAnswer(http.MethodGet, "/Users")), faultHTMLAnswer(http.MethodGet, "/Users/*")),
				Config:      cfg.created,
				ExpectError: htmlError,
			},
			{
				PreConfig: then(),
				Config:    cfg.created,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectNoWrites(target) },
						func() error { return expectAccounts(target, allActive) },
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Update: the PATCH is applied, the answer is not JSON.
				PreConfig:   inject(faultBrokenAnswer(http.MethodPatch, "/Users/*")),
				Config:      cfg.updated,
				ExpectError: notJSONError,
			},
			{
				PreConfig: then(func() error {
					return expectTargetAttr(target, "alice@example.com", field("title"), "Staff Engineer")
				}),
				Config: cfg.updated,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(faultAlice, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Staff Engineer")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectTargetAttr(target, "alice@example.com", field("title"), "Staff Engineer") },
						func() error { return expectAccounts(target, allActive) },
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Deactivate: the PATCH is applied, the answer is not JSON.
				PreConfig:   inject(faultBrokenAnswer(http.MethodPatch, "/Users/*")),
				Config:      cfg.deactivated,
				ExpectError: notJSONError,
			},
			{
				PreConfig: then(func() error { return expectTargetAttr(target, "bob@example.com", field("active"), false) }),
				Config:    cfg.deactivated,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(faultBob, tfjsonpath.New("active"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(func() error {
						return expectAccounts(target, map[string]bool{"alice@example.com": true, "bob@example.com": false, "carol@example.com": true})
					}),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				// Destroy: Alice's DELETE and Carol's deactivating PATCH
				// are answered with an HTML page and not applied; both
				// errors are reported.
				PreConfig: inject(faultHTMLAnswer(http.MethodDelete, "/Users/*"), faultHTMLAnswer(http.MethodPatch, "/Users/*")),
				Config:    cfg.destroyed,
				ExpectError: eitherOrder(
					`Deleting the account .* unusable HTTP 200 response .* `+faultHTMLBody,
					`Deactivating the account .* unusable HTTP 200 response .* `+faultHTMLBody),
			},
			{
				// Both stay in state and are destroyed by the next apply.
				PreConfig: then(func() error { return expectAccounts(target, allActiveExceptBob()) }),
				Config:    cfg.destroyed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(faultAlice, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(faultCarol, plancheck.ResourceActionDestroy),
					},
				},
				Check: targetChecks(func() error {
					return expectAccounts(target, map[string]bool{"bob@example.com": false, "carol@example.com": false})
				}),
			},
		},
	})
}

// eitherOrder matches two regexpParts patterns in either order.
func eitherOrder(a, b string) *regexp.Regexp {
	return regexp.MustCompile(`(?:` + regexpParts(a+" .* "+b).String() + `)|(?:` + regexpParts(b+" .* "+a).String() + `)`)
}

func allActiveExceptBob() map[string]bool {
	return map[string]bool{"alice@example.com": true, "bob@example.com": false, "carol@example.com": true}
}

// A create the app applied but answered unusably (a body that is not
// JSON, or a 200 HTML page): the account exists but the answer does not say
// its id. Its outcome is unknown, as when the connection drops after the
// POST: the provider looks the account up, finds the one it created and
// links it, so the run converges with exactly one account and no second
// POST (which would fail "already exists" or duplicate it).
func TestAccFault_createAppliedButAnswerUnusable(t *testing.T) {
	t.Parallel()
	answers := map[string]scimtarget.Fault{
		"not JSON": {Method: http.MethodPost, Path: "/Users", Status: http.StatusCreated,
			Body: faultNotJSONBody, ContentType: "application/scim+json", ApplyThenBody: true},
		"HTML page": {Method: http.MethodPost, Path: "/Users", Status: http.StatusOK,
			Body: faultHTMLBody, ContentType: "text/html", ApplyThenBody: true},
	}
	for name, fault := range answers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			target, baseURL := newTestTarget(t)
			cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             expectAllInactive(target, 1),
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							target.ResetRequests()
							target.InjectFault(fault)
						},
						Config: cfg.String(),
						Check: resource.ComposeAggregateTestCheckFunc(
							targetChecks(
								func() error { return expectNoPendingFaults(target) },
								func() error { return expectAccounts(target, map[string]bool{"alice@example.com": true}) },
								func() error { return expectCount(target, http.MethodPost, "/Users", 1) },
							),
							expectStateMatchesTarget(target, faultAlice),
						),
					},
					{
						Config: cfg.String(),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}

// A 201 without an id, not applied: the outcome is unknown, the lookup
// finds no account, so it is created once more, in the same apply.
func TestAccFault_createAnswerWithoutID(t *testing.T) {
	t.Parallel()
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					target.ResetRequests()
					target.InjectFault(scimtarget.Fault{Method: http.MethodPost, Path: "/Users", Status: http.StatusCreated,
						Body: `{"userName":"x"}`, ContentType: "application/scim+json"})
				},
				Config: cfg.String(),
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectCount(target, http.MethodPost, "/Users", 2) },
						func() error { return expectAccounts(target, map[string]bool{"alice@example.com": true}) },
					),
					expectStateMatchesTarget(target, faultAlice),
				),
			},
			{
				Config: cfg.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// ---------------------------------------------------------------------------
// Conflicts: 412 from an app that enforces ETags.

func TestAccFault_preconditionFailed(t *testing.T) {
	t.Parallel()
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.EnforceETags = true })
	withTitle := func(title string) string {
		c := peopleConfig{baseURL: baseURL, people: alicePeople()}
		c.people["alice"]["title"] = title
		return c.String()
	}
	conflict := regexpParts(`SCIM Account Changed Since It Was Read .* (HTTP 412, If-Match .* Nothing was overwritten.`)
	expectTitle := func(title string) func() error {
		return func() error { return expectTargetAttr(target, "alice@example.com", field("title"), title) }
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{Config: withTitle("Engineer")},
			{
				// An administrator edits the title after the plan read the
				// account: the PATCH carries the stale version and the app
				// refuses it.
				PreConfig: target.ResetRequests,
				Config:    withTitle("Staff Engineer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(faultAlice, plancheck.ResourceActionUpdate),
						editInApp(target, "alice@example.com", "title", "Manager"),
					},
				},
				ExpectError: conflict,
			},
			{
				// Nothing was overwritten; the next plan shows the
				// administrator's edit and the apply repairs it.
				PreConfig: func() {
					if err := expectTitle("Manager")(); err != nil {
						t.Error("the refused PATCH overwrote the edit made in the app: ", err)
					}
					var statuses []int
					for _, r := range writeRequests(target) {
						statuses = append(statuses, r.Status)
					}
					if len(statuses) != 1 || statuses[0] != http.StatusPreconditionFailed {
						t.Errorf("want one write answered 412, got %v: %s", statuses, describeLog(target.Requests()))
					}
					target.ResetRequests()
				},
				Config: withTitle("Staff Engineer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(faultAlice, plancheck.ResourceActionUpdate),
						planCheckFunc(func(p *tfjson.Plan) error {
							for _, rc := range p.ResourceChanges {
								if rc.Address == faultAlice {
									before, _ := rc.Change.Before.(map[string]any)
									attrs, _ := before["attributes"].(map[string]any)
									if attrs["title"] != "Manager" {
										return fmt.Errorf("the plan's prior title is %v, want the app's Manager", attrs["title"])
									}
								}
							}
							return nil
						}),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(expectTitle("Staff Engineer"), func() error { return expectOnlyPatch(target, 1, `"path":"title"`) }),
					expectStateMatchesTarget(target, faultAlice),
				),
			},
			{
				// The same refusal injected: a clear error, nothing changed.
				PreConfig: func() {
					target.InjectFault(scimtarget.Fault{Method: http.MethodPatch, Path: "/Users/*", Status: http.StatusPreconditionFailed})
				},
				Config:      withTitle("Principal Engineer"),
				ExpectError: conflict,
			},
			{
				PreConfig: func() {
					if err := expectTitle("Staff Engineer")(); err != nil {
						t.Error(err)
					}
				},
				Config: withTitle("Principal Engineer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(faultAlice, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(targetChecks(expectTitle("Principal Engineer")), expectStateMatchesTarget(target, faultAlice)),
			},
			{
				Config: withTitle("Principal Engineer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A connection reset after an applied PATCH, on an app that enforces
// ETags: the retry carries the version the first attempt made stale. The
// provider's own write must not be reported as someone else's change: when
// the 412's re-read shows the values sent, the update succeeded.
func TestAccFault_resetAfterConditionalPatch(t *testing.T) {
	t.Parallel()
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.EnforceETags = true })
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	promoted := peopleConfig{baseURL: baseURL, people: alicePeople()}
	promoted.people["alice"]["title"] = "Staff Engineer"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				PreConfig: func() {
					target.ResetRequests()
					target.InjectFault(scimtarget.Fault{Method: http.MethodPatch, Path: "/Users/*", DropAfterWrite: true})
				},
				Config: promoted.String(),
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectNoPendingFaults(target) },
						func() error { return expectTargetAttr(target, "alice@example.com", field("title"), "Staff Engineer") },
						func() error { return expectAccounts(target, map[string]bool{"alice@example.com": true}) },
					),
					expectStateMatchesTarget(target, faultAlice),
				),
			},
		},
	})
}

// ---------------------------------------------------------------------------
// An interrupted apply converges.

// The second of three POSTs fails with a status that is not retried: the
// apply fails, the two accounts created are in state, and the next apply
// creates only the third.
func TestAccFault_interruptedApply(t *testing.T) {
	t.Parallel()
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: threePeople()}.String()
	var failed string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 3),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// Faults apply in order: the first POST is let through
					// (a latency-only fault), the second fails.
					target.InjectFault(scimtarget.Fault{Method: http.MethodPost, Path: "/Users", Latency: time.Millisecond})
					target.InjectFault(scimtarget.Fault{Method: http.MethodPost, Path: "/Users", Status: http.StatusInternalServerError})
				},
				Config:      cfg,
				ExpectError: regexpParts(`SCIM App Returned an Error .* Creating the account .* The app answered HTTP 500`),
			},
			{
				PreConfig: func() {
					var err error
					if failed, err = faultedAddress(target, http.StatusInternalServerError); err != nil {
						t.Error(err)
					}
					if err := expectCount(target, http.MethodPost, "/Users", 3); err != nil {
						t.Error(err)
					}
					want := map[string]bool{}
					for addr, userName := range faultUserNames {
						if addr != failed {
							want[userName] = true
						}
					}
					if err := expectAccounts(target, want); err != nil {
						t.Error(err)
					}
					target.ResetRequests()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectOnlyCreate(&failed)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					targetChecks(
						func() error { return expectCount(target, http.MethodPost, "/Users", 1) },
						func() error {
							return expectAccounts(target, map[string]bool{"alice@example.com": true, "bob@example.com": true, "carol@example.com": true})
						},
					),
					expectStateMatchesTarget(target, faultAlice, faultBob, faultCarol),
				),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
