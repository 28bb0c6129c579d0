package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func (r *provisionedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan provisionedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ctx, call, diags := r.prepare(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	values, diags := r.desiredValues(ctx, call, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	userName := values[userNameKey(values)]
	doing := fmt.Sprintf("Creating the account %q", userName)

	var existing scim.Resource
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
		created, err := call.client.CreateUser(ctx, doc)
		switch {
		case err == nil:
			r.saveCreated(ctx, call, &plan, values, created, resp)
			return
		case scim.IsAmbiguous(err):
			// The POST may have been applied: look before trying again, so a
			// lost answer never turns into a second account.
			found, ferr := call.client.FindUsers(ctx, "userName", userName, mapping.ReadAttributes(call.rules))
			if ferr != nil || len(found) > 1 {
				resp.Diagnostics.AddError("Outcome of Account Creation Unknown",
					fmt.Sprintf("%s at %s: the connection failed after the request was sent (%v), and looking the account up "+
						"afterwards did not settle whether it was created (%s). Run `terraform apply` again with `adopt_existing = true` "+
						"to link the account if it exists.", doing, call.appID, err, describeLookup(found, ferr)))
				return
			}
			if len(found) == 1 {
				// Said, not silent: the account is linked because this create
				// most likely made it.
				resp.Diagnostics.AddWarning("SCIM Account Linked After a Lost Answer",
					fmt.Sprintf("%s at %s: the connection failed after the request was sent (%v). The one account with userName %q "+
						"(%s) was linked instead of creating another.", doing, call.appID, err, userName, userLocation(call.appID, found[0].ID())))
				existing = found[0]
				break
			}
			created, err = call.client.CreateUser(ctx, doc)
			if err != nil {
				resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
				return
			}
			r.saveCreated(ctx, call, &plan, values, created, resp)
			return
		case isSuccessUnusable(err):
			// The app said it created the account but its answer does not
			// say which: find it rather than leave it untracked.
			found, ferr := call.client.FindUsers(ctx, "userName", userName, mapping.ReadAttributes(call.rules))
			if ferr != nil || len(found) != 1 {
				resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
				return
			}
			resp.Diagnostics.AddWarning("SCIM App Answered the Create Unusably", fmt.Sprintf("%s: %v\n\nThe account was found by userName and linked.", doing, err))
			existing = found[0]
		case scim.IsConflict(err):
			resp.Diagnostics.Append(r.conflictDiagnostic(ctx, call, doing, userName, err))
			return
		default:
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
			return
		}
	}

	// Adopt: link the one existing account, save it at once, then bring it
	// to the desired attributes.
	desiredActive := plan.Active.ValueBool()
	plan.ID = types.StringValue(existing.ID())
	plan.Location = types.StringValue(userLocation(call.appID, existing.ID()))
	actual := call.readBack(existing, values, false)
	plan.Attributes = mapValue(actual)
	plan.Active = types.BoolValue(activeOf(existing, true))
	plan.Version = types.StringValue(existing.Version())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	updated, diags := r.apply(ctx, call, &plan, actual, values, desiredActive, mapping.Diff)
	resp.Diagnostics.Append(diags...)
	if updated != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, updated)...)
	}
}

func (r *provisionedUserResource) saveCreated(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string, created scim.Resource, resp *resource.CreateResponse) {
	plan.ID = types.StringValue(created.ID())
	plan.Location = types.StringValue(userLocation(call.appID, created.ID()))
	plan.Attributes = mapValue(values)
	plan.UserName = types.StringValue(values[userNameKey(values)])
	plan.Version = types.StringValue(created.Version())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if differ := differences(values, call.readBack(created, values, true), call); len(differ) > 0 {
		resp.Diagnostics.AddWarning("SCIM App Changed Values on Create",
			fmt.Sprintf("The app at %s created the account %s but holds other values than were sent:\n  %s\n"+
				"The next plan will show them as drift.", call.appID, created.ID(), strings.Join(differ, "\n  ")))
	}
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
		diags.Append(issueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
		return nil, diags
	}
	m.Attributes = mapValue(values)
	m.UserName = types.StringValue(values[userNameKey(values)])
	return values, diags
}

func (r *provisionedUserResource) findForAdoption(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string) (scim.Resource, diag.Diagnostics) {
	var diags diag.Diagnostics
	by := plan.AdoptBy.ValueString()
	value := ""
	for k, v := range values {
		if strings.EqualFold(k, by) {
			value = v
		}
	}
	if value == "" {
		diags.AddAttributeError(path.Root("adopt_by"), "Cannot Look Up the Existing Account",
			fmt.Sprintf("adopt_existing looks accounts up by %s, but the attribute mapping yields no %s for this person. "+
				"Map %s, or adopt by another attribute.", by, by, by))
		return nil, diags
	}
	found, err := call.client.FindUsers(ctx, by, value, mapping.ReadAttributes(call.rules))
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
		diags.AddError("More Than One Account to Adopt",
			fmt.Sprintf("Looking up %s %q at %s to adopt the account found %d accounts:\n  %s\n"+
				"Nothing was linked or created. Remove the duplicates in the app, or import the right one with "+
				"`terraform import <address> <location>`.", by, value, call.appID, len(found), describeAccounts(call.appID, found)))
		return nil, diags
	}
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

func (r *provisionedUserResource) conflictDiagnostic(ctx context.Context, call *userCall, doing, userName string, err error) diag.Diagnostic {
	hint := ""
	if found, ferr := call.client.FindUsers(ctx, "userName", userName, []string{"userName", "active"}); ferr == nil && len(found) > 0 {
		hint = "\n\nAccounts the app has with that userName:\n  " + describeAccounts(call.appID, found)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s failed: the app already has an account that conflicts with it.\n\n%v%s\n\n", doing, call.appID, err, hint)
	b.WriteString("Nothing was created. To manage the existing account, set `adopt_existing = true` (it is linked when exactly one " +
		"account matches), or import it with `terraform import <address> <location>`.")
	return diag.NewErrorDiagnostic("SCIM Account Already Exists", b.String())
}

// isSuccessUnusable reports a 2xx answer whose body could not be used
// (malformed JSON, no id): the app applied the request but did not say to
// what. An HTML page is left out: it more likely comes from a proxy or login
// page in front of the app than from the app, and linking an account found
// by userName then could adopt one that existed before.
func isSuccessUnusable(err error) bool {
	var re *scim.ResponseError
	return errors.As(err, &re) && re.Status >= 200 && re.Status < 300 && !strings.Contains(strings.ToLower(re.ContentType), "html")
}
