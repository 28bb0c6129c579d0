package scimtarget

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestOutOfBandEditsBumpVersion(t *testing.T) {
	var tick int64
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tg, c := newTarget(t, Options{Now: func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Minute) }})
	id := c.createUser("alice", map[string]any{
		"schemas": []string{urnCoreUser, urnEnterpriseUser},
		"title":   "Eng",
		"emails":  []any{map[string]any{"value": "a@x", "type": "work"}},
	})
	version := func() string { return c.do("GET", "/Users/"+id, nil).header.Get("ETag") }
	lastMod := func() any { return get(c.do("GET", "/Users/"+id, nil).body, "meta.lastModified") }

	edits := []struct {
		name  string
		edit  func() error
		check map[string]any
	}{
		{"title", func() error { return tg.SetUserAttribute(id, "title", "Boss") }, map[string]any{"title": "Boss"}},
		{"sub-attribute", func() error { return tg.SetUserAttribute(id, "name.givenName", "Ally") }, map[string]any{"name.givenName": "Ally", "displayName": "Ally"}},
		{"filtered path", func() error { return tg.SetUserAttribute(id, `emails[type eq "work"].value`, "b@x") }, map[string]any{"emails.0.value": "b@x"}},
		{"extension", func() error { return tg.SetUserAttribute(id, ent+":department", "Ops") }, map[string]any{"[" + ent + "].department": "Ops"}},
		{"readOnly groups", func() error {
			return tg.SetUserAttribute(id, "groups", []map[string]string{{"value": "g1", "display": "Admins"}})
		}, map[string]any{"groups.0.display": "Admins"}},
		{"remove", func() error { return tg.SetUserAttribute(id, "title", nil) }, map[string]any{"title": nil}},
		{"deactivate", func() error { return tg.DeactivateUser(id) }, map[string]any{"active": false}},
		{"activate", func() error { return tg.ActivateUser(id) }, map[string]any{"active": true}},
		{"several at once", func() error {
			return tg.SetUserAttributes(id, map[string]any{"nickName": "A", "locale": "de-DE"})
		}, map[string]any{"nickName": "A", "locale": "de-DE"}},
	}
	for _, e := range edits {
		before, beforeMod := version(), lastMod()
		if err := e.edit(); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		r := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
		if after := r.header.Get("ETag"); after == before {
			t.Errorf("%s: version not bumped (%s)", e.name, after)
		}
		if get(r.body, "meta.lastModified") == beforeMod {
			t.Errorf("%s: lastModified not bumped", e.name)
		}
		for p, want := range e.check {
			if got := get(r.body, p); got != want {
				t.Errorf("%s: %s = %v, want %v", e.name, p, got, want)
			}
		}
	}
	// Setting the same value again changes nothing.
	before := version()
	if err := tg.ActivateUser(id); err != nil {
		t.Fatal(err)
	}
	if version() != before {
		t.Error("no-op edit bumped the version")
	}
	// Errors.
	if err := tg.SetUserAttribute("nope", "title", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing user: %v", err)
	}
	if err := tg.SetUserAttribute(id, "shoeSize", 1); err == nil {
		t.Error("unknown attribute accepted")
	}
	if err := tg.SetUserAttribute(id, "id", "x"); err == nil {
		t.Error("id changed")
	}
	if err := tg.SetUserAttribute(id, "active", "maybe"); err == nil {
		t.Error("bad boolean accepted")
	}
	if err := tg.DeleteUser(id); err != nil {
		t.Fatal(err)
	}
	if err := tg.DeleteUser(id); !errors.Is(err, ErrNotFound) {
		t.Errorf("double delete: %v", err)
	}
	c.do("GET", "/Users/"+id, nil).wantError(t, http.StatusNotFound, "")
}

