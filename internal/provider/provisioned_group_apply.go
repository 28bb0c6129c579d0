package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func (r *provisionedGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan provisionedGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, groups, diags := r.groups(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, desired := groups.App(), plan.group()
	defer keepOnInterrupt(ctx, &resp.State, &resp.Diagnostics, "group")
	out, err := groups.Create(ctx, lifecycle.GroupCreate{Desired: desired, Adopt: plan.AdoptExisting.ValueBool(), AdoptBy: plan.AdoptBy.ValueString()})
	if err != nil {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, app, err))
		return
	}
	actual := out.Created
	if out.Existing != nil {
		actual = out.Linked
		resp.Diagnostics.AddWarning(groupLinkSummary(out.Reason),
			fmt.Sprintf("The group %q (%s) already existed in the app and is now managed by Terraform (%s); its name and members "+
				"are brought to the configuration.\n\n%s", desired.DisplayName, app.GroupLocation(actual.ID),
				groupLinkReason(out.Reason, plan.AdoptBy.ValueString(), desired), describeGroupChanges(lifecycle.GroupOverwrites(actual, desired))))
	}
	// Recorded at once, so a failure below leaves the group tracked.
	recorded := plan
	recorded.ID = types.StringValue(actual.ID)
	recorded.Location = types.StringValue(app.GroupLocation(actual.ID))
	recorded.set(actual)
	resp.Diagnostics.Append(resp.State.Set(ctx, &recorded)...)
	desired.ID = actual.ID
	if err := groups.Apply(ctx, actual, desired); err != nil {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, app, err))
		return
	}
	plan.ID, plan.Location = recorded.ID, recorded.Location
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *provisionedGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state provisionedGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, groups, diags := r.groups(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	plan.Location = types.StringValue(groups.App().GroupLocation(state.ID.ValueString()))
	actual, desired := state.group(), plan.group()
	// Members or externalId become managed (or the group was imported):
	// what the app holds now is what the change is computed from, so an
	// import that matches sends nothing.
	var unread []string
	if !actual.ManageMembers && desired.ManageMembers {
		unread = append(unread, "members")
	}
	if actual.ExternalID == nil && desired.ExternalID != nil {
		unread = append(unread, "externalId")
	}
	if len(unread) > 0 {
		res, err := groups.ReadCurrent(ctx, actual.ID, unread)
		if err != nil {
			resp.Diagnostics.Append(groupDiagnostic(r.clients, groups.App(), err))
			return
		}
		if desired.ManageMembers && !actual.ManageMembers {
			actual.ManageMembers, actual.Members = true, scim.GroupMemberIDs(res)
		}
		if desired.ExternalID != nil && actual.ExternalID == nil {
			actual.ExternalID = stringPointer(stringOf(res, "externalId"))
		}
	}
	if err := groups.Apply(ctx, actual, desired); err != nil {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, groups.App(), err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *provisionedGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state provisionedGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Deprovision.ValueString() == lifecycle.Abandon {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, groups, diags := r.groups(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := groups.Deprovision(ctx, state.group(), state.Deprovision.ValueString()); err != nil {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, groups.App(), err))
	}
}
