package scimtarget

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// githubUser is a user GitHub EMU accepts: externalId, active,
// displayName and an email with value, type and primary.
func githubUser(userName string) map[string]any {
	return userDoc(userName, map[string]any{
		"externalId":  "ext-" + userName,
		"active":      true,
		"displayName": "Display " + userName,
		"emails":      []any{map[string]any{"value": userName + "@example.com", "type": "work", "primary": true}},
	})
}

// wantGitHubError asserts an error with the status as a JSON number.
func wantGitHubError(t *testing.T, r response, status int) response {
	t.Helper()
	r.must(t, status)
	if r.body["status"] != float64(status) || !strings.Contains(string(r.raw), fmt.Sprintf(`"status":%d`, status)) {
		t.Errorf("error body: %s", r.raw)
	}
	return r
}

// TestGitHubEMUPersonality drives the github_emu personality over HTTP as
// a provisioning client would.
func TestGitHubEMUPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "github_emu", BearerTokens: []string{"ghp_token"}})

	// No User-Agent, no service (even before authentication).
	r := wantGitHubError(t, c.do("GET", "/Users", nil, "User-Agent: "), http.StatusForbidden)
	if d, _ := r.body["detail"].(string); !strings.Contains(d, "User-Agent") {
		t.Errorf("detail %q", d)
	}
	c.do("POST", "/Users", githubUser("nobody"), "User-Agent: ").must(t, http.StatusForbidden)
	ua := "User-Agent: terraform-provider-scim"
	c.do("GET", "/ServiceProviderConfig", nil, ua).must(t, http.StatusOK)

	// An ordinary user: created, read, changed, soft-deprovisioned.
	r = c.do("POST", "/Users", githubUser("octocat"), ua).must(t, http.StatusCreated)
	octo, _ := r.body["id"].(string)
	if r.body["externalId"] != "ext-octocat" || get(r.body, "emails.0.primary") != true {
		t.Errorf("create: %s", r.raw)
	}
	c.do("GET", "/Users/"+octo, nil, ua).must(t, http.StatusOK)
	c.do("PUT", "/Users/"+octo, githubUser("octocat"), ua).must(t, http.StatusOK)
	if r := c.do("PATCH", "/Users/"+octo, patchBody(op("replace", "", map[string]any{"active": false})), ua).must(t, http.StatusOK); r.body["active"] != false {
		t.Errorf("soft deprovision: %s", r.raw)
	}
	// Soft-deprovisioned users are still listed.
	if r := c.filter(`userName eq "octocat"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{octo}) || get(resources(r)[0], "active") != false {
		t.Errorf("listed: %s", r.raw)
	}
	c.do("PATCH", "/Users/"+octo, patchBody(op("replace", "active", true)), ua).must(t, http.StatusOK)

	// What a create needs.
	for _, drop := range []string{"externalId", "active", "displayName", "emails"} {
		u := githubUser("u-" + drop)
		delete(u, drop)
		wantGitHubError(t, c.do("POST", "/Users", u, ua), http.StatusBadRequest)
	}
	untyped := githubUser("untyped")
	untyped["emails"] = []any{map[string]any{"value": "untyped@example.com", "primary": true}}
	wantGitHubError(t, c.do("POST", "/Users", untyped, ua), http.StatusBadRequest)
	noPrimary := githubUser("noprimary")
	noPrimary["emails"] = []any{map[string]any{"value": "np@example.com", "type": "work"}}
	wantGitHubError(t, c.do("POST", "/Users", noPrimary, ua), http.StatusBadRequest)
	// Unique userName and externalId: 409.
	wantGitHubError(t, c.do("POST", "/Users", githubUser("octocat"), ua), http.StatusConflict)
	dupExt := githubUser("other")
	dupExt["externalId"] = "ext-octocat"
	r = wantGitHubError(t, c.do("POST", "/Users", dupExt, ua), http.StatusConflict)
	if r.body["scimType"] != errUniqueness {
		t.Errorf("409 body %s", r.raw)
	}
	// No filtered PATCH paths.
	wantGitHubError(t, c.do("PATCH", "/Users/"+octo, patchBody(op("replace", `emails[type eq "work"].value`, "new@example.com")), ua), http.StatusBadRequest)

	// 30 a page by default; startIndex and count page.
	for i := range 34 {
		c.do("POST", "/Users", githubUser(fmt.Sprintf("user%02d", i)), ua).must(t, http.StatusCreated)
	}
	r = c.do("GET", "/Users", nil, ua).must(t, http.StatusOK)
	if len(resources(r)) != 30 || r.body["totalResults"] != float64(35) {
		t.Errorf("default page: %d of %v", len(resources(r)), r.body["totalResults"])
	}
	if r := c.listQuery("/Users", "", "startIndex=31", "count=10").must(t, http.StatusOK); len(resources(r)) != 5 {
		t.Errorf("last page: %d", len(resources(r)))
	}

	// One eq filter on the documented attributes.
	for _, f := range []string{`userName eq "user01"`, `externalId eq "ext-user01"`, `displayName eq "Display user01"`, `id eq "` + octo + `"`} {
		if r := c.filter(f).must(t, http.StatusOK); len(resources(r)) != 1 {
			t.Errorf("%s: %s", f, r.raw)
		}
	}
	for _, f := range []string{`userName eq "user01" and active eq true`, `userName sw "user"`, `emails.value eq "user01@example.com"`} {
		wantGitHubError(t, c.filter(f), http.StatusBadRequest)
	}

	// Groups need externalId and displayName; members by user id.
	wantGitHubError(t, c.do("POST", "/Groups", groupDoc("No external id", octo), ua), http.StatusBadRequest)
	g := groupDoc("Octo team", octo)
	g["externalId"] = "grp-1"
	r = c.do("POST", "/Groups", g, ua).must(t, http.StatusCreated)
	gid, _ := r.body["id"].(string)
	if r := c.listQuery("/Groups", `externalId eq "grp-1"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{gid}) {
		t.Errorf("group filter: %s", r.raw)
	}
	wantGitHubError(t, c.listQuery("/Groups", `members eq "`+octo+`"`), http.StatusBadRequest)
	if r := c.do("GET", "/Groups/"+gid+"?excludedAttributes=members", nil, ua).must(t, http.StatusOK); r.body["members"] != nil {
		t.Errorf("excludedAttributes=members: %s", r.raw)
	}
	// A PUT without members removes them.
	g = groupDoc("Octo team")
	g["externalId"] = "grp-1"
	c.do("PUT", "/Groups/"+gid, g, ua).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(gid); len(got) != 0 {
		t.Errorf("members after PUT: %v", got)
	}

	// DELETE is for good.
	c.do("DELETE", "/Users/"+octo, nil, ua).must(t, http.StatusNoContent)
	wantGitHubError(t, c.do("GET", "/Users/"+octo, nil, ua), http.StatusNotFound)
	c.do("POST", "/Users", githubUser("octocat"), ua).must(t, http.StatusCreated)
}
