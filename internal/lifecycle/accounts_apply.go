package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// AccountChange brings one account from Actual to Desired.
type AccountChange struct {
	ID string
	// Version is the account's version as last seen, sent as If-Match
	// where the app has ETags.
	Version string
	// Actual are the managed values the account holds as far as the
	// caller knows; Recorded says whether they are Terraform's own record
	// (state, compared exactly: every difference is sent) or what the app
	// returned just now (compared as the app compares values).
	Actual   map[string]string
	Recorded bool
	Desired  map[string]string
	// WasActive is whether the account is active as far as the caller
	// knows; nil when that is not known (then active is always sent).
	WasActive *bool
	Active    bool
}

// AccountChangeResult is what an applied change leaves: the values and
// active flag to record (the desired ones, or what the app holds when it
// did not keep what was sent) and the version. NotKept lists the sent
// values the app did not keep (then the change failed, and Values is what
// the app holds); Meanwhile lists values not sent that changed in the app
// while the change was in flight (the change succeeded).
type AccountChangeResult struct {
	Sent      []scim.PatchOp
	Values    map[string]string
	Active    bool
	Version   string
	NotKept   []string
	Meanwhile []string
}

// Apply brings the account from Actual to Desired with the fewest calls:
// nothing when they agree, else one PATCH of the changed paths (or one PUT
// of the merged account where the app has no PATCH). A 412 is a
// *ChangedError that says what changed underneath, unless the app already
// holds what was sent (a retry after a lost answer); a 404 is a
// *GoneError.
func (a *Accounts) Apply(ctx context.Context, ch AccountChange) (*AccountChangeResult, error) {
	doing := fmt.Sprintf("Updating the account %s", a.app.UserLocation(ch.ID))
	diff := mapping.Diff
	if ch.Recorded {
		diff = mapping.DiffExact
	}
	ops, err := diff(ch.Actual, ch.Desired, a.app.Settings.Discovery)
	if err != nil {
		return nil, &PlanError{Doing: doing, Err: err}
	}
	activeSent := ch.WasActive == nil || *ch.WasActive != ch.Active
	if activeSent {
		ops = append(ops, scim.PatchOp{Op: scim.PatchReplace, Path: "active", Value: ch.Active})
	}
	if len(ops) == 0 {
		return &AccountChangeResult{Values: ch.Desired, Active: ch.Active, Version: ch.Version}, nil
	}
	ifMatch := a.app.ifMatch(ch.Version)
	res, err := a.send(ctx, ch.ID, ops, ifMatch)
	if scim.IsPreconditionFailed(err) {
		// A retry after a lost answer meets the version its own first
		// attempt moved on: when the app holds what was sent, it is done.
		if cur, gerr := a.Get(ctx, ch.ID); gerr == nil &&
			a.inSync(ch.Desired, a.ReadBack(cur, ch.Desired, true)) && ActiveOf(cur, !ch.Active) == ch.Active {
			res, err = cur, nil
		}
	}
	switch {
	case err == nil:
	case scim.IsPreconditionFailed(err):
		return nil, a.changedUnderneath(ctx, doing, ch.ID, ifMatch, ch.Actual, ch.WasActive)
	case scim.IsNotFound(err):
		return nil, &GoneError{Doing: doing, Err: err}
	default:
		return nil, &AppError{Doing: doing, Err: err}
	}
	got := a.ReadBack(res, ch.Desired, true)
	out := &AccountChangeResult{Sent: ops, Values: ch.Desired, Active: ch.Active, Version: res.Version()}
	held := ActiveOf(res, ch.Active)
	// Only the changed paths (and active, when it changed) were sent: a
	// difference elsewhere is an edit made in the app since the account
	// was read, not a value the app refused.
	out.NotKept, out.Meanwhile = a.differences(ch.Desired, got, changedPaths(ch.Actual, ch.Desired))
	if held != ch.Active {
		if activeSent {
			out.NotKept = append(out.NotKept, fmt.Sprintf("active: sent %v, app holds %v", ch.Active, held))
		} else {
			out.Meanwhile = append(out.Meanwhile, fmt.Sprintf("active: not sent; Terraform expected %v, the app now holds %v", ch.Active, held))
		}
	}
	if len(out.NotKept) > 0 {
		// Failed: record what the app holds.
		out.Values, out.Active = got, held
	}
	return out, nil
}

