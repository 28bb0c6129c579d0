package lifecycle

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// GroupLookupAttributes are what an existing group can be adopted by.
var GroupLookupAttributes = []string{"displayName", "externalId"}

// Groups are the groups of one app.
type Groups struct{ app *App }

// Groups is the app's groups.
func (a *App) Groups() *Groups { return &Groups{app: a} }

// App is the app the groups live in.
func (gs *Groups) App() *App { return gs.app }

// Group is a group as Terraform manages it: its name, its externalId
// (nil: not managed) and, when ManageMembers, exactly its members.
type Group struct {
	ID            string
	DisplayName   string
	ExternalID    *string
	ManageMembers bool
	Members       []string
}

// ReadAttributes are what a read of the group asks for: members only when
// they are managed, so a large group that Terraform only names costs a
// small answer.
func (g Group) ReadAttributes() []string {
	attrs := []string{"displayName", "externalId"}
	if g.ManageMembers {
		attrs = append(attrs, "members")
	}
	return attrs
}

// Observed is g as the app holds it in res, for what g manages: a name
// that differs only in case is kept in g's spelling (displayName compares
// case-insensitively, RFC 7643 §4.2), members keep g's order where they
// are the same.
func (g Group) Observed(res scim.Resource) Group {
	out := g
	if dn, ok := res["displayName"].(string); ok && !strings.EqualFold(dn, g.DisplayName) {
		out.DisplayName = dn
	}
	if g.ExternalID != nil {
		out.ExternalID = nil
		if ext, _ := res["externalId"].(string); ext != "" {
			out.ExternalID = &ext
		}
	}
	if g.ManageMembers {
		out.Members = InPriorOrder(g.Members, scim.GroupMemberIDs(res))
	}
	return out
}

// Observed is g as the app holds it in res (Group.Observed), with g's own
// members where the app never tells a group's members (its vendor's
// GroupMembersUnreadable): they are what Terraform last wrote, and a
// change made in the app cannot be seen.
func (gs *Groups) Observed(g Group, res scim.Resource) Group {
	out := g.Observed(res)
	if v := gs.app.Settings.Vendor; v != nil && v.GroupMembersUnreadable {
		out.Members = g.Members
	}
	return out
}

// FindForAdoption looks up the one group whose by (displayName or
// externalId) is value: nil when there is none, an *AmbiguousMatchError
// when there are several, a *MissingLookupValueError when value is empty.
func (gs *Groups) FindForAdoption(ctx context.Context, by, value string, attributes []string) (scim.Resource, error) {
	if value == "" {
		return nil, &MissingLookupValueError{By: by}
	}
	found, err := gs.app.Client.Groups().Find(ctx, by, value, scim.ReadOptions{Attributes: attributes})
	if err != nil {
		return nil, &AppError{Doing: fmt.Sprintf("Looking up the group with %s %q", by, value), Err: err}
	}
	return exactlyOne(found, by, value)
}

// AdoptionValue is what a group is looked up by when adopting by `by`.
func (g Group) AdoptionValue(by string) string {
	if by == "externalId" {
		if g.ExternalID == nil {
			return ""
		}
		return *g.ExternalID
	}
	return g.DisplayName
}

// ReadCurrent reads what the group holds of attributes now, before an
// update that starts managing them (or after an import).
func (gs *Groups) ReadCurrent(ctx context.Context, id string, attributes []string) (scim.Resource, error) {
	res, err := gs.app.Client.Groups().Get(ctx, id, scim.ReadOptions{Attributes: attributes})
	if err != nil {
		return nil, &AppError{Doing: fmt.Sprintf("Reading the group %s before updating it", id), Err: err}
	}
	return res, nil
}

