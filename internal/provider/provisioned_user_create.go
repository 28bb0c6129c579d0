package provider

import (
	"context"
	"fmt"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func (r *provisionedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan provisionedUserModel
	resp.Diagnostics.Append(getUser(ctx, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, accounts, values, diags := r.prepareWrite(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	password := writeOnlyPassword(req.Config)
	if resp.Diagnostics.HasError() {
		return
	}
	defer keepOnInterrupt(ctx, &resp.State, &resp.Diagnostics, "account")
	out, err := accounts.Create(ctx, lifecycle.AccountCreate{
		Values:   values,
		Active:   plan.Active.ValueBool(),
		Adopt:    plan.AdoptExisting.ValueBool(),
		AdoptBy:  plan.AdoptBy.ValueString(),
		Password: password,
	})
	switch {
	case err != nil:
		resp.Diagnostics.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedUpdate))
	case out.Created != nil:
		r.saveCreated(ctx, accounts, &plan, values, out.Created, resp)
	default:
		r.link(ctx, accounts, &plan, values, out, resp)
		if password != "" && !resp.Diagnostics.HasError() {
			// A linked account did not get the password with a POST.
			if err := accounts.SetPassword(ctx, out.Existing.ID(), password); err != nil {
				resp.Diagnostics.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedUpdate))
			}
		}
	}
}

// writeOnlyPassword is password_wo from the configuration (write-only
// values are only there), "" when unset.
func writeOnlyPassword(config tfsdk.Config) string {
	pw, _ := rawString(config.Raw, "password_wo")
	return pw
}

// link makes an existing account this resource's: saved at once, so a
// failure while bringing it to the desired attributes leaves it tracked,
// then brought to them, with a warning that names the account and every
// value that was overwritten, so adopting is never silent.
func (r *provisionedUserResource) link(ctx context.Context, accounts *lifecycle.Accounts, plan *provisionedUserModel, values map[string]string, out lifecycle.CreateOutcome, resp *resource.CreateResponse) {
	app, existing := accounts.App(), out.Existing
	desiredActive := plan.Active.ValueBool()
	actual := accounts.ReadBack(existing, values, false)
	wasActive := lifecycle.ActiveOf(existing, true)
	plan.ID = types.StringValue(existing.ID())
	plan.Location = types.StringValue(app.UserLocation(existing.ID()))
	plan.Attributes = mapValue(actual)
	plan.Active = types.BoolValue(wasActive)
	plan.Version = types.StringValue(existing.Version())
	resp.Diagnostics.Append(setUser(ctx, &resp.State.Raw, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.applyChange(ctx, accounts, plan, lifecycle.AccountChange{
		ID: existing.ID(), Version: existing.Version(),
		Actual: actual, Desired: values,
		WasActive: &wasActive, Active: desiredActive,
	}, &resp.State, &resp.Diagnostics) {
		return
	}
	summary, reason := linkReason(out.Reason, plan.AdoptBy.ValueString(), lifecycle.LookupValue(values, plan.AdoptBy.ValueString()))
	resp.Diagnostics.AddWarning(summary,
		fmt.Sprintf("The existing account %s was linked instead of creating a new one (%s), and brought to the mapped values.\n\n%s",
			app.UserLocation(existing.ID()), reason, describeOverwrites(accounts.OverwritesOf(existing, values, desiredActive))))
}

// saveCreated records a created account, and warns when the app holds
// other values than were sent (the next plan shows them as drift).
func (r *provisionedUserResource) saveCreated(ctx context.Context, accounts *lifecycle.Accounts, plan *provisionedUserModel, values map[string]string, created scim.Resource, resp *resource.CreateResponse) {
	app := accounts.App()
	plan.ID = types.StringValue(created.ID())
	plan.Location = types.StringValue(app.UserLocation(created.ID()))
	plan.setValues(values)
	plan.Version = types.StringValue(created.Version())
	resp.Diagnostics.Append(setUser(ctx, &resp.State.Raw, plan)...)
	if differ := accounts.Differences(values, accounts.ReadBack(created, values, true)); len(differ) > 0 {
		resp.Diagnostics.AddWarning("SCIM App Changed Values on Create",
			fmt.Sprintf("The app at %s created the account %s but holds other values than were sent:\n  %s\n"+
				"The next plan will show them as drift.", app.BaseURL, created.ID(), strings.Join(differ, "\n  ")))
	}
}

// prepareWrite is the accounts of m's app plus the desired values, what
// Create and Update both start from.
func (r *provisionedUserResource) prepareWrite(ctx context.Context, m *provisionedUserModel) (context.Context, *lifecycle.Accounts, map[string]string, diag.Diagnostics) {
	ctx, accounts, diags := r.accounts(ctx, m)
	if diags.HasError() {
		return ctx, nil, nil, diags
	}
	values, d := desiredValues(ctx, accounts, m)
	diags.Append(d...)
	return ctx, accounts, values, diags
}

// desiredValues evaluates the mapping for the account (the plan has them
// unless the app's id was unknown at plan time).
func desiredValues(ctx context.Context, accounts *lifecycle.Accounts, m *provisionedUserModel) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if values, ok := stringMap(ctx, m.Attributes); ok {
		return values, diags
	}
	profile, _ := stringMap(ctx, m.Profile)
	values, err := accounts.Desired(profile)
	if err != nil {
		diags.Append(encodedIssueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
		return nil, diags
	}
	m.setValues(values)
	return values, diags
}