// send makes the update call the app supports.
func (a *Accounts) send(ctx context.Context, id string, ops []scim.PatchOp, ifMatch string) (scim.Resource, error) {
	users := a.app.Client.Users()
	s := a.app.Settings
	if s.UsePatch {
		if !s.FilteredPaths {
			current, err := users.Get(ctx, id, scim.ReadOptions{})
			if err != nil {
				return nil, err
			}
			if ops, err = scim.ExpandFilteredOps(ops, current); err != nil {
				return nil, err
			}
		}
		return a.patchInParts(ctx, id, ops, ifMatch)
	}
	if !s.CanPut {
		return nil, fmt.Errorf("the app supports neither PATCH (per discovery or compatibility.patch) nor PUT (compatibility.put = false), so the account cannot be updated")
	}
	// PUT replaces the whole account: read it, apply the change, write it
	// back, keeping every attribute Terraform does not manage.
	current, err := users.Get(ctx, id, scim.ReadOptions{})
	if err != nil {
		return nil, err
	}
	if ifMatch != "" && current.Version() != "" {
		ifMatch = current.Version()
	}
	merged, err := scim.ApplyPatch(current, ops)
	if err != nil {
		return nil, err
	}
	return users.Replace(ctx, id, a.app.Settings.Vendor.Shape(merged), scim.WriteOptions{IfMatch: ifMatch})
}

// changedUnderneath reads the account again after a 412 and returns the
// *ChangedError that says which managed values differ from what was last
// known (before, wasActive).
func (a *Accounts) changedUnderneath(ctx context.Context, doing, id, ifMatch string, before map[string]string, wasActive *bool) error {
	e := &ChangedError{Doing: doing, IfMatch: ifMatch}
	res, err := a.Get(ctx, id)
	if err != nil {
		e.ReadErr = err
		return e
	}
	e.NowVersion = res.Version()
	e.Changes = a.ValueChanges(before, a.ReadBack(res, before, true), func(p string, was, is *string) string {
		return fmt.Sprintf("%s: was %s, now %s", p, QuotedOr(was, "unset"), QuotedOr(is, "unset"))
	})
	if wasActive != nil {
		if now := ActiveOf(res, *wasActive); now != *wasActive {
			e.Changes = append(e.Changes, fmt.Sprintf("active: was %v, now %v", *wasActive, now))
		}
	}
	return e
}

// Differences compares the managed values the app holds (got) with the
// desired ones, as a create's answer is checked: every difference is a
// value the app did not keep.
func (a *Accounts) Differences(desired, got map[string]string) []string {
	notKept, _ := a.differences(desired, got, nil)
	return notKept
}

// differences compares the managed values the app holds (got) with the
// desired ones. A path in sent (nil: every path) was written, so a
// difference there is a value the app did not keep (notKept); a path not
// written that differs was changed in the app since it was read
// (meanwhile).
func (a *Accounts) differences(desired, got map[string]string, sent map[string]bool) (notKept, meanwhile []string) {
	wasSent := func(p string) bool { return sent == nil || sent[p] }
	for p, want := range desired {
		have, ok := got[p]
		switch {
		case ok && mapping.ValuesEqual(p, want, have, a.app.Settings.Discovery):
		case wasSent(p) && !ok:
			notKept = append(notKept, fmt.Sprintf("%s: sent %q, app holds (unset)", p, want))
		case wasSent(p):
			notKept = append(notKept, fmt.Sprintf("%s: sent %q, app holds %q", p, want, have))
		case !ok:
			meanwhile = append(meanwhile, fmt.Sprintf("%s: not sent; Terraform expected %q, the app now holds nothing", p, want))
		default:
			meanwhile = append(meanwhile, fmt.Sprintf("%s: not sent; Terraform expected %q, the app now holds %q", p, want, have))
		}
	}
	for p, have := range got {
		if _, ok := desired[p]; ok {
			continue
		}
		if wasSent(p) {
			notKept = append(notKept, fmt.Sprintf("%s: removed, app holds %q", p, have))
		} else {
			meanwhile = append(meanwhile, fmt.Sprintf("%s: not sent; Terraform expected it unset, the app now holds %q", p, have))
		}
	}
	sort.Strings(notKept)
	sort.Strings(meanwhile)
	return notKept, meanwhile
}

