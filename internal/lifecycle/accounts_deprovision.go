package lifecycle

import (
	"context"
	"fmt"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// AccountDeprovision removes one account from management.
type AccountDeprovision struct {
	ID string
	// Mode is Deactivate, Delete or Abandon.
	Mode string
	// Version is the version last recorded, sent as If-Match where the
	// app has ETags: an account edited in the app since is not deleted or
	// deactivated silently.
	Version string
	// Values and WasActive are the account as last recorded, to say what
	// changed when the app answers 412; WasActive nil when not recorded.
	Values    map[string]string
	WasActive *bool
}

// Deprovision does what Mode says: PATCH active=false (Deactivate),
// DELETE (Delete), or nothing (Abandon). An account already gone is
// success; an account recorded inactive is read first, since it may have
// been reactivated in the app since it was recorded. A 412 is a
// *ChangedError.
func (a *Accounts) Deprovision(ctx context.Context, d AccountDeprovision) error {
	if d.Mode == Abandon {
		return nil
	}
	users := a.app.Client.Users()
	activeOnly := scim.ReadOptions{Attributes: []string{"active"}}
	if d.Mode == Deactivate && d.WasActive != nil && !*d.WasActive {
		if cur, err := users.Get(ctx, d.ID, activeOnly); err == nil && !ActiveOf(cur, true) {
			return nil
		} else if scim.IsNotFound(err) {
			return nil
		}
	}
	ifMatch := a.app.ifMatch(d.Version)
	var (
		err   error
		doing string
	)
	switch d.Mode {
	case Delete:
		doing = fmt.Sprintf("Deleting the account %s", a.app.UserLocation(d.ID))
		err = users.Delete(ctx, d.ID, scim.WriteOptions{IfMatch: ifMatch})
	default:
		doing = fmt.Sprintf("Deactivating the account %s", a.app.UserLocation(d.ID))
		_, err = a.send(ctx, d.ID, []scim.PatchOp{{Op: scim.PatchReplace, Path: "active", Value: false}}, ifMatch)
		if scim.IsPreconditionFailed(err) {
			// A retry after a lost answer meets the version its own first
			// attempt moved on: an inactive account is what was asked.
			if cur, gerr := users.Get(ctx, d.ID, activeOnly); gerr == nil && !ActiveOf(cur, true) {
				err = nil
			}
		}
	}
	switch {
	case err == nil, scim.IsNotFound(err):
		return nil
	case scim.IsPreconditionFailed(err):
		return a.changedUnderneath(ctx, doing, d.ID, ifMatch, d.Values, d.WasActive)
	default:
		return &AppError{Doing: doing, Err: err}
	}
}
