package scimtarget

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Unit tests of the quirks of quirks_vendor.go, each on an otherwise
// default target, and of the per-endpoint rate limits.

func TestQuirkListNeedsFilter(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{ListNeedsFilter: true}})
	c.createUser("alice", nil)
	c.do("GET", "/Users", nil).wantError(t, http.StatusBadRequest, errTooMany)
	c.listQuery("/Users", " ").wantError(t, http.StatusBadRequest, errTooMany)
	c.do("GET", "/Groups", nil).wantError(t, http.StatusBadRequest, errTooMany)
	c.do("POST", "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}}).wantError(t, http.StatusBadRequest, errTooMany)
	if r := c.filter(`userName eq "alice"`).must(t, http.StatusOK); !reflect.DeepEqual(userNames(r), []string{"alice"}) {
		t.Errorf("filtered: %s", r.raw)
	}
	// Without the quirk, listing everything works.
	_, plain := newTarget(t, Options{})
	plain.do("GET", "/Users", nil).must(t, http.StatusOK)
}

func TestQuirkNoPagingAndDefaultCount(t *testing.T) {
	caps := DefaultCapabilities()
	caps.FilterMaxResults = 5
	tg, c := newTarget(t, Options{Capabilities: caps, Quirks: Quirks{NoPaging: true}})
	seedUsers(c, 7)
	r := c.listQuery("/Users", "", "startIndex=3", "count=2").must(t, http.StatusOK)
	if len(resources(r)) != 5 || userNames(r)[0] != "user01" || get(r.body, "totalResults") != float64(7) {
		t.Errorf("no paging: %s", r.raw)
	}
	if _, ok := r.body["startIndex"]; ok {
		t.Errorf("startIndex present: %s", r.raw)
	}
	if _, ok := r.body["itemsPerPage"]; ok {
		t.Errorf("itemsPerPage present: %s", r.raw)
	}

	// DefaultCount: the page size when no count is given.
	tg.SetQuirks(func(q *Quirks) { q.NoPaging, q.DefaultCount = false, 3 })
	if r := c.do("GET", "/Users", nil).must(t, http.StatusOK); len(resources(r)) != 3 || get(r.body, "itemsPerPage") != float64(3) {
		t.Errorf("default count: %s", r.raw)
	}
	if r := c.listQuery("/Users", "", "count=4").must(t, http.StatusOK); len(resources(r)) != 4 {
		t.Errorf("count=4: %d", len(resources(r)))
	}
	if r := c.listQuery("/Users", "", "count=50").must(t, http.StatusOK); len(resources(r)) != 5 {
		t.Errorf("count=50 capped: %d", len(resources(r)))
	}
}

func TestQuirkRequireUserAgent(t *testing.T) {
	_, c := newTarget(t, Options{BearerTokens: []string{"tok"}, Quirks: Quirks{RequireUserAgent: true}})
	r := c.do("GET", "/Users", nil, "User-Agent: ").wantError(t, http.StatusForbidden, "")
	if d, _ := r.body["detail"].(string); !strings.Contains(d, "User-Agent") {
		t.Errorf("detail %q", d)
	}
	c.do("GET", "/ServiceProviderConfig", nil, "User-Agent: ").must(t, http.StatusForbidden)
	c.do("GET", "/Users", nil, "User-Agent: terraform-provider-scim/test").must(t, http.StatusOK)
	c.do("GET", "/Users", nil).must(t, http.StatusOK) // Go's default User-Agent
	_, plain := newTarget(t, Options{})
	plain.do("GET", "/Users", nil, "User-Agent: ").must(t, http.StatusOK)
}

func TestQuirkDeleteDeactivates(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{DeleteDeactivates: []string{"User"}}})
	id := c.createUser("alice", map[string]any{"active": true})
	g := c.createGroup("Team", id)
	r := c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("body %s", r.raw)
	}
	r = c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
	if r.body["active"] != false || r.body["userName"] != "alice" {
		t.Errorf("after DELETE: %s", r.raw)
	}
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{id}) {
		t.Errorf("membership lost: %v", got)
	}
	c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	if r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "active", true))).must(t, http.StatusOK); r.body["active"] != true {
		t.Errorf("reactivated: %s", r.raw)
	}
	// Groups have no "active": deleted.
	c.do("DELETE", "/Groups/"+g, nil).must(t, http.StatusNoContent)
	c.do("GET", "/Groups/"+g, nil).must(t, http.StatusNotFound)
	c.do("DELETE", "/Users/nope", nil).wantError(t, http.StatusNotFound, "")
}

