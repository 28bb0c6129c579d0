package scimtarget

import (
	"fmt"
	"strconv"
)

// Out-of-band edits of groups, as an administrator would make them in the
// application's UI: the membership drift and renames the provider must
// notice. Like the user edits, each bumps the group's meta.version once.

func (t *Target) groupType() *resourceType { return t.registry().resourceTypeByName(resourceGroup) }

// AddGroup creates a group as if someone had created it in the application.
// doc is a SCIM Group representation ("displayName", "members" with
// "value"s, optionally "externalId" and "id"); "schemas" may be omitted.
func (t *Target) AddGroup(doc map[string]any) (string, error) {
	return t.addResource(t.groupType(), doc)
}

// GetGroup returns the group's full representation.
func (t *Target) GetGroup(id string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.groupType()
	res := t.store.get(rt, id)
	if res == nil {
		return nil, false
	}
	return t.renderAdmin(rt, res, ""), true
}

// Groups returns all groups in creation order.
func (t *Target) Groups() []map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.groupType()
	out := []map[string]any{}
	for _, r := range t.store.list(rt) {
		out = append(out, t.renderAdmin(rt, r, ""))
	}
	return out
}

// GroupMembers returns the member ids of a group, in the group's order.
func (t *Target) GroupMembers(id string) ([]string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	res := t.store.get(t.groupType(), id)
	if res == nil {
		return nil, fmt.Errorf("scimtarget: %w", notFound("Group %q not found", id))
	}
	members, _ := res.doc["members"].([]any)
	out := make([]string, 0, len(members))
	for _, m := range members {
		e, _ := m.(map[string]any)
		v, _ := e["value"].(string)
		out = append(out, v)
	}
	return out, nil
}

// AddGroupMember adds a user or group to a group behind the client's back.
func (t *Target) AddGroupMember(groupID, memberID string) error {
	_, err := t.editResource(t.groupType(), groupID, []patchOp{{
		op: "add", path: "members", value: []any{map[string]any{"value": memberID}}, hasValue: true,
	}})
	return err
}

// RemoveGroupMember removes a member from a group behind the client's back.
func (t *Target) RemoveGroupMember(groupID, memberID string) error {
	members, err := t.GroupMembers(groupID)
	if err != nil {
		return err
	}
	found := false
	for _, m := range members {
		found = found || m == memberID
	}
	if !found {
		return fmt.Errorf("scimtarget: %w", errMemberNotFound(groupID, memberID))
	}
	_, err = t.editResource(t.groupType(), groupID, []patchOp{{
		op: "remove", path: "members[value eq " + strconv.Quote(memberID) + "]",
	}})
	return err
}

// RenameGroup changes a group's displayName behind the client's back.
func (t *Target) RenameGroup(id, displayName string) error {
	_, err := t.editResource(t.groupType(), id, []patchOp{{
		op: "replace", path: "displayName", value: displayName, hasValue: true,
	}})
	return err
}

// DeleteGroup deletes a group out of band; its members' "groups" follow.
func (t *Target) DeleteGroup(id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.groupType()
	if !t.removeLocked(rt, id) {
		return fmt.Errorf("scimtarget: %w", notFound("Group %q not found", id))
	}
	return nil
}
