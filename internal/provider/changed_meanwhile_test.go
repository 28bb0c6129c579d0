package provider

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Edits made in the app between Terraform's refresh and its write: the
// write must neither blame Terraform for them nor overwrite or delete an
// account someone just changed.

// newHookedTarget is newTestTarget with a hook that sees every SCIM request
// (relative path, body) before the target handles it, to make an
// out-of-band edit land exactly between a plan and the write it planned.
func newHookedTarget(t *testing.T, hook func(target *scimtarget.Target, method, path string, body []byte), mods ...func(*scimtarget.Options)) (*scimtarget.Target, string) {
	t.Helper()
	opts := scimtarget.Options{BearerTokens: []string{testToken}}
	for _, m := range mods {
		m(&opts)
	}
	srv := httptest.NewUnstartedServer(nil)
	opts.BaseURL = "http://" + srv.Listener.Addr().String() + scimtarget.BasePath
	target := scimtarget.New(opts)
	inner := target.Handler()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		hook(target, r.Method, strings.TrimPrefix(r.URL.Path, scimtarget.BasePath), body)
		inner.ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return target, scimtarget.BaseURL(srv)
}

// onceOn arms an edit to run before the first request that matches, once.
type onceOn struct {
	mu    sync.Mutex
	armed func(method, path string, body []byte) bool
	edit  func(target *scimtarget.Target) error
	err   error
	fired bool
}

func (o *onceOn) arm(match func(method, path string, body []byte) bool, edit func(*scimtarget.Target) error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.armed, o.edit, o.fired, o.err = match, edit, false, nil
}

func (o *onceOn) hook(target *scimtarget.Target, method, path string, body []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.armed == nil || !o.armed(method, path, body) {
		return
	}
	o.armed = nil
	o.fired = true
	o.err = o.edit(target)
}

// check fails unless the armed edit ran, without error.
func (o *onceOn) check() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case !o.fired:
		return fmt.Errorf("the out-of-band edit never ran: no request matched")
	case o.err != nil:
		return fmt.Errorf("the out-of-band edit failed: %v", o.err)
	}
	return nil
}

func setAttribute(userName, path string, value any) func(*scimtarget.Target) error {
	return func(target *scimtarget.Target) error {
		return target.SetUserAttribute(userID(target, userName), path, value)
	}
}

func patchOf(substr string) func(method, path string, body []byte) bool {
	return func(method, path string, body []byte) bool {
		return method == http.MethodPatch && strings.HasPrefix(path, "/Users/") && strings.Contains(string(body), substr)
	}
}

// An attribute Terraform did not send changes in the app while an update
// is in flight: the update succeeds, a warning names that attribute as
// changed in the app (not as a value Terraform sent), and the next plan
// shows it as drift to repair.
func TestAccProvisionedUser_changedInAppDuringUpdate(t *testing.T) {
	var edit onceOn
	target, baseURL := newHookedTarget(t, edit.hook)
	providers, warnings := captureWarnings()
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople()}
	promoted := peopleConfig{baseURL: baseURL, people: alicePeople()}
	promoted.people["alice"]["title"] = "Staff Engineer"
	addr := "scim_provisioned_user.alice"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				PreConfig: func() {
					edit.arm(patchOf(`"title"`), setAttribute("alice@example.com", "name.familyName", "Nguyen"))
				},
				Config: promoted.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("attributes").AtMapKey("title"), knownvalue.StringExact("Staff Engineer")),
				},
				// The plan after the apply refreshes and shows the edit.
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTarget(edit.check),
					checkTarget(func() error {
						w, ok := findWarning(warnings(), "ApplyResourceChange", "SCIM Account Changed in the App Meanwhile",
							`name.familyName: not sent; Terraform expected "Ng", the app now holds "Nguyen"`)
						if !ok {
							return fmt.Errorf("no warning names name.familyName as changed in the app; warnings: %+v", warnings())
						}
						if strings.Contains(w.Detail, `sent "Ng"`) || strings.Contains(w.Detail, "title") {
							return fmt.Errorf("the warning blames a value that was sent: %s", w.Detail)
						}
						return nil
					}),
				),
			},
			{
				// The next apply repairs it.
				Config: promoted.String(),
				Check: checkTarget(func() error {
					return expectTargetAttr(target, "alice@example.com", field("name", "familyName"), "Ng")
				}),
			},
		},
	})
}