// inSync reports whether the app holds exactly the desired managed values.
func (a *Accounts) inSync(desired, got map[string]string) bool {
	notKept, _ := a.differences(desired, got, nil)
	return len(notKept) == 0
}

// changedPaths is the set of paths an update from actual to desired
// writes: those whose value differs, exactly, or that only one side has.
func changedPaths(actual, desired map[string]string) map[string]bool {
	out := map[string]bool{}
	for p, v := range desired {
		if a, ok := actual[p]; !ok || a != v {
			out[p] = true
		}
	}
	for p := range actual {
		if _, ok := desired[p]; !ok {
			out[p] = true
		}
	}
	return out
}

// patchInParts PATCHes the account, in several requests where the app's
// vendor caps the operations of one (Google Cloud Identity: 20). Only the
// first carries If-Match: the version changes with it. A part that fails
// leaves the earlier ones applied; the next refresh reads what the app
// holds and the next apply sends the rest.
func (a *Accounts) patchInParts(ctx context.Context, id string, ops []scim.PatchOp, ifMatch string) (scim.Resource, error) {
	users := a.app.Client.Users()
	ops = a.app.Settings.Vendor.ShapeOps(ops)
	limit := len(ops)
	if v := a.app.Settings.Vendor; v != nil && v.MaxPatchOperations > 0 {
		limit = v.MaxPatchOperations
	}
	for {
		n := min(limit, len(ops))
		res, err := users.Patch(ctx, id, ops[:n], scim.WriteOptions{IfMatch: ifMatch, Attributes: a.ReadAttributes()})
		if err != nil || n == len(ops) {
			return res, err
		}
		ops, ifMatch = ops[n:], ""
	}
}

// SetPassword gives the account a new password: a PATCH of password, or,
// where the app has no PATCH, the account read and PUT back with it.
func (a *Accounts) SetPassword(ctx context.Context, id, password string) error {
	doing := fmt.Sprintf("Setting the password of the account %s", a.app.UserLocation(id))
	users := a.app.Client.Users()
	var err error
	switch {
	case a.app.Settings.UsePatch:
		_, err = users.Patch(ctx, id, []scim.PatchOp{{Op: scim.PatchReplace, Path: "password", Value: password}},
			scim.WriteOptions{Attributes: []string{"id"}})
	case a.app.Settings.CanPut:
		var current scim.Resource
		if current, err = users.Get(ctx, id, scim.ReadOptions{}); err == nil {
			current["password"] = password
			_, err = users.Replace(ctx, id, current, scim.WriteOptions{})
		}
	default:
		err = fmt.Errorf("the app supports neither PATCH nor PUT, so the password cannot be changed")
	}
	if err != nil {
		return &AppError{Doing: doing, Err: err}
	}
	return nil
}

// PasswordRefused says why the app cannot take a password (its User schema
// has no writable password, or its vendor does not keep one), "" when it
// can.
func (a *Accounts) PasswordRefused() string {
	if v := a.app.Settings.Vendor; v != nil && slices.ContainsFunc(v.Unsupported, func(u string) bool { return strings.EqualFold(u, "password") }) {
		return v.Title + " does not keep a password"
	}
	attr, _, err := a.app.Settings.Discovery.LookupUserAttribute(scim.Path{Attribute: "password"})
	switch {
	case err != nil || attr == nil:
		return "the app's User schema (/Schemas) has no password attribute"
	case strings.EqualFold(attr.Mutability, "readOnly"):
		return "the app's User schema makes password read-only"
	}
	return ""
}
