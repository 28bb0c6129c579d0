package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

func TestMemberPatches(t *testing.T) {
	add := []string{"a1", "a2", "a3"}
	remove := []string{"r1", "r2"}
	got := MemberPatches(add, remove, 0, true)
	want := [][]PatchOp{{
		{Op: PatchRemove, Path: `members[value eq "r1"]`},
		{Op: PatchRemove, Path: `members[value eq "r2"]`},
		{Op: PatchAdd, Path: "members", Value: []any{map[string]any{"value": "a1"}, map[string]any{"value": "a2"}, map[string]any{"value": "a3"}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MemberPatches = %#v", got)
	}
	// Split so that no request carries more than perRequest values.
	got = MemberPatches(add, remove, 2, false)
	want = [][]PatchOp{
		{{Op: PatchRemove, Path: "members", Value: []any{map[string]any{"value": "r1"}, map[string]any{"value": "r2"}}}},
		{{Op: PatchAdd, Path: "members", Value: []any{map[string]any{"value": "a1"}, map[string]any{"value": "a2"}}}},
		{{Op: PatchAdd, Path: "members", Value: []any{map[string]any{"value": "a3"}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MemberPatches split = %#v", got)
	}
	if got := MemberPatches(nil, nil, 0, true); got != nil {
		t.Errorf("no change gave %v", got)
	}
	for _, ops := range MemberPatches(add, remove, 1, true) {
		if err := validateOps(ops); err != nil {
			t.Error(err)
		}
	}
}

// The group operations against the local target, and a group of 10,000
// members changed by three: the requests carry those three values only.
func TestGroupsAgainstTarget(t *testing.T) {
	tg, srv := scimtarget.NewTestServer(t, scimtarget.Options{})
	c := newTestClient(t, scimtarget.BaseURL(srv))
	ctx := context.Background()
	var ids []string
	for i := range 10000 {
		id, err := tg.AddUser(map[string]any{"userName": fmt.Sprintf("u%05d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	g, err := c.Groups().Create(ctx, Resource{"displayName": "Everyone", "externalId": "all", "members": memberValues(ids[:9998])})
	if err != nil {
		t.Fatal(err)
	}
	if g.ID() == "" || len(GroupMemberIDs(g)) != 9998 {
		t.Fatalf("created group: id %q, %d members", g.ID(), len(GroupMemberIDs(g)))
	}
	found, err := c.Groups().Find(ctx, "displayName", "everyone", ReadOptions{Attributes: []string{"displayName", "externalId"}})
	if err != nil || len(found) != 1 || found[0].ID() != g.ID() || found[0]["members"] != nil {
		t.Fatalf("Groups().Find = %v, %v", found, err)
	}

	tg.ResetRequests()
	for _, ops := range MemberPatches(ids[9998:], ids[:1], 0, true) {
		if _, err := c.Groups().Patch(ctx, g.ID(), ops, WriteOptions{Attributes: []string{"displayName"}}); err != nil {
			t.Fatal(err)
		}
	}
	values := 0
	for _, r := range tg.Requests() {
		if r.Method != http.MethodPatch {
			continue
		}
		var body PatchRequest
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, op := range body.Operations {
			if list, ok := op.Value.([]any); ok {
				values += len(list)
			} else {
				values++
			}
		}
	}
	if values != 3 {
		t.Errorf("the change of 3 members sent %d member values", values)
	}
	members, _ := tg.GroupMembers(g.ID())
	if len(members) != 9999 || members[0] != ids[1] {
		t.Errorf("%d members after the change, first %s", len(members), members[0])
	}

	got, err := c.Groups().Get(ctx, g.ID(), ReadOptions{Attributes: []string{"displayName", "members"}})
	if err != nil || len(GroupMemberIDs(got)) != 9999 {
		t.Fatalf("Groups().Get: %d members, %v", len(GroupMemberIDs(got)), err)
	}
	if _, err := c.Groups().Replace(ctx, g.ID(), Resource{"displayName": "All staff"}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Groups().Delete(ctx, g.ID(), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups().Get(ctx, g.ID(), ReadOptions{}); !IsNotFound(err) {
		t.Errorf("Groups().Get after delete: %v", err)
	}
	if err := c.Groups().Delete(ctx, "", WriteOptions{}); err == nil {
		t.Error("Groups().Delete with an empty id did not fail")
	}
}

// Refreshing many groups whose members are not managed costs a few listing
// pages; with members, each group is read by itself; a group this client
// wrote is read by itself.
func TestGroupsGetFromListing(t *testing.T) {
	tg, srv := scimtarget.NewTestServer(t, scimtarget.Options{})
	c := newTestClient(t, scimtarget.BaseURL(srv))
	ctx := context.Background()
	if _, err := c.Discover(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 300 {
		id, err := tg.AddGroup(map[string]any{"displayName": fmt.Sprintf("team-%03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	tg.ResetRequests()
	attrs := []string{"displayName", "externalId"}
	for _, id := range ids {
		g, err := c.Groups().GetFromListing(ctx, id, ReadOptions{Attributes: attrs})
		if err != nil || g.ID() != id {
			t.Fatalf("Groups().GetFromListing(%s) = %v, %v", id, g, err)
		}
	}
	if n := len(tg.Requests()); n > 10 {
		t.Errorf("refreshing 300 groups took %d requests", n)
	}
	if _, err := c.Groups().Patch(ctx, ids[0], []PatchOp{{Op: PatchReplace, Path: "displayName", Value: "renamed"}}, WriteOptions{Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	if g, err := c.Groups().GetFromListing(ctx, ids[0], ReadOptions{Attributes: attrs}); err != nil || g["displayName"] != "renamed" {
		t.Errorf("Groups().GetFromListing after this client's PATCH = %v, %v", g, err)
	}
	tg.ResetRequests()
	for _, id := range ids[:5] {
		if _, err := c.Groups().GetFromListing(ctx, id, ReadOptions{Attributes: []string{"displayName", "members"}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := tg.Count(http.MethodGet, "/Groups/*"); n != 5 {
		t.Errorf("5 reads with members made %d GETs of single groups", n)
	}
}

func TestGroupsHasMember(t *testing.T) {
	tg, srv := scimtarget.NewTestServer(t, scimtarget.Options{})
	c := newTestClient(t, scimtarget.BaseURL(srv))
	ctx := context.Background()
	alice, _ := tg.AddUser(map[string]any{"userName": "alice@example.com"})
	bob, _ := tg.AddUser(map[string]any{"userName": "bob@example.com"})
	g, err := tg.AddGroup(map[string]any{"displayName": "Ops", "members": []any{map[string]any{"value": alice}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id             string
		exists, member bool
	}{{alice, true, true}, {bob, true, false}} {
		exists, member, err := c.Groups().HasMember(ctx, g, tc.id)
		if err != nil || exists != tc.exists || member != tc.member {
			t.Errorf("Groups().HasMember(%s) = %v, %v, %v", tc.id, exists, member, err)
		}
	}
	if err := tg.DeleteGroup(g); err != nil {
		t.Fatal(err)
	}
	if exists, member, err := c.Groups().HasMember(ctx, g, alice); err != nil || exists || member {
		t.Errorf("Groups().HasMember of a deleted group = %v, %v, %v", exists, member, err)
	}
}
