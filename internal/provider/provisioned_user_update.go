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
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
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
	ctx, call, desired, diags := r.prepareWrite(ctx, &plan)
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
		res, err := call.client.Users().Get(ctx, state.ID.ValueString(), scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
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
		if cur, gerr := call.client.Users().Get(ctx, id, scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)}); gerr == nil &&
			inSync(desired, call.readBack(cur, desired, true), call) && activeOf(cur, !active) == active {
			res, err = cur, nil
		}
	}
	if err != nil {
		switch {
		case scim.IsPreconditionFailed(err):
			diags.Append(r.changedUnderneath(ctx, call, doing, id, ifMatch, "Nothing was overwritten.",
				"Run `terraform plan` to review the account as it is now, then apply again.", actual, m.Active))
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
	// Only the changed paths (and active, when it changed) were sent: a
	// difference elsewhere is an edit made in the app since Terraform read
	// the account, not a value the app refused.
	activeSent := m.Active.IsNull() || m.Active.ValueBool() != active
	notKept, meanwhile := differences(desired, got, changedPaths(actual, desired), call)
	if held := out.Active.ValueBool(); held != active {
		if activeSent {
			notKept = append(notKept, fmt.Sprintf("active: sent %v, app holds %v", active, held))
		} else {
			meanwhile = append(meanwhile, fmt.Sprintf("active: not sent; Terraform expected %v, the app now holds %v", active, held))
		}
	}
	if len(notKept) > 0 || len(meanwhile) > 0 {
		also := ""
		if len(meanwhile) > 0 {
			also = fmt.Sprintf("\n\nChanged in the app since Terraform last read the account (not part of this update):\n  %s",
				strings.Join(meanwhile, "\n  "))
		}
		if len(notKept) > 0 {
			// Failed: state may then differ from the plan, and records
			// what the app holds.
			out.Attributes = mapValue(got)
			out.UserName = types.StringValue(got[userNameKey(got)])
			diags.AddError("SCIM App Did Not Keep the Values Sent",
				fmt.Sprintf("%s: the app accepted the change but holds other values than were sent:\n  %s%s\n\n"+
					"State records what the app holds. The app may normalise or refuse these values; adjust the mapping or the app.",
					doing, strings.Join(notKept, "\n  "), also))
			return &out, diags
		}
		// Applied as planned: state must be what the plan said (Terraform
		// refuses anything else), and the next refresh reads the edit.
		diags.AddWarning("SCIM Account Changed in the App Meanwhile",
			fmt.Sprintf("%s: the values sent were applied.%s\n\nThe next plan shows these as drift.", doing, also))
	}
	out.Attributes = mapValue(desired)
	out.UserName = types.StringValue(desired[userNameKey(desired)])
	out.Active = types.BoolValue(active)
	return &out, diags
}

// changedUnderneath is the error for a write the app refused with 412: the
// account changed after Terraform last read it (before, activeBefore).
// nothingDone says what did not happen and next what the user can do.
func (r *provisionedUserResource) changedUnderneath(ctx context.Context, call *userCall, doing, id, ifMatch, nothingDone, next string, before map[string]string, activeBefore types.Bool) diag.Diagnostic {
	return diag.NewErrorDiagnostic("SCIM Account Changed Since It Was Read",
		fmt.Sprintf("%s failed: the app refused the change because the account changed after Terraform last read it "+
			"(HTTP 412, If-Match %s). %s\n\n%s\n\n%s",
			doing, ifMatch, nothingDone, r.describeChangeUnderneath(ctx, call, id, before, activeBefore), next))
}

// describeChangeUnderneath reads the account again after a 412 and says
// which managed values differ from what Terraform last knew (before), so the
// conflict diagnostic shows what changed underneath.
func (r *provisionedUserResource) describeChangeUnderneath(ctx context.Context, call *userCall, id string, before map[string]string, activeBefore types.Bool) string {
	res, err := call.client.Users().Get(ctx, id, scim.ReadOptions{Attributes: mapping.ReadAttributes(call.rules)})
	if err != nil {
		return fmt.Sprintf("Reading the account again to show what changed failed: %v", err)
	}
	lines := valueChanges(before, call.readBack(res, before, true), call, func(p string, was, is *string) string {
		return fmt.Sprintf("%s: was %s, now %s", p, quotedOr(was, "unset"), quotedOr(is, "unset"))
	})
	if activeNow := activeOf(res, activeBefore.ValueBool()); !activeBefore.IsNull() && activeNow != activeBefore.ValueBool() {
		lines = append(lines, fmt.Sprintf("active: was %v, now %v", activeBefore.ValueBool(), activeNow))
	}
	if len(lines) == 0 {
		return fmt.Sprintf("The account is now at version %s; none of the attributes Terraform manages changed (something else about the account did).", res.Version())
	}
	return fmt.Sprintf("Changed in the app since Terraform last read it (now version %s):\n  %s", res.Version(), strings.Join(lines, "\n  "))
}

// valueChanges renders, sorted by path, each managed value that differs
// between before and after (semantically, as refresh compares); line gets
// nil for the side that has no value.
func valueChanges(before, after map[string]string, call *userCall, line func(p string, was, is *string) string) []string {
	var lines []string
	for _, p := range sortedKeys(before, after) {
		was, had := before[p]
		is, has := after[p]
		switch {
		case had && !has:
			lines = append(lines, line(p, &was, nil))
		case !had && has:
			lines = append(lines, line(p, nil, &is))
		case !mapping.ValuesEqual(p, was, is, call.settings.discovery):
			lines = append(lines, line(p, &was, &is))
		}
	}
	return lines
}

// quotedOr is s quoted, or absent when s is nil.
func quotedOr(s *string, absent string) string {
	if s == nil {
		return absent
	}
	return fmt.Sprintf("%q", *s)
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
			current, err := call.client.Users().Get(ctx, id, scim.ReadOptions{})
			if err != nil {
				return nil, err
			}
			if ops, err = scim.ExpandFilteredOps(ops, current); err != nil {
				return nil, err
			}
		}
		return call.client.Users().Patch(ctx, id, ops, scim.WriteOptions{IfMatch: ifMatch, Attributes: readAttrs})
	}
	if !call.settings.canPut {
		return nil, fmt.Errorf("the app supports neither PATCH (per discovery or compatibility.patch) nor PUT (compatibility.put = false), so the account cannot be updated")
	}
	// PUT replaces the whole account: read it, apply the change, write it
	// back, keeping every attribute Terraform does not manage.
	current, err := call.client.Users().Get(ctx, id, scim.ReadOptions{})
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
	return call.client.Users().Replace(ctx, id, merged, scim.WriteOptions{IfMatch: ifMatch})
}

