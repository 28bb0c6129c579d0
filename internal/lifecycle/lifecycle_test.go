package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// The lifecycle against the local target, without Terraform: what each
// operation sends, what it returns, and what the app holds afterwards.

const token = "lifecycle-test-token"

// newApp starts a local target on 127.0.0.1 and returns it with the app as
// the lifecycle sees it, with the overrides given.
func newApp(t *testing.T, o lifecycle.Overrides, mods ...func(*scimtarget.Options)) (*scimtarget.Target, *lifecycle.App) {
	t.Helper()
	opts := scimtarget.Options{BearerTokens: []string{token}}
	for _, m := range mods {
		m(&opts)
	}
	target, srv := scimtarget.NewTestServer(t, opts)
	base := scimtarget.BaseURL(srv)
	client, err := scim.New(scim.Config{BaseURL: base, Auth: scim.BearerToken(token), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := lifecycle.SettingsFor(d, o)
	s.ApplyTo(client)
	return target, &lifecycle.App{Client: client, Settings: s, BaseURL: base}
}

// rules are a mapping of the kind the provider decodes from an
// attribute mapping resource.
func rules(t *testing.T) []mapping.Rule {
	t.Helper()
	r, err := mapping.Decode(`v1: userName=email|lower; name.givenName=given_name; name.familyName=family_name; title=title; externalId=employee_id`)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func values(userName, title string) map[string]string {
	return map[string]string{
		"userName": userName, "name.givenName": "Ada", "name.familyName": "Lovelace", "title": title, "externalId": "e-" + userName,
	}
}

func existing(userName, title string, active bool) map[string]any {
	return map[string]any{
		"schemas":  []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": userName, "name": map[string]any{"givenName": "Ada", "familyName": "Lovelace"},
		"title": title, "externalId": "e-" + userName, "active": active,
	}
}

func withoutTitle(doc map[string]any) map[string]any {
	delete(doc, "title")
	return doc
}

func writes(target *scimtarget.Target) []string {
	var out []string
	for _, r := range target.Requests() {
		if r.Method != "GET" {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func TestCreateMakesTheAccountOnce(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	accounts := app.Accounts(rules(t))
	out, err := accounts.Create(context.Background(), lifecycle.AccountCreate{Values: values("ada@example.com", "Engineer"), Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Created == nil || out.Existing != nil {
		t.Fatalf("want a created account, got %+v", out)
	}
	if got := writes(target); !slices.Equal(got, []string{"POST /Users"}) {
		t.Fatalf("writes %q, want one POST", got)
	}
	u, ok := target.FindUserByUserName("ada@example.com")
	if !ok || u["title"] != "Engineer" || u["id"] != out.Created.ID() {
		t.Fatalf("the target holds %v", u)
	}
}

func TestCreateDecidesWhatStandsInTheWay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		seed       []map[string]any
		adopt      bool
		wantReason lifecycle.LinkReason
		wantKind   *lifecycle.ConflictKind
	}{
		{name: "inactive match is a rehire", seed: []map[string]any{existing("ada@example.com", "Intern", false)}, wantReason: lifecycle.LinkRehire},
		{name: "active match without adoption is refused", seed: []map[string]any{existing("ada@example.com", "Intern", true)}, wantKind: ptr(lifecycle.ConflictActive)},
		{name: "active match holding exactly the mapped values is linked", seed: []map[string]any{existing("ada@example.com", "Engineer", true)}, wantReason: lifecycle.LinkMatching},
		{name: "active match lacking a value is refused", seed: []map[string]any{withoutTitle(existing("ada@example.com", "", true))}, wantKind: ptr(lifecycle.ConflictActive)},
		{name: "adoption links the one match", seed: []map[string]any{existing("ada@example.com", "Intern", true)}, adopt: true, wantReason: lifecycle.LinkAdopted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target, app := newApp(t, lifecycle.Overrides{})
			var ids []string
			for _, s := range tc.seed {
				id, err := target.AddUser(s)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			target.ResetRequests()
			out, err := app.Accounts(rules(t)).Create(context.Background(), lifecycle.AccountCreate{
				Values: values("ada@example.com", "Engineer"), Active: true, Adopt: tc.adopt, AdoptBy: "userName"})
			if tc.wantKind != nil {
				var c *lifecycle.ConflictError
				if !errors.As(err, &c) || c.Kind != *tc.wantKind || len(c.Found) != 1 {
					t.Fatalf("want a conflict of kind %v, got %v (%+v)", *tc.wantKind, err, c)
				}
				if n := len(target.Users()); n != 1 {
					t.Fatalf("the target holds %d accounts, want the one it had", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.Existing == nil || out.Existing.ID() != ids[0] || out.Reason != tc.wantReason {
				t.Fatalf("want %s linked with reason %v, got %+v", ids[0], tc.wantReason, out)
			}
			if tc.adopt && len(writes(target)) != 0 {
				t.Fatalf("an adoption sends nothing before it is applied, sent %q", writes(target))
			}
		})
	}
}

func TestCreateAfterLostAnswerLinksInsteadOfDuplicating(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	target.InjectFault(scimtarget.Fault{Method: "POST", Path: "/Users", DropAfterWrite: true})
	out, err := app.Accounts(rules(t)).Create(context.Background(), lifecycle.AccountCreate{Values: values("ada@example.com", "Engineer"), Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Existing == nil || out.Reason != lifecycle.LinkAfterUnknownOutcome {
		t.Fatalf("want the account the lost POST made, linked; got %+v", out)
	}
	if n := len(target.Users()); n != 1 {
		t.Fatalf("the target holds %d accounts, want 1", n)
	}
	if n := target.Count("POST", "/Users"); n != 1 {
		t.Fatalf("%d POSTs, want 1 (no second create after the lookup found it)", n)
	}
}

func TestAdoptionLookups(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	for _, u := range []string{"a@example.com", "b@example.com"} {
		doc := existing(u, "Intern", true)
		doc["externalId"] = "shared"
		if _, err := target.AddUser(doc); err != nil {
			t.Fatal(err)
		}
	}
	accounts := app.Accounts(rules(t))
	v := values("a@example.com", "Engineer")
	v["externalId"] = "shared"
	_, err := accounts.FindForAdoption(context.Background(), "externalId", v)
	var ambiguous *lifecycle.AmbiguousMatchError
	if !errors.As(err, &ambiguous) || len(ambiguous.Found) != 2 || ambiguous.Value != "shared" {
		t.Fatalf("want both accounts with externalId shared, got %v", err)
	}
	delete(v, "externalId")
	var missing *lifecycle.MissingLookupValueError
	if _, err := accounts.FindForAdoption(context.Background(), "externalId", v); !errors.As(err, &missing) || missing.By != "externalId" {
		t.Fatalf("want a missing lookup value, got %v", err)
	}
	preview, err := accounts.PreviewAdoption(context.Background(), "userName", v, true)
	if err != nil || preview == nil {
		t.Fatalf("preview: %v %v", preview, err)
	}
	if want := `title: "Intern" -> "Engineer"`; !slices.Contains(preview.Overwrites, want) {
		t.Fatalf("overwrites %q, want %q among them", preview.Overwrites, want)
	}
}

func TestApplySendsOnlyTheChangeAndReportsWhatChangedUnderneath(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	target.SetEnforceETags(true)
	id, err := target.AddUser(existing("ada@example.com", "Intern", true))
	if err != nil {
		t.Fatal(err)
	}
	accounts := app.Accounts(rules(t))
	cur, err := accounts.ReadCurrent(context.Background(), id, values("ada@example.com", "Intern"))
	if err != nil {
		t.Fatal(err)
	}
	wasActive := true
	change := lifecycle.AccountChange{ID: id, Version: cur.Version, Actual: cur.Values, Recorded: true,
		Desired: values("ada@example.com", "Engineer"), WasActive: &wasActive, Active: true}

	// Someone edits the account in the app: the version in hand is stale.
	if err := target.SetUserAttribute(id, "name.givenName", "Augusta"); err != nil {
		t.Fatal(err)
	}
	_, err = accounts.Apply(context.Background(), change)
	var changed *lifecycle.ChangedError
	if !errors.As(err, &changed) || !slices.Contains(changed.Changes, `name.givenName: was "Ada", now "Augusta"`) {
		t.Fatalf("want a 412 that names the edit, got %v (%+v)", err, changed)
	}
	if u, _ := target.GetUser(id); u["title"] != "Intern" {
		t.Fatalf("nothing may be overwritten after a 412; title is %v", u["title"])
	}

	// With the version read again, one PATCH of the one change.
	change.Version = changed.NowVersion
	change.Actual["name.givenName"] = "Augusta"
	change.Desired["name.givenName"] = "Augusta"
	target.ResetRequests()
	res, err := accounts.Apply(context.Background(), change)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sent) != 1 || res.Sent[0].Path != "title" || len(res.NotKept) != 0 || len(res.Meanwhile) != 0 {
		t.Fatalf("sent %+v, not kept %q, meanwhile %q", res.Sent, res.NotKept, res.Meanwhile)
	}
	if got := writes(target); len(got) != 1 || !strings.HasPrefix(got[0], "PATCH /Users/") {
		t.Fatalf("writes %q, want one PATCH", got)
	}
	if u, _ := target.GetUser(id); u["title"] != "Engineer" {
		t.Fatalf("title is %v, want Engineer", u["title"])
	}
}

func TestApplyWithoutPatchReplacesTheWholeAccount(t *testing.T) {
	t.Parallel()
	no := false
	target, app := newApp(t, lifecycle.Overrides{Patch: &no})
	doc := existing("ada@example.com", "Intern", true)
	doc["nickName"] = "kept"
	id, err := target.AddUser(doc)
	if err != nil {
		t.Fatal(err)
	}
	accounts := app.Accounts(rules(t))
	cur, err := accounts.ReadCurrent(context.Background(), id, values("ada@example.com", "Intern"))
	if err != nil {
		t.Fatal(err)
	}
	target.ResetRequests()
	if _, err := accounts.Apply(context.Background(), lifecycle.AccountChange{ID: id, Actual: cur.Values,
		Desired: values("ada@example.com", "Engineer"), WasActive: &cur.Active, Active: true}); err != nil {
		t.Fatal(err)
	}
	if got := writes(target); len(got) != 1 || !strings.HasPrefix(got[0], "PUT /Users/") {
		t.Fatalf("writes %q, want one PUT", got)
	}
	if u, _ := target.GetUser(id); u["title"] != "Engineer" || u["nickName"] != "kept" {
		t.Fatalf("after the PUT the account is %v", u)
	}
}

func TestDeprovisionByMode(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	accounts := app.Accounts(rules(t))
	ctx := context.Background()
	for _, mode := range []string{lifecycle.Deactivate, lifecycle.Delete, lifecycle.Abandon} {
		id, err := target.AddUser(existing(mode+"@example.com", "Intern", true))
		if err != nil {
			t.Fatal(err)
		}
		if err := accounts.Deprovision(ctx, lifecycle.AccountDeprovision{ID: id, Mode: mode}); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		u, ok := target.GetUser(id)
		switch mode {
		case lifecycle.Deactivate:
			if !ok || u["active"] != false {
				t.Fatalf("deactivate left %v", u)
			}
		case lifecycle.Delete:
			if ok {
				t.Fatalf("delete left %v", u)
			}
			// Already gone is success.
			if err := accounts.Deprovision(ctx, lifecycle.AccountDeprovision{ID: id, Mode: mode}); err != nil {
				t.Fatalf("deleting again: %v", err)
			}
		case lifecycle.Abandon:
			if !ok || u["active"] != true {
				t.Fatalf("abandon changed %v", u)
			}
		}
	}
	// An account recorded inactive and still inactive is not written again.
	id, _ := target.AddUser(existing("gone@example.com", "Intern", false))
	target.ResetRequests()
	inactive := false
	if err := accounts.Deprovision(ctx, lifecycle.AccountDeprovision{ID: id, Mode: lifecycle.Deactivate, WasActive: &inactive}); err != nil {
		t.Fatal(err)
	}
	if got := writes(target); len(got) != 0 {
		t.Fatalf("writes %q, want none", got)
	}
}

func TestGroupsCreateInBatchesAndPreviewAdoption(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	var members []string
	for i := range 150 {
		id, err := target.AddUser(existing(fmt.Sprintf("u%03d@example.com", i), "", true))
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, id)
	}
	groups := app.Groups()
	desired := lifecycle.Group{DisplayName: "Engineering", ManageMembers: true, Members: members}
	out, err := groups.Create(context.Background(), lifecycle.GroupCreate{Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	created := out.Created
	if len(created.Members) != scim.MaxMemberChangesPerRequest {
		t.Fatalf("the POST carried %d members, want %d", len(created.Members), scim.MaxMemberChangesPerRequest)
	}
	desired.ID = created.ID
	if err := groups.Apply(context.Background(), created, desired); err != nil {
		t.Fatal(err)
	}
	got, err := target.GroupMembers(created.ID)
	if err != nil || !lifecycle.SameMembers(got, members) {
		t.Fatalf("the group holds %d members (%v), want %d", len(got), err, len(members))
	}

	// Adopting it under another spelling with one member fewer and one
	// more says what will change.
	want := lifecycle.Group{DisplayName: "engineering", ManageMembers: true, Members: append(slices.Clone(members[1:]), "not-yet")}
	preview, err := groups.PreviewAdoption(context.Background(), "displayName", want)
	if err != nil || preview == nil || preview.Existing.ID() != created.ID {
		t.Fatalf("preview %+v, %v", preview, err)
	}
	wantLines := []string{`displayName: "Engineering" -> "engineering"`, "members removed: " + members[0], "members added: not-yet"}
	if !slices.Equal(preview.Overwrites, wantLines) {
		t.Fatalf("overwrites %q, want %q", preview.Overwrites, wantLines)
	}
}

// A group of 10,000 that changes by a few: the creation posts the first
// members and adds the rest in batches, and the change sends only the
// three members that differ, never the whole list. (The acceptance test of
// the same story runs on a smaller group: Terraform's own plan renderer
// compares a list's elements pairwise, 8 CPU-seconds per plan at 10,000.)
func TestGroupOfTenThousandChangesByAFew(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	ids := make([]string, 10000)
	for i := range ids {
		id, err := target.AddUser(map[string]any{"userName": fmt.Sprintf("u%05d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	groups, ctx := app.Groups(), context.Background()
	desired := lifecycle.Group{DisplayName: "Everyone", ManageMembers: true, Members: ids[:9999]}
	out, err := groups.Create(ctx, lifecycle.GroupCreate{Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	created := out.Created
	desired.ID = created.ID
	if err := groups.Apply(ctx, created, desired); err != nil {
		t.Fatal(err)
	}
	if got, _ := target.GroupMembers(created.ID); len(got) != 9999 {
		t.Fatalf("%d members after the creation, want 9999", len(got))
	}

	target.ResetRequests()
	changed := desired
	changed.Members = append(slices.Clone(ids[2:9999]), ids[9999])
	if err := groups.Apply(ctx, desired, changed); err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, r := range target.Requests() {
		if r.Method != "GET" {
			sent = append(sent, r.Method+" "+r.Path+" "+string(r.Body))
		}
	}
	names := func(body string, ids ...string) bool {
		for _, id := range ids {
			if !strings.Contains(body, id) {
				return false
			}
		}
		return true
	}
	if len(sent) != 1 || strings.Count(sent[0], `"op":`) != 3 || !names(sent[0], ids[0], ids[1], ids[9999]) || len(sent[0]) > 1000 {
		t.Fatalf("a change of 3 members sent %d requests: %.300q", len(sent), sent)
	}
	got, _ := target.GroupMembers(created.ID)
	if !lifecycle.SameMembers(got, changed.Members) {
		t.Fatalf("%d members after the change, want %d", len(got), len(changed.Members))
	}
}

func TestGroupMembership(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	uid, _ := target.AddUser(existing("ada@example.com", "", true))
	gid, err := target.AddGroup(map[string]any{"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Admins"})
	if err != nil {
		t.Fatal(err)
	}
	groups, ctx, m := app.Groups(), context.Background(), lifecycle.Membership{GroupID: gid, MemberID: uid}
	state := func() lifecycle.MembershipState {
		t.Helper()
		s, err := groups.ReadMembership(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := state(); s != lifecycle.MemberRemoved {
		t.Fatalf("before adding: %v", s)
	}
	if err := groups.AddMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	if s := state(); s != lifecycle.MemberPresent {
		t.Fatalf("after adding: %v", s)
	}
	if err := groups.RemoveMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := target.DeleteGroup(gid); err != nil {
		t.Fatal(err)
	}
	if s := state(); s != lifecycle.GroupGone {
		t.Fatalf("after deleting the group: %v", s)
	}
	if err := groups.RemoveMember(ctx, m); err != nil {
		t.Fatalf("removing from a group already gone: %v", err)
	}
}

func TestSettingsForOverridesDiscovery(t *testing.T) {
	t.Parallel()
	d := &scim.Discovery{}
	d.ServiceProviderConfig.Patch.Supported = true
	no := false
	s := lifecycle.SettingsFor(d, lifecycle.Overrides{Patch: &no})
	if s.UsePatch || !s.CanPut || !s.FilteredPaths || s.UseETags || !s.BatchReads || !s.AttributesParam {
		t.Fatalf("settings %+v", s)
	}
}

func ptr[T any](v T) *T { return &v }

// A group PATCH the app answers 413 (Payload Too Large, as Miro does
// beyond a size) is sent again in halves until the app takes it; the
// vendor's member cap bounds every request from the start.
func TestGroupMemberChangesSplitOn413AndByTheVendorCap(t *testing.T) {
	t.Parallel()
	target := scimtarget.New(scimtarget.Options{BearerTokens: []string{token}})
	handler := target.Handler()
	const limit = 3 // member values the app takes in one PATCH
	var patches []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/Groups/") {
			body, _ := io.ReadAll(r.Body)
			n := strings.Count(string(body), `"value":"`) + strings.Count(string(body), `value eq`)
			patches = append(patches, n)
			if n > limit {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base := srv.URL + "/scim/v2"
	client, err := scim.New(scim.Config{BaseURL: base, Auth: scim.BearerToken(token), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	app := &lifecycle.App{Client: client, Settings: lifecycle.SettingsFor(d, lifecycle.Overrides{}), BaseURL: base}
	var members []string
	for i := range 10 {
		id, err := target.AddUser(existing(fmt.Sprintf("u%d@example.com", i), "", true))
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, id)
	}
	gid, err := target.AddGroup(map[string]any{"displayName": "Big"})
	if err != nil {
		t.Fatal(err)
	}
	groups := app.Groups()
	empty := lifecycle.Group{ID: gid, DisplayName: "Big", ManageMembers: true}
	full := empty
	full.Members = members
	if err := groups.Apply(context.Background(), empty, full); err != nil {
		t.Fatal(err)
	}
	if got, _ := target.GroupMembers(gid); !lifecycle.SameMembers(got, members) {
		t.Fatalf("the group holds %v, want the 10", got)
	}
	// 10 refused, 5 refused, then 2 at a time.
	if want := []int{10, 5, 2, 2, 2, 2, 2}; !slices.Equal(patches, want) {
		t.Errorf("PATCHes carried %v member values, want %v", patches, want)
	}

	// With a vendor cap of 1 (Google Cloud Identity), one member a request.
	patches = nil
	app.Settings.Vendor = &lifecycle.Vendor{Name: "capped", MaxMemberChanges: 1}
	if err := groups.Apply(context.Background(), full, empty); err != nil {
		t.Fatal(err)
	}
	if want := slices.Repeat([]int{1}, 10); !slices.Equal(patches, want) {
		t.Errorf("PATCHes carried %v member values, want one each", patches)
	}
	if got, _ := target.GroupMembers(gid); len(got) != 0 {
		t.Errorf("the group still holds %v", got)
	}
}

// Where the vendor caps the operations of one user PATCH (Google Cloud
// Identity: 20), a longer change goes in several PATCHes, all applied.
func TestApplyInPartsWhereTheVendorCapsOperations(t *testing.T) {
	t.Parallel()
	target, app := newApp(t, lifecycle.Overrides{})
	app.Settings.Vendor = &lifecycle.Vendor{Name: "capped", MaxPatchOperations: 2}
	id, err := target.AddUser(existing("ada@example.com", "Intern", true))
	if err != nil {
		t.Fatal(err)
	}
	accounts := app.Accounts(rules(t))
	cur, err := accounts.ReadCurrent(context.Background(), id, values("ada@example.com", "Intern"))
	if err != nil {
		t.Fatal(err)
	}
	desired := values("ada@example.com", "Engineer")
	desired["name.givenName"], desired["name.familyName"], desired["externalId"] = "Augusta", "King", "e-42"
	wasActive := true
	target.ResetRequests()
	res, err := accounts.Apply(context.Background(), lifecycle.AccountChange{ID: id, Version: cur.Version, Actual: cur.Values, Recorded: true,
		Desired: desired, WasActive: &wasActive, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sent) != 4 {
		t.Fatalf("sent %+v, want the 4 changes", res.Sent)
	}
	if got := writes(target); len(got) != 2 {
		t.Fatalf("writes %q, want two PATCHes of two operations", got)
	}
	u, _ := target.GetUser(id)
	name, _ := u["name"].(map[string]any)
	if u["title"] != "Engineer" || u["externalId"] != "e-42" || name["givenName"] != "Augusta" || name["familyName"] != "King" {
		t.Fatalf("the account is %v", u)
	}
}
