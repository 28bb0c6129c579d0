package scimtarget

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestQuirks(t *testing.T) {
	cases := []struct {
		name  string
		quirk func(*Quirks)
		check func(t *testing.T, tg *Target, c *client)
	}{
		{"NoLocationHeader", func(q *Quirks) { q.NoLocationHeader = true }, func(t *testing.T, tg *Target, c *client) {
			r := c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusCreated)
			if r.header.Get("Location") != "" {
				t.Errorf("Location %q", r.header.Get("Location"))
			}
			if get(r.body, "meta.location") != c.base+"/Users/"+r.body["id"].(string) {
				t.Errorf("meta.location %v", get(r.body, "meta.location"))
			}
		}},
		{"PatchReturnsNoContent", func(q *Quirks) { q.PatchReturnsNoContent = true }, func(t *testing.T, tg *Target, c *client) {
			id := c.createUser("a", nil)
			r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "x"))).must(t, http.StatusNoContent)
			if len(r.raw) != 0 {
				t.Errorf("body %q", r.raw)
			}
			if u, _ := tg.GetUser(id); u["title"] != "x" {
				t.Errorf("PATCH not applied: %v", u)
			}
		}},
		{"CaseSensitiveUserName", func(q *Quirks) { q.CaseSensitiveUserName = true }, func(t *testing.T, tg *Target, c *client) {
			c.createUser("Alice@Example.com", nil)
			if n := len(resources(c.filter(`userName eq "alice@example.com"`))); n != 0 {
				t.Errorf("case-insensitive match despite quirk: %d", n)
			}
			if n := len(resources(c.filter(`userName eq "Alice@Example.com"`))); n != 1 {
				t.Errorf("exact match: %d", n)
			}
			// The lookup missed, but the create still conflicts.
			c.do("POST", "/Users", userDoc("alice@example.com", nil)).wantError(t, http.StatusConflict, errUniqueness)
		}},
		{"OnlyEqFilters", func(q *Quirks) { q.OnlyEqFilters = true }, func(t *testing.T, tg *Target, c *client) {
			c.createUser("a", nil)
			c.filter(`userName eq "a"`).must(t, http.StatusOK)
			for _, f := range []string{`userName co "a"`, `userName eq "a" and active eq true`, `title pr`, `emails[type eq "work"]`, `not (userName eq "a")`} {
				c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
			}
		}},
		{"LowercaseResources", func(q *Quirks) { q.LowercaseResources = true }, func(t *testing.T, tg *Target, c *client) {
			c.createUser("a", nil)
			for _, p := range []string{"/Users", "/Schemas", "/ResourceTypes"} {
				r := c.do("GET", p, nil).must(t, http.StatusOK)
				if _, ok := r.body["Resources"]; ok {
					t.Errorf("%s has Resources", p)
				}
				if l, _ := r.body["resources"].([]any); len(l) == 0 {
					t.Errorf("%s lacks resources: %s", p, r.raw)
				}
			}
		}},
		{"ConflictWithoutScimType", func(q *Quirks) { q.ConflictWithoutScimType = true }, func(t *testing.T, tg *Target, c *client) {
			c.createUser("a", nil)
			c.do("POST", "/Users", userDoc("a", nil)).wantError(t, http.StatusConflict, "")
		}},
		{"NoFilteredPatchPaths", func(q *Quirks) { q.NoFilteredPatchPaths = true }, func(t *testing.T, tg *Target, c *client) {
			id := c.createUser("a", map[string]any{"emails": []any{map[string]any{"value": "a@x", "type": "work"}}})
			c.do("PATCH", "/Users/"+id, patchBody(op("replace", `emails[type eq "work"].value`, "b@x"))).wantError(t, http.StatusBadRequest, errInvalidPath)
			c.do("PATCH", "/Users/"+id, patchBody(op("replace", "emails", []any{map[string]any{"value": "b@x", "type": "work"}}))).must(t, http.StatusOK)
		}},
		{"NoPut", func(q *Quirks) { q.NoPut = true }, func(t *testing.T, tg *Target, c *client) {
			id := c.createUser("a", nil)
			r := c.do("PUT", "/Users/"+id, userDoc("a", map[string]any{"title": "x"})).wantError(t, http.StatusMethodNotAllowed, "")
			if r.header.Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
			if u, _ := tg.GetUser(id); u["title"] != nil {
				t.Errorf("PUT applied")
			}
		}},
		{"NoEmptyLastPage", func(q *Quirks) { q.NoEmptyLastPage = true }, func(t *testing.T, tg *Target, c *client) {
			c.createUser("a", nil)
			if r := c.do("GET", "/Users?startIndex=2", nil).must(t, http.StatusOK); len(resources(r)) != 1 {
				t.Errorf("empty page: %s", r.raw)
			}
		}},
		{"MissingDiscovery", func(q *Quirks) { q.MissingDiscovery = []string{"/ResourceTypes", "Schemas"} }, func(t *testing.T, tg *Target, c *client) {
			c.do("GET", "/ResourceTypes", nil).wantError(t, http.StatusNotFound, "")
			c.do("GET", "/ResourceTypes/User", nil).wantError(t, http.StatusNotFound, "")
			c.do("GET", "/Schemas/"+urnCoreUser, nil).wantError(t, http.StatusNotFound, "")
			c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)
		}},
		{"UniqueExternalID", func(q *Quirks) { q.UniqueExternalID = true }, func(t *testing.T, tg *Target, c *client) {
			c.createUser("a", map[string]any{"externalId": "x"})
			c.do("POST", "/Users", userDoc("b", map[string]any{"externalId": "x"})).wantError(t, http.StatusConflict, errUniqueness)
			c.do("POST", "/Users", userDoc("b", map[string]any{"externalId": "X"})).must(t, http.StatusCreated) // caseExact
		}},
		{"RejectExtensionAttributesParam", func(q *Quirks) { q.RejectExtensionAttributesParam = true }, func(t *testing.T, tg *Target, c *client) {
			id := c.createUser("a", map[string]any{
				"schemas":         []string{urnCoreUser, urnEnterpriseUser},
				"title":           "Boss",
				urnEnterpriseUser: map[string]any{"department": "R&D"},
			})
			dept := url.QueryEscape(urnEnterpriseUser + ":department")
			filter := "filter=" + url.QueryEscape(`userName eq "a"`)
			for _, p := range []string{
				"/Users/" + id + "?attributes=userName," + dept,
				"/Users/" + id + "?attributes=" + url.QueryEscape(strings.ToUpper(urnEnterpriseUser)),
				"/Users/nosuch?attributes=" + dept,
				"/Users?" + filter + "&attributes=" + dept,
				"/Users?attributes=" + url.QueryEscape("userName, "+urnCoreUser+":title"),
			} {
				r := c.do("GET", p, nil).wantError(t, http.StatusBadRequest, errInvalidValue)
				if d, _ := r.body["detail"].(string); !strings.Contains(d, "attributes parameter") || !strings.Contains(d, "not supported") {
					t.Errorf("GET %s: detail %q", p, d)
				}
			}
			search := map[string]any{"schemas": []string{urnSearchRequest}, "filter": `userName eq "a"`, "attributes": []string{urnEnterpriseUser + ":department"}}
			c.do("POST", "/Users/.search", search).wantError(t, http.StatusBadRequest, errInvalidValue)

			// Without extension attributes, or without attributes, all is served.
			r := c.do("GET", "/Users/"+id+"?attributes=title", nil).must(t, http.StatusOK)
			if r.body["title"] != "Boss" || r.body["userName"] != nil {
				t.Errorf("core attributes= not honoured: %s", r.raw)
			}
			r = c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
			if get(r.body, "["+urnEnterpriseUser+"].department") != "R&D" {
				t.Errorf("full GET: %s", r.raw)
			}
			if r := c.do("GET", "/Users?"+filter, nil).must(t, http.StatusOK); len(resources(r)) != 1 {
				t.Errorf("list: %s", r.raw)
			}
			// excludedAttributes is not affected.
			c.do("GET", "/Users/"+id+"?excludedAttributes="+dept, nil).must(t, http.StatusOK)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var q Quirks
			tc.quirk(&q)
			tg, c := newTarget(t, Options{Quirks: q})
			tc.check(t, tg, c)
		})
		t.Run(tc.name+"/at run time", func(t *testing.T) {
			tg, c := newTarget(t, Options{})
			tg.SetQuirks(tc.quirk)
			tc.check(t, tg, c)
		})
	}
}

