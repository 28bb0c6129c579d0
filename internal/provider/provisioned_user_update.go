package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func (r *provisionedUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state provisionedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ctx, call, diags := r.prepare(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	desired, diags := r.desiredValues(ctx, call, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	plan.Location = types.StringValue(userLocation(call.appID, state.ID.ValueString()))

	// The state is Terraform's record of the account, refreshed with its own
	// spelling kept for values the app holds in an equal form: every
	// difference from the plan is to be sent.
	diff := mapping.DiffExact
	actual, known := stringMap(ctx, state.Attributes)
	current := state
	if !known || state.Attributes.IsNull() {
		// Imported, or the mapping was unknown: read what the app holds now.
		res, err := call.client.GetUser(ctx, state.ID.ValueString(), mapping.ReadAttributes(call.rules))
		if err != nil {
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the account %s before updating it", state.ID.ValueString()), call.appID, err))
			return
		}
		actual = call.readBack(res, desired, false)
		diff = mapping.Diff
		current.Version = types.StringValue(res.Version())
		current.Active = types.BoolValue(activeOf(res, true))
	}
	plan.Version = current.Version
	updated, diags := r.apply(ctx, call, &current, actual, desired, plan.Active.ValueBool(), diff)
	resp.Diagnostics.Append(diags...)
	if updated == nil {
		return
	}
	// Local settings (deprovision, adoption, compatibility, the app's new
	// address) come from the plan; what the app holds from the update.
	plan.Attributes = updated.Attributes
	plan.UserName = updated.UserName
	plan.Active = updated.Active
	plan.Version = updated.Version
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply brings the account from actual to desired with the fewest calls:
// nothing when they agree, else one PATCH of the changed paths (or one PUT
// of the merged account where the app has no PATCH). It returns the model to
// save: desired values when the app kept them, what the app holds otherwise
// (with an error), or nil when nothing is known to have changed. diff is
// mapping.Diff when actual is what the app returned just now, and
// mapping.DiffExact when it is Terraform's own record (state).
func (r *provisionedUserResource) apply(ctx context.Context, call *userCall, m *provisionedUserModel, actual, desired map[string]string, active bool,
	diff func(actual, desired map[string]string, s mapping.Schemas) ([]scim.PatchOp, error)) (*provisionedUserModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	id := m.ID.ValueString()
	doing := fmt.Sprintf("Updating the account %s", userLocation(call.appID, id))
	ops, err := diff(actual, desired, call.settings.discovery)
	if err != nil {
		diags.AddError("Cannot Plan the SCIM Update", fmt.Sprintf("%s: %v", doing, err))
		return nil, diags
	}
	if m.Active.IsNull() || m.Active.ValueBool() != active {
		ops = append(ops, scim.PatchOp{Op: scim.PatchReplace, Path: "active", Value: active})
	}
	out := *m
	if len(ops) == 0 {
		out.Attributes = mapValue(desired)
		out.UserName = types.StringValue(desired[userNameKey(desired)])
		out.Active = types.BoolValue(active)
		return &out, diags
	}
	ifMatch := ""
	if call.settings.useETags {
		ifMatch = m.Version.ValueString()
	}
	res, err := r.send(ctx, call, id, ops, ifMatch)
	if scim.IsPreconditionFailed(err) {
		// A retry after a lost answer meets the version its own first
		// attempt moved on: when the app holds what was sent, it is done.
		if cur, gerr := call.client.GetUser(ctx, id, mapping.ReadAttributes(call.rules)); gerr == nil &&
			len(differences(desired, call.readBack(cur, desired, true), call)) == 0 && activeOf(cur, !active) == active {
			res, err = cur, nil
		}
	}
	if err != nil {
		switch {
		case scim.IsPreconditionFailed(err):
			diags.AddError("SCIM Account Changed Since It Was Read",
				fmt.Sprintf("%s failed: the app refused the change because the account changed after Terraform last read it "+
					"(HTTP 412, If-Match %s). Nothing was overwritten.\n\n%s\n\nRun `terraform plan` to review the account as it is now, then apply again.",
					doing, ifMatch, r.describeChangeUnderneath(ctx, call, id, actual, m.Active)))
		case scim.IsNotFound(err):
			diags.AddError("SCIM Account No Longer Exists",
				fmt.Sprintf("%s failed: the app has no such account any more (HTTP 404). Run `terraform apply` again: the refresh will plan to create it.", doing))
		default:
			diags.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
		}
		return nil, diags
	}
	got := call.readBack(res, desired, true)
	out.Version = types.StringValue(res.Version())
	out.Active = types.BoolValue(activeOf(res, active))
	if differ := differences(desired, got, call); len(differ) > 0 || out.Active.ValueBool() != active {
		if out.Active.ValueBool() != active {
			differ = append(differ, fmt.Sprintf("active: sent %v, app holds %v", active, out.Active.ValueBool()))
		}
		out.Attributes = mapValue(got)
		out.UserName = types.StringValue(got[userNameKey(got)])
		diags.AddError("SCIM App Did Not Keep the Values Sent",
			fmt.Sprintf("%s: the app accepted the change but holds other values than were sent:\n  %s\n"+
				"State records what the app holds. The app may normalise or refuse these values; adjust the mapping or the app.",
				doing, strings.Join(differ, "\n  ")))
		return &out, diags
	}
	out.Attributes = mapValue(desired)
	out.UserName = types.StringValue(desired[userNameKey(desired)])
	out.Active = types.BoolValue(active)
	return &out, diags
}

// describeChangeUnderneath reads the account again after a 412 and says
// which managed values differ from what Terraform last knew (before), so the
// conflict diagnostic shows what changed underneath.
func (r *provisionedUserResource) describeChangeUnderneath(ctx context.Context, call *userCall, id string, before map[string]string, activeBefore types.Bool) string {
	res, err := call.client.GetUser(ctx, id, mapping.ReadAttributes(call.rules))
	if err != nil {
		return fmt.Sprintf("Reading the account again to show what changed failed: %v", err)
	}
	now := call.readBack(res, before, true)
	var lines []string
	for _, p := range sortedKeys(before, now) {
		was, hadBefore := before[p]
		is, hasNow := now[p]
		switch {
		case hadBefore && !hasNow:
			lines = append(lines, fmt.Sprintf("%s: was %q, now unset", p, was))
		case !hadBefore && hasNow:
			lines = append(lines, fmt.Sprintf("%s: was unset, now %q", p, is))
		case !mapping.ValuesEqual(p, was, is, call.settings.discovery):
			lines = append(lines, fmt.Sprintf("%s: was %q, now %q", p, was, is))
		}
	}
	if activeNow := activeOf(res, activeBefore.ValueBool()); !activeBefore.IsNull() && activeNow != activeBefore.ValueBool() {
		lines = append(lines, fmt.Sprintf("active: was %v, now %v", activeBefore.ValueBool(), activeNow))
	}
	if len(lines) == 0 {
		return fmt.Sprintf("The account is now at version %s; none of the attributes Terraform manages changed (something else about the account did).", res.Version())
	}
	return fmt.Sprintf("Changed in the app since Terraform last read it (now version %s):\n  %s", res.Version(), strings.Join(lines, "\n  "))
}

func sortedKeys(maps ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// send makes the update call the app supports.
func (r *provisionedUserResource) send(ctx context.Context, call *userCall, id string, ops []scim.PatchOp, ifMatch string) (scim.Resource, error) {
	readAttrs := mapping.ReadAttributes(call.rules)
	if call.settings.usePatch {
		if !call.settings.filteredPaths {
			current, err := call.client.GetUser(ctx, id, nil)
			if err != nil {
				return nil, err
			}
			if ops, err = scim.ExpandFilteredOps(ops, current); err != nil {
				return nil, err
			}
		}
		return call.client.PatchUser(ctx, id, ops, ifMatch, readAttrs)
	}
	if !call.settings.canPut {
		return nil, fmt.Errorf("the app supports neither PATCH (per discovery or compatibility.patch) nor PUT (compatibility.put = false), so the account cannot be updated")
	}
	// PUT replaces the whole account: read it, apply the change, write it
	// back, keeping every attribute Terraform does not manage.
	current, err := call.client.GetUser(ctx, id, nil)
	if err != nil {
		return nil, err
	}
	if ifMatch != "" && current.Version() != "" {
		ifMatch = current.Version()
	}
	merged, err := scim.ApplyPatch(current, ops)
	if err != nil {
		return nil, err
	}
	return call.client.ReplaceUser(ctx, id, merged, ifMatch)
}

// differences lists the managed paths whose value the app holds differs from
// the desired one.
func differences(desired, got map[string]string, call *userCall) []string {
	var out []string
	for p, want := range desired {
		have, ok := got[p]
		if !ok || !mapping.ValuesEqual(p, want, have, call.settings.discovery) {
			if !ok {
				have = "(unset)"
			}
			out = append(out, fmt.Sprintf("%s: sent %q, app holds %q", p, want, have))
		}
	}
	for p, have := range got {
		if _, ok := desired[p]; !ok {
			out = append(out, fmt.Sprintf("%s: removed, app holds %q", p, have))
		}
	}
	sort.Strings(out)
	return out
}
