package scimtarget

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

const urnCoreGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"

func groupDoc(displayName string, members ...string) map[string]any {
	d := map[string]any{"schemas": []string{urnCoreGroup}, "displayName": displayName}
	if len(members) > 0 {
		var ms []any
		for _, m := range members {
			ms = append(ms, map[string]any{"value": m})
		}
		d["members"] = ms
	}
	return d
}

func (c *client) createGroup(displayName string, members ...string) string {
	c.t.Helper()
	r := c.do("POST", "/Groups", groupDoc(displayName, members...)).must(c.t, http.StatusCreated)
	id, _ := r.body["id"].(string)
	if id == "" {
		c.t.Fatalf("no id in %s", r.raw)
	}
	return id
}

func memberValues(doc any) []string {
	out := []string{}
	ms, _ := get(doc, "members").([]any)
	for _, m := range ms {
		v, _ := get(m, "value").(string)
		out = append(out, v)
	}
	return out
}

func groupValues(doc any) []string {
	out := []string{}
	gs, _ := get(doc, "groups").([]any)
	for _, g := range gs {
		v, _ := get(g, "value").(string)
		out = append(out, v)
	}
	return out
}

func TestGroupLifecycle(t *testing.T) {
	tg, c := newTarget(t, Options{})
	alice := c.createUser("alice@example.com", nil)
	bob := c.createUser("bob@example.com", nil)

	r := c.do("POST", "/Groups", groupDoc("Engineering", alice, alice)).must(t, http.StatusCreated)
	g, _ := r.body["id"].(string)
	if got := memberValues(r.body); !reflect.DeepEqual(got, []string{alice}) {
		t.Errorf("members after a create naming alice twice = %v", got)
	}
	if get(r.body, "members.0.type") != "User" || get(r.body, "meta.resourceType") != "Group" || r.header.Get("Location") != c.base+"/Groups/"+g {
		t.Errorf("created group: %s", r.raw)
	}
	u := c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK)
	if got := groupValues(u.body); !reflect.DeepEqual(got, []string{g}) || get(u.body, "groups.0.display") != "Engineering" || get(u.body, "groups.0.type") != "direct" {
		t.Errorf("alice's groups = %s", u.raw)
	}
	if get(u.body, "meta.version") != `W/"1"` {
		t.Errorf("a membership changed alice's version: %v", get(u.body, "meta.version"))
	}

	// PATCH adds and removes only what it names.
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": bob}, map[string]any{"value": alice}}))).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{alice, bob}) {
		t.Errorf("members after add = %v", got)
	}
	c.do("PATCH", "/Groups/"+g, patchBody(op("remove", fmt.Sprintf("members[value eq %q]", alice), nil))).must(t, http.StatusOK)
	if got, _ := tg.GroupMembers(g); !reflect.DeepEqual(got, []string{bob}) {
		t.Errorf("members after remove = %v", got)
	}
	if got := groupValues(c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK).body); len(got) != 0 {
		t.Errorf("alice's groups after her removal = %v", got)
	}

	// Filters on displayName and members.value.
	q := url.Values{"filter": {fmt.Sprintf("members.value eq %q", bob)}}
	if l := resources(c.do("GET", "/Groups?"+q.Encode(), nil).must(t, http.StatusOK)); len(l) != 1 {
		t.Errorf("groups with bob: %v", l)
	}
	q = url.Values{"filter": {`displayName eq "engineering"`}}
	if l := resources(c.do("GET", "/Groups?"+q.Encode(), nil).must(t, http.StatusOK)); len(l) != 1 {
		t.Errorf("displayName eq, case-insensitively: %v", l)
	}
	q = url.Values{"filter": {fmt.Sprintf("groups.value eq %q", g)}}
	if names := userNames(c.do("GET", "/Users?"+q.Encode(), nil).must(t, http.StatusOK)); !reflect.DeepEqual(names, []string{"bob@example.com"}) {
		t.Errorf("users in the group: %v", names)
	}
	q = url.Values{"excludedAttributes": {"members"}}
	if l := resources(c.do("GET", "/Groups/"+g+"?"+q.Encode(), nil).must(t, http.StatusOK)); l != nil {
		t.Errorf("unexpected list: %v", l)
	}
	if r := c.do("GET", "/Groups/"+g+"?"+q.Encode(), nil).must(t, http.StatusOK); get(r.body, "members") != nil {
		t.Errorf("excludedAttributes=members still returned members: %s", r.raw)
	}

	// A user deleted in the app leaves every group.
	c.do("DELETE", "/Users/"+bob, nil).must(t, http.StatusNoContent)
	gr := c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK)
	if got := memberValues(gr.body); len(got) != 0 {
		t.Errorf("members after bob's deletion = %v", got)
	}
	if gr.header.Get("ETag") == `W/"3"` {
		t.Errorf("the group's version did not change with its members")
	}

	// Deleting the group removes it from its members' groups.
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": alice}}))).must(t, http.StatusOK)
	c.do("DELETE", "/Groups/"+g, nil).must(t, http.StatusNoContent)
	if got := groupValues(c.do("GET", "/Users/"+alice, nil).must(t, http.StatusOK).body); len(got) != 0 {
		t.Errorf("alice's groups after the group's deletion = %v", got)
	}
	c.do("GET", "/Groups/"+g, nil).must(t, http.StatusNotFound)
}

