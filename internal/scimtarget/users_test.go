package scimtarget

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreateUser(t *testing.T) {
	clock := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tg, c := newTarget(t, Options{Now: func() time.Time { return clock }})
	r := c.do("POST", "/Users", map[string]any{
		"schemas":    []string{urnCoreUser, urnEnterpriseUser},
		"userName":   "alice@example.com",
		"externalId": "ext-1",
		"name":       map[string]any{"givenName": "Alice", "familyName": "Smith"},
		"emails":     []any{map[string]any{"value": "alice@example.com", "type": "work", "primary": true}},
		"active":     true,
		"password":   "s3cret!",
		"groups":     []any{map[string]any{"value": "g1"}}, // readOnly: ignored
		"id":         "client-chosen",                      // readOnly: ignored
		urnEnterpriseUser: map[string]any{
			"department": "R&D",
			"manager":    map[string]any{"value": "boss", "displayName": "ignored"},
		},
	}).must(t, http.StatusCreated)
	id, _ := r.body["id"].(string)
	if !uuidRE.MatchString(id) {
		t.Fatalf("id %q is not a v4 UUID", id)
	}
	loc := c.base + "/Users/" + id
	if got := r.header.Get("Location"); got != loc {
		t.Errorf("Location %q, want %q", got, loc)
	}
	if got := r.header.Get("ETag"); got != `W/"1"` {
		t.Errorf("ETag %q", got)
	}
	want := map[string]any{
		"meta.resourceType":                      "User",
		"meta.created":                           "2024-05-01T12:00:00.000Z",
		"meta.lastModified":                      "2024-05-01T12:00:00.000Z",
		"meta.location":                          loc,
		"meta.version":                           `W/"1"`,
		"displayName":                            "Alice Smith",
		"name.formatted":                         "Alice Smith",
		"active":                                 true,
		"externalId":                             "ext-1",
		"schemas.0":                              urnCoreUser,
		"schemas.1":                              urnEnterpriseUser,
		"[" + urnEnterpriseUser + "].department": "R&D",
		"[" + urnEnterpriseUser + "].manager.value": "boss",
	}
	for path, w := range want {
		if got := get(r.body, path); got != w {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	}
	for _, absent := range []string{"password", "groups", "[" + urnEnterpriseUser + "].manager.displayName"} {
		if v := get(r.body, absent); v != nil {
			t.Errorf("%s should be absent, got %v", absent, v)
		}
	}
	// The control API sees the password the client sent.
	u, ok := tg.GetUser(id)
	if !ok || u["password"] != "s3cret!" {
		t.Errorf("control view password = %v", u["password"])
	}

	g := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
	if get(g.body, "userName") != "alice@example.com" || get(g.body, "password") != nil {
		t.Errorf("GET: %s", g.raw)
	}
	if g.header.Get("ETag") != `W/"1"` {
		t.Errorf("GET ETag %q", g.header.Get("ETag"))
	}
}

func TestCreateKeepsExplicitDisplayName(t *testing.T) {
	_, c := newTarget(t, Options{})
	r := c.do("POST", "/Users", userDoc("b", map[string]any{
		"displayName": "Bobby",
		"name":        map[string]any{"givenName": "Robert", "familyName": "Jones", "formatted": "Mr Robert Jones"},
	})).must(t, http.StatusCreated)
	if get(r.body, "displayName") != "Bobby" || get(r.body, "name.formatted") != "Mr Robert Jones" {
		t.Errorf("server overwrote client values: %s", r.raw)
	}
	r = c.do("POST", "/Users", userDoc("c", nil)).must(t, http.StatusCreated)
	if get(r.body, "displayName") != nil {
		t.Errorf("displayName invented without a name: %s", r.raw)
	}
}

func TestCreateValidation(t *testing.T) {
	_, c := newTarget(t, Options{})
	cases := []struct {
		name     string
		body     any
		status   int
		scimType string
	}{
		{"missing userName", map[string]any{"schemas": []string{urnCoreUser}}, 400, errInvalidValue},
		{"empty userName", userDoc("  ", nil), 400, errInvalidValue},
		{"missing schemas", map[string]any{"userName": "x"}, 400, errInvalidSyntax},
		{"unknown schema", map[string]any{"schemas": []string{urnCoreUser, "urn:x"}, "userName": "x"}, 400, errInvalidSyntax},
		{"unknown attribute", userDoc("x", map[string]any{"shoeSize": 44}), 400, errInvalidSyntax},
		{"unknown sub-attribute", userDoc("x", map[string]any{"name": map[string]any{"nick": "x"}}), 400, errInvalidSyntax},
		{"extension not declared", userDoc("x", map[string]any{urnEnterpriseUser: map[string]any{"department": "x"}}), 400, errInvalidSyntax},
		{"wrong type", userDoc("x", map[string]any{"title": 5}), 400, errInvalidValue},
		{"bad boolean", userDoc("x", map[string]any{"active": "yes"}), 400, errInvalidValue},
		{"single value for multi-valued", userDoc("x", map[string]any{"emails": map[string]any{"value": "a@b"}}), 400, errInvalidValue},
		{"two primaries", userDoc("x", map[string]any{"emails": []any{
			map[string]any{"value": "a@b", "primary": true}, map[string]any{"value": "c@d", "primary": true}}}), 400, errInvalidValue},
		{"not JSON", "{nope", 400, errInvalidSyntax},
		{"array body", "[]", 400, errInvalidSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.do("POST", "/Users", tc.body).wantError(t, tc.status, tc.scimType)
		})
	}
	r := c.do("POST", "/Users", `{"schemas":["`+urnCoreUser+`"],"userName":"x"}`, "Content-Type: text/plain")
	r.wantError(t, http.StatusUnsupportedMediaType, "")
	c.do("POST", "/Users", `{"schemas":["`+urnCoreUser+`"],"userName":"ok"}`, "Content-Type: application/json; charset=utf-8").must(t, http.StatusCreated)
}

