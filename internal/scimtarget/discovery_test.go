package scimtarget

import (
	"net/http"
	"strings"
	"testing"
)

func TestServiceProviderConfig(t *testing.T) {
	_, c := newTarget(t, Options{BearerTokens: []string{"tok"}})
	r := c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != contentType {
		t.Errorf("Content-Type %q", ct)
	}
	for path, want := range map[string]any{
		"patch.supported":                 true,
		"bulk.supported":                  false,
		"filter.supported":                true,
		"filter.maxResults":               float64(200),
		"changePassword.supported":        false,
		"sort.supported":                  true,
		"etag.supported":                  true,
		"authenticationSchemes.0.type":    "oauthbearertoken",
		"authenticationSchemes.0.primary": true,
		"meta.resourceType":               "ServiceProviderConfig",
		"meta.location":                   c.base + "/ServiceProviderConfig",
		"schemas.0":                       urnSPConfig,
	} {
		if got := get(r.body, path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
}

func TestServiceProviderConfigFollowsCapabilities(t *testing.T) {
	tg, c := newTarget(t, Options{BasicUsers: map[string]string{"u": "p"}})
	tg.SetCapabilities(func(c *Capabilities) {
		c.Patch = false
		c.Bulk = true
		c.FilterMaxResults = 7
	})
	r := c.do("GET", "/ServiceProviderConfig", nil, "Authorization: Basic dTpw").must(t, http.StatusOK)
	if get(r.body, "patch.supported") != false || get(r.body, "bulk.supported") != true || get(r.body, "filter.maxResults") != float64(7) {
		t.Errorf("capabilities not reflected: %s", r.raw)
	}
	if get(r.body, "authenticationSchemes.0.type") != "httpbasic" {
		t.Errorf("auth scheme: %s", r.raw)
	}
}

func TestResourceTypes(t *testing.T) {
	_, c := newTarget(t, Options{})
	r := c.do("GET", "/ResourceTypes", nil).must(t, http.StatusOK)
	if get(r.body, "totalResults") != float64(2) || get(r.body, "schemas.0") != urnListResponse || get(r.body, "Resources.1.endpoint") != "/Groups" {
		t.Fatalf("list: %s", r.raw)
	}
	user := get(r.body, "Resources.0")
	for path, want := range map[string]any{
		"id":                          "User",
		"name":                        "User",
		"endpoint":                    "/Users",
		"schema":                      urnCoreUser,
		"schemaExtensions.0.schema":   urnEnterpriseUser,
		"schemaExtensions.0.required": false,
		"meta.location":               c.base + "/ResourceTypes/User",
		"meta.resourceType":           "ResourceType",
		"schemas.0":                   urnResourceType,
	} {
		if got := get(user, path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	one := c.do("GET", "/ResourceTypes/User", nil).must(t, http.StatusOK)
	if get(one.body, "endpoint") != "/Users" {
		t.Errorf("single: %s", one.raw)
	}
	c.do("GET", "/ResourceTypes/Nope", nil).wantError(t, http.StatusNotFound, "")
	c.do("GET", "/ResourceTypes?filter="+urlq(`name eq "User"`), nil).wantError(t, http.StatusForbidden, "")
}

func urlq(s string) string {
	return strings.NewReplacer(" ", "%20", `"`, "%22", "[", "%5B", "]", "%5D", "&", "%26", "+", "%2B").Replace(s)
}

// findAttrDoc finds an attribute definition in a schema document.
func findAttrDoc(schemaDoc any, name string) map[string]any {
	attrs, _ := get(schemaDoc, "attributes").([]any)
	for _, a := range attrs {
		if m, ok := a.(map[string]any); ok && m["name"] == name {
			return m
		}
	}
	return nil
}

// subAttrDoc finds a sub-attribute definition in an attribute definition.
func subAttrDoc(attrDoc map[string]any, name string) map[string]any {
	subs, _ := attrDoc["subAttributes"].([]any)
	for _, a := range subs {
		if m, ok := a.(map[string]any); ok && m["name"] == name {
			return m
		}
	}
	return nil
}

func TestSchemas(t *testing.T) {
	_, c := newTarget(t, Options{})
	r := c.do("GET", "/Schemas", nil).must(t, http.StatusOK)
	if get(r.body, "totalResults") != float64(3) {
		t.Fatalf("want 3 schemas: %s", r.raw)
	}
	// Core schemas first, then extensions.
	if get(r.body, "Resources.0.id") != urnCoreUser || get(r.body, "Resources.1.id") != urnCoreGroup || get(r.body, "Resources.2.id") != urnEnterpriseUser {
		t.Errorf("order/ids: %v %v %v", get(r.body, "Resources.0.id"), get(r.body, "Resources.1.id"), get(r.body, "Resources.2.id"))
	}
	user := c.do("GET", "/Schemas/"+urnCoreUser, nil).must(t, http.StatusOK).body
	if get(user, "meta.location") != c.base+"/Schemas/"+urnCoreUser {
		t.Errorf("meta.location %v", get(user, "meta.location"))
	}
	checks := []struct {
		attr, key string
		want      any
	}{
		{"id", "mutability", "readOnly"},
		{"id", "returned", "always"},
		{"id", "caseExact", true},
		{"externalId", "caseExact", true},
		{"userName", "required", true},
		{"userName", "uniqueness", "server"},
		{"userName", "caseExact", false},
		{"password", "mutability", "writeOnly"},
		{"password", "returned", "never"},
		{"active", "type", "boolean"},
		{"emails", "multiValued", true},
		{"emails", "type", "complex"},
		{"groups", "mutability", "readOnly"},
		{"profileUrl", "type", "reference"},
		{"x509Certificates", "multiValued", true},
	}
	for _, ck := range checks {
		a := findAttrDoc(user, ck.attr)
		if a == nil {
			t.Errorf("attribute %s missing", ck.attr)
			continue
		}
		if a[ck.key] != ck.want {
			t.Errorf("%s.%s = %v, want %v", ck.attr, ck.key, a[ck.key], ck.want)
		}
	}
	name := findAttrDoc(user, "name")
	var subs []string
	for _, s := range name["subAttributes"].([]any) {
		subs = append(subs, s.(map[string]any)["name"].(string))
	}
	if strings.Join(subs, ",") != "formatted,familyName,givenName,middleName,honorificPrefix,honorificSuffix" {
		t.Errorf("name sub-attributes %v", subs)
	}
	emailType := subAttrDoc(findAttrDoc(user, "emails"), "type")
	if cv, _ := emailType["canonicalValues"].([]any); len(cv) != 3 || cv[0] != "work" {
		t.Errorf("emails.type canonicalValues %v", emailType["canonicalValues"])
	}

	ent := c.do("GET", "/Schemas/"+urnEnterpriseUser, nil).must(t, http.StatusOK).body
	for _, n := range []string{"employeeNumber", "costCenter", "organization", "division", "department", "manager"} {
		if findAttrDoc(ent, n) == nil {
			t.Errorf("enterprise attribute %s missing", n)
		}
	}
	if m := subAttrDoc(findAttrDoc(ent, "manager"), "displayName"); m == nil || m["mutability"] != "readOnly" {
		t.Errorf("manager.displayName must be readOnly: %v", m)
	}
	c.do("GET", "/Schemas/urn:nope", nil).wantError(t, http.StatusNotFound, "")
}

func TestDiscoveryAuthentication(t *testing.T) {
	for _, public := range []bool{false, true} {
		_, c := newTarget(t, Options{BearerTokens: []string{"tok"}, PublicDiscovery: public})
		c.token = ""
		want := http.StatusUnauthorized
		if public {
			want = http.StatusOK
		}
		for _, p := range []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"} {
			if r := c.do("GET", p, nil); r.status != want {
				t.Errorf("public=%v %s: %d, want %d", public, p, r.status, want)
			}
		}
		// Users are always protected.
		c.do("GET", "/Users", nil).wantError(t, http.StatusUnauthorized, "")
	}
}
