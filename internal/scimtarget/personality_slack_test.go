package scimtarget

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// slackUser is a user Slack accepts: a userName and an email.
func slackUser(userName string) map[string]any {
	return userDoc(userName, map[string]any{
		"emails": []any{map[string]any{"value": userName + "@example.com", "primary": true}},
	})
}

// TestSlackPersonality drives the slack personality over HTTP as a
// provisioning client would; the rate limits run on a fake clock.
func TestSlackPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "slack", BearerTokens: []string{"xoxp-token"}})
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	tg.rateClock = clock.Now

	if r := c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK); get(r.body, "filter.maxResults") != float64(1000) {
		t.Errorf("ServiceProviderConfig: %s", r.raw)
	}

	// An ordinary user: created, read, changed, deactivated.
	r := c.do("POST", "/Users", slackUser("alice")).must(t, http.StatusCreated)
	alice, _ := r.body["id"].(string)
	c.do("PUT", "/Users/"+alice, slackUser("alice")).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "title", "Boss"))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "active", false))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "active", true))).must(t, http.StatusOK)
	// A user needs an email.
	c.do("POST", "/Users", userDoc("noemail", nil)).wantError(t, http.StatusBadRequest, errInvalidValue)

	// DELETE deactivates a user; the user stays.
	g := c.createGroup("Team", alice)
	c.do("DELETE", "/Users/"+alice, nil).must(t, http.StatusNoContent)
	r = c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	if r.body["active"] != false || r.body["title"] != "Boss" {
		t.Errorf("after DELETE: %s", r.raw)
	}
	if got, _ := tg.GroupMembers(g); len(got) != 1 {
		t.Errorf("group lost its member: %v", got)
	}
	if r := c.filter(`userName eq "alice"`).must(t, http.StatusOK); len(resources(r)) != 1 {
		t.Errorf("deactivated user not listed: %s", r.raw)
	}
	// DELETE removes a group for good.
	c.do("DELETE", "/Groups/"+g, nil).must(t, http.StatusNoContent)
	c.do("GET", "/Groups/"+g, nil).wantError(t, http.StatusNotFound, "")

	// Pages of 10 by default, 1,000 at most.
	for i := range 1005 {
		if _, err := tg.AddUser(map[string]any{"userName": fmt.Sprintf("seed%04d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if r := c.do("GET", "/Users", nil).must(t, http.StatusOK); len(resources(r)) != 10 || r.body["totalResults"] != float64(1006) {
		t.Errorf("default page: %d of %v", len(resources(r)), r.body["totalResults"])
	}
	if r := c.listQuery("/Users", "", "count=2000").must(t, http.StatusOK); len(resources(r)) != 1000 {
		t.Errorf("count=2000: %d", len(resources(r)))
	}

	// POST /Users: a burst of 20, then 180 a minute (one per 1/3 s).
	clock.advance(time.Hour) // every bucket full again
	for i := range 20 {
		c.do("POST", "/Users", slackUser(fmt.Sprintf("burst%02d", i))).must(t, http.StatusCreated)
	}
	r = c.do("POST", "/Users", slackUser("burst20")).wantError(t, http.StatusTooManyRequests, "")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// The refused request counted nowhere: reads and other writes go on.
	c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "title", "Chief"))).must(t, http.StatusOK)
	clock.advance(time.Second / 3)
	c.do("POST", "/Users", slackUser("burst20")).must(t, http.StatusCreated)
	c.do("POST", "/Users", slackUser("burst21")).must(t, http.StatusTooManyRequests)

	// PUT and PATCH of a user share one bucket of 20.
	clock.advance(time.Hour)
	for i := range 20 {
		method := "PATCH"
		body := patchBody(op("replace", "title", fmt.Sprint(i)))
		if i%2 == 0 {
			method, body = "PUT", slackUser("alice")
		}
		c.do(method, "/Users/"+alice, body).must(t, http.StatusOK)
	}
	c.do("PUT", "/Users/"+alice, slackUser("alice")).must(t, http.StatusTooManyRequests)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "title", "x"))).must(t, http.StatusTooManyRequests)

	// Group PUT and PATCH allow bursts of 80.
	clock.advance(time.Hour)
	g = c.createGroup("Team")
	for i := range 80 {
		c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", fmt.Sprint("Team ", i)))).must(t, http.StatusOK)
	}
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "Team"))).must(t, http.StatusTooManyRequests)

	// Org-wide writes: a burst of 180, counted by method whatever the
	// endpoint (a .search is a POST without a limit of its own), then 600
	// a minute.
	clock.advance(time.Hour)
	search := map[string]any{"schemas": []string{urnSearchRequest}, "count": 1}
	for range 180 {
		c.do("POST", "/Users/.search", search).must(t, http.StatusOK)
	}
	c.do("POST", "/Users/.search", search).wantError(t, http.StatusTooManyRequests, "")
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "title", "x"))).must(t, http.StatusTooManyRequests)
	c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	clock.advance(100 * time.Millisecond)
	c.do("POST", "/Users/.search", search).must(t, http.StatusOK)
}
