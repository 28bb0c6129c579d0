package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func (r *provisionedUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state provisionedUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	mode := state.Deprovision.ValueString()
	if mode == deprovisionAbandon {
		return
	}
	ctx, call, diags := r.prepare(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// Terraform hands Delete the state as it was last saved, not as the
	// refresh before this destroy read it: an account recorded inactive may
	// have been reactivated in the app since, so look before skipping.
	if mode == deprovisionDeactivate && !state.Active.IsNull() && !state.Active.ValueBool() {
		if cur, err := call.client.Users().Get(ctx, id, scim.ReadOptions{Attributes: []string{"active"}}); err == nil && !activeOf(cur, true) {
			return
		} else if scim.IsNotFound(err) {
			return
		}
	}
	// Where the app has ETags, the version Terraform last saved makes the
	// call conditional: an account edited in the app since then is not
	// deleted or deactivated silently.
	ifMatch := ""
	if call.settings.useETags {
		ifMatch = state.Version.ValueString()
	}
	var err error
	doing := ""
	switch mode {
	case deprovisionDelete:
		doing = fmt.Sprintf("Deleting the account %s", userLocation(call.appID, id))
		err = call.client.Users().Delete(ctx, id, scim.WriteOptions{IfMatch: ifMatch})
	default:
		doing = fmt.Sprintf("Deactivating the account %s", userLocation(call.appID, id))
		_, err = r.send(ctx, call, id, []scim.PatchOp{{Op: scim.PatchReplace, Path: "active", Value: false}}, ifMatch)
		if scim.IsPreconditionFailed(err) {
			// A retry after a lost answer meets the version its own first
			// attempt moved on: an inactive account is what was asked.
			if cur, gerr := call.client.Users().Get(ctx, id, scim.ReadOptions{Attributes: []string{"active"}}); gerr == nil && !activeOf(cur, true) {
				err = nil
			}
		}
	}
	switch {
	case err == nil, scim.IsNotFound(err):
	case scim.IsPreconditionFailed(err):
		before, _ := stringMap(ctx, state.Attributes)
		resp.Diagnostics.Append(r.changedUnderneath(ctx, call, doing, id, ifMatch, "Nothing was deleted or deactivated.",
			"A destroy compares with the account as Terraform last saved it. Review the change; to destroy the account as it is "+
				"now, record it with `terraform apply -refresh-only`, then run the destroy again.", before, state.Active))
	default:
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
	}
}
