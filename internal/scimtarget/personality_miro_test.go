package scimtarget

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestMiroPersonality drives the miro personality over HTTP as a
// provisioning client would; the rate limits run on a fake clock.
func TestMiroPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "miro", BearerTokens: []string{"miro-token"}})
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	tg.rateClock = clock.Now

	// An ordinary user: created, read, changed, deactivated.
	r := c.do("POST", "/Users", userDoc("ann@example.com", map[string]any{"displayName": "Ann", "userType": "Full"})).must(t, http.StatusCreated)
	ann, _ := r.body["id"].(string)
	c.do("GET", "/Users/"+ann, nil).must(t, http.StatusOK)
	c.do("PUT", "/Users/"+ann, userDoc("ann@example.com", map[string]any{"displayName": "Ann B", "userType": "Full"})).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+ann, patchBody(op("replace", "title", "Designer"))).must(t, http.StatusOK)

	// A duplicate userName is a 400 invalidValue, not a 409.
	r = c.do("POST", "/Users", userDoc("ANN@example.com", nil)).wantError(t, http.StatusBadRequest, errInvalidValue)
	if r.body["detail"] != "User name 'ANN@example.com' is invalid: 'not unique'" {
		t.Errorf("detail %v", r.body["detail"])
	}

	// A deactivated user keeps userName, userType and roles.
	c.do("PATCH", "/Users/"+ann, patchBody(op("replace", "active", false))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+ann, patchBody(op("replace", "userName", "ann2@example.com"))).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PATCH", "/Users/"+ann, patchBody(op("remove", "userType", nil))).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PATCH", "/Users/"+ann, patchBody(op("add", "roles", []any{map[string]any{"value": "ORGANIZATION_INTERNAL_ADMIN", "type": "organization_user_role", "primary": true}}))).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PATCH", "/Users/"+ann, patchBody(op("replace", "title", "Lead"))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+ann, patchBody(op("replace", "active", true))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+ann, patchBody(op("replace", "userName", "ann2@example.com"))).must(t, http.StatusOK)

	// Groups: an unknown member is a 404.
	ben := c.createUser("ben@example.com", nil)
	g := c.createGroup("Designers", ann)
	r = c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": "ghost"}}))).wantError(t, http.StatusNotFound, "")
	if r.body["detail"] != "No valid resources: [{memberId=ghost}]" {
		t.Errorf("detail %v", r.body["detail"])
	}
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": ben}}))).must(t, http.StatusOK)
	if r := c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK); !reflect.DeepEqual(memberValues(r.body), []string{ann, ben}) {
		t.Errorf("group: %s", r.raw)
	}

	// A group PATCH of more than 800,000 bytes is a 413.
	huge := patchBody(op("replace", "displayName", strings.Repeat("x", 800000)))
	c.do("PATCH", "/Groups/"+g, huge).wantError(t, http.StatusRequestEntityTooLarge, "")

	// Rate limits per 30 seconds: GET /Groups 5.
	clock.advance(time.Hour)
	for range 5 {
		c.do("GET", "/Groups", nil).must(t, http.StatusOK)
	}
	r = c.do("GET", "/Groups", nil).wantError(t, http.StatusTooManyRequests, "tooManyRequests")
	if r.body["detail"] != "The user has sent too many requests in a given amount of time" || r.header.Get("Retry-After") != "6" {
		t.Errorf("429: %s, Retry-After %q", r.raw, r.header.Get("Retry-After"))
	}
	c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK) // 20 of its own
	clock.advance(6 * time.Second)
	c.do("GET", "/Groups", nil).must(t, http.StatusOK)

	// PATCH /Groups/{id}: 5 above 500 bytes, 100 below.
	clock.advance(time.Hour)
	large := patchBody(op("replace", "displayName", strings.Repeat("D", 600)))
	small := patchBody(op("replace", "displayName", "Designers"))
	for range 5 {
		c.do("PATCH", "/Groups/"+g, large).must(t, http.StatusOK)
	}
	c.do("PATCH", "/Groups/"+g, large).wantError(t, http.StatusTooManyRequests, "tooManyRequests")
	for range 100 {
		c.do("PATCH", "/Groups/"+g, small).must(t, http.StatusOK)
	}
	c.do("PATCH", "/Groups/"+g, small).must(t, http.StatusTooManyRequests)

	// DELETE /Users/{id}: 20 per 30 s; a DELETE deletes.
	clock.advance(time.Hour)
	var doomed []string
	for i := range 21 {
		doomed = append(doomed, c.createUser(fmt.Sprintf("doomed%02d@example.com", i), nil))
	}
	for _, id := range doomed[:20] {
		c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	}
	c.do("DELETE", "/Users/"+doomed[20], nil).must(t, http.StatusTooManyRequests)
	c.do("GET", "/Users/"+doomed[0], nil).wantError(t, http.StatusNotFound, "")
}

// The member cap of a group PATCH, made small so that the test need not
// create 8,000 users.
func TestMiroGroupPatchMemberCap(t *testing.T) {
	_, c := newTarget(t, Options{Personality: "miro", Quirks: Quirks{GroupPatchMaxMembers: 3}})
	var members []any
	for i := range 4 {
		members = append(members, map[string]any{"value": c.createUser(fmt.Sprintf("u%d@example.com", i), nil)})
	}
	g := c.createGroup("Team")
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", members))).wantError(t, http.StatusRequestEntityTooLarge, "")
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", members[:3]))).must(t, http.StatusOK)
	p, _ := LookupPersonality("miro")
	if q := p.Options().Quirks; q.GroupPatchMaxMembers != 8000 || q.GroupPatchMaxBytes != 800000 {
		t.Errorf("preset caps %d, %d", q.GroupPatchMaxMembers, q.GroupPatchMaxBytes)
	}
}