func TestQuirkNoCreateOrDeleteOn(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{NoCreateOn: []string{"Group"}, NoDeleteOn: []string{"group"}}})
	r := c.do("POST", "/Groups", groupDoc("Team")).wantError(t, http.StatusMethodNotAllowed, "")
	if r.header.Get("Allow") != "GET" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	g, err := tg.AddGroup(map[string]any{"displayName": "Team"})
	if err != nil {
		t.Fatal(err)
	}
	c.do("DELETE", "/Groups/"+g, nil).wantError(t, http.StatusMethodNotAllowed, "")
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "Crew"))).must(t, http.StatusOK)
	c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK)
	// Users are not concerned.
	id := c.createUser("alice", nil)
	c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
}

func TestQuirkEmptyObjectAnswers(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{PatchEmptyObjectOn: []string{"User"}, DeleteEmptyObjectOn: []string{"User"}}})
	id := c.createUser("alice", nil)
	r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "Boss"))).must(t, http.StatusOK)
	if string(r.raw) != "{}" || r.header.Get("Content-Type") != contentType {
		t.Errorf("PATCH answer %q %q", r.raw, r.header.Get("Content-Type"))
	}
	if u, _ := tg.GetUser(id); u["title"] != "Boss" {
		t.Errorf("PATCH not applied: %v", u)
	}
	g := c.createGroup("Team")
	if r := c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "Crew"))).must(t, http.StatusOK); r.body["displayName"] != "Crew" {
		t.Errorf("group PATCH: %s", r.raw)
	}
	if r := c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusOK); string(r.raw) != "{}" {
		t.Errorf("DELETE answer %q", r.raw)
	}
	c.do("GET", "/Users/"+id, nil).must(t, http.StatusNotFound)
	c.do("DELETE", "/Groups/"+g, nil).must(t, http.StatusNoContent)
	// Errors are errors still.
	c.do("PATCH", "/Users/nope", patchBody(op("replace", "title", "x"))).wantError(t, http.StatusNotFound, "")
}

func TestQuirkMaxPatchOperations(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{MaxPatchOperations: map[string]int{"User": 2}}})
	id := c.createUser("alice", nil)
	ops := []map[string]any{op("replace", "title", "A"), op("replace", "nickName", "B"), op("replace", "locale", "fr")}
	c.do("PATCH", "/Users/"+id, patchBody(ops...)).wantError(t, http.StatusBadRequest, errInvalidValue)
	c.do("PATCH", "/Users/"+id, patchBody(ops[:2]...)).must(t, http.StatusOK)
	g := c.createGroup("Team")
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "A"), op("replace", "displayName", "B"), op("replace", "displayName", "C"))).must(t, http.StatusOK)
}

func TestQuirkAllowedPatchOps(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{AllowedPatchOps: map[string][]string{
		"User":  {"active", "replace " + urnEnterpriseUser + ":department"},
		"Group": {"add members", "remove members[]", "replace displayName"},
	}}})
	u1, u2 := c.createUser("alice", nil), c.createUser("bob", nil)
	g := c.createGroup("Team", u1)
	for _, body := range []map[string]any{
		patchBody(op("replace", "active", false)),
		patchBody(op("add", "active", true)),
		patchBody(op("replace", "", map[string]any{"active": false})),
		patchBody(op("replace", urnEnterpriseUser+":department", "R&D")),
		patchBody(op("replace", "", map[string]any{urnEnterpriseUser: map[string]any{"department": "Ops"}})),
	} {
		c.do("PATCH", "/Users/"+u1, body).must(t, http.StatusOK)
	}
	for _, body := range []map[string]any{
		patchBody(op("replace", "title", "Boss")),
		patchBody(op("replace", "", map[string]any{"active": true, "title": "Boss"})),
		patchBody(op("replace", "name.givenName", "Al")),
		patchBody(op("add", urnEnterpriseUser+":department", "R&D")),
		patchBody(op("replace", "", map[string]any{urnEnterpriseUser + ":costCenter": "1"})),
	} {
		c.do("PATCH", "/Users/"+u1, body).wantError(t, http.StatusBadRequest, errInvalidPath)
	}
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": u2}}))).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "", map[string]any{"members": []any{map[string]any{"value": u2}}}))).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+g, patchBody(op("remove", `members[value eq "`+u2+`"]`, nil))).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+g, patchBody(op("remove", "members", []any{map[string]any{"value": u1}}))).wantError(t, http.StatusBadRequest, errInvalidPath)
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "members", []any{}))).wantError(t, http.StatusBadRequest, errInvalidPath)
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "displayName", "X"))).wantError(t, http.StatusBadRequest, errInvalidPath)
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", "Crew"))).must(t, http.StatusOK)
}

