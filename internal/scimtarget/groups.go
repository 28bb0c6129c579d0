package scimtarget

import (
	"net/http"
	"sort"
	"strings"
)

// Groups (RFC 7643 §4.2) are a resource type like Users, served by the same
// generic code; what is particular to them lives here:
//
//   - members: each value must be the id of a User or Group of this target
//     (400 invalidValue otherwise); a value is listed once (adding a member
//     twice keeps one element); "type" is filled in ("User" or "Group")
//     when the client leaves it out.
//   - the users' "groups" attribute (readOnly) is maintained by the target
//     from the groups' members: direct memberships only, each with the
//     group's id, displayName and type "direct". It is part of the stored
//     user, so filters (groups.value eq "..."), projection and reads see it,
//     but changing it does not change the user's version or lastModified.
//   - deleting a user or a group removes it from every group it was a member
//     of (those groups get a new version).

const (
	resourceUser  = "User"
	resourceGroup = "Group"
)

// normalizeGroup lists each member once (the first element for a value
// wins) and drops an empty members list.
func normalizeGroup(doc map[string]any) {
	members, ok := doc["members"].([]any)
	if !ok {
		return
	}
	seen := map[string]bool{}
	out := make([]any, 0, len(members))
	for _, m := range members {
		e, _ := m.(map[string]any)
		v, _ := e["value"].(string)
		if v != "" {
			if seen[v] {
				continue
			}
			seen[v] = true
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		delete(doc, "members")
		return
	}
	doc["members"] = out
}

// checkMembersLocked validates a group's members against the store and
// fills in each member's type. self is the group's own id ("" on create).
// t.mu must be held.
func (t *Target) checkMembersLocked(rt *resourceType, doc map[string]any, self string) error {
	if rt.Name != resourceGroup {
		return nil
	}
	members, _ := doc["members"].([]any)
	users, groups := t.registry().resourceTypeByName(resourceUser), t.registry().resourceTypeByName(resourceGroup)
	for _, m := range members {
		e, _ := m.(map[string]any)
		v, _ := e["value"].(string)
		var kind string
		switch {
		case v == "":
			return badRequest(errInvalidValue, "a member of a group needs a value, the id of a User or Group")
		case v == self && self != "":
			return badRequest(errInvalidValue, "a group cannot be a member of itself")
		case t.store.get(users, v) != nil:
			kind = resourceUser
		case t.store.get(groups, v) != nil:
			kind = resourceGroup
		default:
			return unknownMemberError(t.opts.Quirks, v)
		}
		if typ, _ := e["type"].(string); typ == "" {
			e["type"] = kind
		} else if !strings.EqualFold(typ, kind) {
			return badRequest(errInvalidValue, "member %q is a %s, not a %s", v, kind, typ)
		}
	}
	return nil
}

// membershipsChangedLocked brings every user's "groups" up to date after a
// write of rt. t.mu must be held.
func (t *Target) membershipsChangedLocked(rt *resourceType) {
	if rt.Name != resourceGroup {
		return
	}
	t.syncUserGroupsLocked()
}

// syncUserGroupsLocked recomputes the users' "groups" from the groups'
// members. t.mu must be held.
func (t *Target) syncUserGroupsLocked() {
	reg := t.registry()
	users, groups := reg.resourceTypeByName(resourceUser), reg.resourceTypeByName(resourceGroup)
	if users == nil || groups == nil {
		return
	}
	byUser := map[string][]any{}
	for _, g := range t.store.list(groups) {
		members, _ := g.doc["members"].([]any)
		display, _ := g.doc["displayName"].(string)
		for _, m := range members {
			e, _ := m.(map[string]any)
			if typ, _ := e["type"].(string); typ != resourceUser {
				continue
			}
			v, _ := e["value"].(string)
			ref := map[string]any{"value": g.id, "type": "direct"}
			if display != "" {
				ref["display"] = display
			}
			byUser[v] = append(byUser[v], ref)
		}
	}
	for _, u := range t.store.list(users) {
		refs := byUser[u.id]
		if len(refs) == 0 {
			delete(u.doc, "groups")
			continue
		}
		sort.Slice(refs, func(i, j int) bool {
			return refs[i].(map[string]any)["value"].(string) < refs[j].(map[string]any)["value"].(string)
		})
		u.doc["groups"] = refs
	}
}

// removeLocked deletes a resource and, for users and groups, removes it
// from the members of every group. It reports whether the resource existed.
// t.mu must be held.
func (t *Target) removeLocked(rt *resourceType, id string) bool {
	if !t.store.remove(rt, id) {
		return false
	}
	if rt.Name != resourceUser && rt.Name != resourceGroup {
		return true
	}
	groups := t.registry().resourceTypeByName(resourceGroup)
	if groups == nil {
		return true
	}
	for _, g := range t.store.list(groups) {
		members, _ := g.doc["members"].([]any)
		kept := make([]any, 0, len(members))
		for _, m := range members {
			if e, _ := m.(map[string]any); e["value"] == id {
				continue
			}
			kept = append(kept, m)
		}
		if len(kept) == len(members) {
			continue
		}
		if len(kept) == 0 {
			delete(g.doc, "members")
		} else {
			g.doc["members"] = kept
		}
		g.version++
		g.lastModified = t.now()
	}
	t.syncUserGroupsLocked()
	return true
}

// errMemberNotFound is the answer to an out-of-band edit of a member that
// the group does not have.
func errMemberNotFound(group, member string) error {
	return newError(http.StatusNotFound, "", "group %q has no member %q", group, member)
}
