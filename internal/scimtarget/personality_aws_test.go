package scimtarget

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// awsUser is a user IAM Identity Center accepts: given, family and display
// name, and one primary email.
func awsUser(userName string) map[string]any {
	return userDoc(userName, map[string]any{
		"name":        map[string]any{"givenName": "Given " + userName, "familyName": "Family"},
		"displayName": "Display " + userName,
		"emails":      []any{map[string]any{"value": userName + "@example.com", "type": "work", "primary": true}},
	})
}

// wantAWSError asserts an error the way IAM Identity Center is reported to
// answer: the status as a string, the URN under "schema", no scimType,
// Content-Type application/json.
func wantAWSError(t *testing.T, r response, status int) {
	t.Helper()
	r.must(t, status)
	schema, _ := r.body["schema"].([]any)
	if len(schema) != 1 || schema[0] != urnError || r.body["schemas"] != nil || r.body["scimType"] != nil || r.body["status"] != fmt.Sprint(status) {
		t.Errorf("error body: %s", r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type %q", ct)
	}
}

// TestAWSIdentityCenterPersonality drives the aws_identity_center
// personality over HTTP as a provisioning client would.
func TestAWSIdentityCenterPersonality(t *testing.T) {
	tg, c := newTarget(t, Options{Personality: "aws_identity_center", BearerTokens: []string{"aws-token"}})

	// Discovery says what the personality does.
	spc := c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)
	if get(spc.body, "bulk.supported") != false || get(spc.body, "sort.supported") != false || get(spc.body, "etag.supported") != false ||
		get(spc.body, "patch.supported") != true || get(spc.body, "filter.maxResults") != float64(100) ||
		get(spc.body, "authenticationSchemes.0.type") != "oauthbearertoken" {
		t.Errorf("ServiceProviderConfig: %s", spc.raw)
	}
	if ct := spc.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	c.do("POST", "/Bulk", map[string]any{"schemas": []string{urnBulkRequest}, "Operations": []any{}}).must(t, http.StatusNotImplemented)

	// Users: 250 of them, created the way the guide requires.
	var users []string
	for i := 1; i <= 250; i++ {
		r := c.do("POST", "/Users", awsUser(fmt.Sprintf("user%03d", i))).must(t, http.StatusCreated)
		id, _ := r.body["id"].(string)
		if i == 1 && (get(r.body, "meta.version") != nil || get(r.body, "meta.location") != nil || r.header.Get("ETag") != "") {
			t.Errorf("user carries version or location: %s", r.raw)
		}
		users = append(users, id)
	}

	// Cursor paging through them, 100 at a time.
	var names []string
	var pageSizes []int
	for cursor, first := "", true; first || cursor != ""; first = false {
		r := c.listQuery("/Users", "", "cursor="+cursor).must(t, http.StatusOK)
		if r.body["totalResults"] != nil || r.body["startIndex"] != nil {
			t.Errorf("cursor page in index form: %v", r.body["totalResults"])
		}
		pageSizes = append(pageSizes, len(resources(r)))
		names = append(names, userNames(r)...)
		cursor, _ = r.body["nextCursor"].(string)
		if len(pageSizes) > 5 {
			t.Fatal("paging does not end")
		}
	}
	if !reflect.DeepEqual(pageSizes, []int{100, 100, 50}) || len(names) != 250 || names[0] != "user001" || names[100] != "user101" || names[249] != "user250" {
		t.Errorf("pages %v, %d names", pageSizes, len(names))
	}
	if r := c.listQuery("/Users", "", "cursor=", "count=30").must(t, http.StatusOK); len(resources(r)) != 30 {
		t.Errorf("count=30 gave %d", len(resources(r)))
	}
	wantAWSError(t, c.listQuery("/Users", "", "cursor=", "count=101"), http.StatusBadRequest)
	wantAWSError(t, c.listQuery("/Users", "", "cursor=bogus"), http.StatusBadRequest)

	// Without a cursor: one page of 100, startIndex, attributes and
	// excludedAttributes ignored.
	r := c.listQuery("/Users", "", "startIndex=101", "attributes=userName", "excludedAttributes=emails").must(t, http.StatusOK)
	if get(r.body, "startIndex") != float64(1) || get(r.body, "totalResults") != float64(250) || len(resources(r)) != 100 ||
		userNames(r)[0] != "user001" || get(resources(r)[0], "emails") == nil || get(resources(r)[0], "displayName") == nil {
		t.Errorf("index form: startIndex %v total %v items %d", get(r.body, "startIndex"), get(r.body, "totalResults"), len(resources(r)))
	}

	// Filters: eq on the listed attributes only.
	if r := c.filter(`userName eq "user007"`).must(t, http.StatusOK); !reflect.DeepEqual(userNames(r), []string{"user007"}) {
		t.Errorf("userName filter: %s", r.raw)
	}
	for _, f := range []string{`userName eq "user001" or userName eq "user002"`, `userName co "user"`, `displayName eq "x"`, `emails.value eq "user001@example.com"`} {
		wantAWSError(t, c.filter(f), http.StatusBadRequest)
	}

	// Users the guide refuses.
	twoEmails := awsUser("two")
	twoEmails["emails"] = []any{
		map[string]any{"value": "a@example.com", "primary": true},
		map[string]any{"value": "b@example.com"},
	}
	wantAWSError(t, c.do("POST", "/Users", twoEmails), http.StatusBadRequest)
	noGiven := awsUser("nogiven")
	noGiven["name"] = map[string]any{"familyName": "Family"}
	wantAWSError(t, c.do("POST", "/Users", noGiven), http.StatusBadRequest)
	noDisplay := awsUser("nodisplay")
	delete(noDisplay, "displayName")
	wantAWSError(t, c.do("POST", "/Users", noDisplay), http.StatusBadRequest)
	notPrimary := awsUser("notprimary")
	notPrimary["emails"] = []any{map[string]any{"value": "n@example.com"}}
	wantAWSError(t, c.do("POST", "/Users", notPrimary), http.StatusBadRequest)
	wantAWSError(t, c.do("POST", "/Users", awsUser("user001")), http.StatusConflict)
	if len(tg.Users()) != 250 {
		t.Fatalf("%d users", len(tg.Users()))
	}
	// PatchUser answers 200 with the user; PutUser exists.
	if r := c.do("PATCH", "/Users/"+users[0], patchBody(op("replace", "title", "Boss"))).must(t, http.StatusOK); r.body["title"] != "Boss" {
		t.Errorf("PatchUser: %s", r.raw)
	}
	c.do("PUT", "/Users/"+users[0], awsUser("user001")).must(t, http.StatusOK)
	wantAWSError(t, c.do("POST", "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}}), http.StatusNotImplemented)

	// Groups: members are written but never shown.
	u1, u2, u3 := users[0], users[1], users[2]
	r = c.do("POST", "/Groups", groupDoc("Engineering", u1, u2)).must(t, http.StatusCreated)
	g1, _ := r.body["id"].(string)
	g2 := c.createGroup("Operations", u1)
	if got, _ := tg.GroupMembers(g1); !reflect.DeepEqual(got, []string{u1, u2}) {
		t.Fatalf("members stored: %v", got)
	}
	for _, r := range []response{r, c.do("GET", "/Groups/"+g1, nil).must(t, http.StatusOK)} {
		if m, ok := r.body["members"].([]any); !ok || len(m) != 0 {
			t.Errorf("group shows members: %s", r.raw)
		}
	}
	r = c.do("GET", "/Groups", nil).must(t, http.StatusOK)
	for _, g := range resources(r) {
		if m, ok := get(g, "members").([]any); !ok || len(m) != 0 {
			t.Errorf("listed group shows members: %v", g)
		}
	}
	wantAWSError(t, c.do("POST", "/Groups", groupDoc("engineering")), http.StatusConflict)

	// Membership is read through member filters.
	member := func(f string) []string {
		t.Helper()
		return ids(c.listQuery("/Groups", f).must(t, http.StatusOK))
	}
	if got := member(`id eq "` + g1 + `" and members eq "` + u1 + `"`); !reflect.DeepEqual(got, []string{g1}) {
		t.Errorf("u1 in g1: %v", got)
	}
	if got := member(`members eq "` + u1 + `" and id eq "` + g1 + `"`); !reflect.DeepEqual(got, []string{g1}) {
		t.Errorf("u1 in g1, reversed: %v", got)
	}
	if got := member(`id eq "` + g1 + `" and members eq "` + u3 + `"`); len(got) != 0 {
		t.Errorf("u3 in g1: %v", got)
	}
	if got := member(`members eq "` + u1 + `"`); !reflect.DeepEqual(got, []string{g1, g2}) {
		t.Errorf("u1's groups: %v", got)
	}
	if got := member(`members.value eq "` + u2 + `"`); !reflect.DeepEqual(got, []string{g1}) {
		t.Errorf("u2's groups: %v", got)
	}
	if got := member(`displayName eq "Operations"`); !reflect.DeepEqual(got, []string{g2}) {
		t.Errorf("by displayName: %v", got)
	}
	wantAWSError(t, c.listQuery("/Groups", `members eq "no-such-user"`), http.StatusNotFound)
	wantAWSError(t, c.listQuery("/Groups", `id eq "`+g1+`" and members eq "no-such-user"`), http.StatusNotFound)
	wantAWSError(t, c.listQuery("/Groups", `displayName eq "Operations" or displayName eq "Engineering"`), http.StatusBadRequest)

	// PatchGroup answers 204.
	r = c.do("PATCH", "/Groups/"+g1, patchBody(op("add", "members", []any{map[string]any{"value": u3}}))).must(t, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("204 with body %s", r.raw)
	}
	if got := member(`id eq "` + g1 + `" and members eq "` + u3 + `"`); !reflect.DeepEqual(got, []string{g1}) {
		t.Errorf("u3 added: %v", got)
	}
	c.do("PATCH", "/Groups/"+g1, patchBody(op("replace", "", map[string]any{"displayName": "Engineering EU"}))).must(t, http.StatusNoContent)
	// ListUsers filters on groups.value too.
	if r := c.filter(`groups.value eq "`+g1+`"`).must(t, http.StatusOK); !reflect.DeepEqual(ids(r), []string{u1, u2, u3}) {
		t.Errorf("users of g1: %s", r.raw)
	}

	// At most 100 members on create and 100 member changes per PATCH.
	values := func(ids []string) []any {
		var out []any
		for _, id := range ids {
			out = append(out, map[string]any{"value": id})
		}
		return out
	}
	wantAWSError(t, c.do("POST", "/Groups", groupDoc("Too big", users[:101]...)), http.StatusBadRequest)
	big := c.createGroup("Big", users[:100]...)
	wantAWSError(t, c.do("PATCH", "/Groups/"+g2, patchBody(op("add", "members", values(users[100:201])))), http.StatusBadRequest)
	wantAWSError(t, c.do("PATCH", "/Groups/"+g2, patchBody(
		op("add", "members", values(users[100:150])),
		op("add", "members", values(users[150:201])),
	)), http.StatusBadRequest)
	c.do("PATCH", "/Groups/"+g2, patchBody(op("add", "members", values(users[100:200])))).must(t, http.StatusNoContent)
	if got, _ := tg.GroupMembers(g2); len(got) != 101 {
		t.Errorf("g2 has %d members", len(got))
	}

	// No replace or remove of all members.
	wantAWSError(t, c.do("PATCH", "/Groups/"+big, patchBody(op("replace", "members", values(users[:1])))), http.StatusBadRequest)
	wantAWSError(t, c.do("PATCH", "/Groups/"+big, patchBody(op("remove", "members", nil))), http.StatusBadRequest)
	if got, _ := tg.GroupMembers(big); len(got) != 100 {
		t.Errorf("big has %d members", len(got))
	}
	c.do("PATCH", "/Groups/"+big, patchBody(op("remove", `members[value eq "`+users[0]+`"]`, nil))).must(t, http.StatusNoContent)

	// No PutGroup.
	c.do("PUT", "/Groups/"+g1, groupDoc("Engineering")).must(t, http.StatusMethodNotAllowed)

	// Deleting works as in RFC 7644.
	c.do("DELETE", "/Groups/"+big, nil).must(t, http.StatusNoContent)
	c.do("DELETE", "/Users/"+users[249], nil).must(t, http.StatusNoContent)
	wantAWSError(t, c.do("GET", "/Users/"+users[249], nil), http.StatusNotFound)
	if d, _ := c.do("GET", "/Users/"+users[249], nil).body["detail"].(string); !strings.Contains(d, users[249]) {
		t.Errorf("404 detail %q", d)
	}
}
