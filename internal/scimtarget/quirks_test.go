package scimtarget

import (
	"net/http"
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