func TestStringBooleanIsStoredAsBoolean(t *testing.T) {
	_, c := newTarget(t, Options{})
	for i, tc := range []struct {
		in   string
		want bool
	}{{"False", false}, {"TRUE", true}, {"true", true}, {"false", false}} {
		r := c.do("POST", "/Users", userDoc(fmt.Sprint("x", i), map[string]any{"active": tc.in})).must(t, http.StatusCreated)
		if v, ok := r.body["active"].(bool); !ok || v != tc.want {
			t.Errorf("active %q stored as %#v, want %v", tc.in, r.body["active"], tc.want)
		}
	}
}

func TestDuplicateUserNameIsCaseInsensitive(t *testing.T) {
	_, c := newTarget(t, Options{})
	c.createUser("Alice@Example.com", nil)
	r := c.do("POST", "/Users", userDoc("alice@example.COM", nil)).wantError(t, http.StatusConflict, errUniqueness)
	if !strings.Contains(r.body["detail"].(string), "userName") {
		t.Errorf("detail should name the attribute: %v", r.body["detail"])
	}
	// externalId may repeat by default (uniqueness none).
	c.createUser("a", map[string]any{"externalId": "same"})
	c.createUser("b", map[string]any{"externalId": "same"})
}

func TestGetMissingUser(t *testing.T) {
	_, c := newTarget(t, Options{})
	c.do("GET", "/Users/does-not-exist", nil).wantError(t, http.StatusNotFound, "")
	c.do("DELETE", "/Users/does-not-exist", nil).wantError(t, http.StatusNotFound, "")
	c.do("PUT", "/Users/does-not-exist", userDoc("x", nil)).wantError(t, http.StatusNotFound, "")
	c.do("PATCH", "/Users/does-not-exist", patchBody(op("replace", "title", "x"))).wantError(t, http.StatusNotFound, "")
	c.do("GET", "/Devices", nil).wantError(t, http.StatusNotFound, "")
	c.do("DELETE", "/Users", nil).wantError(t, http.StatusMethodNotAllowed, "")
	c.do("GET", "/Me", nil).wantError(t, http.StatusNotImplemented, "")
}

