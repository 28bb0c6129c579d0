package scimtarget

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func seedUsers(c *client, n int) {
	for i := 1; i <= n; i++ {
		c.createUser(fmt.Sprintf("user%02d", i), map[string]any{
			"title":  fmt.Sprintf("T%d", i%3),
			"emails": []any{map[string]any{"value": fmt.Sprintf("u%d@example.com", i), "type": "work"}},
		})
	}
}

// pageAll pages through /Users the way a careful client must: by
// totalResults, not by waiting for an empty page.
func pageAll(t *testing.T, c *client, count int) ([]string, int) {
	t.Helper()
	var names []string
	requests := 0
	for start := 1; ; {
		r := c.do("GET", fmt.Sprintf("/Users?startIndex=%d&count=%d", start, count), nil).must(t, http.StatusOK)
		requests++
		page := userNames(r)
		names = append(names, page...)
		total := int(get(r.body, "totalResults").(float64))
		if int(get(r.body, "itemsPerPage").(float64)) != len(page) {
			t.Fatalf("itemsPerPage %v != %d", get(r.body, "itemsPerPage"), len(page))
		}
		start += len(page)
		if start > total || len(page) == 0 {
			return names, requests
		}
		if requests > 100 {
			t.Fatal("paging does not terminate")
		}
	}
}

func TestPaging(t *testing.T) {
	_, c := newTarget(t, Options{})
	seedUsers(c, 7)
	names, requests := pageAll(t, c, 3)
	if len(names) != 7 || names[0] != "user01" || names[6] != "user07" || requests != 3 {
		t.Errorf("paged %v in %d requests", names, requests)
	}
	cases := []struct {
		query                string
		start, items, totals int
		first                string
	}{
		{"startIndex=3&count=2", 3, 2, 7, "user03"},
		{"startIndex=0&count=2", 1, 2, 7, "user01"}, // < 1 means 1
		{"startIndex=-5", 1, 7, 7, "user01"},
		{"startIndex=7&count=5", 7, 1, 7, "user07"},
		{"startIndex=8&count=5", 8, 0, 7, ""},
		{"startIndex=50", 50, 0, 7, ""},
		{"count=0", 1, 0, 7, ""},
		{"count=-1", 1, 0, 7, ""},
	}
	for _, tc := range cases {
		r := c.do("GET", "/Users?"+tc.query, nil).must(t, http.StatusOK)
		names := userNames(r)
		first := ""
		if len(names) > 0 {
			first = names[0]
		}
		if get(r.body, "startIndex") != float64(tc.start) || len(names) != tc.items ||
			get(r.body, "totalResults") != float64(tc.totals) || first != tc.first {
			t.Errorf("%s: startIndex=%v items=%d total=%v first=%q; want %d %d %d %q", tc.query,
				get(r.body, "startIndex"), len(names), get(r.body, "totalResults"), first, tc.start, tc.items, tc.totals, tc.first)
		}
	}
	c.do("GET", "/Users?count=abc", nil).wantError(t, http.StatusBadRequest, errInvalidValue)
}

func TestPageSizeCappedByMaxResults(t *testing.T) {
	tg, c := newTarget(t, Options{})
	tg.SetCapabilities(func(c *Capabilities) { c.FilterMaxResults = 4 })
	seedUsers(c, 6)
	for _, q := range []string{"", "?count=100"} {
		r := c.do("GET", "/Users"+q, nil).must(t, http.StatusOK)
		if len(resources(r)) != 4 || get(r.body, "totalResults") != 6.0 {
			t.Errorf("%q: %d items, total %v", q, len(resources(r)), get(r.body, "totalResults"))
		}
	}
	names, _ := pageAll(t, c, 100)
	if len(names) != 6 {
		t.Errorf("paging with capped pages got %d users", len(names))
	}
}

func TestNoEmptyLastPage(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{NoEmptyLastPage: true}})
	seedUsers(c, 5)
	// Past the end: the last page again instead of an empty one.
	r := c.do("GET", "/Users?startIndex=6&count=2", nil).must(t, http.StatusOK)
	if got := strings.Join(userNames(r), ","); got != "user05" || get(r.body, "startIndex") != 5.0 {
		t.Errorf("past end: %q startIndex %v", got, get(r.body, "startIndex"))
	}
	r = c.do("GET", "/Users?startIndex=100&count=3", nil).must(t, http.StatusOK)
	if got := strings.Join(userNames(r), ","); got != "user04,user05" {
		t.Errorf("far past end: %q", got)
	}
	// A client that stops on an empty page never stops; one that uses
	// totalResults finishes.
	emptyStopper := 0
	for start := 1; emptyStopper < 10; emptyStopper++ {
		r := c.do("GET", fmt.Sprintf("/Users?startIndex=%d&count=2", start), nil)
		if len(resources(r)) == 0 {
			break
		}
		start += len(resources(r))
	}
	if emptyStopper != 10 {
		t.Errorf("client stopping on an empty page stopped after %d requests", emptyStopper)
	}
	names, _ := pageAll(t, c, 2)
	if len(names) != 5 {
		t.Errorf("totalResults-driven paging got %v", names)
	}
	// No users: still an empty list.
	_, c2 := newTarget(t, Options{Quirks: Quirks{NoEmptyLastPage: true}})
	if r := c2.do("GET", "/Users?startIndex=3", nil).must(t, http.StatusOK); len(resources(r)) != 0 {
		t.Errorf("empty store returned %s", r.raw)
	}
}

