package scimtarget

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// orFilter is userName eq "u0" or ... with n comparisons (2n-1 nodes).
func orFilter(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`userName eq "u%d"`, i)
	}
	return strings.Join(parts, " or ")
}

// TestDatabricksPersonality drives the databricks personality over HTTP as
// a provisioning client would.
func TestDatabricksPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "databricks", BearerTokens: []string{"dapi-token"}})
	numeric := regexp.MustCompile(`^[0-9]{16}$`)

	// An ordinary user: userName is its email and becomes its primary
	// email; the id is numeric.
	r := c.do("POST", "/Users", userDoc("alice@example.com", map[string]any{"displayName": "Alice"})).must(t, http.StatusCreated)
	alice, _ := r.body["id"].(string)
	if !numeric.MatchString(alice) {
		t.Errorf("id %q", alice)
	}
	if !reflect.DeepEqual(r.body["emails"], []any{map[string]any{"value": "alice@example.com", "type": "work", "primary": true}}) {
		t.Errorf("emails: %s", r.raw)
	}
	c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	r = c.do("POST", "/Users", userDoc("ALICE@example.com", nil)).wantError(t, http.StatusConflict, errUniqueness)
	if r.body["detail"] != "User with email ALICE@example.com already exists in this account" {
		t.Errorf("409 detail %v", r.body["detail"])
	}

	// PUT and PATCH change what they may and silently keep userName and
	// emails.
	r = c.do("PUT", "/Users/"+alice, userDoc("renamed@example.com", map[string]any{
		"displayName": "Alice Smith",
		"emails":      []any{map[string]any{"value": "other@example.com", "primary": true}},
	})).must(t, http.StatusOK)
	if r.body["userName"] != "alice@example.com" || r.body["displayName"] != "Alice Smith" || get(r.body, "emails.0.value") != "alice@example.com" || len(r.body["emails"].([]any)) != 1 {
		t.Errorf("PUT: %s", r.raw)
	}
	r = c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "userName", "x@example.com"), op("add", "emails", []any{map[string]any{"value": "y@example.com"}}), op("replace", "active", false))).must(t, http.StatusOK)
	if r.body["userName"] != "alice@example.com" || len(r.body["emails"].([]any)) != 1 || r.body["active"] != false {
		t.Errorf("PATCH: %s", r.raw)
	}
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "active", true))).must(t, http.StatusOK)

	// Filters: eq, ne, co, sw, and, or; at most 200 nodes.
	bob := c.createUser("bob@example.com", map[string]any{"displayName": "Bob"})
	if r := c.filter(`userName co "example" and displayName sw "B"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{bob}) {
		t.Errorf("co and sw: %s", r.raw)
	}
	if r := c.filter(`displayName ne "Bob" or userName eq "bob@example.com"`).must(t, http.StatusOK); len(ids(r)) != 2 {
		t.Errorf("ne or eq: %s", r.raw)
	}
	for _, f := range []string{`userName ew ".com"`, `displayName pr`, `not (userName eq "a")`, `emails[type eq "work"]`, `meta.created gt "2020-01-01T00:00:00Z"`} {
		c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
	}
	c.filter(orFilter(100)).must(t, http.StatusOK) // 199 nodes
	r = c.filter(orFilter(101)).wantError(t, http.StatusBadRequest, errInvalidFilter)
	if d, _ := r.body["detail"].(string); !strings.Contains(d, "INVALID_FILTER") {
		t.Errorf("detail %q", d)
	}

	// Sorting; at most 100 a page.
	if r := c.listQuery("/Users", "", "sortBy=userName", "sortOrder=descending").must(t, http.StatusOK); !reflect.DeepEqual(userNames(r), []string{"bob@example.com", "alice@example.com"}) {
		t.Errorf("sorted: %v", userNames(r))
	}
	for i := range 110 {
		if _, err := tg.AddUser(map[string]any{"userName": fmt.Sprintf("seed%03d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if r := c.listQuery("/Users", "", "count=500").must(t, http.StatusOK); len(resources(r)) != 100 || r.body["totalResults"] != float64(112) {
		t.Errorf("count=500: %d of %v", len(resources(r)), r.body["totalResults"])
	}

	// Groups: PATCH answers {}.
	r = c.do("POST", "/Groups", groupDoc("Data team")).must(t, http.StatusCreated)
	gid, _ := r.body["id"].(string)
	if !numeric.MatchString(gid) {
		t.Errorf("group id %q", gid)
	}
	r = c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "", map[string]any{"members": []any{map[string]any{"value": alice}, map[string]any{"value": bob}}}))).must(t, http.StatusOK)
	if string(r.raw) != "{}" {
		t.Errorf("group PATCH answer %s", r.raw)
	}
	c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+bob+`"]`, nil))).must(t, http.StatusOK)
	if r := c.do("GET", "/Groups/"+gid, nil).must(t, http.StatusOK); !reflect.DeepEqual(memberValues(r.body), []string{alice}) {
		t.Errorf("group: %s", r.raw)
	}
	if r := c.do("PATCH", "/Users/"+bob, patchBody(op("replace", "displayName", "Robert"))).must(t, http.StatusOK); r.body["displayName"] != "Robert" {
		t.Errorf("user PATCH answers the user: %s", r.raw)
	}

	// DELETE of a user answers {} and deletes; of a group, 204.
	if r := c.do("DELETE", "/Users/"+bob, nil).must(t, http.StatusOK); string(r.raw) != "{}" {
		t.Errorf("user DELETE answer %s", r.raw)
	}
	c.do("GET", "/Users/"+bob, nil).wantError(t, http.StatusNotFound, "")
	c.do("DELETE", "/Groups/"+gid, nil).must(t, http.StatusNoContent)
}
