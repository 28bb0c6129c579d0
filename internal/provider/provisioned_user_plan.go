package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
)

// ModifyPlan computes the SCIM attributes that will be sent, so they are in
// the plan. The prior state needs no matching here: a refresh already kept
// Terraform's spelling of every value the app holds in an equal form
// (userName case-insensitively), so a value that differs from the state is
// a change the configuration asks for, a change of case included.
func (r *provisionedUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.guardDestroy(ctx, req)...)
		return
	}
	var plan provisionedUserModel
	resp.Diagnostics.Append(getUser(ctx, req.Plan.Raw, &plan)...)
	var state *provisionedUserModel
	if !req.State.Raw.IsNull() {
		state = &provisionedUserModel{}
		resp.Diagnostics.Append(getUser(ctx, req.State.Raw, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	plan.Attributes = types.MapUnknown(types.StringType)
	plan.UserName = types.StringUnknown()
	rules, rulesKnown, diags := rulesFromEncoded(plan.AttributeMapping)
	resp.Diagnostics.Append(diags...)
	profile, profileKnown := stringMap(ctx, plan.Profile)
	if rulesKnown && profileKnown && !plan.ConnectedAppID.IsUnknown() {
		callCtx, accounts, diags := r.accounts(ctx, &plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		values, err := accounts.Desired(profile)
		if err != nil {
			resp.Diagnostics.Append(encodedIssueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
			return
		}
		plan.setValues(values)
		if !rawAttribute(req.Config.Raw, "password_wo", tftypes.String).IsNull() {
			if why := accounts.PasswordRefused(); why != "" {
				resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "The App Takes No Password",
					fmt.Sprintf("password_wo is set, but %s (%s): remove password_wo and password_wo_version.", why, accounts.App().BaseURL))
				return
			}
			if state != nil && !plan.PasswordVersion.Equal(state.PasswordVersion) &&
				!accounts.App().Settings.Discovery.ServiceProviderConfig.ChangePassword.Supported {
				resp.Diagnostics.AddAttributeError(path.Root("password_wo_version"), "The App Does Not Change Passwords",
					fmt.Sprintf("A new password_wo_version asks for the password to be sent again, but the app at %s does not change "+
						"passwords (its /ServiceProviderConfig says changePassword.supported = false): a password is set only when "+
						"the account is created. Keep password_wo_version as it was.", accounts.App().BaseURL))
				return
			}
		}
		if state != nil && !state.AttributeMapping.IsNull() {
			prior, _ := stringMap(ctx, state.Attributes)
			if d := refusedChanges(accounts.App(), accounts.App().Settings.Vendor.RefusedChanges(prior, values)); d != nil {
				resp.Diagnostics.Append(d)
				return
			}
		}
		if v := accounts.App().Settings.Vendor; v != nil && v.DeleteMeans != "" && plan.Deprovision.ValueString() == lifecycle.Delete {
			resp.Diagnostics.Append(deleteModeWarning(v))
		}
		switch {
		case state == nil && plan.AdoptExisting.ValueBool() && !plan.AdoptBy.IsUnknown():
			resp.Diagnostics.Append(r.previewAdoption(callCtx, accounts, &plan, values)...)
		case state == nil && !plan.AdoptExisting.IsUnknown() && !plan.Active.IsUnknown():
			resp.Diagnostics.Append(r.previewLink(callCtx, accounts, &plan, values)...)
		case state != nil && state.AttributeMapping.IsNull() && !state.ID.IsNull():
			resp.Diagnostics.Append(r.previewImported(callCtx, accounts, state, values, plan.Active.ValueBool())...)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}

	plan.Location = types.StringUnknown()
	plan.Version = types.StringUnknown()
	if state != nil {
		if !plan.ConnectedAppID.IsUnknown() && !state.ID.IsNull() {
			if appID, err := normalizeBaseURL(plan.ConnectedAppID.ValueString()); err == nil {
				plan.Location = types.StringValue(lifecycle.UserLocation(appID, state.ID.ValueString()))
			}
		}
		if plan.Attributes.Equal(state.Attributes) && plan.Active.Equal(state.Active) {
			plan.Version = state.Version
		}
	}
	resp.Diagnostics.Append(setUser(ctx, &resp.Plan.Raw, &plan)...)
	if state != nil && rulesKnown && profileKnown && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(keepEquivalentInputs(ctx, req, resp, plan, *state, rules)...)
	}
	if state != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.guardUpdate(ctx, &plan, state)...)
	}
}

// guardDestroy counts a destroy that deactivates or deletes the account
// against the app's deprovisioning guard (deprovision_guard.go).
func (r *provisionedUserResource) guardDestroy(ctx context.Context, req resource.ModifyPlanRequest) diag.Diagnostics {
	var state provisionedUserModel
	diags := getUser(ctx, req.State.Raw, &state)
	mode := state.Deprovision.ValueString()
	if diags.HasError() {
		return diags
	}
	if base, err := normalizeBaseURL(state.ConnectedAppID.ValueString()); err == nil {
		d := destroyMeaning(base, mode, state.UserName.ValueString())
		if v := vendorOf(ctx, base, state.Compatibility); v != nil && mode == lifecycle.Delete && v.DeleteMeans != "" {
			d = vendorDeleteMeaning(base, v, state.UserName.ValueString())
		}
		diags.Append(d)
	}
	if mode == lifecycle.Abandon {
		return diags
	}
	_, app, _ := r.clients.prepareApp(ctx, state.ConnectedAppID, state.Compatibility)
	if app == nil {
		return diags // the apply reports the app
	}
	if mode == lifecycle.Deactivate && !state.Active.ValueBool() {
		r.clients.guard.planned(app.BaseURL) // already inactive: nothing to lose
		return diags
	}
	verb := "deactivate"
	if mode == lifecycle.Delete {
		verb = "delete"
	}
	diags.Append(r.clients.guard.deprovision(ctx, app, fmt.Sprintf("%s the account %q", verb, state.UserName.ValueString()))...)
	return diags
}

// folded ends a warning Terraform folds, one per app and mode, with the
// count of the others.
const folded = "Terraform shows this warning once for all of them and counts the others below as similar warnings."

// destroyMeaning says what a planned destroy does to the account in the
// app, which the plan shows only as every attribute going to null. The
// summary is the same for every account of one app and mode, so Terraform
// folds the warnings of a for_each or count resource (and of terraform
// destroy) into one that ends "(and N more similar warnings elsewhere)":
// one warning per app and mode, with the count. The detail is worded for
// that folded warning.
func destroyMeaning(baseURL, mode, userName string) diag.Diagnostic {
	switch mode {
	case lifecycle.Delete:
		return diag.NewWarningDiagnostic("Accounts at "+baseURL+" Will Be Deleted",
			fmt.Sprintf("Each account of this app that the plan destroys with deprovision = \"delete\" is deleted in the app, "+
				"the first being %q. %s", userName, folded))
	case lifecycle.Abandon:
		return diag.NewWarningDiagnostic("Accounts at "+baseURL+" Will Be Left as They Are",
			fmt.Sprintf("Each account of this app that the plan destroys with deprovision = \"abandon\" is left in the app untouched, "+
				"active or not, and Terraform forgets it, the first being %q. %s", userName, folded))
	default:
		return diag.NewWarningDiagnostic("Accounts at "+baseURL+" Will Be Deactivated and Kept",
			fmt.Sprintf("The plan shows these accounts as destroyed, every attribute going to null. In the app, each is deactivated "+
				"(active = false) and kept with its values; nothing is deleted (deprovision = \"deactivate\"), and adding the person "+
				"back later reactivates the account. The first is %q. %s", userName, folded))
	}
}

// vendorOf is the vendor profile of the app at base, nil when none
// applies.
func vendorOf(ctx context.Context, base string, compat types.Object) *lifecycle.Vendor {
	_, configured, _ := overridesOf(ctx, compat)
	if v, ok := lifecycle.VendorNamed(appVendor(base, configured)); ok {
		return &v
	}
	return nil
}

// vendorDeleteMeaning is destroyMeaning for deprovision = "delete" on an
// app whose DELETE is not a plain deletion: it deactivates, or it cannot
// be undone where the app has a deactivation that can.
func vendorDeleteMeaning(base string, v *lifecycle.Vendor, userName string) diag.Diagnostic {
	if v.DeleteMeans == lifecycle.DeleteDeactivates {
		return diag.NewWarningDiagnostic("Accounts at "+base+" Will Be Deactivated, Not Deleted",
			fmt.Sprintf("Each account of this app that the plan destroys with deprovision = \"delete\" is sent a DELETE, which %s "+
				"does not carry out as a deletion: %s The first is %q. %s", v.Title, v.DeleteNote, userName, folded))
	}
	return diag.NewWarningDiagnostic("Accounts at "+base+" Will Be Deleted for Good",
		fmt.Sprintf("Each account of this app that the plan destroys with deprovision = \"delete\" is deleted in %s, and that cannot be "+
			"undone: %s Use deprovision = \"deactivate\" for a deprovisioning that can be. The first is %q. %s", v.Title, v.DeleteNote, userName, folded))
}

// deleteModeWarning says at plan time, for an account that will be
// deprovisioned with deprovision = "delete", what that does in an app
// whose DELETE is not a plain deletion.
func deleteModeWarning(v *lifecycle.Vendor) diag.Diagnostic {
	if v.DeleteMeans == lifecycle.DeleteDeactivates {
		return diag.NewAttributeWarningDiagnostic(path.Root("deprovision"), v.Title+"'s DELETE Deactivates",
			fmt.Sprintf("deprovision = \"delete\" will not delete this account when it is deprovisioned: %s "+
				"Say deprovision = \"deactivate\" to have the plan say what will happen.", v.DeleteNote))
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("deprovision"), v.Title+"'s DELETE Cannot Be Undone",
		fmt.Sprintf("deprovision = \"delete\" will delete this account for good when it is deprovisioned: %s "+
			"deprovision = \"deactivate\" deprovisions in a way that can be undone.", v.DeleteNote))
}

// guardUpdate counts an update that deactivates the account against the
// app's guard, and any other as one of the app's accounts planned.
func (r *provisionedUserResource) guardUpdate(ctx context.Context, plan, state *provisionedUserModel) diag.Diagnostics {
	if plan.ConnectedAppID.IsUnknown() {
		return nil
	}
	_, app, _ := r.clients.prepareApp(ctx, plan.ConnectedAppID, plan.Compatibility)
	if app == nil {
		return nil
	}
	if state.Active.ValueBool() && !plan.Active.IsUnknown() && !plan.Active.ValueBool() {
		return r.clients.guard.deprovision(ctx, app, fmt.Sprintf("deactivate the account %q", state.UserName.ValueString()))
	}
	r.clients.guard.planned(app.BaseURL)
	return nil
}

// previewAdoption shows in the plan what a create with adopt_existing will
// link: a warning that names the account and each value applying will
// overwrite, since Terraform shows an adoption as a create. Several
// matches fail the plan, as they would fail the apply, and so does a
// mapping that yields no value to look the account up by.
func (r *provisionedUserResource) previewAdoption(ctx context.Context, accounts *lifecycle.Accounts, plan *provisionedUserModel, values map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	preview, err := accounts.PreviewAdoption(ctx, plan.AdoptBy.ValueString(), values, plan.Active.ValueBool())
	if err != nil {
		diags.Append(r.clients.accountDiagnostic(accounts.App(), err, refusedUpdate))
		return diags
	}
	if preview == nil {
		return diags
	}
	if d := refusedChanges(accounts.App(), preview.Refused); d != nil {
		diags.Append(d)
		return diags
	}
	diags.AddWarning("Existing SCIM Account Will Be Adopted",
		fmt.Sprintf("The plan shows this account as created, but applying will link the existing account %s (the one with %s %q, "+
			"since adopt_existing is set) and bring it to the mapped values.\n\n%s",
			accounts.App().UserLocation(preview.Existing.ID()), preview.By, preview.Value, describeOverwrites(preview.Overwrites)))
	return diags
}

// previewLink says at plan time what a create will really do when the app
// already has this person's account and applying will link it rather than
// make one: a rehire (an inactive account, reactivated) or an account that
// already holds exactly the mapped values (the re-run after a crash). The
// plan alone would show a create.
func (r *provisionedUserResource) previewLink(ctx context.Context, accounts *lifecycle.Accounts, plan *provisionedUserModel, values map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	preview, reason := accounts.PreviewCreate(ctx, values, plan.Active.ValueBool())
	if preview == nil {
		return diags
	}
	if d := refusedChanges(accounts.App(), preview.Refused); d != nil {
		diags.Append(d)
		return diags
	}
	loc := accounts.App().UserLocation(preview.Existing.ID())
	switch reason {
	case lifecycle.LinkRehire:
		diags.AddWarning("Inactive SCIM Account Will Be Reactivated (Rehire)",
			fmt.Sprintf("The plan shows this account as created, but the app already has an inactive account with userName %q: %s. "+
				"Applying will link it, reactivate it and bring it to the mapped values instead of creating a second account.\n\n%s",
				preview.Value, loc, describeOverwrites(preview.Overwrites)))
	case lifecycle.LinkMatching:
		diags.AddWarning("Existing SCIM Account Will Be Linked",
			fmt.Sprintf("The plan shows this account as created, but the app already has the account %s with userName %q and exactly "+
				"the mapped values (as an interrupted apply leaves it). Applying will link it and change nothing in it.", loc, preview.Value))
	}
	return diags
}

// refusedChanges is the plan-time error for changes the app will not make
// (its vendor keeps those attributes on update); nil when there are none.
func refusedChanges(app *lifecycle.App, refused []string) diag.Diagnostic {
	v := app.Settings.Vendor
	if len(refused) == 0 || v == nil {
		return nil
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("attributes"), v.Title+" Keeps These Values on Update",
		fmt.Sprintf("The plan changes values of this account that %s does not change once the account exists: %s\n\n  %s\n\n"+
			"Change them in %s itself (or create the account anew), then let the mapping give what the app holds.",
			v.Title, v.KeptOnUpdateNote, strings.Join(refused, "\n  "), v.Title))
}

// previewImported reads an imported account before its first update, which
// the plan shows as every managed attribute added, and says what applying
// will change. An account that already matches (brought under management
// with the configuration `terraform query` generated) needs no warning: the
// update records the mapping and the profile and sends nothing.
func (r *provisionedUserResource) previewImported(ctx context.Context, accounts *lifecycle.Accounts, state *provisionedUserModel, values map[string]string, active bool) diag.Diagnostics {
	var diags diag.Diagnostics
	preview := accounts.PreviewImport(ctx, state.ID.ValueString(), values, active)
	if preview == nil || len(preview.Overwrites) == 0 {
		return diags
	}
	if d := refusedChanges(accounts.App(), preview.Refused); d != nil {
		diags.Append(d)
		return diags
	}
	diags.AddWarning("Imported SCIM Account Will Be Overwritten",
		fmt.Sprintf("The account %s was imported, so the plan shows every mapped attribute as added; applying will change what the "+
			"account holds now as follows.\n\n%s",
			accounts.App().UserLocation(preview.Existing.ID()), describeOverwrites(preview.Overwrites)))
	return diags
}

// keepEquivalentInputs plans no change for an account that a change of the
// mapping or the profile does not affect (a new rule whose source this
// person lacks, a new transform of a value they do not have): when the plan
// differs from the state only in those inputs, it keeps their prior values,
// which Terraform accepts as equivalent to the configuration. So only the
// affected accounts show updates. A refresh reads the paths of the rules in
// state, so the prior rules are kept only when they manage no path the new
// ones drop: such a path would be read, and removed, although no rule
// manages it any more.
func keepEquivalentInputs(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan, state provisionedUserModel, rules []mapping.Rule) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.AttributeMapping.Equal(state.AttributeMapping) && plan.Profile.Equal(state.Profile) {
		return diags
	}
	prior, ok, d := rulesFromEncoded(state.AttributeMapping)
	diags.Append(d...)
	if !ok || !managesAll(rules, mapping.ManagedPaths(prior)) {
		return diags
	}
	unchanged := plan
	unchanged.AttributeMapping = state.AttributeMapping
	unchanged.Profile = state.Profile
	diags.Append(setUser(ctx, &resp.Plan.Raw, &unchanged)...)
	if !resp.Plan.Raw.Equal(req.State.Raw) {
		diags.Append(setUser(ctx, &resp.Plan.Raw, &plan)...)
	}
	return diags
}

// managesAll reports whether rules target every one of paths.
func managesAll(rules []mapping.Rule, paths []string) bool {
	managed := mapping.ManagedPaths(rules)
	for _, p := range paths {
		if !slices.ContainsFunc(managed, func(m string) bool { return mapping.SamePath(m, p) }) {
			return false
		}
	}
	return true
}