// Apply brings the group from actual to desired: the name and externalId,
// then the members that change, in as many requests as their number needs
// (a PUT of the whole group where the app has no PATCH). When one of
// several requests fails, the caller keeps what it recorded before the
// change: the next refresh reads what the app holds, and the next apply
// sends what is still missing.
func (gs *Groups) Apply(ctx context.Context, actual, desired Group) error {
	doing := fmt.Sprintf("Updating the group %q (%s)", desired.DisplayName, gs.app.GroupLocation(desired.ID))
	var attrOps []scim.PatchOp
	if desired.DisplayName != actual.DisplayName {
		attrOps = append(attrOps, scim.PatchOp{Op: scim.PatchReplace, Path: "displayName", Value: desired.DisplayName})
	}
	if desired.ExternalID != nil && (actual.ExternalID == nil || *desired.ExternalID != *actual.ExternalID) {
		attrOps = append(attrOps, scim.PatchOp{Op: scim.PatchReplace, Path: "externalId", Value: *desired.ExternalID})
	}
	var add, remove []string
	if desired.ManageMembers {
		add, remove = Difference(desired.Members, actual.Members), Difference(actual.Members, desired.Members)
	}
	if len(attrOps) == 0 && len(add) == 0 && len(remove) == 0 {
		return nil
	}
	if !gs.app.Settings.UsePatch {
		return gs.replaceWhole(ctx, desired, doing)
	}
	return gs.patchMembers(ctx, desired.ID, attrOps, add, remove, doing)
}

// patchMembers sends attrOps and the member changes in PATCHes of at most
// the app's member cap (memberCap) each. A PATCH the app answers 413
// (Payload Too Large: Miro beyond a size) is sent again as two of half
// its members, down to one member a request; what was sent before stays
// done.
func (gs *Groups) patchMembers(ctx context.Context, id string, attrOps []scim.PatchOp, add, remove []string, doing string) error {
	perRequest := gs.memberCap()
	if v := gs.app.Settings.Vendor; v != nil && v.MaxGroupPatchOperations > 0 && len(attrOps) > 0 &&
		len(attrOps)+min(len(add)+len(remove), 1) > v.MaxGroupPatchOperations {
		// The names first, in PATCHes of the app's size, then the members.
		for len(attrOps) > 0 {
			n := min(len(attrOps), v.MaxGroupPatchOperations)
			if _, err := gs.app.Client.Groups().Patch(ctx, id, attrOps[:n], scim.WriteOptions{Attributes: []string{"id"}}); err != nil {
				return &AppError{Doing: doing, Err: err}
			}
			attrOps = attrOps[n:]
		}
	}
	for {
		nRemove := min(len(remove), perRequest)
		nAdd := min(len(add), perRequest-nRemove)
		ops := slices.Clone(attrOps)
		if batches := scim.MemberPatches(add[:nAdd], remove[:nRemove], perRequest, gs.app.Settings.FilteredPaths); len(batches) > 0 {
			ops = append(ops, batches[0]...)
		}
		if len(ops) == 0 {
			return nil
		}
		_, err := gs.app.Client.Groups().Patch(ctx, id, gs.app.Settings.Vendor.shapeMemberOps(ops), scim.WriteOptions{Attributes: []string{"id"}})
		if e, ok := scim.AsError(err); ok && e.Status == http.StatusRequestEntityTooLarge && nAdd+nRemove > 1 {
			perRequest = max(1, (nAdd+nRemove)/2)
			continue
		}
		if err != nil {
			return &AppError{Doing: doing, Err: err}
		}
		add, remove, attrOps = add[nAdd:], remove[nRemove:], nil
	}
}

// memberCap is how many member values one request may carry in this app:
// its vendor's documented cap, else scim.MaxMemberChangesPerRequest.
func (gs *Groups) memberCap() int {
	if v := gs.app.Settings.Vendor; v != nil && v.MaxMemberChanges > 0 {
		return v.MaxMemberChanges
	}
	return scim.MaxMemberChangesPerRequest
}