// Where the app enforces ETags, destroy sends the version the refresh read:
// an account edited in the app just before the DELETE (or the deactivating
// PATCH) is refused with 412, and the error says what changed; nothing is
// deleted or deactivated until a new plan has seen the edit.
func TestAccProvisionedUser_destroyIfMatch(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"delete", "deactivate"} {
		t.Run(mode, func(t *testing.T) {
			var edit onceOn
			target, baseURL := newHookedTarget(t, edit.hook, func(o *scimtarget.Options) { o.EnforceETags = true })
			cfg := peopleConfig{baseURL: baseURL, people: alicePeople(), userArgs: userArg(fmt.Sprintf("deprovision = %q", mode))}
			withoutUsers := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{}}.String()
			isDestroyWrite := func(method, path string, body []byte) bool {
				if mode == "delete" {
					return method == http.MethodDelete && strings.HasPrefix(path, "/Users/")
				}
				return patchOf(`"active"`)(method, path, body)
			}
			var id string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             func(*terraform.State) error { return nil },
				Steps: []resource.TestStep{
					{
						Config: cfg.String(),
						Check: checkTarget(func() error {
							id = userID(target, "alice@example.com")
							target.ResetRequests()
							edit.arm(isDestroyWrite, setAttribute("alice@example.com", "title", "Manager"))
							return nil
						}),
					},
					{
						Config: withoutUsers,
						ExpectError: regexpParts(`SCIM Account Changed Since It Was Read .* (HTTP 412, If-Match .* Nothing was deleted or deactivated. ` +
							`.* title: was "Engineer", now "Manager" .* terraform apply -refresh-only`),
					},
					{
						// As the error says: record the account as it is now.
						RefreshState:       true,
						ExpectNonEmptyPlan: true,
					},
					{
						PreConfig: func() {
							if err := edit.check(); err != nil {
								t.Error(err)
							}
							for _, r := range writeRequests(target) {
								if r.Header.Get("If-Match") == "" {
									t.Errorf("%s %s carried no If-Match", r.Method, r.Path)
								}
							}
							if err := expectTargetAttr(target, "alice@example.com", field("active"), true); err != nil {
								t.Errorf("after the refused destroy: %v", err)
							}
						},
						// Refreshed, the account is destroyed as asked.
						Config: withoutUsers,
						Check: checkTarget(func() error {
							u, ok := target.GetUser(id)
							switch {
							case mode == "delete" && ok:
								return fmt.Errorf("account %s still exists after the destroy", id)
							case mode == "deactivate" && (!ok || u["active"] != false):
								return fmt.Errorf("account %s is not deactivated after the destroy: %v", id, u)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// An account Terraform recorded as inactive, reactivated in the app, then
// removed from the configuration: destroy (deprovision = "deactivate")
// deactivates it again. Terraform hands Delete the last saved state, in
// which the account is inactive, so Delete must look rather than skip.
func TestAccProvisionedUser_destroyDeactivatesReactivatedAccount(t *testing.T) {
	target, baseURL := newTestTarget(t)
	cfg := peopleConfig{baseURL: baseURL, people: alicePeople(), userArgs: userArg("active = false")}
	withoutUsers := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{}}.String()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             expectAllInactive(target, 1),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check: checkTarget(func() error {
					return expectTargetAttr(target, "alice@example.com", field("active"), false)
				}),
			},
			{
				PreConfig: func() {
					if err := target.ActivateUser(userID(target, "alice@example.com")); err != nil {
						t.Fatal(err)
					}
				},
				Config: withoutUsers,
				Check: checkTarget(func() error {
					return expectTargetAttr(target, "alice@example.com", field("active"), false)
				}),
			},
		},
	})
}
