package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func (r *provisionedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan provisionedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ctx, call, values, diags := r.prepareWrite(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	userName := values[userNameKey(values)]
	doing := fmt.Sprintf("Creating the account %q", userName)

	var (
		existing scim.Resource
		// linked says, for the apply's warning, why an existing account was
		// linked instead of created; "" for an explicit adoption.
		linked string
	)
	if plan.AdoptExisting.ValueBool() {
		found, diags := r.findForAdoption(ctx, call, &plan, values)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		existing = found
	}

	if existing == nil {
		doc, err := mapping.BuildResource(values, plan.Active.ValueBool(), call.settings.discovery)
		if err != nil {
			resp.Diagnostics.AddError("Cannot Build the SCIM Account", fmt.Sprintf("%s: %v", doing, err))
			return
		}
		started := time.Now()
		created, err := call.client.Users().Create(ctx, doc)
		if unknownOutcome(err) {
			// The POST may have been applied: look before trying again, so a
			// lost or unusable answer never turns into a second account.
			found, why, diags := r.afterUnknownOutcome(ctx, call, &plan, values, doing, started, err)
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			existing, linked = found, why
			if existing == nil {
				created, err = call.client.Users().Create(ctx, doc)
			}
		}
		switch {
		case existing != nil:
		case err == nil:
			r.saveCreated(ctx, call, &plan, values, created, resp)
			return
		case scim.IsConflict(err):
			found, why, diags := r.afterConflict(ctx, call, &plan, values, doing, err)
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			existing, linked = found, why
		default:
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
			return
		}
	}
	r.link(ctx, call, &plan, values, existing, linked, resp)
}

// link makes an existing account this resource's: saved at once, then
// brought to the desired attributes, with a warning that names the account
// and every value that was overwritten, so adopting is never silent.
func (r *provisionedUserResource) link(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string, existing scim.Resource, why string, resp *resource.CreateResponse) {
	desiredActive := plan.Active.ValueBool()
	plan.ID = types.StringValue(existing.ID())
	plan.Location = types.StringValue(userLocation(call.appID, existing.ID()))
	actual := call.readBack(existing, values, false)
	plan.Attributes = mapValue(actual)
	plan.Active = types.BoolValue(activeOf(existing, true))
	plan.Version = types.StringValue(existing.Version())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	updated, diags := r.apply(ctx, call, plan, actual, values, desiredActive, mapping.Diff)
	resp.Diagnostics.Append(diags...)
	if updated != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, updated)...)
	}
	if diags.HasError() {
		return
	}
	summary, reason := "SCIM Account Adopted", "adopt_existing is set"
	switch {
	case why != "":
		summary, reason = "SCIM Existing Account Linked", why
	case plan.AdoptExisting.ValueBool():
		reason = fmt.Sprintf("adopt_existing is set and it was the one account with %s %q", plan.AdoptBy.ValueString(), lookupValue(values, plan.AdoptBy.ValueString()))
	}
	resp.Diagnostics.AddWarning(summary,
		fmt.Sprintf("The existing account %s was linked instead of creating a new one (%s), and brought to the mapped values.\n\n%s",
			userLocation(call.appID, existing.ID()), reason, r.overwritesOf(call, existing, values, desiredActive)))
}

// describeOverwrites says which values an existing account had that linking
// it replaced, one line per attribute.
func describeOverwrites(before, after map[string]string, activeBefore, activeAfter bool, call *userCall) string {
	lines := valueChanges(before, after, call, func(p string, was, is *string) string {
		return fmt.Sprintf("%s: %s -> %s", p, quotedOr(was, "unset"), quotedOr(is, "removed"))
	})
	if activeBefore != activeAfter {
		lines = append(lines, fmt.Sprintf("active: %v -> %v", activeBefore, activeAfter))
	}
	if len(lines) == 0 {
		return "It already held every mapped value; nothing was overwritten."
	}
	return "Values overwritten:\n  " + strings.Join(lines, "\n  ")
}

// unknownOutcome reports a create whose result Terraform cannot know: the
// connection failed after the request was sent, a gateway answered 502/504,
// or the app answered 2xx with a body that cannot be used (an HTML page,
// malformed JSON, no id), whether or not the write went through.
func unknownOutcome(err error) bool {
	if scim.IsAmbiguous(err) {
		return true
	}
	var re *scim.ResponseError
	return errors.As(err, &re) && re.Status >= 200 && re.Status < 300
}

// preexistingSlack is how much earlier than the create an account's
// meta.created may be and still count as made by it (clocks differ).
const preexistingSlack = 5 * time.Minute

