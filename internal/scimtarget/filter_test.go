package scimtarget

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// filterFixture creates three users with distinct attributes and returns the
// target and client; users are created one second apart.
func filterFixture(t *testing.T, q Quirks) (*Target, *client) {
	t.Helper()
	var tick int64
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tg, c := newTarget(t, Options{Quirks: q, Now: func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Hour) }})
	c.do("POST", "/Users", map[string]any{
		"schemas":    []string{urnCoreUser, urnEnterpriseUser},
		"userName":   "Alice@Example.com",
		"externalId": "EXT-A",
		"name":       map[string]any{"givenName": "Alice", "familyName": "Smith"},
		"title":      "Engineer",
		"active":     true,
		"emails": []any{
			map[string]any{"value": "alice@example.com", "type": "work", "primary": true},
			map[string]any{"value": "alice@home.org", "type": "home"},
		},
		urnEnterpriseUser: map[string]any{"department": "R&D", "manager": map[string]any{"value": "m-1"}},
	}).must(t, http.StatusCreated)
	c.do("POST", "/Users", map[string]any{
		"schemas":         []string{urnCoreUser, urnEnterpriseUser},
		"userName":        "bob@example.com",
		"externalId":      "ext-b",
		"name":            map[string]any{"givenName": "Bob", "familyName": "Jones"},
		"active":          false,
		"emails":          []any{map[string]any{"value": "bob@corp.net", "type": "work"}},
		urnEnterpriseUser: map[string]any{"department": "Sales"},
	}).must(t, http.StatusCreated)
	c.do("POST", "/Users", map[string]any{
		"schemas":  []string{urnCoreUser},
		"userName": "carol",
		"title":    "Director",
		"active":   true,
	}).must(t, http.StatusCreated)
	return tg, c
}

func (c *client) filter(f string) response {
	c.t.Helper()
	return c.do("GET", "/Users?filter="+url.QueryEscape(f), nil)
}

func TestFilterOperators(t *testing.T) {
	_, c := filterFixture(t, Quirks{})
	cases := []struct {
		filter string
		want   string // sorted userNames, comma-separated
	}{
		{`userName eq "alice@example.com"`, "Alice@Example.com"},
		{`UserName EQ "ALICE@EXAMPLE.COM"`, "Alice@Example.com"},
		{`userName ne "carol"`, "Alice@Example.com,bob@example.com"},
		{`userName co "EXAMPLE"`, "Alice@Example.com,bob@example.com"},
		{`userName sw "bob"`, "bob@example.com"},
		{`userName ew ".COM"`, "Alice@Example.com,bob@example.com"},
		{`userName gt "b"`, "bob@example.com,carol"},
		{`userName ge "bob@example.com"`, "bob@example.com,carol"},
		{`userName lt "b"`, "Alice@Example.com"},
		{`userName le "bob@example.com"`, "Alice@Example.com,bob@example.com"},
		{`title pr`, "Alice@Example.com,carol"},
		{`not (title pr)`, "bob@example.com"},
		{`externalId eq "EXT-A"`, "Alice@Example.com"},
		{`externalId eq "ext-a"`, ""}, // caseExact
		{`externalId pr`, "Alice@Example.com,bob@example.com"},
		{`displayName eq "bob jones"`, "bob@example.com"},
		{`active eq true`, "Alice@Example.com,carol"},
		{`active eq false`, "bob@example.com"},
		{`active ne true`, "bob@example.com"},
		{`name.givenName sw "Al"`, "Alice@Example.com"},
		{`name.familyName eq "jones" or title eq "director"`, "bob@example.com,carol"},
		{`title eq "Engineer" and active eq true`, "Alice@Example.com"},
		{`title eq "Engineer" and active eq false`, ""},
		{`emails.value ew "@corp.net"`, "bob@example.com"},
		{`emails co "home.org"`, "Alice@Example.com"},
		{`emails.type eq "home"`, "Alice@Example.com"},
		{`emails pr`, "Alice@Example.com,bob@example.com"},
		{`emails[type eq "work" and value co "@example.com"]`, "Alice@Example.com"},
		{`emails[type eq "work"]`, "Alice@Example.com,bob@example.com"},
		{`emails[type eq "home" and value co "corp"]`, ""},
		{`emails[primary eq true]`, "Alice@Example.com"},
		{`not(emails[type eq "home"]) and active eq true`, "carol"},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"`, "bob@example.com"},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m-1"`, "Alice@Example.com"},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "carol"`, "carol"},
		{`meta.lastModified gt "2024-01-01T01:30:00Z"`, "bob@example.com,carol"},
		{`meta.created le "2024-01-01T02:00:00Z"`, "Alice@Example.com,bob@example.com"},
		{`meta.resourceType eq "User"`, "Alice@Example.com,bob@example.com,carol"},
		{`title eq null`, "bob@example.com"},
		{`userName eq "a\"b"`, ""},
		{`(userName eq "carol" or userName eq "bob@example.com") and not (active eq false)`, "carol"},
	}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			r := c.filter(tc.filter).must(t, http.StatusOK)
			got := userNames(r)
			sort.Strings(got)
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, ","), tc.want)
			}
			if get(r.body, "totalResults") != float64(len(got)) {
				t.Errorf("totalResults %v for %d results", get(r.body, "totalResults"), len(got))
			}
		})
	}
}

