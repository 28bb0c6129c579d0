package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// AccountCreate is a create of one account.
type AccountCreate struct {
	// Values are the desired managed values by attribute path.
	Values map[string]string
	Active bool
	// Adopt links the one existing account with AdoptBy's value instead
	// of creating one.
	Adopt   bool
	AdoptBy string
	// Password, when set, is sent as the new account's password (never
	// logged: the client redacts it).
	Password string
}

// LinkReason says why an existing account was linked instead of created.
type LinkReason int

const (
	// LinkAdopted: Adopt is set and it was the one account with AdoptBy's value.
	LinkAdopted LinkReason = iota
	// LinkAfterUnknownOutcome: the create's answer was lost or unusable and
	// it is the one account with this userName, made by this create.
	LinkAfterUnknownOutcome
	// LinkRehire: it is inactive and has this person's identifiers; it is
	// reactivated rather than duplicated.
	LinkRehire
	// LinkAdoptedOnConflict: Adopt is set and it conflicted with the create.
	LinkAdoptedOnConflict
	// LinkMatching: it stood in the way of the create and already is what
	// the create would make (every managed value, the active flag; a group
	// may lack members still to be added), as after a crash or an
	// interrupt that killed the apply which made it. Linking changes
	// nothing a person could lose.
	LinkMatching
)

// CreateOutcome is what a create did: POSTed a new account (Created), or
// found an existing one to link (Existing, with Reason). A link is not yet
// applied: the caller records the account first, so a failure while
// bringing it to the desired values leaves it tracked, then calls Apply.
type CreateOutcome struct {
	Created  scim.Resource
	Existing scim.Resource
	Reason   LinkReason
}

// preexistingSlack is how much earlier than the create an account's
// meta.created may be and still count as made by it (clocks differ).
const preexistingSlack = 5 * time.Minute

// Create makes the account, or finds the existing one to link:
//   - with Adopt, the one account with AdoptBy's value (several are an
//     *AmbiguousMatchError; none creates);
//   - a POST whose outcome is unknown (connection lost after sending,
//     502/504, an unusable 2xx answer) is followed by a lookup before any
//     new POST: one match made by this create is linked; one made before
//     it is decided as a conflict; none creates again;
//   - a conflict (409 or scimType uniqueness) looks up the accounts with
//     the same userName or externalId: one inactive match is a rehire and
//     is linked; one active match is linked only with Adopt; anything else
//     is a *ConflictError.
func (a *Accounts) Create(ctx context.Context, req AccountCreate) (CreateOutcome, error) {
	doing := fmt.Sprintf("Creating the account %q", UserNameOf(req.Values))
	if req.Adopt {
		found, err := a.FindForAdoption(ctx, req.AdoptBy, req.Values)
		if err != nil || found != nil {
			return CreateOutcome{Existing: found, Reason: LinkAdopted}, err
		}
	}
	doc, err := mapping.BuildResource(req.Values, req.Active, a.app.Settings.Discovery)
	if err != nil {
		return CreateOutcome{}, &BuildError{Doing: doing, Err: err}
	}
	doc = a.app.Settings.Vendor.Shape(doc)
	if req.Password != "" {
		doc["password"] = req.Password
	}
	users := a.app.Client.Users()
	started := time.Now()
	created, err := users.Create(ctx, doc)
	if UnknownOutcome(err) {
		// The POST may have been applied: look before trying again, so a
		// lost or unusable answer never turns into a second account.
		found, made, lerr := settleUnknown(ctx, doing, err, started, func(ctx context.Context) ([]scim.Resource, error) {
			return users.Find(ctx, "userName", UserNameOf(req.Values), scim.ReadOptions{Attributes: a.ReadAttributes()})
		})
		switch {
		case lerr != nil:
			return CreateOutcome{}, lerr
		case found != nil && made:
			return CreateOutcome{Existing: found, Reason: LinkAfterUnknownOutcome}, nil
		case found != nil:
			return a.decideExisting(req, []scim.Resource{found}, doing, err)
		}
		created, err = users.Create(ctx, doc)
	}
	switch {
	case err == nil:
		return CreateOutcome{Created: created}, nil
	case a.app.Settings.Vendor.IsConflict(err):
		return a.afterConflict(ctx, req, doing, err)
	default:
		return CreateOutcome{}, &AppError{Doing: doing, Err: err}
	}
}

// UnknownOutcome reports a create whose result cannot be known: the
// connection failed after the request was sent, a gateway answered
// 502/504, or the app answered 2xx with a body that cannot be used (an
// HTML page, malformed JSON, no id), whether or not the write went through.
func UnknownOutcome(err error) bool {
	if scim.IsAmbiguous(err) {
		return true
	}
	var re *scim.ResponseError
	return errors.As(err, &re) && re.Status >= 200 && re.Status < 300
}

// FindForAdoption looks up the one account whose by equals its desired
// value: nil when there is none, an *AmbiguousMatchError when there are
// several, a *MissingLookupValueError when the values have no by.
func (a *Accounts) FindForAdoption(ctx context.Context, by string, values map[string]string) (scim.Resource, error) {
	if v := a.app.Settings.Vendor; !v.CanFilterUsersBy(by) {
		return nil, &UnsupportedLookupError{By: by, Vendor: v.Title, Filters: v.UserFilters}
	}
	value := LookupValue(values, by)
	if value == "" {
		return nil, &MissingLookupValueError{By: by}
	}
	found, err := a.app.Client.Users().Find(ctx, by, value, scim.ReadOptions{Attributes: a.ReadAttributes()})
	if err != nil {
		return nil, &AppError{Doing: fmt.Sprintf("Looking up the existing account with %s %q to adopt it", by, value), Err: err}
	}
	return exactlyOne(found, by, value)
}

