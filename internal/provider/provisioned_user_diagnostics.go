package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// What the account lifecycle's results and errors say to the user.

// afterRefusal says, for a write the app refused with 412, what did not
// happen and what the user can do.
type afterRefusal struct {
	nothingDone, next string
}

var (
	refusedUpdate = afterRefusal{"Nothing was overwritten.", "Run `terraform plan` to review the account as it is now, then apply again."}
	refusedDelete = afterRefusal{"Nothing was deleted or deactivated.",
		"A destroy compares with the account as Terraform last saved it. Review the change; to destroy the account as it is " +
			"now, record it with `terraform apply -refresh-only`, then run the destroy again."}
)

// accountDiagnostic is the diagnostic for an error of the account
// lifecycle in app.
func (f *clientFactory) accountDiagnostic(app *lifecycle.App, err error, refusal afterRefusal) diag.Diagnostic {
	var (
		appErr    *lifecycle.AppError
		missing   *lifecycle.MissingLookupValueError
		ambiguous *lifecycle.AmbiguousMatchError
		build     *lifecycle.BuildError
		unknown   *lifecycle.UnknownOutcomeError
		conflict  *lifecycle.ConflictError
		planErr   *lifecycle.PlanError
		changed   *lifecycle.ChangedError
		gone      *lifecycle.GoneError
	)
	switch {
	case errors.As(err, &missing):
		by := missing.By
		return diag.NewAttributeErrorDiagnostic(path.Root("adopt_by"), "Cannot Look Up the Existing Account",
			fmt.Sprintf("adopt_existing looks accounts up by %s, but the attribute mapping yields no %s for this person. "+
				"Map %s, or adopt by another attribute.", by, by, by))
	case errors.As(err, &ambiguous):
		return diag.NewErrorDiagnostic("More Than One Account to Adopt",
			fmt.Sprintf("Looking up %s %q at %s to adopt the account found %d accounts:\n  %s\n"+
				"Nothing was linked or created. Remove the duplicates in the app, or import the right one with "+
				"`terraform import <address> <location>`.", ambiguous.By, ambiguous.Value, app.BaseURL, len(ambiguous.Found),
				describeAccounts(app, ambiguous.Found)))
	case errors.As(err, &build):
		return diag.NewErrorDiagnostic("Cannot Build the SCIM Account", fmt.Sprintf("%s: %v", build.Doing, build.Err))
	case errors.As(err, &unknown):
		return diag.NewErrorDiagnostic("Outcome of Account Creation Unknown",
			fmt.Sprintf("%s at %s: %s (%v), and looking the account up afterwards did not settle whether it was created (%s). "+
				"Nothing else was sent. Run `terraform apply` again: an account this create made holds exactly the mapped values, so "+
				"the next create links it instead of making a second one. If several accounts match, remove the extra ones in the app first.",
				unknown.Doing, app.BaseURL, unknownCause(unknown), unknown.Cause, describeLookup("account", unknown)))
	case errors.As(err, &conflict):
		return conflictDiagnostic(app, conflict)
	case errors.As(err, &planErr):
		return diag.NewErrorDiagnostic("Cannot Plan the SCIM Update", fmt.Sprintf("%s: %v", planErr.Doing, planErr.Err))
	case errors.As(err, &changed):
		return diag.NewErrorDiagnostic("SCIM Account Changed Since It Was Read",
			fmt.Sprintf("%s failed: the app refused the change because the account changed after Terraform last read it "+
				"(HTTP 412, If-Match %s). %s\n\n%s\n\n%s",
				changed.Doing, changed.IfMatch, refusal.nothingDone, describeChanged(changed), refusal.next))
	case errors.As(err, &gone):
		return diag.NewErrorDiagnostic("SCIM Account No Longer Exists",
			fmt.Sprintf("%s failed: the app has no such account any more (HTTP 404). Run `terraform apply` again: the refresh will plan to create it.", gone.Doing))
	case errors.As(err, &appErr):
		return appErrorDiagnostic(f, appErr.Doing, app.BaseURL, appErr.Err)
	default:
		return appErrorDiagnostic(f, "Provisioning the account", app.BaseURL, err)
	}
}

