package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// scim_provisioned_group: the schema and model here, with the plan,
// refresh and import; create, update and destroy in
// provisioned_group_apply.go. What happens in the app is decided by
// internal/lifecycle.

var (
	_ resource.Resource                   = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithConfigure      = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithImportState    = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithValidateConfig = (*provisionedGroupResource)(nil)
	_ resource.ResourceWithIdentity       = (*provisionedGroupResource)(nil)
)

// NewProvisionedGroupResource is the constructor the provider registers.
func NewProvisionedGroupResource() resource.Resource { return &provisionedGroupResource{} }

type provisionedGroupResource struct {
	appResource
}

type provisionedGroupModel struct {
	ID             types.String   `tfsdk:"id"`
	Location       types.String   `tfsdk:"location"`
	ConnectedAppID types.String   `tfsdk:"connected_app_id"`
	Compatibility  types.Object   `tfsdk:"compatibility"`
	DisplayName    types.String   `tfsdk:"display_name"`
	ExternalID     types.String   `tfsdk:"external_id"`
	Members        types.List     `tfsdk:"members"`
	Deprovision    types.String   `tfsdk:"deprovision"`
	AdoptExisting  types.Bool     `tfsdk:"adopt_existing"`
	AdoptBy        types.String   `tfsdk:"adopt_by"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (r *provisionedGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provisioned_group"
	resp.ResourceBehavior.MutableIdentity = true // identity.go
}

func (r *provisionedGroupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = locationIdentitySchema("group", "Groups")
}

func (r *provisionedGroupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One group in one app, and, when `members` is set, exactly the accounts it holds.\n\n" +
			"Create is a POST; a change of members is a PATCH that adds and removes only the members that change (a group of " +
			"10,000 members gaining two sends two values), split into several requests for large changes; PUT only where the " +
			"app has no PATCH. A member added or removed in the app behind Terraform's back shows in the plan as that member, " +
			"and apply puts it back; a group renamed or deleted in the app shows as such.",
		Attributes: map[string]schema.Attribute{
			"id": scimIDAttribute("group"),
			"location": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's SCIM location, `<base_url>/Groups/<id>`; also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connected_app_id": connectedAppIDAttribute("The `id` of the group's `scim_connected_app`."),
			"compatibility": compatibilityAttribute(" " +
				"`patch = false` makes member changes a read and a PUT of the whole group; `filtered_patch_paths = false` " +
				"removes members with an operation on `members` that lists them instead of `members[value eq \"...\"]`."),
			"display_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The group's `displayName`. A rename in the app shows as drift, except one that changes only " +
					"letter case: SCIM compares `displayName` case-insensitively (`caseExact` false in RFC 7643's Group schema), so the " +
					"refresh keeps the configured spelling. A change of case in the configuration is applied.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
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
					"which takes minutes for a group of 10,000. Terraform's own plan output compares a list's elements pairwise " +
					"too: on Terraform 1.14 each plan of a 10,000-member group spends about 8 CPU-seconds and 900 MB in the " +
					"Terraform CLI itself, changed or not.",
				Validators: []validator.List{
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
					distinctStrings{},
				},
			},
			"deprovision": deprovisionAttribute(lifecycle.GroupDeprovisionModes, lifecycle.Delete,
				fmt.Sprintf("What destroying this resource does to the group: %s. `%s` (the default) deletes it "+
					"(a group that is already gone counts as deleted); `%s` leaves it and forgets it. Destroy uses the value in state.",
					codeList(lifecycle.GroupDeprovisionModes), lifecycle.Delete, lifecycle.Abandon)),
			"adopt_existing": adoptExistingAttribute("Link a group that already exists instead of creating one: on create, look it up by `adopt_by`; " +
				"exactly one match is linked and brought to the desired name and members, several matches are an error that lists " +
				"them, none creates the group. The plan shows such a group as created, with a warning that names the group it will " +
				"link and what applying will change in it (its name, its externalId, each member added or removed). Default `false`: " +
				"a create that meets a group of the same name (where the app's names need not be unique, it looks for one first; " +
				"elsewhere the app answers 409) links it only when it is what the create would make, but for members still to add " +
				"(the re-run after an apply that was killed or interrupted while creating it), with a warning; any other such group " +
				"is an error that names it and what linking would change, and nothing is created."),
			"adopt_by": adoptByAttribute(lifecycle.GroupLookupAttributes,
				fmt.Sprintf("The attribute an existing group is looked up by when adopting: %s "+
					"(`externalId` needs `external_id`, checked at plan time). Default `displayName`.", codeList(lifecycle.GroupLookupAttributes))),
			"timeouts": timeoutsAttribute(ctx, timeoutsTexts{
				noun:       "group",
				create:     "creating (or adopting) the group",
				read:       "reading the group on refresh",
				update:     "updating the group",
				delete:     "deleting the group on destroy",
				deleteMore: " A change takes effect on destroy only once it has been applied to state.",
			}),
		},
	}
}