// exactlyOne is the one resource a lookup of by = value found: nil when it
// found none, an *AmbiguousMatchError when it found several.
func exactlyOne(found []scim.Resource, by, value string) (scim.Resource, error) {
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	default:
		return nil, &AmbiguousMatchError{By: by, Value: value, Found: found}
	}
}

// settleUnknown looks up, after a create whose outcome is unknown
// (cause), what the create may have made: lookup finds the resources with
// its identifiers, under a grace when ctx is already done (settling). It
// returns the one match, and whether this create made it (its meta.created
// is not older than the create); no match and no error means create again.
// Several matches, a failed lookup, or none while ctx is done (stopped:
// nothing is sent again) are an *UnknownOutcomeError.
func settleUnknown(ctx context.Context, doing string, cause error, started time.Time, lookup func(context.Context) ([]scim.Resource, error)) (found scim.Resource, made bool, err error) {
	lctx, cancel := settling(ctx)
	defer cancel()
	all, lerr := lookup(lctx)
	switch {
	case lerr != nil || len(all) > 1:
		return nil, false, &UnknownOutcomeError{Doing: doing, Cause: cause, LookupErr: lerr, Found: all, Stopped: ctx.Err() != nil}
	case len(all) == 1:
		at, ok := createdAt(all[0])
		return all[0], !ok || !at.Before(started.Add(-preexistingSlack)), nil
	case ctx.Err() != nil:
		return nil, false, &UnknownOutcomeError{Doing: doing, Cause: cause, Stopped: true}
	}
	return nil, false, nil
}

// createdAt is an account's meta.created, when the app sends it.
func createdAt(res scim.Resource) (time.Time, bool) {
	s, _ := res.Meta()["created"].(string)
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// afterConflict decides what a create answered 409 (or scimType
// uniqueness) links to, from the accounts the app has with the same
// userName or, when mapped, externalId.
func (a *Accounts) afterConflict(ctx context.Context, req AccountCreate, doing string, cause error) (CreateOutcome, error) {
	found, err := a.FindMatching(ctx, req.Values)
	if err != nil {
		return CreateOutcome{}, &ConflictError{Kind: ConflictLookupFailed, Doing: doing, Cause: cause, LookupErr: err,
			Identifiers: Identifiers(req.Values)}
	}
	return a.decideExisting(req, found, doing, cause)
}

// FindMatching returns the accounts with the values' userName or, when the
// mapping yields one, their externalId, each once.
func (a *Accounts) FindMatching(ctx context.Context, values map[string]string) ([]scim.Resource, error) {
	return findEach(ctx, a.app.Client.Users(), AccountLookupAttributes,
		func(by string) string {
			if !a.app.Settings.Vendor.CanFilterUsersBy(by) {
				return "" // the app cannot look it up: skipped
			}
			return LookupValue(values, by)
		}, scim.ReadOptions{Attributes: a.ReadAttributes()})
}

// findEach looks resources up in c by each attribute of bys that valueOf
// gives a value, and returns what it found, each resource once.
func findEach(ctx context.Context, c *scim.Collection, bys []string, valueOf func(by string) string, opts scim.ReadOptions) ([]scim.Resource, error) {
	var out []scim.Resource
	seen := map[string]bool{}
	for _, by := range bys {
		v := valueOf(by)
		if v == "" {
			continue
		}
		found, err := c.Find(ctx, by, v, opts)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if !seen[f.ID()] {
				seen[f.ID()] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// decideExisting is the rule for an account that stands in the way of a
// create. One inactive match is a rehire: it is linked, reactivated and
// brought to the mapped values, never duplicated. One active match is
// linked with Adopt, or without when it already holds exactly the mapped
// values (LinkMatching): an account in use is never taken over silently.
// No visible match, or several, is an error that says so.
func (a *Accounts) decideExisting(req AccountCreate, found []scim.Resource, doing string, cause error) (CreateOutcome, error) {
	conflict := func(kind ConflictKind, changes []string) error {
		return &ConflictError{Kind: kind, Doing: doing, Cause: cause, Found: found, Identifiers: Identifiers(req.Values), Changes: changes}
	}
	switch {
	case len(found) == 0:
		return CreateOutcome{}, conflict(ConflictNotVisible, nil)
	case len(found) > 1:
		return CreateOutcome{}, conflict(ConflictSeveral, nil)
	case !ActiveOf(found[0], true):
		return CreateOutcome{Existing: found[0], Reason: LinkRehire}, nil
	case req.Adopt:
		return CreateOutcome{Existing: found[0], Reason: LinkAdoptedOnConflict}, nil
	}
	if changes := a.OverwritesOf(found[0], req.Values, req.Active); len(changes) > 0 {
		return CreateOutcome{}, conflict(ConflictActive, changes)
	}
	return CreateOutcome{Existing: found[0], Reason: LinkMatching}, nil
}

// Identifiers names what accounts are looked up by: `userName "a" or
// externalId "1"`.
func Identifiers(values map[string]string) string {
	return identifiersOf(AccountLookupAttributes, func(by string) string { return LookupValue(values, by) })
}

// identifiersOf names each attribute of bys that valueOf gives a value:
// `userName "a" or externalId "1"`.
func identifiersOf(bys []string, valueOf func(by string) string) string {
	var parts []string
	for _, by := range bys {
		if v := valueOf(by); v != "" {
			parts = append(parts, fmt.Sprintf("%s %q", by, v))
		}
	}
	return strings.Join(parts, " or ")
}