func TestRejectExtensionAttributesParamViaControl(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id := c.createUser("a", nil)
	p := "/Users/" + id + "?attributes=" + url.QueryEscape(urnEnterpriseUser+":department")
	c.do("GET", p, nil).must(t, http.StatusOK)
	r := c.do("PUT", "/_control/quirks", map[string]any{"reject_extension_attributes_param": true}).must(t, http.StatusOK)
	if r.body["reject_extension_attributes_param"] != true || !tg.Quirks().RejectExtensionAttributesParam {
		t.Fatalf("quirk not set: %s", r.raw)
	}
	c.do("GET", p, nil).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PUT", "/_control/quirks", map[string]any{"reject_extension_attributes_param": false}).must(t, http.StatusOK)
	c.do("GET", p, nil).must(t, http.StatusOK)
}

// RateLimit serves that many requests per second, then 429 with
// Retry-After, with the window's state in X-RateLimit-* headers.
func TestRateLimit(t *testing.T) {
	_, srv := NewTestServer(t, Options{RateLimit: 3})
	var statuses []int
	var remaining []string
	for range 5 {
		resp, err := http.Get(BaseURL(srv) + "/Users")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		remaining = append(remaining, resp.Header.Get("X-RateLimit-Remaining"))
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	// All five fall in one or two windows of one second: at most three
	// served per window.
	served := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			served++
		}
	}
	if served < 3 || served > 5 || statuses[3] != http.StatusTooManyRequests && remaining[2] != "0" {
		t.Errorf("statuses %v, remaining %v", statuses, remaining)
	}
	if remaining[0] != "2" && remaining[0] != "" {
		t.Errorf("first answer: X-RateLimit-Remaining %q, want 2", remaining[0])
	}
}
