package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Previews make linking an existing account visible in the plan. Terraform
// shows an adoption as a create and the first plan after an import as every
// attribute added, so neither says what the account holds now; these
// warnings name the account and each value that applying will overwrite,
// so a reviewer sees `title: "Intern" -> "Consultant"` before approving.
// A failed lookup is left to apply, which reports it.

// previewAdoption looks up the account a create with adopt_existing will
// link. Several matches fail the plan, as they would fail the apply.
func (r *provisionedUserResource) previewAdoption(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	by := plan.AdoptBy.ValueString()
	value := lookupValue(values, by)
	if value == "" {
		return diags
	}
	found, err := call.client.Users().Find(ctx, by, value, scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
	switch {
	case err != nil || len(found) == 0:
		return diags
	case len(found) > 1:
		diags.Append(ambiguousAdoption(call.appID, by, value, found))
		return diags
	}
	existing := found[0]
	diags.AddWarning("Existing SCIM Account Will Be Adopted",
		fmt.Sprintf("The plan shows this account as created, but applying will link the existing account %s (the one with %s %q, "+
			"since adopt_existing is set) and bring it to the mapped values.\n\n%s",
			userLocation(call.appID, existing.ID()), by, value, r.overwritesOf(call, existing, values, plan.Active.ValueBool())))
	return diags
}

// previewImported reads an imported account before its first update, which
// the plan shows as every managed attribute added.
func (r *provisionedUserResource) previewImported(ctx context.Context, call *userCall, state *provisionedUserModel, values map[string]string, active bool) diag.Diagnostics {
	var diags diag.Diagnostics
	existing, err := call.client.Users().Get(ctx, state.ID.ValueString(), scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
	if err != nil {
		return diags
	}
	before, wasActive := call.readBack(existing, values, false), activeOf(existing, true)
	if len(valueChanges(before, values, call, func(string, *string, *string) string { return "" })) == 0 && wasActive == active {
		// It already matches (an account brought under management with
		// the configuration `terraform query` generated): the update
		// records the mapping and the profile and sends nothing, which
		// needs no warning per account.
		return diags
	}
	diags.AddWarning("Imported SCIM Account Will Be Overwritten",
		fmt.Sprintf("The account %s was imported, so the plan shows every mapped attribute as added; applying will change what the "+
			"account holds now as follows.\n\n%s",
			userLocation(call.appID, existing.ID()), describeOverwrites(before, values, wasActive, active, call)))
	return diags
}

// overwritesOf describes what bringing existing to the desired values
// changes.
func (r *provisionedUserResource) overwritesOf(call *userCall, existing scim.Resource, values map[string]string, active bool) string {
	return describeOverwrites(call.readBack(existing, values, false), values, activeOf(existing, true), active, call)
}
