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

// What the group lifecycle's results and errors say to the user.

// groupDiagnostic is the diagnostic for an error of the group lifecycle
// in app (nil at validation, before any app is known).
func groupDiagnostic(clients *clientFactory, app *lifecycle.App, err error) diag.Diagnostic {
	var (
		missing   *lifecycle.MissingLookupValueError
		ambiguous *lifecycle.AmbiguousMatchError
		appErr    *lifecycle.AppError
		unknown   *lifecycle.UnknownOutcomeError
		conflict  *lifecycle.ConflictError
	)
	switch {
	case errors.As(err, &unknown):
		return diag.NewErrorDiagnostic("Outcome of Group Creation Unknown",
			fmt.Sprintf("%s at %s: %s (%v), and looking the group up afterwards did not settle whether it was created (%s). "+
				"Nothing else was sent. Run `terraform apply` again: it looks the group up before creating it, and links a group "+
				"this create made (its name and members are what the configuration says), so nothing is duplicated. If several groups "+
				"match, remove the extra ones in the app first.",
				unknown.Doing, app.BaseURL, unknownCause(unknown), unknown.Cause, describeLookup("group", unknown)))
	case errors.As(err, &conflict):
		return groupConflictDiagnostic(app, conflict)
	case errors.As(err, &missing):
		return diag.NewAttributeErrorDiagnostic(path.Root("adopt_by"), "Cannot Adopt by externalId",
			"adopt_by = \"externalId\" needs external_id to be set.")
	case errors.As(err, &ambiguous):
		locs := make([]string, 0, len(ambiguous.Found))
		for _, g := range ambiguous.Found {
			locs = append(locs, app.GroupLocation(g.ID()))
		}
		return diag.NewErrorDiagnostic("Several SCIM Groups Match",
			fmt.Sprintf("adopt_existing looked the group up by %s %q and found %d groups: %s. Nothing was linked or created; "+
				"set adopt_by = \"externalId\" with an external_id that names one, or remove the others.",
				ambiguous.By, ambiguous.Value, len(ambiguous.Found), strings.Join(locs, ", ")))
	case errors.As(err, &appErr):
		return appErrorDiagnostic(clients, appErr.Doing, app.BaseURL, appErr.Err)
	default:
		return appErrorDiagnostic(clients, "Provisioning the group", app.BaseURL, err)
	}
}

// groupConflictDiagnostic says why a group that stands in the way of a
// create was not linked.
func groupConflictDiagnostic(app *lifecycle.App, c *lifecycle.ConflictError) diag.Diagnostic {
	cause := "the app already has a group with its name"
	if c.Cause != nil {
		cause = fmt.Sprintf("the app refused it as a duplicate (%v)", c.Cause)
	}
	switch c.Kind {
	case lifecycle.ConflictLookupFailed:
		return diag.NewErrorDiagnostic("SCIM Group Already Exists",
			fmt.Sprintf("%s at %s failed: %s, and looking that group up failed: %v\n\nNothing was created.", c.Doing, app.BaseURL, cause, c.LookupErr))
	case lifecycle.ConflictNotVisible:
		return diag.NewErrorDiagnostic("SCIM Group Already Exists but Cannot Be Found",
			fmt.Sprintf("%s at %s failed: %s, but the app lists no group with %s. Nothing was created. Rename or remove the group "+
				"in the app, or import it with `terraform import <address> <location>`.", c.Doing, app.BaseURL, cause, c.Identifiers))
	case lifecycle.ConflictSeveral:
		return diag.NewErrorDiagnostic("More Than One Existing Group",
			fmt.Sprintf("%s at %s failed: %s, and %d groups match %s:\n  %s\nNothing was linked or created. Remove the duplicates in "+
				"the app, or import the right one with `terraform import <address> <location>`.",
				c.Doing, app.BaseURL, cause, len(c.Found), c.Identifiers, describeGroups(app, c.Found)))
	default:
		return diag.NewErrorDiagnostic("SCIM Group Already Exists",
			fmt.Sprintf("%s at %s failed: %s: %s. Linking it would change it:\n  %s\n\n"+
				"Nothing was created or changed. A group is linked without asking only when it already is what this create would make, "+
				"but for members still to add (as after an interrupted apply). To manage this one as configured, set "+
				"`adopt_existing = true`, or import it with `terraform import <address> <location>`; otherwise give this group another "+
				"display_name.", c.Doing, app.BaseURL, cause, describeGroups(app, c.Found), strings.Join(c.Changes, "\n  ")))
	}
}

// unknownCause says why a create's outcome is unknown.
func unknownCause(e *lifecycle.UnknownOutcomeError) string {
	if e.Stopped {
		return "Terraform was interrupted (or the operation's time ran out) while the app was handling the create"
	}
	return "the app's answer to the create was lost or unusable"
}

func describeGroups(app *lifecycle.App, found []scim.Resource) string {
	lines := make([]string, 0, len(found))
	for _, f := range found {
		lines = append(lines, fmt.Sprintf("%s (displayName %q, %d members)", app.GroupLocation(f.ID()), stringOf(f, "displayName"), len(scim.GroupMemberIDs(f))))
	}
	return strings.Join(lines, "\n  ")
}

// groupLinkSummary and groupLinkReason say why an existing group was
// linked, for the apply's warning.
func groupLinkSummary(r lifecycle.LinkReason) string {
	if r == lifecycle.LinkAdopted {
		return "SCIM Group Adopted"
	}
	return "SCIM Existing Group Linked"
}

func groupLinkReason(r lifecycle.LinkReason, by string, desired lifecycle.Group) string {
	switch r {
	case lifecycle.LinkAfterUnknownOutcome:
		return "the app's answer to the create was lost or unusable, and it is the one group with this name, made by this create"
	case lifecycle.LinkMatching:
		return "it has this name and is what this create would make, but for members still to add, as after an interrupted apply"
	case lifecycle.LinkAdoptedOnConflict:
		return "adopt_existing is set and it conflicted with the create"
	default:
		return fmt.Sprintf("adopt_existing is set and it was the one group with %s %q", by, desired.AdoptionValue(by))
	}
}

// describeGroupChanges renders what linking a group changed (or will).
func describeGroupChanges(lines []string) string {
	if len(lines) == 0 {
		return "It already held the configured name and members; nothing was changed."
	}
	return "Changes:\n  " + strings.Join(lines, "\n  ")
}
