package scimtarget

import (
	"net/http"
	"reflect"
	"testing"
)

// atlassianUser is a user with one work email.
func atlassianUser(userName, email string) map[string]any {
	return userDoc(userName, map[string]any{
		"displayName": "Display " + userName,
		"emails":      []any{map[string]any{"value": email, "type": "work", "primary": true}},
	})
}

// TestAtlassianPersonality drives the atlassian personality over HTTP as
// a provisioning client would.
func TestAtlassianPersonality(t *testing.T) {
	_, c := newTarget(t, Options{Personality: "atlassian", BearerTokens: []string{"directory-api-key"}})

	if r := c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK); get(r.body, "sort.supported") != false {
		t.Errorf("ServiceProviderConfig: %s", r.raw)
	}

	// An ordinary user: created, read, changed, deactivated.
	r := c.do("POST", "/Users", atlassianUser("alice", "alice@example.com")).must(t, http.StatusCreated)
	alice, _ := r.body["id"].(string)
	c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	c.do("PUT", "/Users/"+alice, atlassianUser("alice", "alice@example.com")).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "title", "Engineer"), op("replace", "active", false))).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+alice, patchBody(op("replace", "active", true))).must(t, http.StatusOK)

	// A user needs an email, and an email belongs to one user.
	c.do("POST", "/Users", userDoc("noemail", nil)).wantError(t, http.StatusBadRequest, errInvalidValue)
	r = c.do("POST", "/Users", atlassianUser("alice2", "Alice@Example.com")).wantError(t, http.StatusConflict, errUniqueness)
	if r.body["detail"] != "Resource [USER]: with email[Alice@Example.com] already exists." {
		t.Errorf("409 detail %v", r.body["detail"])
	}
	bob := c.createUser("bob", map[string]any{"emails": []any{map[string]any{"value": "bob@example.com"}}})
	c.do("PATCH", "/Users/"+bob, patchBody(op("add", "emails", []any{map[string]any{"value": "alice@example.com", "type": "home"}}))).wantError(t, http.StatusConflict, errUniqueness)
	r = c.do("PUT", "/Users/"+bob, atlassianUser("bob", "alice@example.com")).wantError(t, http.StatusConflict, errUniqueness)
	if r.body["detail"] != "Resource [USER]: with email[alice@example.com] already exists." {
		t.Errorf("409 detail on PUT %v", r.body["detail"])
	}
	c.do("POST", "/Users", atlassianUser("alice", "other@example.com")).wantError(t, http.StatusConflict, errUniqueness)

	// One eq filter on userName or externalId; sortBy is ignored.
	c.do("PATCH", "/Users/"+bob, patchBody(op("replace", "externalId", "ext-bob"))).must(t, http.StatusOK)
	if r := c.filter(`externalId eq "ext-bob"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{bob}) {
		t.Errorf("externalId: %s", r.raw)
	}
	if r := c.filter(`userName eq "alice"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{alice}) {
		t.Errorf("userName: %s", r.raw)
	}
	for _, f := range []string{`displayName eq "Display alice"`, `userName eq "alice" or userName eq "bob"`, `userName sw "a"`, `emails.value eq "bob@example.com"`} {
		c.filter(f).wantError(t, http.StatusBadRequest, errInvalidFilter)
	}
	if r := c.listQuery("/Users", "", "sortBy=userName", "sortOrder=descending").must(t, http.StatusOK); !reflect.DeepEqual(userNames(r), []string{"alice", "bob"}) {
		t.Errorf("sortBy not ignored: %v", userNames(r))
	}

	// Groups: names are unique; reads return members.
	g := c.createGroup("Jira users", alice, bob)
	r = c.do("POST", "/Groups", groupDoc("jira users")).wantError(t, http.StatusConflict, errUniqueness)
	if r.body["detail"] != "Failed to create group of name jira users due to existing group with same name in organization" {
		t.Errorf("group 409 detail %v", r.body["detail"])
	}
	if r := c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK); !reflect.DeepEqual(memberValues(r.body), []string{alice, bob}) {
		t.Errorf("group: %s", r.raw)
	}
	if r := c.listQuery("/Groups", `displayName co "Jira"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{g}) {
		t.Errorf("group filters are not restricted: %s", r.raw)
	}
	c.do("PATCH", "/Groups/"+g, patchBody(op("remove", `members[value eq "`+bob+`"]`, nil))).must(t, http.StatusOK)

	// DELETE removes the SCIM record; the email is free again.
	c.do("DELETE", "/Users/"+alice, nil).must(t, http.StatusNoContent)
	c.do("GET", "/Users/"+alice, nil).wantError(t, http.StatusNotFound, "")
	c.do("POST", "/Users", atlassianUser("alice", "alice@example.com")).must(t, http.StatusCreated)
}