func TestAttributesAndExcludedAttributes(t *testing.T) {
	_, c := newTarget(t, Options{})
	id := c.createUser("alice", map[string]any{
		"schemas":     []string{urnCoreUser, urnEnterpriseUser},
		"name":        map[string]any{"givenName": "Alice", "familyName": "Smith"},
		"title":       "Eng",
		"emails":      []any{map[string]any{"value": "a@x", "type": "work"}},
		"password":    "pw",
		"displayName": "Al",
		urnEnterpriseUser: map[string]any{
			"department": "R&D", "costCenter": "42",
		},
	})
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sortStrings(ks)
		return strings.Join(ks, ",")
	}
	ent := urnEnterpriseUser
	cases := []struct {
		query string
		keys  string
		check map[string]any
	}{
		{"attributes=userName", "id,meta,schemas,userName", nil},
		{"attributes=USERNAME,name.givenName", "id,meta,name,schemas,userName", map[string]any{"name.givenName": "Alice", "name.familyName": nil}},
		{"attributes=emails.value", "emails,id,meta,schemas", map[string]any{"emails.0.value": "a@x", "emails.0.type": nil}},
		{"attributes=" + ent + ":department", "id,meta,schemas," + ent, map[string]any{"[" + ent + "].department": "R&D", "[" + ent + "].costCenter": nil}},
		{"attributes=" + ent, "id,meta,schemas," + ent, map[string]any{"[" + ent + "].costCenter": "42"}},
		{"attributes=password", "id,meta,schemas", nil},
		{"attributes=id,meta", "id,meta,schemas", nil},
		{"excludedAttributes=name,emails,title,displayName," + ent, "id,meta,schemas,userName", nil},
		{"excludedAttributes=id,meta,schemas,userName,name,emails,title,displayName," + ent, "id,meta,schemas", nil},
		{"excludedAttributes=name.formatted", "displayName,emails,id,meta,name,schemas,title," + ent + ",userName", map[string]any{"name.formatted": nil, "name.givenName": "Alice"}},
		{"excludedAttributes=" + ent + ":department", "displayName,emails,id,meta,name,schemas,title," + ent + ",userName", map[string]any{"[" + ent + "].department": nil, "[" + ent + "].costCenter": "42"}},
		{"attributes=noSuchThing", "id,meta,schemas", nil},
	}
	for _, tc := range cases {
		for _, path := range []string{"/Users/" + id + "?", "/Users?filter=" + urlq(`userName eq "alice"`) + "&"} {
			r := c.do("GET", path+tc.query, nil).must(t, http.StatusOK)
			doc := r.body
			if strings.HasPrefix(path, "/Users?") {
				doc, _ = get(r.body, "Resources.0").(map[string]any)
			}
			if got := keys(doc); got != tc.keys {
				t.Errorf("%s%s: keys %s, want %s", path, tc.query, got, tc.keys)
			}
			for p, want := range tc.check {
				if got := get(doc, p); got != want {
					t.Errorf("%s: %s = %v, want %v", tc.query, p, got, want)
				}
			}
		}
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestSort(t *testing.T) {
	tg, c := newTarget(t, Options{})
	c.createUser("bravo", map[string]any{"title": "b", "emails": []any{map[string]any{"value": "z@x", "primary": true}, map[string]any{"value": "a@x"}}})
	c.createUser("Alpha", map[string]any{"emails": []any{map[string]any{"value": "m@x"}}})
	c.createUser("charlie", map[string]any{"title": "a"})
	cases := []struct{ query, want string }{
		{"sortBy=userName", "Alpha,bravo,charlie"},
		{"sortBy=userName&sortOrder=descending", "charlie,bravo,Alpha"},
		{"sortBy=title", "charlie,bravo,Alpha"}, // unassigned last
		{"sortBy=title&sortOrder=descending", "Alpha,bravo,charlie"},
		{"sortBy=emails.value", "Alpha,bravo,charlie"}, // bravo sorts by its primary z@x... after m@x
		{"sortBy=meta.created", "bravo,Alpha,charlie"}, // stable ties keep creation order
		{"sortBy=emails", "Alpha,bravo,charlie"},       // complex multi without sub is rejected below
		{"", "bravo,Alpha,charlie"},                    // creation order
		{"sortBy=userName&sortOrder=ASCENDING", "Alpha,bravo,charlie"},
	}
	for _, tc := range cases {
		if tc.query == "sortBy=emails" {
			c.do("GET", "/Users?"+tc.query, nil).wantError(t, http.StatusBadRequest, errInvalidValue)
			continue
		}
		r := c.do("GET", "/Users?"+tc.query, nil).must(t, http.StatusOK)
		if got := strings.Join(userNames(r), ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
		}
	}
	c.do("GET", "/Users?sortBy=userName&sortOrder=sideways", nil).wantError(t, http.StatusBadRequest, errInvalidValue)
	// Without the capability sortBy is ignored, as real servers do.
	tg.SetCapabilities(func(c *Capabilities) { c.Sort = false })
	r := c.do("GET", "/Users?sortBy=userName", nil).must(t, http.StatusOK)
	if got := strings.Join(userNames(r), ","); got != "bravo,Alpha,charlie" {
		t.Errorf("sort without capability: %s", got)
	}
}