// replaceWhole is the update for apps without PATCH: read the group, set
// the managed attributes, PUT it back with everything else as it was.
func (gs *Groups) replaceWhole(ctx context.Context, desired Group, doing string) error {
	groups := gs.app.Client.Groups()
	res, err := groups.Get(ctx, desired.ID, scim.ReadOptions{})
	if err != nil {
		return &AppError{Doing: doing, Err: err}
	}
	delete(res, "meta")
	res["displayName"] = desired.DisplayName
	if desired.ExternalID != nil {
		res["externalId"] = *desired.ExternalID
	}
	if desired.ManageMembers {
		var members []any
		if len(desired.Members) > 0 {
			members = memberValues(desired.Members)
		}
		res["members"] = members
	}
	if _, err := groups.Replace(ctx, desired.ID, res, scim.WriteOptions{}); err != nil {
		return &AppError{Doing: doing, Err: err}
	}
	return nil
}

// Deprovision deletes the group (Delete; one already gone counts as
// deleted) or leaves it (Abandon).
func (gs *Groups) Deprovision(ctx context.Context, g Group, mode string) error {
	if mode == Abandon {
		return nil
	}
	err := gs.app.Client.Groups().Delete(ctx, g.ID, scim.WriteOptions{})
	if err != nil && !scim.IsNotFound(err) {
		return &AppError{Doing: fmt.Sprintf("Deleting the group %q (%s)", g.DisplayName, gs.app.GroupLocation(g.ID)), Err: err}
	}
	return nil
}

// PreviewAdoption looks up the group a create with adoption by `by` will
// link, as FindForAdoption does: nil when none will be (no match, or the
// lookup failed); an *AmbiguousMatchError when several match and a
// *MissingLookupValueError when there is no value to look up by.
func (gs *Groups) PreviewAdoption(ctx context.Context, by string, desired Group) (*Preview, error) {
	value := desired.AdoptionValue(by)
	found, err := gs.FindForAdoption(ctx, by, value, desired.ReadAttributes())
	if found == nil {
		return nil, previewed(err)
	}
	return &Preview{Existing: found, By: by, Value: value, Overwrites: GroupOverwrites(desired.Linking(found), desired)}, nil
}

// Linking is found, an existing group that adopting links, as g manages
// it: its id, what g manages, and its name exactly as the app spells it,
// since linking brings even a difference of case to g's spelling.
func (g Group) Linking(found scim.Resource) Group {
	out := g.Observed(found)
	out.ID = found.ID()
	if dn, ok := found["displayName"].(string); ok {
		out.DisplayName = dn
	}
	return out
}

// GroupOverwrites are the lines that say what bringing a group from
// actual to desired changes: its name, its externalId, and each member
// added or removed, by id.
func GroupOverwrites(actual, desired Group) []string {
	var lines []string
	if actual.DisplayName != desired.DisplayName {
		lines = append(lines, fmt.Sprintf("displayName: %q -> %q", actual.DisplayName, desired.DisplayName))
	}
	if desired.ExternalID != nil && (actual.ExternalID == nil || *actual.ExternalID != *desired.ExternalID) {
		lines = append(lines, fmt.Sprintf("externalId: %s -> %q", QuotedOr(actual.ExternalID, "unset"), *desired.ExternalID))
	}
	if desired.ManageMembers {
		if removed := Difference(actual.Members, desired.Members); len(removed) > 0 {
			lines = append(lines, "members removed: "+strings.Join(removed, ", "))
		}
		if added := Difference(desired.Members, actual.Members); len(added) > 0 {
			lines = append(lines, membersAddedPrefix+strings.Join(added, ", "))
		}
	}
	return lines
}

const membersAddedPrefix = "members added: "

func memberValues(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id}
	}
	return out
}