func TestReplaceUser(t *testing.T) {
	var tick int64
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tg, c := newTarget(t, Options{Now: func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Second) }})
	id := c.createUser("alice", map[string]any{
		"title":    "Engineer",
		"nickName": "Al",
		"password": "pw1",
	})
	if err := tg.SetUserAttribute(id, "groups", []any{map[string]any{"value": "g1", "display": "Admins"}}); err != nil {
		t.Fatal(err)
	}
	created := get(c.do("GET", "/Users/"+id, nil).body, "meta.created")
	r := c.do("PUT", "/Users/"+id, map[string]any{
		"schemas":  []string{urnCoreUser},
		"id":       "ignored",
		"userName": "alice",
		"title":    "Manager",
		"groups":   []any{}, // readOnly: ignored, existing kept
	}).must(t, http.StatusOK)
	if get(r.body, "id") != id || get(r.body, "title") != "Manager" {
		t.Errorf("PUT result: %s", r.raw)
	}
	if get(r.body, "nickName") != nil {
		t.Errorf("omitted readWrite attribute must be cleared: %s", r.raw)
	}
	if get(r.body, "groups.0.value") != "g1" {
		t.Errorf("readOnly groups must be kept: %s", r.raw)
	}
	if get(r.body, "meta.version") != `W/"3"` || r.header.Get("ETag") != `W/"3"` {
		t.Errorf("version %v / %q, want W/\"3\"", get(r.body, "meta.version"), r.header.Get("ETag"))
	}
	if get(r.body, "meta.created") != created || get(r.body, "meta.lastModified") == created {
		t.Errorf("created %v lastModified %v", get(r.body, "meta.created"), get(r.body, "meta.lastModified"))
	}
	if u, _ := tg.GetUser(id); u["password"] != "pw1" {
		t.Errorf("omitted writeOnly password must be kept, got %v", u["password"])
	}
	// Same content again: no version bump.
	r2 := c.do("PUT", "/Users/"+id, map[string]any{"schemas": []string{urnCoreUser}, "userName": "alice", "title": "Manager"}).must(t, http.StatusOK)
	if get(r2.body, "meta.version") != `W/"3"` {
		t.Errorf("no-op PUT bumped version to %v", get(r2.body, "meta.version"))
	}
	// userName clash with another user.
	c.createUser("bob", nil)
	c.do("PUT", "/Users/"+id, userDoc("BOB", nil)).wantError(t, http.StatusConflict, errUniqueness)
	// Password change is refused without the changePassword capability,
	// resending the same password is fine.
	c.do("PUT", "/Users/"+id, userDoc("alice", map[string]any{"password": "pw2"})).wantError(t, http.StatusBadRequest, errMutability)
	c.do("PUT", "/Users/"+id, userDoc("alice", map[string]any{"password": "pw1"})).must(t, http.StatusOK)
	tg.SetCapabilities(func(c *Capabilities) { c.ChangePassword = true })
	c.do("PUT", "/Users/"+id, userDoc("alice", map[string]any{"password": "pw2"})).must(t, http.StatusOK)
	if u, _ := tg.GetUser(id); u["password"] != "pw2" {
		t.Errorf("password = %v, want pw2", u["password"])
	}
}

func TestDeleteUser(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id := c.createUser("alice", nil)
	r := c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("204 with body %q", r.raw)
	}
	c.do("GET", "/Users/"+id, nil).wantError(t, http.StatusNotFound, "")
	if len(tg.Users()) != 0 {
		t.Errorf("users left: %v", tg.Users())
	}
	// The userName is free again.
	c.createUser("alice", nil)
}

func TestListIsInCreationOrder(t *testing.T) {
	_, c := newTarget(t, Options{})
	for _, n := range []string{"zed", "amy", "mo"} {
		c.createUser(n, nil)
	}
	r := c.do("GET", "/Users", nil).must(t, http.StatusOK)
	if got := strings.Join(userNames(r), ","); got != "zed,amy,mo" {
		t.Errorf("order %s", got)
	}
	for path, want := range map[string]any{"totalResults": 3.0, "itemsPerPage": 3.0, "startIndex": 1.0, "schemas.0": urnListResponse} {
		if get(r.body, path) != want {
			t.Errorf("%s = %v, want %v", path, get(r.body, path), want)
		}
	}
	empty := c.do("GET", "/Users?filter="+urlq(`userName eq "nobody"`), nil).must(t, http.StatusOK)
	if l, ok := empty.body["Resources"].([]any); !ok || len(l) != 0 || get(empty.body, "totalResults") != 0.0 {
		t.Errorf("empty result should have Resources: []: %s", empty.raw)
	}
}
