package scimtarget

import (
	"net/http"
	"reflect"
	"testing"
)

// TestSalesforcePersonality drives the salesforce personality over HTTP
// as a provisioning client would.
func TestSalesforcePersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "salesforce", BearerTokens: []string{"00D-token"}})

	// Discovery under the SCIM 1.1 name, as Salesforce documents it.
	for _, p := range []string{"/ServiceProviderConfigs", "/ServiceProviderConfig"} {
		r := c.do("GET", p, nil).must(t, http.StatusOK)
		if get(r.body, "filter.maxResults") != float64(200) || get(r.body, "sort.supported") != false || get(r.body, "etag.supported") != false ||
			get(r.body, "changePassword.supported") != true || get(r.body, "bulk.supported") != false || get(r.body, "authenticationSchemes.0.type") != "oauth2" {
			t.Errorf("%s: %s", p, r.raw)
		}
	}

	// An ordinary user; userName comes back lower-cased.
	r := c.do("POST", "/Users", userDoc("scimUser@mycompany.com", map[string]any{
		"externalId": "ext-1",
		"name":       map[string]any{"givenName": "Scim", "familyName": "User"},
		"emails":     []any{map[string]any{"value": "scimUser@mycompany.com", "type": "work", "primary": true}},
	})).must(t, http.StatusCreated)
	id, _ := r.body["id"].(string)
	if r.body["userName"] != "scimuser@mycompany.com" || r.header.Get("ETag") != "" {
		t.Errorf("create: %s", r.raw)
	}
	if r := c.filter(`userName eq "SCIMUSER@mycompany.com"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{id}) {
		t.Errorf("filter: %s", r.raw)
	}
	c.do("POST", "/Users", userDoc("SCIMUSER@MYCOMPANY.COM", nil)).wantError(t, http.StatusConflict, errUniqueness)
	c.do("PUT", "/Users/"+id, userDoc("scimUser@mycompany.com", map[string]any{"title": "Engineer"})).must(t, http.StatusOK)
	if r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "", map[string]any{"active": false}))).must(t, http.StatusOK); r.body["active"] != false {
		t.Errorf("deactivate: %s", r.raw)
	}
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "", map[string]any{"active": true}))).must(t, http.StatusOK)

	// DELETE deactivates: status only, the user still readable.
	r = c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("DELETE body %s", r.raw)
	}
	r = c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
	if r.body["active"] != false || r.body["title"] != "Engineer" {
		t.Errorf("after DELETE: %s", r.raw)
	}
	if r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "", map[string]any{"active": true}))).must(t, http.StatusOK); r.body["active"] != true {
		t.Errorf("reactivate: %s", r.raw)
	}

	// Groups (public groups) exist already; they are read and updated,
	// never created or deleted.
	c.do("POST", "/Groups", groupDoc("Sales")).wantError(t, http.StatusMethodNotAllowed, "")
	gid, err := tg.AddGroup(map[string]any{"displayName": "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	c.do("DELETE", "/Groups/"+gid, nil).wantError(t, http.StatusMethodNotAllowed, "")
	other := c.createUser("other@mycompany.com", nil)
	// Members added in Salesforce's nested form, and in the standard one.
	r = c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", map[string]any{"members": []any{map[string]any{"value": id}}}))).must(t, http.StatusOK)
	if !reflect.DeepEqual(memberValues(r.body), []string{id}) {
		t.Errorf("nested add: %s", r.raw)
	}
	c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": other}}))).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+id+`"]`, nil))).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(gid); !reflect.DeepEqual(got, []string{other}) {
		t.Errorf("members %v", got)
	}
	r = c.do("GET", "/Groups/"+gid, nil).must(t, http.StatusOK)
	if r.body["displayName"] != "Sales" || !reflect.DeepEqual(memberValues(r.body), []string{other}) {
		t.Errorf("group: %s", r.raw)
	}
	c.do("PUT", "/Groups/"+gid, groupDoc("Sales EMEA", other)).must(t, http.StatusOK)
	if r := c.listQuery("/Groups", `displayName eq "Sales EMEA"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{gid}) {
		t.Errorf("group list: %s", r.raw)
	}
}