func TestGroupMembersMustExist(t *testing.T) {
	_, c := newTarget(t, Options{})
	alice := c.createUser("alice@example.com", nil)
	c.do("POST", "/Groups", groupDoc("Ghosts", "no-such-id")).wantError(t, http.StatusBadRequest, "invalidValue")
	g := c.createGroup("Engineering", alice)
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": g}}))).wantError(t, http.StatusBadRequest, "invalidValue")
	bob := c.createUser("bob@example.com", nil)
	c.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": bob, "type": "Group"}}))).wantError(t, http.StatusBadRequest, "invalidValue")
	// A group may hold another group.
	outer := c.createGroup("Everyone", g)
	r := c.do("GET", "/Groups/"+outer, nil).must(t, http.StatusOK)
	if get(r.body, "members.0.type") != "Group" {
		t.Errorf("nested group member: %s", r.raw)
	}
	c.do("DELETE", "/Groups/"+g, nil).must(t, http.StatusNoContent)
	if got := memberValues(c.do("GET", "/Groups/"+outer, nil).must(t, http.StatusOK).body); len(got) != 0 {
		t.Errorf("a deleted group is still a member: %v", got)
	}
}

func TestGroupOutOfBandEdits(t *testing.T) {
	tg, c := newTarget(t, Options{})
	alice := c.createUser("alice@example.com", nil)
	bob := c.createUser("bob@example.com", nil)
	g, err := tg.AddGroup(map[string]any{"displayName": "Sales", "members": []any{map[string]any{"value": alice}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.AddGroupMember(g, bob); err != nil {
		t.Fatal(err)
	}
	if err := tg.RemoveGroupMember(g, alice); err != nil {
		t.Fatal(err)
	}
	if err := tg.RemoveGroupMember(g, alice); err == nil {
		t.Error("removing a member the group does not have succeeded")
	}
	if err := tg.RenameGroup(g, "Sales EMEA"); err != nil {
		t.Fatal(err)
	}
	r := c.do("GET", "/Groups/"+g, nil).must(t, http.StatusOK)
	if get(r.body, "displayName") != "Sales EMEA" || !reflect.DeepEqual(memberValues(r.body), []string{bob}) || r.header.Get("ETag") != `W/"4"` {
		t.Errorf("after the edits: %s (ETag %s)", r.raw, r.header.Get("ETag"))
	}
	if got := get(c.do("GET", "/Users/"+bob, nil).must(t, http.StatusOK).body, "groups.0.display"); got != "Sales EMEA" {
		t.Errorf("bob's group display after the rename = %v", got)
	}
	if err := tg.DeleteGroup(g); err != nil {
		t.Fatal(err)
	}
	if len(tg.Groups()) != 0 {
		t.Errorf("groups after DeleteGroup: %v", tg.Groups())
	}
	if _, ok := tg.GetGroup(g); ok {
		t.Error("GetGroup found a deleted group")
	}
}

// A group of 10,000 members changing by a few: the PATCH names only those.
func TestLargeGroupPatch(t *testing.T) {
	tg, c := newTarget(t, Options{})
	var ids []string
	for i := range 10000 {
		id, err := tg.AddUser(map[string]any{"userName": fmt.Sprintf("u%05d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	g, err := tg.AddGroup(map[string]any{"displayName": "All", "members": func() []any {
		var ms []any
		for _, id := range ids[:9998] {
			ms = append(ms, map[string]any{"value": id})
		}
		return ms
	}()})
	if err != nil {
		t.Fatal(err)
	}
	c.do("PATCH", "/Groups/"+g, patchBody(
		op("add", "members", []any{map[string]any{"value": ids[9998]}, map[string]any{"value": ids[9999]}}),
		op("remove", fmt.Sprintf("members[value eq %q]", ids[0]), nil),
	)).must(t, http.StatusOK)
	members, _ := tg.GroupMembers(g)
	if len(members) != 9999 || members[0] != ids[1] || members[len(members)-1] != ids[9999] {
		t.Errorf("%d members, first %s, last %s", len(members), members[0], members[len(members)-1])
	}
}

func TestControlGroups(t *testing.T) {
	tg, c := newTarget(t, Options{})
	alice := c.createUser("alice@example.com", nil)
	r := c.do("POST", "/_control/groups", map[string]any{"displayName": "Ops"}).must(t, http.StatusCreated)
	g, _ := r.body["id"].(string)
	c.do("POST", "/_control/groups/"+g+"/members", map[string]any{"value": alice}).must(t, http.StatusOK)
	c.do("PATCH", "/_control/groups/"+g, map[string]any{"displayName": "Operations"}).must(t, http.StatusOK)
	r = c.do("GET", "/_control/groups?displayName=operations", nil).must(t, http.StatusOK)
	if get(r.body, "id") != g || !reflect.DeepEqual(memberValues(r.body), []string{alice}) {
		t.Errorf("after add and rename: %s", r.raw)
	}
	c.do("DELETE", "/_control/groups/"+g+"/members/"+alice, nil).must(t, http.StatusOK)
	c.do("DELETE", "/_control/groups/"+g+"/members/"+alice, nil).must(t, http.StatusNotFound)
	c.do("DELETE", "/_control/groups/"+g, nil).must(t, http.StatusNoContent)
	if len(tg.Groups()) != 0 || len(tg.Requests()) != 1 {
		t.Errorf("groups %v; requests recorded %d (only the user's POST)", tg.Groups(), len(tg.Requests()))
	}
}