// conflictDiagnostic says why an account that stands in the way of a
// create was not linked.
func conflictDiagnostic(app *lifecycle.App, c *lifecycle.ConflictError) diag.Diagnostic {
	switch c.Kind {
	case lifecycle.ConflictLookupFailed:
		return diag.NewErrorDiagnostic("SCIM Account Already Exists",
			fmt.Sprintf("%s at %s failed: the app already has an account that conflicts with it.\n\n%v\n\nLooking that account up failed: %v\n\nNothing was created.",
				c.Doing, app.BaseURL, c.Cause, c.LookupErr))
	case lifecycle.ConflictNotVisible:
		return diag.NewErrorDiagnostic("SCIM Account Already Exists but Cannot Be Found",
			fmt.Sprintf("%s at %s failed: the app reports a conflicting account (%v), but lists no account with %s.\n\n"+
				"Some apps keep a hidden record of a deleted or deprovisioned account and re-link it only by externalId, or only through their "+
				"admin console. adopt_existing cannot help here, since it links only accounts the app lists. Restore or purge the account in "+
				"the app, or map externalId to the value the app knows it by. Nothing was created.", c.Doing, app.BaseURL, c.Cause, c.Identifiers))
	case lifecycle.ConflictSeveral:
		return diag.NewErrorDiagnostic("More Than One Existing Account",
			fmt.Sprintf("%s at %s failed: the app already has accounts that conflict with it (%v), and %d accounts match %s:\n  %s\n"+
				"Nothing was linked or created. Remove the duplicates in the app, or import the right one with "+
				"`terraform import <address> <location>`.", c.Doing, app.BaseURL, c.Cause, len(c.Found), c.Identifiers, describeAccounts(app, c.Found)))
	default:
		return diag.NewErrorDiagnostic("SCIM Account Already Exists",
			fmt.Sprintf("%s at %s failed: the app already has an active account that conflicts with it.\n\n%v\n\nThe account: %s\n\n"+
				"Nothing was created. An active account is never taken over silently: it is linked without asking only when it already "+
				"holds exactly the mapped values (as after an interrupted apply), and linking this one would change:\n  %s\n\n"+
				"To manage it, set `adopt_existing = true` (it is linked when exactly one account matches), or import it with "+
				"`terraform import <address> <location>`.",
				c.Doing, app.BaseURL, c.Cause, describeAccounts(app, c.Found), strings.Join(c.Changes, "\n  ")))
	}
}

// describeChanged says what changed underneath a write the app refused.
func describeChanged(e *lifecycle.ChangedError) string {
	switch {
	case e.ReadErr != nil:
		return fmt.Sprintf("Reading the account again to show what changed failed: %v", e.ReadErr)
	case len(e.Changes) == 0:
		return fmt.Sprintf("The account is now at version %s; none of the attributes Terraform manages changed (something else about the account did).", e.NowVersion)
	default:
		return fmt.Sprintf("Changed in the app since Terraform last read it (now version %s):\n  %s", e.NowVersion, strings.Join(e.Changes, "\n  "))
	}
}

// linkReason says why an existing account was linked, for the apply's
// warning; by and value are what an explicit adoption looked it up by.
func linkReason(r lifecycle.LinkReason, by, value string) (summary, reason string) {
	switch r {
	case lifecycle.LinkAfterUnknownOutcome:
		return "SCIM Existing Account Linked", "the app's answer to the create was lost or unusable, and it is the one account with this userName, made by this create"
	case lifecycle.LinkRehire:
		return "SCIM Existing Account Linked", "it is inactive and has this person's identifiers, so this is a rehire: the account was reactivated rather than duplicated"
	case lifecycle.LinkAdoptedOnConflict:
		return "SCIM Existing Account Linked", "adopt_existing is set and it conflicted with the create"
	case lifecycle.LinkMatching:
		return "SCIM Existing Account Linked", "it has this person's identifiers and already holds exactly the mapped values, " +
			"as after an interrupted apply that created it, so linking it changes nothing"
	default:
		return "SCIM Account Adopted", fmt.Sprintf("adopt_existing is set and it was the one account with %s %q", by, value)
	}
}

// describeOverwrites renders what linking an account replaced (or will).
func describeOverwrites(lines []string) string {
	if len(lines) == 0 {
		return "It already held every mapped value; nothing was overwritten."
	}
	return "Values overwritten:\n  " + strings.Join(lines, "\n  ")
}

func describeAccounts(app *lifecycle.App, found []scim.Resource) string {
	lines := make([]string, 0, len(found))
	for _, f := range found {
		un, _ := f["userName"].(string)
		lines = append(lines, fmt.Sprintf("%s (userName %q, active %v)", app.UserLocation(f.ID()), un, lifecycle.ActiveOf(f, true)))
	}
	return strings.Join(lines, "\n  ")
}

// describeLookup says what the lookup after a create with an unknown
// outcome found, of noun (account, group).
func describeLookup(noun string, e *lifecycle.UnknownOutcomeError) string {
	switch {
	case e.LookupErr != nil:
		return "lookup failed: " + e.LookupErr.Error()
	case len(e.Found) == 0:
		return "no " + noun + " found yet"
	default:
		return fmt.Sprintf("%d %ss matched", len(e.Found), noun)
	}
}