func TestAddUserAndLookups(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id, err := tg.AddUser(map[string]any{
		"id":       "fixed-id",
		"userName": "Admin.Made@Example.com",
		"name":     map[string]string{"givenName": "Ad", "familyName": "Min"},
		"groups":   []map[string]string{{"value": "g"}},
		"active":   true,
		ent:        map[string]any{"employeeNumber": "7"},
	})
	if err != nil || id != "fixed-id" {
		t.Fatalf("AddUser: %q %v", id, err)
	}
	if _, err := tg.AddUser(map[string]any{"userName": "admin.made@example.com"}); err == nil {
		t.Error("duplicate userName accepted out of band")
	}
	if _, err := tg.AddUser(map[string]any{"title": "no userName"}); err == nil {
		t.Error("user without userName accepted")
	}
	id2, err := tg.AddUser(map[string]any{"userName": "second"})
	if err != nil || !uuidRE.MatchString(id2) {
		t.Fatalf("generated id %q %v", id2, err)
	}
	r := c.do("GET", "/Users/fixed-id", nil).must(t, http.StatusOK)
	for p, want := range map[string]any{
		"displayName": "Ad Min", "groups.0.value": "g", "[" + ent + "].employeeNumber": "7",
		"schemas.1": ent, "meta.location": c.base + "/Users/fixed-id", "meta.version": `W/"1"`,
	} {
		if got := get(r.body, p); got != want {
			t.Errorf("%s = %v, want %v", p, got, want)
		}
	}
	u, ok := tg.FindUserByUserName("ADMIN.MADE@example.com")
	if !ok || u["id"] != "fixed-id" || get(u, "meta.location") != c.base+"/Users/fixed-id" {
		t.Errorf("FindUserByUserName: %v %v", ok, u)
	}
	if _, ok := tg.FindUserByUserName("nobody"); ok {
		t.Error("found nobody")
	}
	users := tg.Users()
	if len(users) != 2 || users[0]["id"] != "fixed-id" || users[1]["id"] != id2 {
		t.Errorf("Users(): %v", users)
	}
	// Returned maps are copies.
	users[0]["userName"] = "mutated"
	if u, _ := tg.GetUser("fixed-id"); u["userName"] == "mutated" {
		t.Error("Users() exposes internal state")
	}
}

func TestRequestLogAndCounts(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id := c.createUser("a", nil)
	c.do("GET", "/Users/"+id, nil)
	c.do("GET", "/Users/"+id+"?attributes=userName", nil)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "x")), `If-Match: W/"1"`)
	c.do("GET", "/Users?filter="+urlq(`userName eq "a"`), nil)
	c.do("GET", "/Schemas", nil)
	c.do("GET", "/_control/users", nil) // not recorded

	counts := []struct {
		method, pattern string
		want            int
	}{
		{"", "", 6},
		{"GET", "", 4},
		{"get", "/Users/*", 2},
		{"GET", "/Users", 1},
		{"POST", "/Users", 1},
		{"PATCH", "/Users/*", 1},
		{"", "/Users*", 2},
		{"DELETE", "", 0},
	}
	for _, tc := range counts {
		if got := tg.Count(tc.method, tc.pattern); got != tc.want {
			t.Errorf("Count(%q, %q) = %d, want %d", tc.method, tc.pattern, got, tc.want)
		}
	}
	rs := tg.Requests()
	if len(rs) != 6 {
		t.Fatalf("%d requests", len(rs))
	}
	if rs[0].Method != "POST" || rs[0].Path != "/Users" || rs[0].Status != 201 || !strings.Contains(string(rs[0].Body), `"userName":"a"`) {
		t.Errorf("first: %+v", rs[0])
	}
	if rs[2].Query != "attributes=userName" || rs[2].Path != "/Users/"+id {
		t.Errorf("query: %+v", rs[2])
	}
	if rs[3].Header.Get("If-Match") != `W/"1"` {
		t.Errorf("If-Match not recorded: %v", rs[3].Header)
	}

	// The same over HTTP.
	r := c.do("GET", "/_control/requests", nil).must(t, http.StatusOK)
	wantCounts := map[string]any{"POST /Users": 1.0, "GET /Users/{id}": 2.0, "PATCH /Users/{id}": 1.0, "GET /Users": 1.0, "GET /Schemas": 1.0}
	if !reflect.DeepEqual(r.body["counts"], wantCounts) {
		t.Errorf("counts %v", r.body["counts"])
	}
	if get(r.body, "requests.0.body") == nil || get(r.body, "requests.0.has_authorization") != false || get(r.body, "requests.1.key") != "GET /Users/{id}" {
		t.Errorf("requests: %s", r.raw)
	}
	c.do("DELETE", "/_control/requests", nil).must(t, http.StatusNoContent)
	if tg.Count("", "") != 0 {
		t.Error("log not cleared")
	}
	c.do("GET", "/Users", nil)
	tg.ResetRequests()
	if len(tg.Requests()) != 0 {
		t.Error("ResetRequests")
	}
}