// InPriorOrder returns actual ordered as prior where they share members
// (prior's order first, then the members prior lacks, in the app's order),
// so that a refresh that finds the same members changes nothing and one
// that finds others shows just those.
func InPriorOrder(prior, actual []string) []string {
	in := make(map[string]bool, len(actual))
	for _, a := range actual {
		in[a] = true
	}
	out := make([]string, 0, len(actual))
	seen := make(map[string]bool, len(actual))
	for _, p := range prior {
		if in[p] && !seen[p] {
			out = append(out, p)
			seen[p] = true
		}
	}
	for _, a := range actual {
		if !seen[a] {
			out = append(out, a)
			seen[a] = true
		}
	}
	return out
}

// SameMembers reports whether a and b hold the same ids, in any order.
func SameMembers(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := make(map[string]int, len(a))
	for _, x := range a {
		count[x]++
	}
	for _, x := range b {
		if count[x]--; count[x] < 0 {
			return false
		}
	}
	return true
}

// Difference returns the elements of a not in b, in a's order.
func Difference(a, b []string) []string {
	inB := make(map[string]bool, len(b))
	for _, x := range b {
		inB[x] = true
	}
	var out []string
	for _, x := range a {
		if !inB[x] {
			out = append(out, x)
		}
	}
	return out
}

// Membership is one account's membership of a group Terraform does not
// own: it is added and removed by itself, other members left alone.
type Membership struct {
	GroupID, MemberID string
}

func (gs *Groups) describe(m Membership) string {
	return fmt.Sprintf("%s in the group %s", m.MemberID, gs.app.GroupLocation(m.GroupID))
}

// AddMember PATCHes the member into the group.
func (gs *Groups) AddMember(ctx context.Context, m Membership) error {
	return gs.patchMember(ctx, m, "Adding ", []string{m.MemberID}, nil)
}

// RemoveMember PATCHes the member out of the group; a group already gone
// counts as done.
func (gs *Groups) RemoveMember(ctx context.Context, m Membership) error {
	err := gs.patchMember(ctx, m, "Removing ", nil, []string{m.MemberID})
	if scim.IsNotFound(err) {
		return nil
	}
	return err
}

func (gs *Groups) patchMember(ctx context.Context, m Membership, doing string, add, remove []string) error {
	ops := gs.app.Settings.Vendor.shapeMemberOps(scim.MemberPatches(add, remove, gs.memberCap(), gs.app.Settings.FilteredPaths)[0])
	if _, err := gs.app.Client.Groups().Patch(ctx, m.GroupID, ops, scim.WriteOptions{Attributes: []string{"id"}}); err != nil {
		return &AppError{Doing: doing + gs.describe(m), Err: err}
	}
	return nil
}

// MembershipState is what the app says of a membership.
type MembershipState int

const (
	// MemberPresent: the group holds the member.
	MemberPresent MembershipState = iota
	// MemberRemoved: the group exists without the member.
	MemberRemoved
	// GroupGone: the group no longer exists.
	GroupGone
)

// ReadMembership asks the app whether the group holds the member.
func (gs *Groups) ReadMembership(ctx context.Context, m Membership) (MembershipState, error) {
	if v := gs.app.Settings.Vendor; v != nil && v.GroupMembersUnreadable {
		// The app never tells a group's members: only the group's
		// existence can be read, and the membership Terraform made is
		// taken as it was made.
		_, err := gs.app.Client.Groups().Get(ctx, m.GroupID, scim.ReadOptions{Attributes: []string{"id"}})
		switch {
		case scim.IsNotFound(err):
			return GroupGone, nil
		case err != nil:
			return 0, &AppError{Doing: "Reading the group of " + gs.describe(m), Err: err}
		}
		return MemberPresent, nil
	}
	exists, member, err := gs.app.Client.Groups().HasMember(ctx, m.GroupID, m.MemberID)
	switch {
	case err != nil:
		return 0, &AppError{Doing: "Reading the membership of " + gs.describe(m), Err: err}
	case !exists:
		return GroupGone, nil
	case !member:
		return MemberRemoved, nil
	default:
		return MemberPresent, nil
	}
}
