package scimtarget

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// listQuery GETs a list with a filter and extra query parameters.
func (c *client) listQuery(endpoint, filter string, extra ...string) response {
	c.t.Helper()
	q := url.Values{}
	if filter != "" {
		q.Set("filter", filter)
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		q.Set(k, v)
	}
	p := endpoint
	if enc := q.Encode(); enc != "" {
		p += "?" + enc
	}
	return c.do("GET", p, nil)
}

func ids(r response) []string {
	out := []string{}
	for _, res := range resources(r) {
		s, _ := get(res, "id").(string)
		out = append(out, s)
	}
	return out
}

func TestQuirkCursorPaging(t *testing.T) {
	caps := DefaultCapabilities()
	caps.FilterMaxResults = 3
	_, c := newTarget(t, Options{Capabilities: caps, Quirks: Quirks{CursorPaging: true}})
	seedUsers(c, 7)

	// Paging with cursors: the first request carries an empty cursor.
	var names []string
	cursor, pages := "", 0
	for {
		r := c.listQuery("/Users", "", "cursor="+cursor).must(t, http.StatusOK)
		pages++
		if _, ok := r.body["totalResults"]; ok {
			t.Errorf("cursor page with totalResults: %s", r.raw)
		}
		if _, ok := r.body["startIndex"]; ok {
			t.Errorf("cursor page with startIndex: %s", r.raw)
		}
		if get(r.body, "itemsPerPage") != float64(len(resources(r))) {
			t.Errorf("itemsPerPage %v for %d resources", get(r.body, "itemsPerPage"), len(resources(r)))
		}
		names = append(names, userNames(r)...)
		next, _ := r.body["nextCursor"].(string)
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		cursor = next
	}
	if pages != 3 || len(names) != 7 || names[0] != "user01" || names[6] != "user07" {
		t.Errorf("%d pages: %v", pages, names)
	}

	// count picks the page size, 1 to FilterMaxResults.
	if r := c.listQuery("/Users", "", "cursor=", "count=2").must(t, http.StatusOK); len(resources(r)) != 2 || r.body["nextCursor"] == nil {
		t.Errorf("count=2: %s", r.raw)
	}
	for _, n := range []string{"0", "4", "-1"} {
		c.listQuery("/Users", "", "cursor=", "count="+n).wantError(t, http.StatusBadRequest, errInvalidValue)
		c.listQuery("/Users", "", "count="+n).wantError(t, http.StatusBadRequest, errInvalidValue)
	}

	// Without cursor: the index form, one page of at most FilterMaxResults.
	r := c.listQuery("/Users", "").must(t, http.StatusOK)
	if get(r.body, "totalResults") != float64(7) || get(r.body, "startIndex") != float64(1) || len(resources(r)) != 3 || r.body["nextCursor"] != nil {
		t.Errorf("without cursor: %s", r.raw)
	}

	// A cursor belongs to its endpoint and filter.
	first := c.listQuery("/Users", "", "cursor=").must(t, http.StatusOK)
	next, _ := first.body["nextCursor"].(string)
	c.listQuery("/Users", "", "cursor=nope").wantError(t, http.StatusBadRequest, errInvalidCursor)
	c.listQuery("/Users", `title eq "T1"`, "cursor="+next).wantError(t, http.StatusBadRequest, errInvalidCursor)
	c.listQuery("/Groups", "", "cursor="+next).wantError(t, http.StatusBadRequest, errInvalidCursor)

	// Filtered paging: T1 is users 1, 4 and 7.
	r = c.listQuery("/Users", `title eq "T1"`, "cursor=", "count=2").must(t, http.StatusOK)
	got := userNames(r)
	next, _ = r.body["nextCursor"].(string)
	r = c.listQuery("/Users", `title eq "T1"`, "cursor="+next, "count=2").must(t, http.StatusOK)
	got = append(got, userNames(r)...)
	if !reflect.DeepEqual(got, []string{"user01", "user04", "user07"}) || r.body["nextCursor"] != nil {
		t.Errorf("filtered pages %v, last %s", got, r.raw)
	}

	// POST .search takes the cursor in its body.
	search := map[string]any{"schemas": []string{urnSearchRequest}, "cursor": "", "count": 2}
	r = c.do("POST", "/Users/.search", search).must(t, http.StatusOK)
	if len(resources(r)) != 2 || r.body["nextCursor"] == nil || r.body["totalResults"] != nil {
		t.Errorf(".search with cursor: %s", r.raw)
	}

	// An empty result is an empty list, not null.
	r = c.listQuery("/Groups", "", "cursor=").must(t, http.StatusOK)
	if l, ok := r.body["Resources"].([]any); !ok || len(l) != 0 {
		t.Errorf("empty cursor page: %s", r.raw)
	}
}