func TestFilterByID(t *testing.T) {
	_, c := filterFixture(t, Quirks{})
	id := get(c.filter(`userName eq "carol"`).body, "Resources.0.id").(string)
	r := c.filter(`id eq "`+id+`"`).must(t, http.StatusOK)
	if names := userNames(r); len(names) != 1 || names[0] != "carol" {
		t.Errorf("by id: %v", names)
	}
	if n := len(resources(c.filter(`id eq "` + strings.ToUpper(id) + `"`))); n != 0 {
		t.Errorf("id is caseExact, upper-case id matched %d", n)
	}
}

func TestInvalidFilters(t *testing.T) {
	_, c := filterFixture(t, Quirks{})
	for _, f := range []string{
		`userName eq`,
		`userName eq alice`,
		`userName xx "a"`,
		`shoeSize eq "44"`,
		`name eq "x"`,
		`active eq "true"`,
		`active gt true`,
		`title eq 5`,
		`userName co true`,
		`meta.lastModified gt "yesterday"`,
		`emails[nope eq "x"]`,
		`title[value eq "x"]`,
		`urn:example:unknown:attr eq "x"`,
		`(userName eq "a"`,
	} {
		t.Run(f, func(t *testing.T) {
			c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
		})
	}
}

func TestFilterUnsupported(t *testing.T) {
	tg, c := filterFixture(t, Quirks{})
	tg.SetCapabilities(func(c *Capabilities) { c.Filter = false })
	c.filter(`userName eq "carol"`).wantError(t, http.StatusBadRequest, errInvalidFilter)
}

func TestFilterViaSearch(t *testing.T) {
	_, c := filterFixture(t, Quirks{})
	r := c.do("POST", "/Users/.search", map[string]any{
		"schemas":    []string{urnSearchRequest},
		"filter":     `active eq true`,
		"attributes": []string{"userName"},
		"sortBy":     "userName",
		"sortOrder":  "descending",
		"startIndex": 1,
		"count":      10,
	}).must(t, http.StatusOK)
	if got := strings.Join(userNames(r), ","); got != "carol,Alice@Example.com" {
		t.Errorf(".search: %s", got)
	}
	if get(r.body, "Resources.0.title") != nil {
		t.Errorf("attributes not applied: %s", r.raw)
	}
	c.do("POST", "/Users/.search", map[string]any{"filter": "nope"}).wantError(t, http.StatusBadRequest, errInvalidFilter)
}