// ValidateConfig refuses adoption by externalId without an external_id
// at plan time, before anything is looked up.
func (r *provisionedGroupResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m provisionedGroupModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.AdoptBy.IsUnknown() || m.ExternalID.IsUnknown() || m.AdoptExisting.IsUnknown() {
		return
	}
	if m.AdoptExisting.ValueBool() && m.AdoptBy.ValueString() == "externalId" && m.ExternalID.IsNull() {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, nil, &lifecycle.MissingLookupValueError{By: "externalId"}))
	}
}

// group is m as the lifecycle sees it.
func (m *provisionedGroupModel) group() lifecycle.Group {
	return lifecycle.Group{
		ID:            m.ID.ValueString(),
		DisplayName:   m.DisplayName.ValueString(),
		ExternalID:    stringPointer(m.ExternalID),
		ManageMembers: !m.Members.IsNull(),
		Members:       stringsOf(m.Members),
	}
}

// set records g, for what m manages, into m.
func (m *provisionedGroupModel) set(g lifecycle.Group) {
	if g.DisplayName != "" || !m.DisplayName.IsNull() {
		m.DisplayName = types.StringValue(g.DisplayName)
	}
	if !m.ExternalID.IsNull() {
		m.ExternalID = stringValueOf(g.ExternalID)
	}
	if !m.Members.IsNull() {
		m.Members = listOf(g.Members)
	}
}

// groups are the groups of m's app.
func (r *provisionedGroupResource) groups(ctx context.Context, m *provisionedGroupModel) (context.Context, *lifecycle.Groups, diag.Diagnostics) {
	ctx, app, diags := r.clients.prepareApp(ctx, m.ConnectedAppID, m.Compatibility)
	if app == nil {
		return ctx, nil, diags
	}
	return ctx, app.Groups(), diags
}

// ModifyPlan keeps the prior members when the configuration lists the same
// ones in another order (Terraform accepts a prior value as equivalent, and
// the order of members means nothing to a SCIM app), and previews what a
// create with adopt_existing will link.
func (r *provisionedGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.checkVendor(ctx, req)...)
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(r.previewAdoption(ctx, req)...)
		return
	}
	var planned, prior types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("members"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("members"), &prior)...)
	if !resp.Diagnostics.HasError() && prior.IsNull() && !planned.IsNull() {
		resp.Diagnostics.Append(r.previewManagedMembers(ctx, req)...)
		return
	}
	if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() || prior.IsNull() || planned.Equal(prior) {
		return
	}
	if !knownMembers(planned) {
		return
	}
	if lifecycle.SameMembers(stringsOf(planned), stringsOf(prior)) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("members"), prior)...)
	}
}