func TestQuirkIgnoreListParams(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{IgnoreListParams: true}})
	seedUsers(c, 3)
	r := c.listQuery("/Users", "", "startIndex=2", "count=1", "attributes=userName", "excludedAttributes=emails").must(t, http.StatusOK)
	if get(r.body, "startIndex") != float64(1) || !reflect.DeepEqual(userNames(r), []string{"user01"}) {
		t.Errorf("startIndex not ignored: %s", r.raw)
	}
	u := resources(r)[0]
	if get(u, "title") == nil || get(u, "emails") == nil {
		t.Errorf("attributes/excludedAttributes not ignored: %s", r.raw)
	}
	// A single read still honours attributes.
	id, _ := get(u, "id").(string)
	one := c.do("GET", "/Users/"+id+"?attributes=userName", nil).must(t, http.StatusOK)
	if one.body["title"] != nil {
		t.Errorf("GET of one user ignored attributes: %s", one.raw)
	}
}

func TestQuirkAllowedFilters(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{AllowedFilters: map[string][]string{
		"User":  {"userName", "id and title"},
		"Group": {"members", "displayName"},
	}}})
	a := c.createUser("a", map[string]any{"title": "x"})
	g := c.createGroup("G", a)
	for _, f := range []string{`userName eq "a"`, `id eq "` + a + `" and title eq "x"`, `USERNAME eq "a"`} {
		if r := c.filter(f).must(t, http.StatusOK); len(resources(r)) != 1 {
			t.Errorf("%s: %s", f, r.raw)
		}
	}
	for _, f := range []string{
		`userName co "a"`,
		`userName eq "a" or userName eq "b"`,
		`title eq "x" and id eq "` + a + `"`, // the order matters
		`title eq "x"`,
		`emails[type eq "work"]`,
		`not (userName eq "a")`,
		`userName pr`,
	} {
		r := c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, "(userName)") {
			t.Errorf("%s: detail %q does not list the supported filters", f, d)
		}
	}
	for _, f := range []string{`members eq "` + a + `"`, `members.value eq "` + a + `"`, `displayName eq "G"`} {
		if r := c.listQuery("/Groups", f).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{g}) {
			t.Errorf("%s: %s", f, r.raw)
		}
	}
	c.listQuery("/Groups", `externalId eq "x"`).wantError(t, http.StatusBadRequest, errInvalidFilter)
}