func TestControlHTTP(t *testing.T) {
	tg, c := newTarget(t, Options{BearerTokens: []string{"tok"}})
	c.token = "" // control needs no SCIM auth

	r := c.do("POST", "/_control/users", map[string]any{"userName": "ctl@example.com", "title": "T"}).must(t, http.StatusCreated)
	id := r.body["id"].(string)
	if get(r.body, "meta.location") != c.base+"/Users/"+id {
		t.Errorf("location %v", get(r.body, "meta.location"))
	}
	c.do("POST", "/_control/users", map[string]any{"userName": "CTL@example.com"}).must(t, http.StatusConflict)

	r = c.do("GET", "/_control/users", nil).must(t, http.StatusOK)
	if l, _ := r.body["users"].([]any); len(l) != 1 {
		t.Errorf("users: %s", r.raw)
	}
	r = c.do("GET", "/_control/users?userName=CTL@EXAMPLE.COM", nil).must(t, http.StatusOK)
	if r.body["id"] != id {
		t.Errorf("lookup: %s", r.raw)
	}
	c.do("GET", "/_control/users?userName=nobody", nil).must(t, http.StatusNotFound)
	c.do("GET", "/_control/users/"+id, nil).must(t, http.StatusOK)

	r = c.do("PATCH", "/_control/users/"+id, map[string]any{"path": "name.givenName", "value": "Ctl"}).must(t, http.StatusOK)
	if get(r.body, "name.givenName") != "Ctl" || get(r.body, "meta.version") != `W/"2"` {
		t.Errorf("patch path: %s", r.raw)
	}
	r = c.do("PATCH", "/_control/users/"+id, map[string]any{"attributes": map[string]any{"title": nil, ent + ":department": "X"}}).must(t, http.StatusOK)
	if get(r.body, "title") != nil || get(r.body, "["+ent+"].department") != "X" || get(r.body, "meta.version") != `W/"3"` {
		t.Errorf("patch attributes: %s", r.raw)
	}
	c.do("PATCH", "/_control/users/"+id, map[string]any{"path": "bogus", "value": 1}).must(t, http.StatusBadRequest)
	c.do("PATCH", "/_control/users/nope", map[string]any{"path": "title", "value": "x"}).must(t, http.StatusNotFound)
	c.do("PATCH", "/_control/users/"+id, map[string]any{}).must(t, http.StatusBadRequest)

	r = c.do("POST", "/_control/users/"+id+"/deactivate", nil).must(t, http.StatusOK)
	if r.body["active"] != false {
		t.Errorf("deactivate: %s", r.raw)
	}
	r = c.do("POST", "/_control/users/"+id+"/activate", nil).must(t, http.StatusOK)
	if r.body["active"] != true {
		t.Errorf("activate: %s", r.raw)
	}

	// Faults.
	c.do("POST", "/_control/faults", map[string]any{"method": "GET", "path": "/Users", "status": 503, "retry_after": "1", "latency_ms": 1, "times": 2}).must(t, http.StatusCreated)
	r = c.do("GET", "/_control/faults", nil).must(t, http.StatusOK)
	if get(r.body, "faults.0.status") != 503.0 || get(r.body, "faults.0.latency_ms") != 1.0 || get(r.body, "faults.0.times") != 2.0 {
		t.Errorf("faults: %s", r.raw)
	}
	if f := tg.Faults(); len(f) != 1 || f[0].Latency != time.Millisecond {
		t.Errorf("Go view of faults: %+v", f)
	}
	c.token = "tok"
	c.do("GET", "/Users", nil).wantError(t, http.StatusServiceUnavailable, "")
	c.token = ""
	c.do("DELETE", "/_control/faults", nil).must(t, http.StatusNoContent)
	if len(tg.Faults()) != 0 {
		t.Error("faults not cleared")
	}

	// Capabilities and quirks: PUT merges.
	r = c.do("PUT", "/_control/capabilities", map[string]any{"patch": false, "filter_max_results": 5}).must(t, http.StatusOK)
	if r.body["patch"] != false || r.body["filter_max_results"] != 5.0 || r.body["etag"] != true {
		t.Errorf("capabilities: %s", r.raw)
	}
	if caps := tg.Capabilities(); caps.Patch || caps.FilterMaxResults != 5 || !caps.Filter {
		t.Errorf("Go capabilities %+v", caps)
	}
	r = c.do("PUT", "/_control/quirks", map[string]any{"no_put": true, "missing_discovery": []string{"/Schemas"}}).must(t, http.StatusOK)
	if r.body["no_put"] != true || get(r.body, "missing_discovery.0") != "/Schemas" {
		t.Errorf("quirks: %s", r.raw)
	}
	if q := tg.Quirks(); !q.NoPut || q.NoLocationHeader {
		t.Errorf("Go quirks %+v", q)
	}
	c.do("GET", "/_control/quirks", nil).must(t, http.StatusOK)
	c.do("GET", "/_control/capabilities", nil).must(t, http.StatusOK)
	r = c.do("PUT", "/_control/etags", map[string]any{"enforce": true}).must(t, http.StatusOK)
	if r.body["enforce"] != true || !tg.EnforceETags() {
		t.Errorf("etags: %s", r.raw)
	}
	c.do("PUT", "/_control/etags", map[string]any{}).must(t, http.StatusBadRequest)
	c.do("PUT", "/_control/quirks", "{not json").must(t, http.StatusBadRequest)

	// Delete and reset.
	c.do("DELETE", "/_control/users/"+id, nil).must(t, http.StatusNoContent)
	c.do("DELETE", "/_control/users/"+id, nil).must(t, http.StatusNotFound)
	if _, err := tg.AddUser(map[string]any{"userName": "x"}); err != nil {
		t.Fatal(err)
	}
	tg.InjectFault(Fault{Status: 500})
	c.do("POST", "/_control/reset", nil).must(t, http.StatusNoContent)
	if len(tg.Users()) != 0 || len(tg.Faults()) != 0 || len(tg.Requests()) != 0 || tg.EnforceETags() ||
		!tg.Capabilities().Patch || tg.Quirks().NoPut {
		t.Errorf("reset incomplete: users=%d faults=%d caps=%+v quirks=%+v", len(tg.Users()), len(tg.Faults()), tg.Capabilities(), tg.Quirks())
	}
	c.do("GET", "/_control/nope", nil).must(t, http.StatusNotFound)
	c.do("DELETE", "/_control/reset", nil).must(t, http.StatusMethodNotAllowed)

	// Control responses are plain JSON.
	r = c.do("GET", "/_control/users", nil)
	var v map[string]any
	if err := json.Unmarshal(r.raw, &v); err != nil || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("control response: %v %q", err, r.header.Get("Content-Type"))
	}
}

func TestResetRestoresInitialOptions(t *testing.T) {
	tg, c := newTarget(t, Options{EnforceETags: true, Quirks: Quirks{NoPut: true}})
	tg.SetEnforceETags(false)
	tg.SetQuirks(func(q *Quirks) { q.NoPut = false; q.LowercaseResources = true })
	c.createUser("a", nil)
	tg.Reset()
	if !tg.EnforceETags() || !tg.Quirks().NoPut || tg.Quirks().LowercaseResources || len(tg.Users()) != 0 {
		t.Errorf("after reset: etags=%v quirks=%+v users=%d", tg.EnforceETags(), tg.Quirks(), len(tg.Users()))
	}
	c.createUser("a", nil) // userName free again
}
