package lifecycle

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// GroupCreate is a create of one group.
type GroupCreate struct {
	Desired Group
	// Adopt links the one existing group with AdoptBy's value
	// (displayName or externalId) instead of creating one.
	Adopt   bool
	AdoptBy string
}

// GroupCreateOutcome is what a group create did: POSTed a new group
// (Created, holding the members the POST carried), or found an existing
// one to link (Existing, with Reason). Either way the caller records it,
// then Applies the rest.
type GroupCreateOutcome struct {
	Created  Group
	Existing scim.Resource
	Reason   LinkReason
	// Linked is Existing as the desired group manages it (Linking).
	Linked Group
}

// Create makes the group, or finds the existing one to link:
//   - with Adopt, the one group with AdoptBy's value (several are an
//     *AmbiguousMatchError; none creates);
//   - on an app whose group names need not be unique, a group of the same
//     name is looked for first, since no 409 would reveal it: linked by
//     the rule below, a *ConflictError otherwise;
//   - a POST whose outcome is unknown is followed by a lookup before any
//     new POST: one match made by this create is linked, none creates
//     again;
//   - a conflict (409) looks up the group with the same name (or
//     externalId) and decides as above.
//
// Linking without adoption happens only when the group already is what
// the create would make, but for members still to add: the same name, the
// same externalId, no member to remove. That is the re-run after a crash
// or an interrupt that killed the apply which made the group.
func (gs *Groups) Create(ctx context.Context, req GroupCreate) (GroupCreateOutcome, error) {
	desired := req.Desired
	doing := fmt.Sprintf("Creating the group %q", desired.DisplayName)
	if req.Adopt {
		found, err := gs.FindForAdoption(ctx, req.AdoptBy, desired.AdoptionValue(req.AdoptBy), desired.ReadAttributes())
		if err != nil || found != nil {
			return gs.linked(desired, found, LinkAdopted), err
		}
	}
	if !gs.app.Settings.Discovery.GroupNamesUnique() {
		found, err := gs.findMatching(ctx, desired)
		switch {
		case err != nil && !cannotFilter(err):
			return GroupCreateOutcome{}, &AppError{Doing: fmt.Sprintf("Looking for an existing group named %q before creating it", desired.DisplayName), Err: err}
		case len(found) > 0:
			return gs.decideExisting(req, found, doing, nil)
		}
		// An app that cannot filter its groups is created in as before:
		// what it cannot find, nothing can.
	}
	doc, created := gs.createDocument(desired)
	groups := gs.app.Client.Groups()
	started := time.Now()
	res, err := groups.Create(ctx, doc)
	if UnknownOutcome(err) {
		found, made, lerr := settleUnknown(ctx, doing, err, started, func(ctx context.Context) ([]scim.Resource, error) {
			return gs.findMatching(ctx, desired)
		})
		switch {
		case lerr != nil:
			return GroupCreateOutcome{}, lerr
		case found != nil && made:
			return gs.linked(desired, found, LinkAfterUnknownOutcome), nil
		case found != nil:
			return gs.decideExisting(req, []scim.Resource{found}, doing, err)
		}
		res, err = groups.Create(ctx, doc)
	}
	switch {
	case err == nil:
		created.ID = res.ID()
		return GroupCreateOutcome{Created: created}, nil
	case gs.app.Settings.Vendor.IsConflict(err):
		found, lerr := gs.findMatching(ctx, desired)
		if lerr != nil {
			return GroupCreateOutcome{}, &ConflictError{Kind: ConflictLookupFailed, Doing: doing, Cause: err, LookupErr: lerr, Identifiers: desired.identifiers()}
		}
		return gs.decideExisting(req, found, doing, err)
	default:
		return GroupCreateOutcome{}, &AppError{Doing: doing, Err: err}
	}
}

// createDocument is the POST body, with at most the app's member cap
// (memberCap) of the members, and the group as that
// POST creates it.
func (gs *Groups) createDocument(desired Group) (scim.Resource, Group) {
	doc := scim.Resource{"displayName": desired.DisplayName}
	if desired.ExternalID != nil {
		doc["externalId"] = *desired.ExternalID
	}
	created := desired
	if desired.ManageMembers {
		created.Members = desired.Members[:min(len(desired.Members), gs.memberCap())]
		if len(created.Members) > 0 {
			doc["members"] = memberValues(created.Members)
		}
	}
	return doc, created
}

func (gs *Groups) linked(desired Group, found scim.Resource, reason LinkReason) GroupCreateOutcome {
	if found == nil {
		return GroupCreateOutcome{}
	}
	return GroupCreateOutcome{Existing: found, Reason: reason, Linked: desired.Linking(found)}
}

// findMatching returns the groups with desired's name or, when it manages
// one, its externalId, each once.
func (gs *Groups) findMatching(ctx context.Context, desired Group) ([]scim.Resource, error) {
	return findEach(ctx, gs.app.Client.Groups().Collection, GroupLookupAttributes, desired.AdoptionValue,
		scim.ReadOptions{Attributes: desired.ReadAttributes()})
}

// decideExisting is the rule for groups that stand in the way of a
// create: one is linked with Adopt, or when linking it loses nothing;
// anything else is a *ConflictError that says so.
func (gs *Groups) decideExisting(req GroupCreate, found []scim.Resource, doing string, cause error) (GroupCreateOutcome, error) {
	conflict := func(kind ConflictKind, changes []string) error {
		return &ConflictError{Kind: kind, Doing: doing, Cause: cause, Found: found, Identifiers: req.Desired.identifiers(), Changes: changes}
	}
	switch {
	case len(found) == 0:
		return GroupCreateOutcome{}, conflict(ConflictNotVisible, nil)
	case len(found) > 1:
		return GroupCreateOutcome{}, conflict(ConflictSeveral, nil)
	case req.Adopt:
		return gs.linked(req.Desired, found[0], LinkAdoptedOnConflict), nil
	}
	out := gs.linked(req.Desired, found[0], LinkMatching)
	if changes := linkChanges(out.Linked, req.Desired); len(changes) > 0 {
		return GroupCreateOutcome{}, conflict(ConflictGroupDiffers, changes)
	}
	return out, nil
}

// linkChanges are what linking actual as desired would change beyond
// adding members: the name (even its letter case), the externalId, members
// removed. A group that the create itself made, before a crash or an
// interrupt stopped it adding the rest of its members, has none.
func linkChanges(actual, desired Group) []string {
	var lines []string
	for _, l := range GroupOverwrites(actual, desired) {
		if !strings.HasPrefix(l, membersAddedPrefix) {
			lines = append(lines, l)
		}
	}
	return lines
}

// identifiers names what groups are looked up by: `displayName "Admins"
// or externalId "g-1"`.
func (g Group) identifiers() string { return identifiersOf(GroupLookupAttributes, g.AdoptionValue) }

// settleGrace is how long the lookup that settles an unknown outcome may
// take once Terraform has stopped the provider or the operation's time is
// up: long enough for one lookup, so what the write made reaches state.
const settleGrace = 10 * time.Second

// settling is the context of that lookup: ctx, or, when ctx is already
// done, one that lasts settleGrace.
func settling(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), settleGrace)
}

// cannotFilter reports an app that refuses the lookup's filter itself
// (400 invalidFilter, 501), rather than failing to answer it.
func cannotFilter(err error) bool {
	e, ok := scim.AsError(err)
	return ok && (e.Status == 501 || (e.Status == 400 && strings.EqualFold(e.ScimType, "invalidFilter")))
}