func TestQuirkHiddenGroupMembers(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{HiddenGroupMembers: true}})
	a := c.createUser("a", nil)
	b := c.createUser("b", nil)
	r := c.do("POST", "/Groups", groupDoc("G", a)).must(t, http.StatusCreated)
	g, _ := r.body["id"].(string)
	if m, ok := r.body["members"].([]any); !ok || len(m) != 0 {
		t.Errorf("create answer shows members: %s", r.raw)
	}
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{a}) {
		t.Fatalf("members stored: %v", got)
	}
	r = c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK)
	if m, ok := r.body["members"].([]any); !ok || len(m) != 0 {
		t.Errorf("GET shows members: %s", r.raw)
	}
	r = c.do("GET", "/Groups", nil).must(t, http.StatusOK)
	if m, ok := get(resources(r)[0], "members").([]any); !ok || len(m) != 0 {
		t.Errorf("list shows members: %s", r.raw)
	}
	// Filters still see them.
	if r := c.listQuery("/Groups", `members eq "`+a+`"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{g}) {
		t.Errorf("member filter: %s", r.raw)
	}
	if r := c.listQuery("/Groups", `id eq "`+g+`" and members eq "`+b+`"`).must(t, http.StatusOK); len(resources(r)) != 0 {
		t.Errorf("b is no member: %s", r.raw)
	}
	r = c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": b}}))).must(t, http.StatusOK)
	if m, ok := r.body["members"].([]any); !ok || len(m) != 0 {
		t.Errorf("PATCH answer shows members: %s", r.raw)
	}
	if r := c.listQuery("/Groups", `id eq "`+g+`" and members eq "`+b+`"`).must(t, http.StatusOK); len(resources(r)) != 1 {
		t.Errorf("b was added: %s", r.raw)
	}
	// Users are not affected.
	if u := c.do("GET", "/Users/"+a, nil).must(t, http.StatusOK); !reflect.DeepEqual(groupValues(u.body), []string{g}) {
		t.Errorf("user's groups: %s", u.raw)
	}
}

func TestQuirkUnknownMemberFilterNotFound(t *testing.T) {
	tg, c := newTarget(t, Options{})
	a := c.createUser("a", nil)
	inner := c.createGroup("Inner", a)
	outer := c.createGroup("Outer", inner)
	for _, f := range []string{`members eq "nosuch"`, `id eq "` + outer + `" and members.value eq "nosuch"`} {
		if r := c.listQuery("/Groups", f).must(t, http.StatusOK); len(resources(r)) != 0 {
			t.Errorf("without the quirk %s: %s", f, r.raw)
		}
	}
	tg.SetQuirks(func(q *Quirks) { q.UnknownMemberFilterNotFound = true })
	for _, f := range []string{`members eq "nosuch"`, `id eq "` + outer + `" and members.value eq "nosuch"`} {
		r := c.listQuery("/Groups", f).wantError(t, http.StatusNotFound, "")
		if d, _ := r.body["detail"].(string); !strings.Contains(d, "nosuch") {
			t.Errorf("detail %q", d)
		}
	}
	if r := c.listQuery("/Groups", `members eq "`+a+`"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{inner}) {
		t.Errorf("user member: %s", r.raw)
	}
	if r := c.listQuery("/Groups", `members eq "`+inner+`"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{outer}) {
		t.Errorf("group member: %s", r.raw)
	}
	// Other filters are not affected.
	c.listQuery("/Groups", `displayName eq "nosuch"`).must(t, http.StatusOK)
}

func TestQuirkPatchNoContentOnAndNoPutOn(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{PatchNoContentOn: []string{"group"}, NoPutOn: []string{"Group"}}})
	u := c.createUser("a", nil)
	g := c.createGroup("G")
	r := c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "H"))).must(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("204 with a body: %s", r.raw)
	}
	if r := c.do("PATCH", "/Users/"+u, patchBody(op("replace", "title", "x"))).must(t, http.StatusOK); r.body["title"] != "x" {
		t.Errorf("user PATCH: %s", r.raw)
	}
	r = c.do("PUT", "/Groups/"+g, groupDoc("H")).wantError(t, http.StatusMethodNotAllowed, "")
	if r.header.Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	c.do("PUT", "/Users/"+u, userDoc("a", nil)).must(t, http.StatusOK)
}

func TestQuirkMaxMembersOnCreate(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{MaxMembersOnCreate: 2}})
	var us []string
	for i := range 3 {
		us = append(us, c.createUser(fmt.Sprintf("u%d", i), nil))
	}
	c.do("POST", "/Groups", groupDoc("Big", us...)).wantError(t, http.StatusBadRequest, errInvalidValue)
	if len(tg.Groups()) != 0 {
		t.Error("refused group was created")
	}
	c.createGroup("Small", us[:2]...)
}

func TestQuirkMaxMemberChangesPerPatch(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{MaxMemberChangesPerPatch: 3}})
	var u []string
	for i := range 6 {
		u = append(u, c.createUser(fmt.Sprintf("u%d", i), nil))
	}
	vals := func(ids ...string) []any {
		var out []any
		for _, id := range ids {
			out = append(out, map[string]any{"value": id})
		}
		return out
	}
	g := c.createGroup("G", u[0])
	refused := []map[string]any{
		patchBody(op("add", "members", vals(u[1], u[2], u[3], u[4]))),
		patchBody(op("remove", "members", vals(u[0])), op("add", "members", vals(u[1], u[2], u[3]))),
		patchBody(op("add", "", map[string]any{"members": vals(u[1], u[2], u[3], u[4])})),
		patchBody(op("add", "members", vals(u[1], u[2])), op("add", "members", vals(u[3], u[4]))),
	}
	for i, b := range refused {
		c.do("PATCH", "/Groups/"+g, b).wantError(t, http.StatusBadRequest, errInvalidValue)
		if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{u[0]}) {
			t.Fatalf("refused PATCH %d changed members: %v", i, got)
		}
	}
	c.do("PATCH", "/Groups/"+g, patchBody(
		op("add", "members", vals(u[1], u[2])),
		op("remove", `members[value eq "`+u[0]+`"]`, nil),
	)).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{u[1], u[2]}) {
		t.Errorf("members = %v", got)
	}
	// Other attributes do not count.
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "H"), op("add", "members", vals(u[3], u[4], u[5])))).must(t, http.StatusOK)
}

func TestQuirkNoMemberReplaceAll(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{NoMemberReplaceAll: true}})
	a, b, d := c.createUser("a", nil), c.createUser("b", nil), c.createUser("d", nil)
	g := c.createGroup("G", a, b)
	for _, body := range []map[string]any{
		patchBody(op("replace", "members", []any{map[string]any{"value": d}})),
		patchBody(op("replace", "", map[string]any{"members": []any{map[string]any{"value": d}}})),
		patchBody(op("replace", `members[value eq "`+a+`"]`, map[string]any{"value": d})),
		patchBody(op("remove", "members", nil)),
		patchBody(op("add", "members", []any{map[string]any{"value": d}}), op("remove", "members", nil)),
	} {
		c.do("PATCH", "/Groups/"+g, body).wantError(t, http.StatusBadRequest, errInvalidValue)
	}
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{a, b}) {
		t.Fatalf("refused PATCH changed members: %v", got)
	}
	c.do("PATCH", "/Groups/"+g, patchBody(
		op("remove", `members[value eq "`+a+`"]`, nil),
		op("remove", "members", []any{map[string]any{"value": b}}),
		op("add", "members", []any{map[string]any{"value": d}}),
		op("replace", "displayName", "H"),
	)).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{d}) {
		t.Errorf("members = %v", got)
	}
}

func TestQuirkSingleValuedMultis(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{SingleValuedMultis: []string{"emails", "phoneNumbers"}}})
	email := func(v string) map[string]any { return map[string]any{"value": v, "type": "work"} }
	c.do("POST", "/Users", userDoc("a", map[string]any{"emails": []any{email("a@x"), email("b@x")}})).wantError(t, http.StatusBadRequest, errInvalidValue)
	id := c.createUser("a", map[string]any{"emails": []any{email("a@x")}})
	c.do("PATCH", "/Users/"+id, patchBody(op("add", "emails", []any{email("b@x")}))).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PUT", "/Users/"+id, userDoc("a", map[string]any{"phoneNumbers": []any{map[string]any{"value": "1"}, map[string]any{"value": "2"}}})).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "emails", []any{email("b@x")}))).must(t, http.StatusOK)
}

func TestQuirkRequirePrimary(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{RequirePrimary: []string{"emails"}}})
	c.do("POST", "/Users", userDoc("a", map[string]any{"emails": []any{map[string]any{"value": "a@x"}}})).wantError(t, http.StatusBadRequest, errInvalidValue)
	id := c.createUser("a", map[string]any{"emails": []any{map[string]any{"value": "a@x", "primary": true}}})
	c.createUser("b", nil) // no email at all is fine
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "emails", []any{map[string]any{"value": "c@x"}}))).wantError(t, http.StatusBadRequest, errInvalidValue)
}

func TestQuirkRequiredAttributes(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{RequiredAttributes: map[string][]string{"User": {"name.givenName", "displayName"}}}})
	c.do("POST", "/Users", userDoc("a", map[string]any{"displayName": "A"})).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("POST", "/Users", userDoc("a", map[string]any{"displayName": "A", "name": map[string]any{"givenName": " "}})).wantError(t, http.StatusBadRequest, errInvalidValue)
	// Checked before the target derives displayName from the name.
	c.do("POST", "/Users", userDoc("a", map[string]any{"name": map[string]any{"givenName": "A", "familyName": "B"}})).wantError(t, http.StatusBadRequest, errInvalidValue)
	id := c.createUser("a", map[string]any{"displayName": "A", "name": map[string]any{"givenName": "A"}})
	c.do("PATCH", "/Users/"+id, patchBody(op("remove", "displayName", nil))).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PUT", "/Users/"+id, userDoc("a", map[string]any{"displayName": "A"})).wantError(t, http.StatusBadRequest, errInvalidValue)
	// Groups are not affected.
	c.createGroup("G")
}

func TestQuirkUniqueAttributes(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{UniqueAttributes: map[string][]string{"Group": {"displayName"}}}})
	c.createGroup("Engineering")
	c.do("POST", "/Groups", groupDoc("engineering")).wantError(t, http.StatusConflict, errUniqueness)
	g := c.createGroup("Sales")
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "Engineering"))).wantError(t, http.StatusConflict, errUniqueness)
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "Sales"))).must(t, http.StatusOK)
}

func TestQuirkNoSearch(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{NoSearch: true}})
	c.do("POST", "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}}).wantError(t, http.StatusNotImplemented, "")
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
}

func TestQuirkNoMetaLocation(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{NoMetaLocation: true}})
	r := c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusCreated)
	id, _ := r.body["id"].(string)
	if get(r.body, "meta.location") != nil || get(r.body, "meta.created") == nil {
		t.Errorf("create answer meta: %s", r.raw)
	}
	if r.header.Get("Location") != c.base+"/Users/"+id {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if r := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK); get(r.body, "meta.location") != nil {
		t.Errorf("GET meta: %s", r.raw)
	}
	if r := c.do("GET", "/Users", nil).must(t, http.StatusOK); get(resources(r)[0], "meta.location") != nil {
		t.Errorf("list meta: %s", r.raw)
	}
}

func TestQuirkErrorStyle(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{JSONContentType: true, NoScimType: true, ErrorSchemaKey: "schema"}})
	if r := c.do("GET", "/Users", nil).must(t, http.StatusOK); r.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	c.createUser("a", nil)
	for _, r := range []response{
		c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusConflict),
		c.filter(`nosuch eq "x"`).must(t, http.StatusBadRequest),
		c.do("GET", "/Users/nosuch", nil).must(t, http.StatusNotFound),
	} {
		if r.header.Get("Content-Type") != "application/json" {
			t.Errorf("error Content-Type %q", r.header.Get("Content-Type"))
		}
		schema, _ := r.body["schema"].([]any)
		if len(schema) != 1 || schema[0] != urnError || r.body["schemas"] != nil || r.body["scimType"] != nil {
			t.Errorf("error body %s", r.raw)
		}
		if _, ok := r.body["status"].(string); !ok || r.body["detail"] == nil {
			t.Errorf("error body %s", r.raw)
		}
	}
}

// The new quirks travel through the control API like the others.
func TestNewQuirksViaControl(t *testing.T) {
	tg, c := newTarget(t, Options{})
	c.createUser("a", map[string]any{"title": "x"})
	r := c.do("PUT", "/_control/quirks", map[string]any{
		"cursor_paging":   true,
		"allowed_filters": map[string]any{"User": []string{"userName"}},
		"no_put_on":       []string{"Group"},
	}).must(t, http.StatusOK)
	q := tg.Quirks()
	if !q.CursorPaging || !reflect.DeepEqual(q.AllowedFilters, map[string][]string{"User": {"userName"}}) || !reflect.DeepEqual(q.NoPutOn, []string{"Group"}) {
		t.Fatalf("quirks %+v from %s", q, r.raw)
	}
	c.filter(`title eq "x"`).wantError(t, http.StatusBadRequest, errInvalidFilter)
	if r := c.listQuery("/Users", "", "cursor=").must(t, http.StatusOK); r.body["totalResults"] != nil {
		t.Errorf("no cursor form: %s", r.raw)
	}
}
