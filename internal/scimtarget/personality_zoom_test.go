package scimtarget

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

// TestZoomPersonality drives the zoom personality over HTTP as a
// provisioning client would.
func TestZoomPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "zoom", BearerTokens: []string{"zoom-token"}})
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	tg.rateClock = clock.Now
	ent := "[" + urnEnterpriseUser + "]"

	// An ordinary user with enterprise attributes.
	mgr := c.createUser("manager@example.com", nil)
	r := c.do("POST", "/Users", userDoc("jane@example.com", map[string]any{
		"schemas":     []string{urnCoreUser, urnEnterpriseUser},
		"name":        map[string]any{"givenName": "Jane", "familyName": "Doe"},
		"displayName": "Jane Doe",
		"title":       "Engineer",
		urnEnterpriseUser: map[string]any{
			"manager":      map[string]any{"value": mgr},
			"organization": "ACME",
			"costCenter":   "CC-1",
			"department":   "R&D",
		},
	})).must(t, http.StatusCreated)
	jane, _ := r.body["id"].(string)

	// A read returns manager, organization and costCenter; a listing
	// leaves them out.
	r = c.do("GET", "/Users/"+jane, nil).must(t, http.StatusOK)
	if get(r.body, ent+".manager.value") != mgr || get(r.body, ent+".organization") != "ACME" || get(r.body, ent+".costCenter") != "CC-1" {
		t.Errorf("read: %s", r.raw)
	}
	r = c.filter(`userName eq "jane@example.com"`).must(t, http.StatusOK)
	if len(resources(r)) != 1 {
		t.Fatalf("list: %s", r.raw)
	}
	listed := resources(r)[0]
	if get(listed, ent+".manager") != nil || get(listed, ent+".organization") != nil || get(listed, ent+".costCenter") != nil ||
		get(listed, ent+".department") != "R&D" || get(listed, "title") != "Engineer" {
		t.Errorf("listed: %v", listed)
	}

	// Filters: userName and externalId eq.
	c.filter(`externalId eq "nope"`).must(t, http.StatusOK)
	for _, f := range []string{`displayName eq "Jane Doe"`, `userName sw "jane"`} {
		r := c.filter(f).must(t, http.StatusBadRequest)
		if r.body["status"] != float64(400) {
			t.Errorf("error status not a number: %s", r.raw)
		}
	}

	// PATCH only activates and deactivates.
	if r := c.do("PATCH", "/Users/"+jane, patchBody(op("replace", "active", false))).must(t, http.StatusOK); r.body["active"] != false {
		t.Errorf("deactivate: %s", r.raw)
	}
	c.do("PATCH", "/Users/"+jane, patchBody(op("replace", "", map[string]any{"active": true}))).must(t, http.StatusOK)
	r = c.do("PATCH", "/Users/"+jane, patchBody(op("replace", "title", "Lead"))).must(t, http.StatusBadRequest)
	if r.body["status"] != float64(400) || r.body["scimType"] != errInvalidPath {
		t.Errorf("PATCH of title: %s", r.raw)
	}
	c.do("PATCH", "/Users/"+jane, patchBody(op("replace", "", map[string]any{"active": true, "title": "Lead"}))).must(t, http.StatusBadRequest)

	// PUT is a partial update that keeps userName and displayName.
	r = c.do("PUT", "/Users/"+jane, userDoc("renamed@example.com", map[string]any{"displayName": "J. Doe", "title": "Lead"})).must(t, http.StatusOK)
	if r.body["title"] != "Lead" || r.body["userName"] != "jane@example.com" || r.body["displayName"] != "Jane Doe" ||
		get(r.body, "name.givenName") != "Jane" || get(r.body, ent+".costCenter") != "CC-1" {
		t.Errorf("PUT: %s", r.raw)
	}

	// Groups: PATCH answers 204.
	g := c.createGroup("Zoomers", jane)
	r = c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": mgr}}))).must(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("204 with a body: %s", r.raw)
	}
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{jane, mgr}) {
		t.Errorf("members %v", got)
	}
	c.do("DELETE", "/Groups/"+g, nil).must(t, http.StatusNoContent)
	c.do("DELETE", "/Users/"+mgr, nil).must(t, http.StatusNoContent)
	if r := c.do("GET", "/Users/"+mgr, nil).must(t, http.StatusNotFound); r.body["status"] != float64(404) {
		t.Errorf("404: %s", r.raw)
	}

	// List users: 60 a second (Medium, Business accounts).
	clock.advance(time.Minute)
	for range 60 {
		c.do("GET", "/Users", nil).must(t, http.StatusOK)
	}
	r = c.do("GET", "/Users", nil).must(t, http.StatusTooManyRequests)
	if r.body["status"] != float64(429) || r.header.Get("Retry-After") == "" {
		t.Errorf("429: %s", r.raw)
	}
	c.do("GET", "/Users/"+jane, nil).must(t, http.StatusOK) // not limited
	clock.advance(time.Second)
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
}
