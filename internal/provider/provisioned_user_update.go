package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
)

func (r *provisionedUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state provisionedUserModel
	resp.Diagnostics.Append(getUser(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getUser(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, accounts, desired, diags := r.prepareWrite(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	plan.ID = state.ID
	plan.Location = types.StringValue(accounts.App().UserLocation(id))

	// The state is Terraform's record of the account, refreshed with its own
	// spelling kept for values the app holds in an equal form: every
	// difference from the plan is to be sent.
	change := lifecycle.AccountChange{
		ID: id, Version: state.Version.ValueString(),
		Recorded: true, Desired: desired,
		WasActive: boolPointer(state.Active), Active: plan.Active.ValueBool(),
	}
	actual, known := stringMap(ctx, state.Attributes)
	if known && !state.Attributes.IsNull() {
		change.Actual = actual
	} else {
		// Imported, or the mapping was unknown: read what the app holds now.
		current, err := accounts.ReadCurrent(ctx, id, desired)
		if err != nil {
			resp.Diagnostics.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedUpdate))
			return
		}
		change.Actual, change.Recorded = current.Values, false
		change.Version, change.WasActive = current.Version, &current.Active
	}
	// Local settings (deprovision, adoption, compatibility, the app's new
	// address) come from the plan; what the app holds from the update.
	plan.Version = types.StringValue(change.Version)
	if !r.applyChange(ctx, accounts, &plan, change, &resp.State, &resp.Diagnostics) {
		return
	}
	if !plan.PasswordVersion.Equal(state.PasswordVersion) {
		// A new password_wo_version asks for password_wo to be sent again.
		if pw := writeOnlyPassword(req.Config); pw != "" {
			if err := accounts.SetPassword(ctx, id, pw); err != nil {
				resp.Diagnostics.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedUpdate))
			}
		}
	}
}

// applyChange applies change to the account and records in m, and in
// state, what the app holds afterwards: the desired values when it kept
// them (warning about values changed in the app meanwhile), what it holds
// with an error when it did not. A failed change records nothing and
// reports false.
func (r *provisionedUserResource) applyChange(ctx context.Context, accounts *lifecycle.Accounts, m *provisionedUserModel, change lifecycle.AccountChange,
	state *tfsdk.State, diags *diag.Diagnostics) bool {
	res, err := accounts.Apply(ctx, change)
	if err != nil {
		diags.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedUpdate))
		return false
	}
	m.setValues(res.Values)
	m.Active = types.BoolValue(res.Active)
	m.Version = types.StringValue(res.Version)
	diags.Append(setUser(ctx, &state.Raw, m)...)
	doing := fmt.Sprintf("Updating the account %s", accounts.App().UserLocation(change.ID))
	also := ""
	if len(res.Meanwhile) > 0 {
		also = fmt.Sprintf("\n\nChanged in the app since Terraform last read the account (not part of this update):\n  %s",
			strings.Join(res.Meanwhile, "\n  "))
	}
	switch {
	case len(res.NotKept) > 0:
		diags.AddError("SCIM App Did Not Keep the Values Sent",
			fmt.Sprintf("%s: the app accepted the change but holds other values than were sent:\n  %s%s\n\n"+
				"State records what the app holds. The app may normalise or refuse these values; adjust the mapping or the app.",
				doing, strings.Join(res.NotKept, "\n  "), also))
		return false
	case len(res.Meanwhile) > 0:
		// Applied as planned: state must be what the plan said (Terraform
		// refuses anything else), and the next refresh reads the edit.
		diags.AddWarning("SCIM Account Changed in the App Meanwhile",
			fmt.Sprintf("%s: the values sent were applied.%s\n\nThe next plan shows these as drift.", doing, also))
	}
	return !diags.HasError()
}

func (r *provisionedUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state provisionedUserModel
	resp.Diagnostics.Append(getUser(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	mode := state.Deprovision.ValueString()
	if mode == lifecycle.Abandon {
		return
	}
	ctx, accounts, diags := r.accounts(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Terraform hands Delete the state as it was last saved, not as the
	// refresh before this destroy read it: the lifecycle reads an account
	// recorded inactive again before skipping it.
	values, _ := stringMap(ctx, state.Attributes)
	err := accounts.Deprovision(ctx, lifecycle.AccountDeprovision{
		ID: state.ID.ValueString(), Mode: mode, Version: state.Version.ValueString(),
		Values: values, WasActive: boolPointer(state.Active),
	})
	if err != nil {
		resp.Diagnostics.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedDelete))
	}
}