// afterUnknownOutcome looks the account up after a create with an unknown
// outcome. One match made by this create (or whose creation time is not
// known) is linked; one that existed before the create is what a 409 would
// have said, and is decided as a conflict. No match returns nil, to create
// again; several, or a failed lookup, are an error.
func (r *provisionedUserResource) afterUnknownOutcome(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string, doing string, started time.Time, err error) (scim.Resource, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	userName := values[userNameKey(values)]
	found, ferr := call.client.Users().Find(ctx, "userName", userName, scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
	if ferr != nil || len(found) > 1 {
		diags.AddError("Outcome of Account Creation Unknown",
			fmt.Sprintf("%s at %s: the app's answer to the create was lost or unusable (%v), and looking the account up "+
				"afterwards did not settle whether it was created (%s). Nothing else was sent. Check the app, then run `terraform apply` "+
				"again, with `adopt_existing = true` to link the account if it exists.", doing, call.appID, err, describeLookup(found, ferr)))
		return nil, "", diags
	}
	if len(found) == 0 {
		return nil, "", diags
	}
	if created, ok := createdAt(found[0]); ok && created.Before(started.Add(-preexistingSlack)) {
		return r.decideExisting(call, plan, values, found, doing, err)
	}
	return found[0], "the app's answer to the create was lost or unusable, and it is the one account with this userName, made by this create", diags
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
func (r *provisionedUserResource) afterConflict(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string, doing string, err error) (scim.Resource, string, diag.Diagnostics) {
	found, ferr := r.findMatching(ctx, call, values)
	if ferr != nil {
		var diags diag.Diagnostics
		diags.AddError("SCIM Account Already Exists",
			fmt.Sprintf("%s at %s failed: the app already has an account that conflicts with it.\n\n%v\n\nLooking that account up failed: %v\n\nNothing was created.",
				doing, call.appID, err, ferr))
		return nil, "", diags
	}
	return r.decideExisting(call, plan, values, found, doing, err)
}

// findMatching returns the accounts with the account's userName or, when
// the mapping yields one, its externalId, each once.
func (r *provisionedUserResource) findMatching(ctx context.Context, call *userCall, values map[string]string) ([]scim.Resource, error) {
	var out []scim.Resource
	seen := map[string]bool{}
	for _, by := range adoptByAttributes {
		v := lookupValue(values, by)
		if v == "" {
			continue
		}
		found, err := call.client.Users().Find(ctx, by, v, scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
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
// linked only with adopt_existing: an account in use is never taken over
// silently. No visible match, or several, is an error that says so.
func (r *provisionedUserResource) decideExisting(call *userCall, plan *provisionedUserModel, values map[string]string, found []scim.Resource, doing string, cause error) (scim.Resource, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	ids := describeIdentifiers(values)
	switch {
	case len(found) == 0:
		diags.AddError("SCIM Account Already Exists but Cannot Be Found",
			fmt.Sprintf("%s at %s failed: the app reports a conflicting account (%v), but lists no account with %s.\n\n"+
				"Some apps keep a hidden record of a deleted or deprovisioned account and re-link it only by externalId, or only through their "+
				"admin console. adopt_existing cannot help here, since it links only accounts the app lists. Restore or purge the account in "+
				"the app, or map externalId to the value the app knows it by. Nothing was created.", doing, call.appID, cause, ids))
	case len(found) > 1:
		diags.AddError("More Than One Existing Account",
			fmt.Sprintf("%s at %s failed: the app already has accounts that conflict with it (%v), and %d accounts match %s:\n  %s\n"+
				"Nothing was linked or created. Remove the duplicates in the app, or import the right one with "+
				"`terraform import <address> <location>`.", doing, call.appID, cause, len(found), ids, describeAccounts(call.appID, found)))
	case !activeOf(found[0], true):
		return found[0], "it is inactive and has this person's identifiers, so this is a rehire: the account was reactivated rather than duplicated", diags
	case plan.AdoptExisting.ValueBool():
		return found[0], "adopt_existing is set and it conflicted with the create", diags
	default:
		diags.AddError("SCIM Account Already Exists",
			fmt.Sprintf("%s at %s failed: the app already has an active account that conflicts with it.\n\n%v\n\nThe account: %s\n\n"+
				"Nothing was created. An active account is never taken over silently: to manage it, set `adopt_existing = true` (it is linked "+
				"when exactly one account matches), or import it with `terraform import <address> <location>`.",
				doing, call.appID, cause, describeAccounts(call.appID, found)))
	}
	return nil, "", diags
}

// describeIdentifiers names what accounts were looked up by.
func describeIdentifiers(values map[string]string) string {
	var parts []string
	for _, by := range adoptByAttributes {
		if v := lookupValue(values, by); v != "" {
			parts = append(parts, fmt.Sprintf("%s %q", by, v))
		}
	}
	return strings.Join(parts, " or ")
}

// lookupValue is the value the mapping yields for attribute (compared
// case-insensitively), "" when it yields none.
func lookupValue(values map[string]string, attribute string) string {
	for k, v := range values {
		if strings.EqualFold(k, attribute) {
			return v
		}
	}
	return ""
}

func (r *provisionedUserResource) saveCreated(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string, created scim.Resource, resp *resource.CreateResponse) {
	plan.ID = types.StringValue(created.ID())
	plan.Location = types.StringValue(userLocation(call.appID, created.ID()))
	plan.Attributes = mapValue(values)
	plan.UserName = types.StringValue(values[userNameKey(values)])
	plan.Version = types.StringValue(created.Version())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if differ, _ := differences(values, call.readBack(created, values, true), nil, call); len(differ) > 0 {
		resp.Diagnostics.AddWarning("SCIM App Changed Values on Create",
			fmt.Sprintf("The app at %s created the account %s but holds other values than were sent:\n  %s\n"+
				"The next plan will show them as drift.", call.appID, created.ID(), strings.Join(differ, "\n  ")))
	}
}

// prepareWrite is prepare plus the desired values, what Create and Update
// both start from.
func (r *provisionedUserResource) prepareWrite(ctx context.Context, m *provisionedUserModel) (context.Context, *userCall, map[string]string, diag.Diagnostics) {
	ctx, call, diags := r.prepare(ctx, m)
	if diags.HasError() {
		return ctx, nil, nil, diags
	}
	values, d := r.desiredValues(ctx, call, m)
	diags.Append(d...)
	return ctx, call, values, diags
}

// desiredValues evaluates the mapping for the account (the plan has them
// unless the app's id was unknown at plan time).
func (r *provisionedUserResource) desiredValues(ctx context.Context, call *userCall, m *provisionedUserModel) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if values, ok := stringMap(ctx, m.Attributes); ok {
		return values, diags
	}
	profile, _ := stringMap(ctx, m.Profile)
	values, err := mapping.Evaluate(call.rules, profile, call.settings.discovery)
	if err != nil {
		diags.Append(encodedIssueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
		return nil, diags
	}
	m.Attributes = mapValue(values)
	m.UserName = types.StringValue(values[userNameKey(values)])
	return values, diags
}

func (r *provisionedUserResource) findForAdoption(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string) (scim.Resource, diag.Diagnostics) {
	var diags diag.Diagnostics
	by := plan.AdoptBy.ValueString()
	value := lookupValue(values, by)
	if value == "" {
		diags.AddAttributeError(path.Root("adopt_by"), "Cannot Look Up the Existing Account",
			fmt.Sprintf("adopt_existing looks accounts up by %s, but the attribute mapping yields no %s for this person. "+
				"Map %s, or adopt by another attribute.", by, by, by))
		return nil, diags
	}
	found, err := call.client.Users().Find(ctx, by, value, scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
	if err != nil {
		diags.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Looking up the existing account with %s %q to adopt it", by, value), call.appID, err))
		return nil, diags
	}
	switch len(found) {
	case 0:
		return nil, diags
	case 1:
		return found[0], diags
	default:
		diags.Append(ambiguousAdoption(call.appID, by, value, found))
		return nil, diags
	}
}

// ambiguousAdoption is the error for an adoption lookup that matches more
// than one account, at plan time or at apply.
func ambiguousAdoption(appID, by, value string, found []scim.Resource) diag.Diagnostic {
	return diag.NewErrorDiagnostic("More Than One Account to Adopt",
		fmt.Sprintf("Looking up %s %q at %s to adopt the account found %d accounts:\n  %s\n"+
			"Nothing was linked or created. Remove the duplicates in the app, or import the right one with "+
			"`terraform import <address> <location>`.", by, value, appID, len(found), describeAccounts(appID, found)))
}

func describeAccounts(appID string, found []scim.Resource) string {
	lines := make([]string, 0, len(found))
	for _, f := range found {
		un, _ := f["userName"].(string)
		lines = append(lines, fmt.Sprintf("%s (userName %q, active %v)", userLocation(appID, f.ID()), un, activeOf(f, true)))
	}
	return strings.Join(lines, "\n  ")
}

func describeLookup(found []scim.Resource, err error) string {
	if err != nil {
		return "lookup failed: " + err.Error()
	}
	return fmt.Sprintf("%d accounts matched", len(found))
}
