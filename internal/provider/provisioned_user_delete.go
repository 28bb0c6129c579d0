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
	if mode == deprovisionDeactivate && !state.Active.IsNull() && !state.Active.ValueBool() {
		// Already inactive as of the refresh before this destroy: nothing
		// to send.
		return
	}
	ctx, call, diags := r.prepare(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var err error
	doing := ""
	switch mode {
	case deprovisionDelete:
		doing = fmt.Sprintf("Deleting the account %s", userLocation(call.appID, id))
		err = call.client.DeleteUser(ctx, id, "")
	default:
		doing = fmt.Sprintf("Deactivating the account %s", userLocation(call.appID, id))
		_, err = r.send(ctx, call, id, []scim.PatchOp{{Op: scim.PatchReplace, Path: "active", Value: false}}, "")
	}
	if err != nil && !scim.IsNotFound(err) {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
	}
}