func TestQuirkHiddenAndListOmittedAttributes(t *testing.T) {
	dept := urnEnterpriseUser + ":department"
	_, c := newTarget(t, Options{Quirks: Quirks{
		HiddenAttributes:    map[string][]string{"Group": {"members"}, "User": {"nickName"}},
		ListOmitsAttributes: map[string][]string{"User": {dept, "emails.type", "title"}},
	}})
	u := c.createUser("alice", map[string]any{
		"schemas":         []string{urnCoreUser, urnEnterpriseUser},
		"title":           "Boss",
		"nickName":        "Al",
		"emails":          []any{map[string]any{"value": "a@example.com", "type": "work"}},
		urnEnterpriseUser: map[string]any{"department": "R&D"},
	})
	r := c.do("GET", "/Users/"+u, nil).must(t, http.StatusOK)
	if r.body["nickName"] != nil || r.body["title"] != "Boss" || get(r.body, "["+urnEnterpriseUser+"].department") != "R&D" || get(r.body, "emails.0.type") != "work" {
		t.Errorf("read: %s", r.raw)
	}
	r = c.filter(`nickName eq "Al"`).must(t, http.StatusOK) // filters see hidden attributes
	if len(resources(r)) != 1 {
		t.Fatalf("filter on hidden attribute: %s", r.raw)
	}
	listed := resources(r)[0].(map[string]any)
	if listed["title"] != nil || listed[urnEnterpriseUser] != nil || get(listed, "emails.0.type") != nil || get(listed, "emails.0.value") != "a@example.com" || listed["nickName"] != nil {
		t.Errorf("listed: %v", listed)
	}
	for _, s := range listed["schemas"].([]any) {
		if s == urnEnterpriseUser {
			t.Errorf("schemas still name the dropped extension: %v", listed["schemas"])
		}
	}
	if r := c.filter(`title eq "Boss"`).must(t, http.StatusOK); len(resources(r)) != 1 {
		t.Errorf("filter on list-omitted attribute: %s", r.raw)
	}
	g := c.do("POST", "/Groups", groupDoc("Team", u)).must(t, http.StatusCreated)
	if _, ok := g.body["members"]; ok {
		t.Errorf("created group shows members: %s", g.raw)
	}
	gid, _ := g.body["id"].(string)
	if r := c.do("GET", "/Groups/"+gid, nil).must(t, http.StatusOK); r.body["members"] != nil {
		t.Errorf("group shows members: %s", r.raw)
	}
	if r := c.listQuery("/Groups", `members eq "`+u+`"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{gid}) {
		t.Errorf("member filter: %s", r.raw)
	}
}

func TestQuirkConflictShape(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{
		ConflictStatus:   http.StatusBadRequest,
		ConflictScimType: errInvalidValue,
		ConflictDetails:  map[string]string{"User.userName": "User name '{value}' is invalid: 'not unique'"},
	}})
	c.createUser("alice", nil)
	r := c.do("POST", "/Users", userDoc("ALICE", nil)).wantError(t, http.StatusBadRequest, errInvalidValue)
	if r.body["detail"] != "User name 'ALICE' is invalid: 'not unique'" {
		t.Errorf("detail %v", r.body["detail"])
	}
	// The detail names the clashing value of a multi-valued attribute.
	tg.SetQuirks(func(q *Quirks) {
		*q = Quirks{
			UniqueAttributes: map[string][]string{"User": {"emails.value"}},
			ConflictDetails:  map[string]string{"user.emails.value": "Resource [USER]: with email[{value}] already exists."},
		}
	})
	c.createUser("bob", map[string]any{"emails": []any{map[string]any{"value": "b@example.com"}}})
	r = c.do("POST", "/Users", userDoc("carol", map[string]any{"emails": []any{
		map[string]any{"value": "c@example.com"}, map[string]any{"value": "B@example.com"},
	}})).wantError(t, http.StatusConflict, errUniqueness)
	if r.body["detail"] != "Resource [USER]: with email[B@example.com] already exists." {
		t.Errorf("detail %v", r.body["detail"])
	}
	// Without details, the target's own wording.
	r = c.do("POST", "/Users", userDoc("bob", nil)).wantError(t, http.StatusConflict, errUniqueness)
	if r.body["detail"] != `userName "bob" is already in use by another User` {
		t.Errorf("default detail %v", r.body["detail"])
	}
}

func TestQuirkFilterLimits(t *testing.T) {
	_, c := filterFixture(t, Quirks{MaxFilterNodes: 5, AllowedFilterOperators: []string{"eq", "ne", "co", "sw", "and", "or"}})
	for _, f := range []string{
		`userName eq "bjensen"`,
		`userName sw "b" and title ne "x"`,
		`userName eq "a" or userName eq "b" or userName co "c"`, // 5 nodes
	} {
		c.filter(f).must(t, http.StatusOK)
	}
	r := c.filter(`userName eq "a" or userName eq "b" or userName eq "c" or userName eq "d"`).wantError(t, http.StatusBadRequest, errInvalidFilter)
	if d, _ := r.body["detail"].(string); !strings.Contains(d, "INVALID_FILTER") || !strings.Contains(d, "7 nodes") {
		t.Errorf("detail %q", d)
	}
	for _, f := range []string{`userName ew "n"`, `title pr`, `meta.lastModified gt "2020-01-01T00:00:00Z"`, `not (userName eq "a")`, `emails[type eq "work"]`} {
		c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
	}
}

func TestQuirkIgnoredOnUpdate(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{IgnoredOnUpdate: map[string][]string{"User": {"userName", "emails", urnEnterpriseUser + ":department"}}}})
	id := c.createUser("alice", map[string]any{
		"schemas":         []string{urnCoreUser, urnEnterpriseUser},
		"emails":          []any{map[string]any{"value": "a@example.com"}},
		urnEnterpriseUser: map[string]any{"department": "R&D"},
	})
	put := userDoc("alice2", map[string]any{"title": "Boss", "emails": []any{map[string]any{"value": "x@example.com"}}})
	r := c.do("PUT", "/Users/"+id, put).must(t, http.StatusOK)
	if r.body["userName"] != "alice" || get(r.body, "emails.0.value") != "a@example.com" || r.body["title"] != "Boss" ||
		get(r.body, "["+urnEnterpriseUser+"].department") != "R&D" {
		t.Errorf("PUT: %s", r.raw)
	}
	r = c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userName", "alice3"), op("remove", "emails", nil), op("replace", "nickName", "Al"))).must(t, http.StatusOK)
	if r.body["userName"] != "alice" || get(r.body, "emails.0.value") != "a@example.com" || r.body["nickName"] != "Al" {
		t.Errorf("PATCH: %s", r.raw)
	}
	// A create sets them as usual.
	if r := c.do("POST", "/Users", userDoc("bob", map[string]any{"emails": []any{map[string]any{"value": "b@example.com"}}})).must(t, http.StatusCreated); get(r.body, "emails.0.value") != "b@example.com" {
		t.Errorf("create: %s", r.raw)
	}
}

func TestQuirkNumericIDs(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{NumericIDs: true}})
	digits := regexp.MustCompile(`^[1-9][0-9]{15}$`)
	u := c.createUser("alice", nil)
	g := c.createGroup("Team", u)
	for _, id := range []string{u, g} {
		if !digits.MatchString(id) {
			t.Errorf("id %q", id)
		}
	}
	if id, err := tg.AddUser(map[string]any{"userName": "bob", "id": "b-1"}); err != nil || id != "b-1" {
		t.Errorf("out of band id %q %v", id, err)
	}
	_, plain := newTarget(t, Options{})
	if id := plain.createUser("alice", nil); digits.MatchString(id) || len(id) != 36 {
		t.Errorf("default id %q", id)
	}
}

func TestQuirkUserNameIsPrimaryEmail(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{UserNameIsPrimaryEmail: true, LowercaseUserName: true}})
	r := c.do("POST", "/Users", userDoc("Alice@Example.com", map[string]any{
		"emails": []any{map[string]any{"value": "other@example.com", "primary": true}},
	})).must(t, http.StatusCreated)
	id, _ := r.body["id"].(string)
	want := []any{
		map[string]any{"value": "alice@example.com", "type": "work", "primary": true},
		map[string]any{"value": "other@example.com"},
	}
	if r.body["userName"] != "alice@example.com" || !reflect.DeepEqual(r.body["emails"], want) {
		t.Errorf("create: %s", r.raw)
	}
	// A PATCH that drops it gets it back; one that names it keeps it.
	r = c.do("PATCH", "/Users/"+id, patchBody(op("replace", "emails", []any{map[string]any{"value": "new@example.com", "type": "home"}}))).must(t, http.StatusOK)
	if get(r.body, "emails.0.value") != "alice@example.com" || get(r.body, "emails.0.primary") != true || get(r.body, "emails.1.value") != "new@example.com" {
		t.Errorf("PATCH: %s", r.raw)
	}
	r = c.do("PUT", "/Users/"+id, userDoc("alice@example.com", map[string]any{"emails": []any{map[string]any{"value": "ALICE@example.com", "type": "home"}}})).must(t, http.StatusOK)
	if !reflect.DeepEqual(r.body["emails"], []any{map[string]any{"value": "ALICE@example.com", "type": "home", "primary": true}}) {
		t.Errorf("PUT: %s", r.raw)
	}
	// A userName that is no email is left alone.
	if r := c.do("POST", "/Users", userDoc("bob", nil)).must(t, http.StatusCreated); r.body["emails"] != nil {
		t.Errorf("bob: %s", r.raw)
	}
	// LowercaseUserName alone.
	_, lc := newTarget(t, Options{Quirks: Quirks{LowercaseUserName: true}})
	if r := lc.do("POST", "/Users", userDoc("Bob", nil)).must(t, http.StatusCreated); r.body["userName"] != "bob" || r.body["emails"] != nil {
		t.Errorf("lower-cased: %s", r.raw)
	}
}

func TestQuirkGroupPatchTooLarge(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{GroupPatchMaxMembers: 2, GroupPatchMaxBytes: 600}})
	var users []any
	for i := range 3 {
		users = append(users, map[string]any{"value": c.createUser(fmt.Sprintf("u%d", i), nil)})
	}
	g := c.createGroup("Team")
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", users))).wantError(t, http.StatusRequestEntityTooLarge, "")
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", users[:1]), op("add", "", map[string]any{"members": users[1:]}))).wantError(t, http.StatusRequestEntityTooLarge, "")
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", users[:2]))).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+g, patchBody(op("replace", "displayName", strings.Repeat("x", 600)))).wantError(t, http.StatusRequestEntityTooLarge, "")
	// Users and creates are not concerned.
	u := users[0].(map[string]any)["value"].(string)
	c.do("PATCH", "/Users/"+u, patchBody(op("replace", "title", strings.Repeat("x", 600)))).must(t, http.StatusOK)
	c.do("POST", "/Groups", groupDoc("Big", u, users[1].(map[string]any)["value"].(string), users[2].(map[string]any)["value"].(string))).must(t, http.StatusCreated)
}

func TestQuirkErrorStatusInteger(t *testing.T) {
	_, c := newTarget(t, Options{BearerTokens: []string{"tok"}, Quirks: Quirks{ErrorStatusInteger: true}})
	r := c.do("GET", "/Users/nope", nil).must(t, http.StatusNotFound)
	if r.body["status"] != float64(404) || !strings.Contains(string(r.raw), `"status":404`) {
		t.Errorf("body %s", r.raw)
	}
	c.token = "wrong"
	if r := c.do("GET", "/Users", nil).must(t, http.StatusUnauthorized); r.body["status"] != float64(401) {
		t.Errorf("401 body %s", r.raw)
	}
}

func TestQuirkServiceProviderConfigsAlias(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{ServiceProviderConfigsAlias: true}})
	r := c.do("GET", "/ServiceProviderConfigs", nil).must(t, http.StatusOK)
	if get(r.body, "patch.supported") != true {
		t.Errorf("alias: %s", r.raw)
	}
	c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)
	_, plain := newTarget(t, Options{})
	plain.do("GET", "/ServiceProviderConfigs", nil).must(t, http.StatusNotFound)
}

func TestQuirkNestedMembersPatchValue(t *testing.T) {
	tg, c := newTarget(t, Options{Quirks: Quirks{NestedMembersPatchValue: true}})
	u1, u2 := c.createUser("alice", nil), c.createUser("bob", nil)
	g := c.createGroup("Team")
	nested := patchBody(op("add", "members", map[string]any{"members": []any{map[string]any{"value": u1}}}))
	c.do("PATCH", "/Groups/"+g, nested).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": u2}}))).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{u1, u2}) {
		t.Errorf("members %v", got)
	}
	// Without the quirk the nested form is an error.
	tg.SetQuirks(func(q *Quirks) { q.NestedMembersPatchValue = false })
	if r := c.do("PATCH", "/Groups/"+g, nested); r.status != http.StatusBadRequest {
		t.Errorf("nested without the quirk: %d %s", r.status, r.raw)
	}
}

func TestQuirkPutMergesOn(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{PutMergesOn: []string{"User"}}})
	id := c.createUser("alice", map[string]any{"title": "Boss", "nickName": "Al"})
	r := c.do("PUT", "/Users/"+id, userDoc("alice", map[string]any{"nickName": "Ally"})).must(t, http.StatusOK)
	if r.body["title"] != "Boss" || r.body["nickName"] != "Ally" {
		t.Errorf("merged PUT: %s", r.raw)
	}
	g := c.createGroup("Team", id)
	if r := c.do("PUT", "/Groups/"+g, groupDoc("Team")).must(t, http.StatusOK); r.body["members"] != nil {
		t.Errorf("group PUT kept members: %s", r.raw)
	}
}

func TestQuirkFrozenWhenInactive(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{FrozenWhenInactive: []string{"userName", "userType", "roles.value"}}})
	id := c.createUser("alice", map[string]any{"active": true, "userType": "Full"})
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userType", "Guest"))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "active", false))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userName", "alice2"))).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PATCH", "/Users/"+id, patchBody(op("add", "roles", []any{map[string]any{"value": "admin"}}))).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PUT", "/Users/"+id, userDoc("alice", map[string]any{"active": false, "userType": "Full"})).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "Boss"))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "active", true))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userName", "alice2"))).must(t, http.StatusOK)
}

func TestQuirkUnknownMember(t *testing.T) {
	_, c := newTarget(t, Options{Quirks: Quirks{UnknownMemberStatus: http.StatusNotFound, UnknownMemberDetail: "No valid resources: [{memberId={value}}]"}})
	g := c.createGroup("Team")
	r := c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": "ghost"}}))).wantError(t, http.StatusNotFound, "")
	if r.body["detail"] != "No valid resources: [{memberId=ghost}]" {
		t.Errorf("detail %v", r.body["detail"])
	}
	_, plain := newTarget(t, Options{})
	g = plain.createGroup("Team")
	plain.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": "ghost"}}))).wantError(t, http.StatusBadRequest, errInvalidValue)
}

// fakeClock is a settable clock for the rate limit rules.
type fakeClock struct{ now time.Time }

func (f *fakeClock) Now() time.Time          { return f.now }
func (f *fakeClock) advance(d time.Duration) { f.now = f.now.Add(d) }

func TestRateLimitRules(t *testing.T) {
	tg, c := newTarget(t, Options{RateLimits: []RateRule{
		{Methods: []string{"POST"}, Path: "/Users", Limit: 60, Window: time.Minute, Burst: 2},
		{Methods: []string{"GET"}, Path: "/Users/*", Limit: 3, Window: 30 * time.Second, ScimType: "tooManyRequests", Detail: "slow down"},
		{Methods: []string{"PATCH"}, Path: "/Groups/*", Limit: 1, Window: time.Minute, MinBodyBytes: 200},
	}})
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	tg.rateClock = clock.Now

	// A burst of 2 creates, then one a second.
	a := c.createUser("a", nil)
	c.createUser("b", nil)
	r := c.do("POST", "/Users", userDoc("c", nil)).wantError(t, http.StatusTooManyRequests, "")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if d, _ := r.body["detail"].(string); !strings.Contains(d, "POST /Users: 60 per 1m0s") {
		t.Errorf("detail %q", d)
	}
	clock.advance(500 * time.Millisecond)
	c.do("POST", "/Users", userDoc("c", nil)).must(t, http.StatusTooManyRequests)
	clock.advance(500 * time.Millisecond)
	c.createUser("c", nil)
	// Other paths and methods are not counted by that rule.
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
	c.do("POST", "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}}).must(t, http.StatusOK)

	// 3 reads of one user per 30 s, with the rule's error body.
	for range 3 {
		c.do("GET", "/Users/"+a, nil).must(t, http.StatusOK)
	}
	r = c.do("GET", "/Users/"+a, nil).wantError(t, http.StatusTooManyRequests, "tooManyRequests")
	if r.body["detail"] != "slow down" || r.header.Get("Retry-After") != "10" {
		t.Errorf("429: %s, Retry-After %q", r.raw, r.header.Get("Retry-After"))
	}
	clock.advance(10 * time.Second)
	c.do("GET", "/Users/"+a, nil).must(t, http.StatusOK)

	// Body size selects the rule.
	g := c.createGroup("Team")
	small := patchBody(op("replace", "displayName", "T"))
	large := patchBody(op("replace", "displayName", strings.Repeat("x", 200)))
	c.do("PATCH", "/Groups/"+g, large).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+g, large).must(t, http.StatusTooManyRequests)
	c.do("PATCH", "/Groups/"+g, small).must(t, http.StatusOK)

	// SetRateLimits replaces them; Reset restores the initial ones, full.
	tg.SetRateLimits(nil)
	for range 5 {
		c.do("GET", "/Users/"+a, nil).must(t, http.StatusOK)
	}
	tg.Reset()
	if got := tg.RateLimits(); len(got) != 3 {
		t.Fatalf("after Reset: %v", got)
	}
	c.createUser("a", nil)
	c.createUser("b", nil)
	c.do("POST", "/Users", userDoc("c", nil)).must(t, http.StatusTooManyRequests)
}

func TestRateRuleJSON(t *testing.T) {
	rules := []RateRule{{Methods: []string{"GET"}, Path: "/Groups", Limit: 5, Window: 30 * time.Second, ScimType: "tooManyRequests"}}
	data, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"window":"30s"`) {
		t.Errorf("JSON %s", data)
	}
	var back []RateRule
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, rules) {
		t.Errorf("round trip %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`[{"limit":1,"window":"soon"}]`), &back); err == nil {
		t.Error("bad window accepted")
	}
}

func TestControlRateLimits(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "slack"})
	r := c.do("GET", "/_control/rate-limits", nil).must(t, http.StatusOK)
	rules, _ := r.body["rules"].([]any)
	if len(rules) != len(slackRateLimits()) || get(rules[2], "path") != "/Users/*" || get(rules[2], "window") != "1m0s" || get(rules[2], "burst") != float64(300) {
		t.Errorf("rules: %s", r.raw)
	}
	r = c.do("PUT", "/_control/rate-limits", map[string]any{"rules": []any{
		map[string]any{"methods": []string{"GET"}, "path": "/Users", "limit": 1, "window": "1h"},
	}}).must(t, http.StatusOK)
	if got := tg.RateLimits(); len(got) != 1 || got[0].Window != time.Hour || got[0].Limit != 1 {
		t.Errorf("after PUT: %+v", got)
	}
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
	c.do("GET", "/Users", nil).must(t, http.StatusTooManyRequests)
	c.do("PUT", "/_control/rate-limits", map[string]any{"rules": []any{}}).must(t, http.StatusOK)
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
	c.do("PUT", "/_control/rate-limits", map[string]any{"rules": []any{map[string]any{"limit": 1, "window": "never"}}}).must(t, http.StatusBadRequest)
}