// checkVendor checks a planned group against the app's vendor profile: a
// group with deprovision = "delete" in an app that does not delete groups
// fails the plan (so that no destroy fails there later); on create, an app
// that does not create groups fails it unless the group is adopted, one
// that requires an externalId fails it without external_id, and one that
// never tells a group's members gets a warning that a change of members
// made in the app will not be seen.
func (r *provisionedGroupResource) checkVendor(ctx context.Context, req resource.ModifyPlanRequest) diag.Diagnostics {
	var plan provisionedGroupModel
	diags := req.Plan.Get(ctx, &plan)
	if diags.HasError() || plan.ConnectedAppID.IsUnknown() || plan.Compatibility.IsUnknown() {
		return diags
	}
	base, err := normalizeBaseURL(plan.ConnectedAppID.ValueString())
	if err != nil {
		return diags
	}
	v := vendorOf(ctx, base, plan.Compatibility)
	if v == nil {
		return diags
	}
	if v.GroupDeleteRefused != "" && plan.Deprovision.ValueString() == lifecycle.Delete {
		diags.AddAttributeError(path.Root("deprovision"), v.Title+" Does Not Delete Groups",
			fmt.Sprintf("The group %q has deprovision = \"delete\", but %s. Set deprovision = \"abandon\": destroying the "+
				"resource then leaves the group in the app and forgets it.", plan.DisplayName.ValueString(), v.GroupDeleteRefused))
	}
	if !req.State.Raw.IsNull() {
		return diags
	}
	switch {
	case v.GroupCreateRefused != "" && !plan.AdoptExisting.IsUnknown() && !plan.AdoptExisting.ValueBool():
		diags.AddError(v.Title+" Does Not Create Groups",
			fmt.Sprintf("The group %q cannot be created at %s: %s. Create it in %s and set adopt_existing = true (it is linked "+
				"by %s), or import it with `terraform import <address> %s/Groups/<id>`.",
				plan.DisplayName.ValueString(), base, v.GroupCreateRefused, v.Title, adoptByOrDefault(plan.AdoptBy), base))
	case v.GroupExternalIDRequired && plan.ExternalID.IsNull():
		diags.AddAttributeError(path.Root("external_id"), v.Title+" Requires a Group's externalId",
			fmt.Sprintf("%s refuses a group without an externalId: set external_id on the group %q (any identifier the group "+
				"keeps, such as the name of the group it comes from).", v.Title, plan.DisplayName.ValueString()))
	case v.GroupMembersUnreadable && !plan.Members.IsNull():
		diags.AddAttributeWarning(path.Root("members"), v.Title+" Does Not Tell a Group's Members",
			fmt.Sprintf("%s never returns a group's members, so Terraform records the members it sends and cannot see a member "+
				"added or removed in the app: such a change is not drift in a plan. The configured members are sent on create "+
				"and each change of them on update.", v.Title))
	}
	return diags
}

// previewAdoption shows in the plan what a create with adopt_existing will
// link: a warning that names the group and what applying will change in
// it, since Terraform shows an adoption as a create. Several matches fail
// the plan, as they would fail the apply. What is unknown at plan time is
// left to apply.
func (r *provisionedGroupResource) previewAdoption(ctx context.Context, req resource.ModifyPlanRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.clients == nil {
		return diags
	}
	var plan provisionedGroupModel
	diags.Append(req.Plan.Get(ctx, &plan)...)
	if diags.HasError() || !plan.AdoptExisting.ValueBool() || plan.ConnectedAppID.IsUnknown() || plan.DisplayName.IsUnknown() ||
		plan.ExternalID.IsUnknown() || !knownMembers(plan.Members) || plan.AdoptBy.IsUnknown() {
		return diags
	}
	ctx, groups, d := r.groups(ctx, &plan)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	preview, err := groups.PreviewAdoption(ctx, plan.AdoptBy.ValueString(), plan.group())
	switch {
	case err != nil:
		diags.Append(groupDiagnostic(r.clients, groups.App(), err))
	case preview != nil:
		changes := "It already holds what the configuration says; nothing will change."
		if len(preview.Overwrites) > 0 {
			changes = "Applying will change:\n  " + strings.Join(preview.Overwrites, "\n  ")
		}
		diags.AddWarning("Existing SCIM Group Will Be Adopted",
			fmt.Sprintf("The plan shows this group as created, but applying will link the existing group %s (the one with %s %q, "+
				"since adopt_existing is set) and bring it to the configuration.\n\n%s",
				groups.App().GroupLocation(preview.Existing.ID()), preview.By, preview.Value, changes))
	}
	return diags
}

