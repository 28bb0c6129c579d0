package lifecycle_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

const groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

// uniqueGroupNames makes the target's groups' displayName unique, as many
// apps have it (a second group of the same name is a 409).
func uniqueGroupNames(t *testing.T, target *scimtarget.Target) {
	t.Helper()
	if err := target.SetAttributeUniqueness(groupSchema, "displayName", "server"); err != nil {
		t.Fatal(err)
	}
}

// groupApp is an app whose group names are unique or not, discovered after
// the schema is set.
func groupApp(t *testing.T, unique bool, mods ...func(*scimtarget.Options)) (*scimtarget.Target, *lifecycle.App) {
	t.Helper()
	target, app := newApp(t, lifecycle.Overrides{}, mods...)
	if unique {
		uniqueGroupNames(t, target)
		// Discover again: the app's settings come from its schemas.
		_, app = rediscover(t, target, app)
	}
	if got := app.Settings.Discovery.GroupNamesUnique(); got != unique {
		t.Fatalf("the app's group names unique: %v, want %v", got, unique)
	}
	return target, app
}

func rediscover(t *testing.T, target *scimtarget.Target, app *lifecycle.App) (*scimtarget.Target, *lifecycle.App) {
	t.Helper()
	client, err := scim.New(scim.Config{BaseURL: app.BaseURL, Auth: scim.BearerToken(token), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := lifecycle.SettingsFor(d, lifecycle.Overrides{})
	s.ApplyTo(client)
	return target, &lifecycle.App{Client: client, Settings: s, BaseURL: app.BaseURL}
}

func groupsNamed(target *scimtarget.Target, name string) []map[string]any {
	var out []map[string]any
	for _, g := range target.Groups() {
		if strings.EqualFold(g["displayName"].(string), name) {
			out = append(out, g)
		}
	}
	return out
}

// A group create whose answer is lost, unusable or late is looked up
// before it is sent again, on apps with unique names and without: there
// is exactly one group afterwards, and the outcome says whether it was
// made or linked.
func TestGroupCreateUnderFaults(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name    string
		fault   scimtarget.Fault
		applied bool // the POST went through despite the fault
	}{
		{"reset after the write", scimtarget.Fault{DropAfterWrite: true}, true},
		{"HTML page answered 200", scimtarget.Fault{ApplyThenBody: true, Status: 200, Body: "<html><body>Gateway</body></html>", ContentType: "text/html"}, true},
		{"malformed JSON answered 201", scimtarget.Fault{ApplyThenBody: true, Status: 201, Body: `{"id": "`}, true},
		{"gateway timeout", scimtarget.Fault{Status: 504}, false},
		{"unavailable", scimtarget.Fault{Status: 503, RetryAfter: "0"}, false},
		{"slower than the request timeout", scimtarget.Fault{Latency: 2 * time.Second}, false},
	}
	for _, unique := range []bool{false, true} {
		for _, f := range faults {
			name := f.name + map[bool]string{false: ", names not unique", true: ", unique names"}[unique]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				target, app := groupApp(t, unique)
				app.Client = withTimeout(t, app, 500*time.Millisecond)
				uid, _ := target.AddUser(existing("ada@example.com", "", true))
				fault := f.fault
				fault.Method, fault.Path = "POST", "/Groups"
				target.InjectFault(fault)
				desired := lifecycle.Group{DisplayName: "Engineering", ManageMembers: true, Members: []string{uid}}
				out, err := app.Groups().Create(context.Background(), lifecycle.GroupCreate{Desired: desired})
				if err != nil {
					t.Fatalf("create: %v", err)
				}
				got := groupsNamed(target, "Engineering")
				if len(got) != 1 {
					t.Fatalf("the target holds %d groups named Engineering, want 1", len(got))
				}
				id := out.Created.ID
				if out.Existing != nil {
					id = out.Existing.ID()
					if out.Reason != lifecycle.LinkAfterUnknownOutcome || !f.applied {
						t.Fatalf("linked with reason %v after a fault that applied=%v", out.Reason, f.applied)
					}
				} else if f.applied && (f.fault.Status != 503) {
					t.Fatalf("created again after a POST that went through: %+v", out)
				}
				if id != got[0]["id"] {
					t.Fatalf("the outcome names %s, the target holds %s", id, got[0]["id"])
				}
			})
		}
	}
}

