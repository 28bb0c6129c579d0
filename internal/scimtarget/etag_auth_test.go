package scimtarget

import (
	"net/http"
	"strings"
	"testing"
)

func TestETags(t *testing.T) {
	tg, c := newTarget(t, Options{EnforceETags: true})
	id := c.createUser("alice", nil)
	path := "/Users/" + id

	// If-None-Match on GET.
	c.do("GET", path, nil, `If-None-Match: W/"1"`).must(t, http.StatusNotModified)
	c.do("GET", path, nil, `If-None-Match: W/"0"`).must(t, http.StatusOK)

	// Mismatching If-Match fails without changing anything.
	r := c.do("PATCH", path, patchBody(op("replace", "title", "x")), `If-Match: W/"7"`).wantError(t, http.StatusPreconditionFailed, "")
	if !strings.Contains(r.body["detail"].(string), `W/"1"`) {
		t.Errorf("detail should mention the current version: %v", r.body["detail"])
	}
	c.do("PUT", path, userDoc("alice", nil), `If-Match: W/"7"`).wantError(t, http.StatusPreconditionFailed, "")
	c.do("DELETE", path, nil, `If-Match: W/"7"`).wantError(t, http.StatusPreconditionFailed, "")

	// Matching (weak or strong spelling, list, *) and absent If-Match pass.
	r = c.do("PATCH", path, patchBody(op("replace", "title", "x")), `If-Match: W/"1"`).must(t, http.StatusOK)
	if r.header.Get("ETag") != `W/"2"` || get(r.body, "meta.version") != `W/"2"` {
		t.Errorf("after PATCH: ETag %q version %v", r.header.Get("ETag"), get(r.body, "meta.version"))
	}
	c.do("PATCH", path, patchBody(op("replace", "title", "y")), `If-Match: "2"`).must(t, http.StatusOK)
	c.do("PATCH", path, patchBody(op("replace", "title", "z")), `If-Match: W/"1", W/"3"`).must(t, http.StatusOK)
	c.do("PATCH", path, patchBody(op("replace", "title", "w")), `If-Match: *`).must(t, http.StatusOK)
	c.do("PATCH", path, patchBody(op("replace", "title", "v"))).must(t, http.StatusOK)

	// An out-of-band edit makes the client's tag stale.
	cur := c.do("GET", path, nil).header.Get("ETag")
	if err := tg.SetUserAttribute(id, "title", "admin-edit"); err != nil {
		t.Fatal(err)
	}
	c.do("PUT", path, userDoc("alice", nil), "If-Match: "+cur).wantError(t, http.StatusPreconditionFailed, "")

	// Without enforcement a stale tag is ignored.
	tg.SetEnforceETags(false)
	c.do("PUT", path, userDoc("alice", nil), `If-Match: W/"1"`).must(t, http.StatusOK)

	// Without the capability there are no versions at all.
	tg.SetCapabilities(func(c *Capabilities) { c.ETag = false })
	tg.SetEnforceETags(true)
	r = c.do("GET", path, nil).must(t, http.StatusOK)
	if r.header.Get("ETag") != "" || get(r.body, "meta.version") != nil {
		t.Errorf("ETag capability off but got ETag %q version %v", r.header.Get("ETag"), get(r.body, "meta.version"))
	}
	c.do("DELETE", path, nil, `If-Match: W/"1"`).must(t, http.StatusNoContent)
}

func TestAuthentication(t *testing.T) {
	tg, c := newTarget(t, Options{
		BearerTokens: []string{"tok-1", "tok-2"},
		BasicUsers:   map[string]string{"admin": "pa:ss"},
	})
	cases := []struct {
		name   string
		auth   string
		status int
	}{
		{"no credentials", "", http.StatusUnauthorized},
		{"bearer", "Bearer tok-1", http.StatusOK},
		{"second bearer", "Bearer tok-2", http.StatusOK},
		{"bearer scheme case", "bearer tok-1", http.StatusOK},
		{"wrong bearer", "Bearer nope", http.StatusUnauthorized},
		{"token prefix", "Bearer tok-", http.StatusUnauthorized},
		{"basic", "Basic YWRtaW46cGE6c3M=", http.StatusOK}, // admin:pa:ss
		{"wrong basic password", "Basic YWRtaW46eA==", http.StatusUnauthorized},
		{"token as basic", "Basic dG9rLTE=", http.StatusUnauthorized},
		{"unknown scheme", "Digest x", http.StatusUnauthorized},
	}
	c.token = ""
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.auth != "" {
				hdr = append(hdr, "Authorization: "+tc.auth)
			}
			r := c.do("GET", "/Users", nil, hdr...)
			if tc.status == http.StatusUnauthorized {
				r.wantError(t, http.StatusUnauthorized, "")
				h := strings.Join(r.header.Values("WWW-Authenticate"), " | ")
				if !strings.Contains(h, "Bearer") || !strings.Contains(h, "Basic") {
					t.Errorf("WWW-Authenticate %q should offer both schemes", h)
				}
				return
			}
			r.must(t, tc.status)
		})
	}
	// The log records that credentials were sent, never what they were.
	for _, rr := range tg.Requests() {
		if rr.Header.Get("Authorization") != "" {
			t.Fatalf("Authorization stored in the log")
		}
	}
	if rs := tg.Requests(); !rs[1].HasAuthorization || rs[0].HasAuthorization {
		t.Errorf("HasAuthorization wrong: %v %v", rs[0].HasAuthorization, rs[1].HasAuthorization)
	}
	// Control requests need no SCIM credentials.
	c.do("GET", "/_control/users", nil).must(t, http.StatusOK)
}

func TestNoAuthConfiguredAcceptsAnything(t *testing.T) {
	_, c := newTarget(t, Options{})
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
	c.do("GET", "/Users", nil, "Authorization: Bearer whatever").must(t, http.StatusOK)
}