// knownMembers reports whether the member list and every id in it are
// known at plan time.
func knownMembers(l types.List) bool {
	if l.IsUnknown() {
		return false
	}
	for _, v := range l.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// previewManagedMembers shows in the plan what applying does to a group
// whose members Terraform starts to manage (after an import, or when
// `members` is newly set): the plan shows them as added, but the apply
// also removes every member the configuration does not name, so the
// warning names those, read from the app now.
func (r *provisionedGroupResource) previewManagedMembers(ctx context.Context, req resource.ModifyPlanRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.clients == nil {
		return diags
	}
	var plan, state provisionedGroupModel
	diags.Append(req.Plan.Get(ctx, &plan)...)
	diags.Append(req.State.Get(ctx, &state)...)
	if diags.HasError() || plan.ConnectedAppID.IsUnknown() || !knownMembers(plan.Members) || state.ID.IsNull() {
		return diags
	}
	ctx, groups, d := r.groups(ctx, &plan)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	res, err := groups.ReadCurrent(ctx, state.ID.ValueString(), []string{"members"})
	if err != nil {
		return diags // the apply reads again and reports it
	}
	actual, desired := plan.group(), plan.group()
	actual.Members = scim.GroupMemberIDs(res)
	changes := lifecycle.GroupOverwrites(actual, desired)
	if len(changes) == 0 {
		return diags
	}
	diags.AddWarning("Existing Members of the SCIM Group Will Change",
		fmt.Sprintf("Terraform starts managing the members of the group %q (%s), which holds %d now. The plan shows the "+
			"configured members as added; applying makes them exactly the group's members:\n  %s",
			plan.DisplayName.ValueString(), groups.App().GroupLocation(state.ID.ValueString()), len(actual.Members), strings.Join(changes, "\n  ")))
	return diags
}

func (r *provisionedGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics, req.State)
	var state provisionedGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, groups, diags := r.groups(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, g := groups.App(), state.group()
	res, err := app.Client.Groups().GetFromListing(ctx, g.ID, scim.ReadOptions{Attributes: g.ReadAttributes()})
	if scim.IsNotFound(err) {
		goneFromApp(ctx, resp, "SCIM Group Deleted Outside Terraform",
			fmt.Sprintf("The group %q (%s) no longer exists in the app; Terraform will plan to create it again.",
				g.DisplayName, app.GroupLocation(g.ID)))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the group %s", g.ID), app.BaseURL, err))
		return
	}
	state.Location = types.StringValue(app.GroupLocation(g.ID))
	state.set(groups.Observed(g, res))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// ImportState takes the group's SCIM location, `<base_url>/Groups/<id>`, or
// its identity. Members are not managed until the configuration sets them.
func (r *provisionedGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	locationImport{
		Collection: "/Groups/",
		Usage: "A provisioned group is imported by its SCIM location, `<base_url>/Groups/<id>`, e.g. " +
			"`terraform import scim_provisioned_group.engineering https://api.slack.com/scim/v2/Groups/e9e30dba`",
		Defaults: map[string]attr.Value{
			"deprovision":    types.StringValue(lifecycle.Delete),
			"adopt_existing": types.BoolValue(false),
			"adopt_by":       types.StringValue("displayName"),
		},
	}.importState(ctx, req, resp)
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

// adoptByOrDefault names what an adoption looks the group up by.
func adoptByOrDefault(by types.String) string {
	if by.IsNull() || by.IsUnknown() || by.ValueString() == "" {
		return "displayName"
	}
	return by.ValueString()
}