// withTimeout is app's client with a per-attempt timeout of d and one
// retry, so a fault that is retried meets it once.
func withTimeout(t *testing.T, app *lifecycle.App, d time.Duration) *scim.Client {
	t.Helper()
	c, err := scim.New(scim.Config{BaseURL: app.BaseURL, Auth: scim.BearerToken(token), Timeout: d, MaxRetries: 1,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	app.Settings.ApplyTo(c)
	return c
}

// A create that meets a group of the same name links it only when it is
// what the create would make, but for members still to add: no member
// removed, no name or externalId replaced.
func TestGroupCreateLinksOnlyWhatLosesNothing(t *testing.T) {
	t.Parallel()
	for _, unique := range []bool{false, true} {
		t.Run(map[bool]string{false: "names not unique", true: "unique names"}[unique], func(t *testing.T) {
			t.Parallel()
			target, app := groupApp(t, unique)
			ada, _ := target.AddUser(existing("ada@example.com", "", true))
			bob, _ := target.AddUser(existing("bob@example.com", "", true))
			carol, _ := target.AddUser(existing("carol@example.com", "", true))
			seed := func(name string, members ...string) string {
				t.Helper()
				id, err := target.AddGroup(map[string]any{"schemas": []any{groupSchema}, "displayName": name})
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range members {
					if err := target.AddGroupMember(id, m); err != nil {
						t.Fatal(err)
					}
				}
				return id
			}
			groups, ctx := app.Groups(), context.Background()

			// Holds ada; the configuration adds bob: only members to add.
			admins := seed("Admins", ada)
			out, err := groups.Create(ctx, lifecycle.GroupCreate{Desired: lifecycle.Group{DisplayName: "Admins", ManageMembers: true, Members: []string{ada, bob}}})
			if err != nil || out.Existing == nil || out.Existing.ID() != admins || out.Reason != lifecycle.LinkMatching {
				t.Fatalf("want Admins linked as matching, got %+v, %v", out, err)
			}
			if !slices.Equal(out.Linked.Members, []string{ada}) {
				t.Fatalf("linked as holding %v, want [ada]", out.Linked.Members)
			}
			// Unique names: the POST met a 409; otherwise it was never sent.
			if posts := target.Count("POST", "/Groups"); posts != map[bool]int{false: 0, true: 1}[unique] {
				t.Fatalf("%d POSTs of a group that existed", posts)
			}

			// Holds ada and carol; the configuration says ada and bob:
			// linking would remove carol, so it is refused, naming her.
			seed("Ops", ada, carol)
			target.ResetRequests()
			_, err = groups.Create(ctx, lifecycle.GroupCreate{Desired: lifecycle.Group{DisplayName: "Ops", ManageMembers: true, Members: []string{ada, bob}}})
			var c *lifecycle.ConflictError
			if !errors.As(err, &c) || c.Kind != lifecycle.ConflictGroupDiffers || !slices.Equal(c.Changes, []string{"members removed: " + carol}) {
				t.Fatalf("want a conflict naming carol's removal, got %v (%+v)", err, c)
			}
			if n := len(groupsNamed(target, "Ops")); n != 1 {
				t.Fatalf("%d groups named Ops, want the one there was", n)
			}
			for _, r := range target.Requests() {
				if r.Method == "PATCH" || r.Method == "PUT" || r.Method == "DELETE" {
					t.Fatalf("a refused link changed the app: %s %s", r.Method, r.Path)
				}
			}

			// With adoption, it is linked all the same.
			out, err = groups.Create(ctx, lifecycle.GroupCreate{Desired: lifecycle.Group{DisplayName: "Ops", ManageMembers: true, Members: []string{ada, bob}},
				Adopt: true, AdoptBy: "displayName"})
			if err != nil || out.Existing == nil || out.Reason != lifecycle.LinkAdopted {
				t.Fatalf("want Ops adopted, got %+v, %v", out, err)
			}
		})
	}
}

// A stop (Ctrl-C) while the POST is on the wire: the POST finishes within
// the grace and its group is the outcome; cut off after the grace, the
// outcome is unknown and nothing is sent again.
func TestCreateStoppedWhileTheAppAnswers(t *testing.T) {
	t.Parallel()
	stopped := func(t *testing.T) context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(100*time.Millisecond, cancel)
		t.Cleanup(func() { timer.Stop(); cancel() })
		return ctx
	}
	t.Run("finishes within the grace", func(t *testing.T) {
		t.Parallel()
		target, app := newApp(t, lifecycle.Overrides{})
		target.InjectFault(scimtarget.Fault{Method: "POST", Path: "/Groups", Latency: 400 * time.Millisecond})
		target.InjectFault(scimtarget.Fault{Method: "POST", Path: "/Users", Latency: 400 * time.Millisecond})
		ctx := stopped(t)
		out, err := app.Groups().Create(ctx, lifecycle.GroupCreate{Desired: lifecycle.Group{DisplayName: "Engineering"}})
		if err != nil || out.Created.ID == "" {
			t.Fatalf("group: %+v, %v", out, err)
		}
		acc, err := app.Accounts(rules(t)).Create(ctx, lifecycle.AccountCreate{Values: values("ada@example.com", "Engineer"), Active: true})
		if err == nil || acc.Created != nil {
			t.Fatalf("an account create after the stop: %+v, %v, want nothing sent", acc, err)
		}
		if len(target.Groups()) != 1 || len(target.Users()) != 0 {
			t.Fatalf("the target holds %d groups and %d accounts, want 1 and 0", len(target.Groups()), len(target.Users()))
		}
	})
	t.Run("cut off after the grace", func(t *testing.T) {
		t.Parallel()
		target, app := newApp(t, lifecycle.Overrides{})
		c, err := scim.New(scim.Config{BaseURL: app.BaseURL, Auth: scim.BearerToken(token), MaxRetries: -1, WriteGrace: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		app.Client = c
		target.InjectFault(scimtarget.Fault{Method: "POST", Path: "/Groups", Latency: 2 * time.Second})
		_, err = app.Groups().Create(stopped(t), lifecycle.GroupCreate{Desired: lifecycle.Group{DisplayName: "Engineering"}})
		var unknown *lifecycle.UnknownOutcomeError
		if !errors.As(err, &unknown) || !unknown.Stopped {
			t.Fatalf("want an unknown outcome after a stop, got %v", err)
		}
		if n := target.Count("POST", "/Groups"); n != 1 {
			t.Fatalf("%d POSTs, want 1: nothing is sent again after a stop", n)
		}
	})
}

// An app that cannot filter its groups is still created in: the lookup
// before the create is skipped, not fatal.
func TestGroupCreateOnAnAppWithoutFilters(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{}, func(o *scimtarget.Options) {
		o.Capabilities = scimtarget.DefaultCapabilities()
		o.Capabilities.Filter = false
	})
	out, err := app.Groups().Create(context.Background(), lifecycle.GroupCreate{Desired: lifecycle.Group{DisplayName: "Engineering"}})
	if err != nil || out.Created.ID == "" || len(target.Groups()) != 1 {
		t.Fatalf("create on an app without filters: %+v, %v, %d groups", out, err, len(target.Groups()))
	}
}
