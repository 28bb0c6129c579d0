package scim

import (
	"context"
	"net/http"
	"slices"
)

// Groups (RFC 7643 §4.2) go through the same operations as users: POST,
// GET, PUT, PATCH and DELETE on /Groups, listings paged by totalResults,
// refreshes from a batched listing (GetFromListing, in batch.go). Writes
// mark the group as read by itself from then on.

// GroupCollection is /Groups: a Collection that can also tell whether a
// group holds a member.
type GroupCollection struct{ *Collection }

// MaxMemberChangesPerRequest bounds the member values one PATCH carries:
// apps cap request sizes (several at 100 or 1,000 values), so a large
// change is split into several requests.
const MaxMemberChangesPerRequest = 100

// MemberPatches turns a change of a group's members into PATCH requests
// (each a list of operations) that name only the members that change: a
// group of 10,000 members gaining two and losing one sends three values,
// never the whole list. Each request carries at most perRequest values
// (MaxMemberChangesPerRequest when 0): one "add" of the new members, and
// one "remove" per departing member with the value filter of RFC 7644
// §3.5.2.2 (members[value eq "..."]). With filteredPaths false, for apps
// that refuse filtered PATCH paths, a removal is instead an operation on
// "members" with the values to remove, the form those apps accept.
func MemberPatches(add, remove []string, perRequest int, filteredPaths bool) [][]PatchOp {
	if perRequest <= 0 {
		perRequest = MaxMemberChangesPerRequest
	}
	var out [][]PatchOp
	for len(add) > 0 || len(remove) > 0 {
		budget := perRequest
		var ops []PatchOp
		if n := min(len(remove), budget); n > 0 {
			if filteredPaths {
				for _, id := range remove[:n] {
					ops = append(ops, PatchOp{Op: PatchRemove, Path: "members[value eq " + quoteFilterValue(id) + "]"})
				}
			} else {
				ops = append(ops, PatchOp{Op: PatchRemove, Path: "members", Value: memberValues(remove[:n])})
			}
			remove, budget = remove[n:], budget-n
		}
		if n := min(len(add), budget); n > 0 {
			ops = append(ops, PatchOp{Op: PatchAdd, Path: "members", Value: memberValues(add[:n])})
			add = add[n:]
		}
		out = append(out, ops)
	}
	return out
}

func memberValues(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id}
	}
	return out
}

// GroupMemberIDs returns the values of a group's members, in the order the
// app lists them.
func GroupMemberIDs(group Resource) []string {
	v, _ := lookupFold(group, "members")
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, m := range list {
		if e, ok := m.(map[string]any); ok {
			if id, ok := lookupFold(e, "value"); ok {
				if s, ok := id.(string); ok && s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// HasMember asks the app whether the group holds the member: first with a
// filter that returns at most the one group (cheap however large the group
// is), and, when that finds nothing or the app's filters cannot express it
// (400, 403, 501), by reading the group's members, which also tells a
// deleted group (groupExists false) from a removed member.
func (g *GroupCollection) HasMember(ctx context.Context, groupID, memberID string) (groupExists, member bool, err error) {
	filter := EqFilter("id", groupID) + " and " + EqFilter("members.value", memberID)
	found, err := g.List(ctx, ListOptions{Filter: filter, Attributes: []string{"id"}, Limit: 1})
	if err == nil && len(found.Resources) > 0 {
		return true, true, nil
	}
	if e, ok := AsError(err); err != nil && (!ok || (e.Status != http.StatusBadRequest && e.Status != http.StatusNotImplemented && e.Status != http.StatusForbidden)) {
		return false, false, err
	}
	group, err := g.Get(ctx, groupID, ReadOptions{Attributes: []string{"members"}})
	if IsNotFound(err) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, slices.Contains(GroupMemberIDs(group), memberID), nil
}
