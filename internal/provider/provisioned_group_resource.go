package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

var (
	_ resource.Resource                = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithConfigure   = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithImportState = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithIdentity    = (*provisionedGroupResource)(nil)
)

// NewProvisionedGroupResource is the constructor the provider registers.
func NewProvisionedGroupResource() resource.Resource { return &provisionedGroupResource{} }

type provisionedGroupResource struct {
	clients *clientFactory
}

type provisionedGroupModel struct {
	ID             types.String `tfsdk:"id"`
	Location       types.String `tfsdk:"location"`
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
	Compatibility  types.Object `tfsdk:"compatibility"`
	DisplayName    types.String `tfsdk:"display_name"`
	ExternalID     types.String `tfsdk:"external_id"`
	Members        types.List   `tfsdk:"members"`
	Deprovision    types.String `tfsdk:"deprovision"`
	AdoptExisting  types.Bool   `tfsdk:"adopt_existing"`
	AdoptBy        types.String `tfsdk:"adopt_by"`
}

// Group deprovision modes and adoption attributes; one list feeds both the
// validator and the description.
var (
	groupDeprovisionModes = []string{deprovisionDelete, deprovisionAbandon}
	groupAdoptBy          = []string{"displayName", "externalId"}
)

func (r *provisionedGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provisioned_group"
	resp.ResourceBehavior.MutableIdentity = true // identity.go
}

func (r *provisionedGroupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = locationIdentitySchema("group", "Groups")
}

func (r *provisionedGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One group in one app, and, when `members` is set, exactly the accounts it holds.\n\n" +
			"Create is a POST; a change of members is a PATCH that adds and removes only the members that change (a group of " +
			"10,000 members gaining two sends two values), split into several requests for large changes; PUT only where the " +
			"app has no PATCH. A member added or removed in the app behind Terraform's back shows in the plan as that member, " +
			"and apply puts it back; a group renamed or deleted in the app shows as such.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's SCIM `id`, assigned by the app.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"location": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's SCIM location, `<base_url>/Groups/<id>`; also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connected_app_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The `id` of the group's `scim_connected_app`.",
				Validators:          []validator.String{connectedAppIDValidator()},
			},
			"compatibility": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "The app's compatibility overrides; pass `scim_connected_app.<name>.compatibility`. " +
					"`patch = false` makes member changes a read and a PUT of the whole group; `filtered_patch_paths = false` " +
					"removes members with an operation on `members` that lists them instead of `members[value eq \"...\"]`.",
				Attributes: compatibilitySchemaAttributes(),
			},
			"display_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The group's `displayName`. A rename in the app shows as drift.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The group's `externalId`, the identifier your side gives it. Unset, it is not managed.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"members": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The SCIM ids of the accounts (and groups) the group holds, authoritatively: usually " +
					"`scim_provisioned_user.<name>.id`, or the id of an account Terraform does not manage. Members added in the app " +
					"are removed and members removed in the app are added back. The order does not matter and each id may appear " +
					"once: the plan of a reordered list is empty. Unset, members are not managed and not even read " +
					"(use `scim_group_member` for single memberships of a group managed elsewhere); an empty list means no members. " +
					"A list rather than a set: Terraform's plugin framework compares sets element by element against each other, " +
					"which takes minutes for a group of 10,000.",
				Validators: []validator.List{
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
					distinctStrings{},
				},
			},
			"deprovision": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(deprovisionDelete),
				MarkdownDescription: fmt.Sprintf("What destroying this resource does to the group: %s. `%s` (the default) deletes it "+
					"(a group that is already gone counts as deleted); `%s` leaves it and forgets it. Destroy uses the value in state.",
					codeList(groupDeprovisionModes), deprovisionDelete, deprovisionAbandon),
				Validators: []validator.String{stringvalidator.OneOf(groupDeprovisionModes...)},
			},
			"adopt_existing": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Link a group that already exists instead of creating one: on create, look it up by `adopt_by`; " +
					"exactly one match is linked and brought to the desired name and members, several matches are an error that lists " +
					"them, none creates the group. Default `false`.",
			},
			"adopt_by": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("displayName"),
				MarkdownDescription: fmt.Sprintf("The attribute an existing group is looked up by when adopting: %s "+
					"(`externalId` needs `external_id`). Default `displayName`.", codeList(groupAdoptBy)),
				Validators: []validator.String{stringvalidator.OneOf(groupAdoptBy...)},
			},
		},
	}
}

