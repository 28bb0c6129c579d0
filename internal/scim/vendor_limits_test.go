package scim

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A vendor's documented limit is kept on the client's side, for the
// requests it names only: the burst goes at once, the next request waits
// (here it would overrun its deadline, so it fails at once, before it is
// sent), and other requests do not wait.
func TestVendorRateLimits(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		if r.Method == http.MethodPost {
			writeJSON(w, 201, map[string]any{"schemas": []string{SchemaUser}, "id": "u1", "userName": "a"})
			return
		}
		writeJSON(w, 200, map[string]any{"schemas": []string{SchemaUser}, "id": "u1", "userName": "a"})
	})
	c.UseVendorBehaviour(VendorBehaviour{RateLimits: []RateLimit{{Method: http.MethodPost, Path: "/Users", PerMinute: 60, Burst: 2}}})
	ctx := context.Background()
	for i := range 2 {
		if _, err := c.Users().Create(ctx, Resource{"userName": "a"}); err != nil {
			t.Fatalf("create %d within the burst: %v", i, err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := c.Users().Create(short, Resource{"userName": "a"})
	if err == nil || !strings.Contains(err.Error(), "documented rate limit") {
		t.Fatalf("the third create in a second was not held by the limit: %v", err)
	}
	for range 5 {
		if _, err := c.Users().Get(short, "u1", ReadOptions{}); err != nil {
			t.Fatalf("a GET waited for the POST limit: %v", err)
		}
	}
	if n := len(rec.all()); n != 2+5 {
		t.Errorf("%d requests reached the app, want 7 (the held create never sent)", n)
	}
}

func TestRateLimitMatches(t *testing.T) {
	for _, tc := range []struct {
		l            RateLimit
		method, path string
		want         bool
	}{
		{RateLimit{Method: http.MethodGet, Path: "/Groups$"}, http.MethodGet, "/Groups", true},
		{RateLimit{Method: http.MethodGet, Path: "/Groups$"}, http.MethodGet, "/Groups/g1", false},
		{RateLimit{Method: http.MethodGet, Path: "/Groups/"}, http.MethodGet, "/Groups/g1", true},
		{RateLimit{Method: WriteMethods}, http.MethodDelete, "/Users/u1", true},
		{RateLimit{Method: WriteMethods}, http.MethodGet, "/Users/u1", false},
		{RateLimit{Path: "/Users"}, http.MethodPost, "/Users", true},
		{RateLimit{Method: http.MethodPost, Path: "/Users"}, http.MethodPatch, "/Users/u1", false},
	} {
		if got := tc.l.matches(tc.method, tc.path); got != tc.want {
			t.Errorf("%+v matches %s %s = %v, want %v", tc.l, tc.method, tc.path, got, tc.want)
		}
	}
}