// differences compares the managed values the app holds (got) with the
// desired ones. A path in sent (nil: every path) was written, so a
// difference there is a value the app did not keep (notKept); a path not
// written that differs was changed in the app since Terraform read the
// account (meanwhile).
func differences(desired, got map[string]string, sent map[string]bool, call *userCall) (notKept, meanwhile []string) {
	wasSent := func(p string) bool { return sent == nil || sent[p] }
	for p, want := range desired {
		have, ok := got[p]
		switch {
		case ok && mapping.ValuesEqual(p, want, have, call.settings.discovery):
		case wasSent(p) && !ok:
			notKept = append(notKept, fmt.Sprintf("%s: sent %q, app holds (unset)", p, want))
		case wasSent(p):
			notKept = append(notKept, fmt.Sprintf("%s: sent %q, app holds %q", p, want, have))
		case !ok:
			meanwhile = append(meanwhile, fmt.Sprintf("%s: not sent; Terraform expected %q, the app now holds nothing", p, want))
		default:
			meanwhile = append(meanwhile, fmt.Sprintf("%s: not sent; Terraform expected %q, the app now holds %q", p, want, have))
		}
	}
	for p, have := range got {
		if _, ok := desired[p]; ok {
			continue
		}
		if wasSent(p) {
			notKept = append(notKept, fmt.Sprintf("%s: removed, app holds %q", p, have))
		} else {
			meanwhile = append(meanwhile, fmt.Sprintf("%s: not sent; Terraform expected it unset, the app now holds %q", p, have))
		}
	}
	sort.Strings(notKept)
	sort.Strings(meanwhile)
	return notKept, meanwhile
}

// inSync reports whether the app holds exactly the desired managed values.
func inSync(desired, got map[string]string, call *userCall) bool {
	notKept, _ := differences(desired, got, nil, call)
	return len(notKept) == 0
}

// changedPaths is the set of paths an update from actual to desired
// writes: those whose value differs, exactly, or that only one side has.
func changedPaths(actual, desired map[string]string) map[string]bool {
	out := map[string]bool{}
	for p, v := range desired {
		if a, ok := actual[p]; !ok || a != v {
			out[p] = true
		}
	}
	for p := range actual {
		if _, ok := desired[p]; !ok {
			out[p] = true
		}
	}
	return out
}
