package scimtarget

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// lowerResources returns the "resources" (lower case) of a list response.
func lowerResources(r response) []any {
	l, _ := r.body["resources"].([]any)
	return l
}

// TestGoogleCloudIdentityPersonality drives the google_cloud_identity
// personality over HTTP as a provisioning client would.
func TestGoogleCloudIdentityPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "google_cloud_identity", BearerTokens: []string{"ya29.token"}})

	spc := c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)
	if get(spc.body, "sort.supported") != false || get(spc.body, "etag.supported") != false || get(spc.body, "bulk.supported") != false ||
		get(spc.body, "filter.maxResults") != float64(50) {
		t.Errorf("ServiceProviderConfig: %s", spc.raw)
	}

	// An ordinary user: created, read, changed, deactivated.
	r := c.do("POST", "/Users", userDoc("alice@example.com", map[string]any{
		"name":   map[string]any{"givenName": "Alice", "familyName": "Smith"},
		"emails": []any{map[string]any{"value": "alice.home@example.org", "type": "home", "primary": true}},
	})).must(t, http.StatusCreated)
	alice, _ := r.body["id"].(string)
	if r.header.Get("ETag") != "" || get(r.body, "meta.version") != nil {
		t.Errorf("ETag on a create: %s", r.raw)
	}
	// userName is the primary email, always.
	wantEmails := []any{
		map[string]any{"value": "alice@example.com", "type": "work", "primary": true},
		map[string]any{"value": "alice.home@example.org", "type": "home"},
	}
	if !reflect.DeepEqual(r.body["emails"], wantEmails) {
		t.Errorf("emails %v", r.body["emails"])
	}
	bob := c.createUser("bob@example.com", nil)

	// PATCH answers 200 {}.
	r = c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "emails", []any{map[string]any{"value": "a2@example.org", "type": "home"}}), op("replace", "active", false))).must(t, http.StatusOK)
	if string(r.raw) != "{}" {
		t.Errorf("PATCH answer %s", r.raw)
	}
	r = c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	if r.body["active"] != false || get(r.body, "emails.0.value") != "alice@example.com" || get(r.body, "emails.0.primary") != true || get(r.body, "emails.1.value") != "a2@example.org" {
		t.Errorf("after PATCH: %s", r.raw)
	}
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "active", true))).must(t, http.StatusOK)

	// At most 20 operations on a user.
	var ops []map[string]any
	for i := range 21 {
		ops = append(ops, op("replace", "title", fmt.Sprint("T", i)))
	}
	c.do("PATCH", "/Users/"+alice, patchBody(ops...)).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PATCH", "/Users/"+alice, patchBody(ops[:20]...)).must(t, http.StatusOK)

	// No PUT.
	c.do("PUT", "/Users/"+alice, userDoc("alice@example.com", nil)).wantError(t, http.StatusMethodNotAllowed, "")

	// Lists need a filter, and the one filter on users is userName eq.
	c.do("GET", "/Users", nil).wantError(t, http.StatusBadRequest, errTooMany)
	c.do("GET", "/Groups", nil).wantError(t, http.StatusBadRequest, errTooMany)
	r = c.listQuery("/Users", `userName eq "bob@example.com"`, "startIndex=5", "count=0").must(t, http.StatusOK)
	if got := lowerResources(r); len(got) != 1 || get(got[0], "id") != bob || r.body["Resources"] != nil {
		t.Errorf("userName filter: %s", r.raw)
	}
	if r.body["totalResults"] != float64(1) || r.body["startIndex"] != nil || r.body["itemsPerPage"] != nil {
		t.Errorf("list response shape: %s", r.raw)
	}
	for _, f := range []string{`userName co "bob"`, `userName eq "a" or userName eq "b"`, `externalId eq "x"`, `emails[value eq "bob@example.com"]`} {
		c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
	}

	// Groups: members are written, never shown.
	r = c.do("POST", "/Groups", groupDoc("Engineering", alice)).must(t, http.StatusCreated)
	eng, _ := r.body["id"].(string)
	if _, shown := r.body["members"]; shown {
		t.Errorf("create shows members: %s", r.raw)
	}
	if r := c.do("GET", "/Groups/"+eng, nil).must(t, http.StatusOK); r.body["members"] != nil {
		t.Errorf("read shows members: %s", r.raw)
	}
	if r := c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK); r.body["groups"] != nil {
		t.Errorf("user shows groups: %s", r.raw)
	}
	if r := c.listQuery("/Groups", `displayName eq "Engineering"`).must(t, http.StatusOK); len(lowerResources(r)) != 1 || get(lowerResources(r)[0], "members") != nil {
		t.Errorf("group by displayName: %s", r.raw)
	}
	c.listQuery("/Groups", `members eq "`+alice+`"`).wantError(t, http.StatusBadRequest, errInvalidFilter)

	// Group PATCH: one member change, two operations, and only the
	// documented operations.
	member := func(id string) []any { return []any{map[string]any{"value": id}} }
	if r := c.do("PATCH", "/Groups/"+eng, patchBody(op("add", "members", member(bob)))).must(t, http.StatusOK); string(r.raw) != "{}" {
		t.Errorf("group PATCH answer %s", r.raw)
	}
	if got, _ := tg.GroupMembers(eng); !reflect.DeepEqual(got, []string{alice, bob}) {
		t.Errorf("members %v", got)
	}
	carol := c.createUser("carol@example.com", nil)
	dave := c.createUser("dave@example.com", nil)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("add", "members", []any{map[string]any{"value": carol}, map[string]any{"value": dave}}))).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("add", "members", member(carol)), op("add", "members", member(dave)))).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("replace", "displayName", "A"), op("add", "externalId", "e1"), op("replace", "displayName", "B"))).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("replace", "members", member(carol)))).wantError(t, http.StatusBadRequest, errInvalidPath)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("remove", "members", member(bob)))).wantError(t, http.StatusBadRequest, errInvalidPath)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("replace", "externalId", "e1"))).wantError(t, http.StatusBadRequest, errInvalidPath)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("remove", `members[value eq "`+bob+`"]`, nil), op("replace", "displayName", "Eng"))).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+eng, patchBody(op("add", "externalId", "eng-1"))).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(eng); !reflect.DeepEqual(got, []string{alice}) {
		t.Errorf("members after remove %v", got)
	}
	if r := c.listQuery("/Groups", `externalId eq "eng-1"`).must(t, http.StatusOK); len(lowerResources(r)) != 1 || get(lowerResources(r)[0], "displayName") != "Eng" {
		t.Errorf("group by externalId: %s", r.raw)
	}

	// More than 50 matches: the first 50 only, in one answer.
	for i := range 51 {
		r := c.do("POST", "/Groups", map[string]any{"schemas": []string{urnCoreGroup}, "displayName": fmt.Sprint("Team ", i), "externalId": "dup"}).must(t, http.StatusCreated)
		if i == 0 && r.body["externalId"] != "dup" {
			t.Errorf("group create: %s", r.raw)
		}
	}
	r = c.listQuery("/Groups", `externalId eq "dup"`, "startIndex=51").must(t, http.StatusOK)
	if got := lowerResources(r); len(got) != 50 || get(got[0], "displayName") != "Team 0" || r.body["totalResults"] != float64(51) {
		t.Errorf("capped list: %d resources, total %v", len(got), r.body["totalResults"])
	}

	// DELETE answers 200 {} and deletes.
	if r := c.do("DELETE", "/Groups/"+eng, nil).must(t, http.StatusOK); string(r.raw) != "{}" {
		t.Errorf("group DELETE answer %s", r.raw)
	}
	if r := c.do("DELETE", "/Users/"+bob, nil).must(t, http.StatusOK); string(r.raw) != "{}" {
		t.Errorf("user DELETE answer %s", r.raw)
	}
	c.do("GET", "/Users/"+bob, nil).wantError(t, http.StatusNotFound, "")
}