// ModifyPlan keeps the prior members when the configuration lists the same
// ones in another order: Terraform accepts a prior value as equivalent, and
// the order of members means nothing to a SCIM app.
func (r *provisionedGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var planned, prior types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("members"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("members"), &prior)...)
	if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() || prior.IsNull() || planned.Equal(prior) {
		return
	}
	for _, v := range planned.Elements() {
		if v.IsUnknown() {
			return
		}
	}
	if sameMembers(stringsOf(planned), stringsOf(prior)) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("members"), prior)...)
	}
}

func (r *provisionedGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func groupLocation(appID, id string) string { return appID + "/Groups/" + id }

// groupCall is what one operation on a group needs: its app.
type groupCall = appCall

func (r *provisionedGroupResource) prepare(ctx context.Context, m *provisionedGroupModel) (context.Context, *groupCall, diag.Diagnostics) {
	return r.clients.prepareApp(ctx, m.ConnectedAppID, m.Compatibility)
}

// readAttributes are the attributes a refresh asks for: members only when
// they are managed, so a large group that Terraform only names costs a
// small answer.
func (m *provisionedGroupModel) readAttributes() []string {
	attrs := []string{"displayName", "externalId"}
	if !m.Members.IsNull() {
		attrs = append(attrs, "members")
	}
	return attrs
}

// listOf is ids as a members value, in the order given.
func listOf(ids []string) types.List {
	vals := make([]attr.Value, len(ids))
	for i, id := range ids {
		vals[i] = types.StringValue(id)
	}
	return types.ListValueMust(types.StringType, vals)
}

// stringsOf returns the members, in their order; nil when null or unknown.
func stringsOf(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(l.Elements()))
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// inPriorOrder returns actual ordered as prior where they share members
// (prior's order first, then the members prior lacks, in the app's order),
// so that a refresh that finds the same members changes nothing and one
// that finds others shows just those.
func inPriorOrder(prior, actual []string) []string {
	in := make(map[string]bool, len(actual))
	for _, a := range actual {
		in[a] = true
	}
	out := make([]string, 0, len(actual))
	seen := make(map[string]bool, len(actual))
	for _, p := range prior {
		if in[p] && !seen[p] {
			out = append(out, p)
			seen[p] = true
		}
	}
	for _, a := range actual {
		if !seen[a] {
			out = append(out, a)
			seen[a] = true
		}
	}
	return out
}

// sameMembers reports whether a and b hold the same ids, in any order.
func sameMembers(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := make(map[string]int, len(a))
	for _, x := range a {
		count[x]++
	}
	for _, x := range b {
		if count[x]--; count[x] < 0 {
			return false
		}
	}
	return true
}

// difference returns the elements of a not in b, in a's order.
func difference(a, b []string) []string {
	inB := make(map[string]bool, len(b))
	for _, x := range b {
		inB[x] = true
	}
	var out []string
	for _, x := range a {
		if !inB[x] {
			out = append(out, x)
		}
	}
	return out
}

// refreshFrom puts what the app holds into m.
func (m *provisionedGroupModel) refreshFrom(appID string, res scim.Resource) {
	m.Location = types.StringValue(groupLocation(appID, m.ID.ValueString()))
	if dn, ok := res["displayName"].(string); ok {
		// The app compares names case-insensitively (RFC 7643 §4.2:
		// caseExact false), so a different case is no drift.
		if !strings.EqualFold(dn, m.DisplayName.ValueString()) || m.DisplayName.IsNull() {
			m.DisplayName = types.StringValue(dn)
		}
	}
	if !m.ExternalID.IsNull() {
		ext, _ := res["externalId"].(string)
		if ext == "" {
			m.ExternalID = types.StringNull()
		} else {
			m.ExternalID = types.StringValue(ext)
		}
	}
	if !m.Members.IsNull() {
		m.Members = listOf(inPriorOrder(stringsOf(m.Members), scim.GroupMemberIDs(res)))
	}
}

func (r *provisionedGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan provisionedGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, call, diags := r.prepare(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.DisplayName.ValueString()
	want := stringsOf(plan.Members)

	if plan.AdoptExisting.ValueBool() {
		by, value := "displayName", name
		if plan.AdoptBy.ValueString() == "externalId" {
			by, value = "externalId", plan.ExternalID.ValueString()
			if value == "" {
				resp.Diagnostics.AddAttributeError(path.Root("adopt_by"), "Cannot Adopt by externalId",
					"adopt_by = \"externalId\" needs external_id to be set.")
				return
			}
		}
		found, err := call.client.FindGroups(ctx, by, value, plan.readAttributes())
		if err != nil {
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Looking up the group with %s %q", by, value), call.appID, err))
			return
		}
		switch len(found) {
		case 0:
		case 1:
			plan.ID = types.StringValue(found[0].ID())
			plan.Location = types.StringValue(groupLocation(call.appID, found[0].ID()))
			actual := plan
			actual.refreshFrom(call.appID, found[0])
			if dn, ok := found[0]["displayName"].(string); ok {
				// Linking brings the name to the configuration's spelling.
				actual.DisplayName = types.StringValue(dn)
			}
			// Linked: saved at once, so a failure below leaves it tracked.
			resp.Diagnostics.Append(resp.State.Set(ctx, &actual)...)
			resp.Diagnostics.AddWarning("Existing SCIM Group Linked",
				fmt.Sprintf("The group %q (%s) already existed in the app and is now managed by Terraform; its name and members "+
					"are brought to the configuration.", name, groupLocation(call.appID, plan.ID.ValueString())))
			resp.Diagnostics.Append(r.apply(ctx, call, &actual, &plan)...)
			if !resp.Diagnostics.HasError() {
				resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			}
			return
		default:
			var locs []string
			for _, g := range found {
				locs = append(locs, groupLocation(call.appID, g.ID()))
			}
			resp.Diagnostics.AddError("Several SCIM Groups Match",
				fmt.Sprintf("adopt_existing looked the group up by %s %q and found %d groups: %s. Nothing was linked or created; "+
					"set adopt_by = \"externalId\" with an external_id that names one, or remove the others.", by, value, len(found), strings.Join(locs, ", ")))
			return
		}
	}

	group := scim.Resource{"displayName": name}
	if !plan.ExternalID.IsNull() {
		group["externalId"] = plan.ExternalID.ValueString()
	}
	first := want
	if len(first) > scim.MaxMemberChangesPerRequest {
		first = want[:scim.MaxMemberChangesPerRequest]
	}
	if len(first) > 0 {
		members := make([]any, len(first))
		for i, id := range first {
			members[i] = map[string]any{"value": id}
		}
		group["members"] = members
	}
	res, err := call.client.CreateGroup(ctx, group)
	if err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Creating the group %q", name), call.appID, err))
		return
	}
	plan.ID = types.StringValue(res.ID())
	plan.Location = types.StringValue(groupLocation(call.appID, res.ID()))
	actual := plan
	if !plan.Members.IsNull() {
		actual.Members = listOf(first)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &actual)...)
	if len(first) < len(want) {
		resp.Diagnostics.Append(r.apply(ctx, call, &actual, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *provisionedGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics, req.State)
	var state provisionedGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, call, diags := r.prepare(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	res, err := call.client.ReadGroup(ctx, state.ID.ValueString(), state.readAttributes())
	if scim.IsNotFound(err) {
		resp.Diagnostics.AddWarning("SCIM Group Deleted Outside Terraform",
			fmt.Sprintf("The group %q (%s) no longer exists in the app; Terraform will plan to create it again.",
				state.DisplayName.ValueString(), groupLocation(call.appID, state.ID.ValueString())))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the group %s", state.ID.ValueString()), call.appID, err))
		return
	}
	state.refreshFrom(call.appID, res)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *provisionedGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state provisionedGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, call, diags := r.prepare(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	plan.Location = types.StringValue(groupLocation(call.appID, state.ID.ValueString()))
	// Members or externalId become managed (or the group was imported):
	// what the app holds now is what the change is computed from, so an
	// import that matches sends nothing.
	var unread []string
	if state.Members.IsNull() && !plan.Members.IsNull() {
		unread = append(unread, "members")
	}
	if state.ExternalID.IsNull() && !plan.ExternalID.IsNull() {
		unread = append(unread, "externalId")
	}
	if len(unread) > 0 {
		res, err := call.client.GetGroup(ctx, state.ID.ValueString(), unread)
		if err != nil {
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the group %s before updating it", state.ID.ValueString()), call.appID, err))
			return
		}
		if slices.Contains(unread, "members") {
			state.Members = listOf(scim.GroupMemberIDs(res))
		}
		if slices.Contains(unread, "externalId") {
			state.ExternalID = stringOf(res, "externalId")
		}
	}
	resp.Diagnostics.Append(r.apply(ctx, call, &state, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply brings the group from actual to desired: the name and externalId,
// then the members that change, in as many requests as their number needs.
// When one of several requests fails, state keeps what was recorded before
// the change; the next refresh reads what the app holds, and the next
// apply sends what is still missing.
func (r *provisionedGroupResource) apply(ctx context.Context, call *groupCall, actual, desired *provisionedGroupModel) diag.Diagnostics {
	var diags diag.Diagnostics
	id := desired.ID.ValueString()
	doing := fmt.Sprintf("Updating the group %q (%s)", desired.DisplayName.ValueString(), groupLocation(call.appID, id))
	var attrOps []scim.PatchOp
	if desired.DisplayName.ValueString() != actual.DisplayName.ValueString() {
		attrOps = append(attrOps, scim.PatchOp{Op: scim.PatchReplace, Path: "displayName", Value: desired.DisplayName.ValueString()})
	}
	if !desired.ExternalID.IsNull() && desired.ExternalID.ValueString() != actual.ExternalID.ValueString() {
		attrOps = append(attrOps, scim.PatchOp{Op: scim.PatchReplace, Path: "externalId", Value: desired.ExternalID.ValueString()})
	}
	var add, remove []string
	if !desired.Members.IsNull() {
		want, have := stringsOf(desired.Members), stringsOf(actual.Members)
		add, remove = difference(want, have), difference(have, want)
	}
	if len(attrOps) == 0 && len(add) == 0 && len(remove) == 0 {
		return diags
	}
	if !call.settings.usePatch {
		return r.replaceWhole(ctx, call, desired, doing)
	}
	batches := scim.MemberPatches(add, remove, 0, call.settings.filteredPaths)
	if len(batches) == 0 {
		batches = [][]scim.PatchOp{nil}
	}
	batches[0] = append(attrOps, batches[0]...)
	for _, ops := range batches {
		if _, err := call.client.PatchGroup(ctx, id, ops, "", []string{"id"}); err != nil {
			diags.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
			return diags
		}
	}
	return diags
}

// replaceWhole is the update for apps without PATCH: read the group, set
// the managed attributes, PUT it back with everything else as it was.
func (r *provisionedGroupResource) replaceWhole(ctx context.Context, call *groupCall, desired *provisionedGroupModel, doing string) diag.Diagnostics {
	var diags diag.Diagnostics
	id := desired.ID.ValueString()
	res, err := call.client.GetGroup(ctx, id, nil)
	if err != nil {
		diags.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
		return diags
	}
	delete(res, "meta")
	res["displayName"] = desired.DisplayName.ValueString()
	if !desired.ExternalID.IsNull() {
		res["externalId"] = desired.ExternalID.ValueString()
	}
	if !desired.Members.IsNull() {
		var members []any
		for _, m := range stringsOf(desired.Members) {
			members = append(members, map[string]any{"value": m})
		}
		res["members"] = members
	}
	if _, err := call.client.ReplaceGroup(ctx, id, res, ""); err != nil {
		diags.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
	}
	return diags
}

func (r *provisionedGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state provisionedGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Deprovision.ValueString() == deprovisionAbandon {
		return
	}
	ctx, call, diags := r.prepare(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := call.client.DeleteGroup(ctx, state.ID.ValueString(), "")
	if err != nil && !scim.IsNotFound(err) {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients,
			fmt.Sprintf("Deleting the group %q (%s)", state.DisplayName.ValueString(), groupLocation(call.appID, state.ID.ValueString())), call.appID, err))
	}
}

// ImportState takes the group's SCIM location, `<base_url>/Groups/<id>`, or
// its identity. Members are not managed until the configuration sets them.
func (r *provisionedGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	appID, id, ok := importTarget(ctx, req, "/Groups/",
		"A provisioned group is imported by its SCIM location, `<base_url>/Groups/<id>`, e.g. "+
			"`terraform import scim_provisioned_group.engineering https://api.slack.com/scim/v2/Groups/e9e30dba`", &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connected_app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("location"), groupLocation(appID, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deprovision"), deprovisionDelete)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_existing"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_by"), "displayName")...)
}

// distinctStrings refuses a list that names a value twice, in one pass
// (members of large groups).
type distinctStrings struct{}

func (distinctStrings) Description(context.Context) string { return "each value appears once" }

func (v distinctStrings) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (distinctStrings) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]bool{}
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if seen[s.ValueString()] {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate Member",
				fmt.Sprintf("%q is listed more than once in members; each member appears once.", s.ValueString()))
			return
		}
		seen[s.ValueString()] = true
	}
}
