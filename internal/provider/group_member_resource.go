package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

var (
	_ resource.Resource                = (*groupMemberResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupMemberResource)(nil)
	_ resource.ResourceWithImportState = (*groupMemberResource)(nil)
)

// NewGroupMemberResource is the constructor the provider registers.
func NewGroupMemberResource() resource.Resource { return &groupMemberResource{} }

// groupMemberResource is one membership of a group that Terraform does not
// own; it shares the group resource's client preparation.
type groupMemberResource struct {
	groups provisionedGroupResource
}

type groupMemberModel struct {
	ID             types.String `tfsdk:"id"`
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
	Compatibility  types.Object `tfsdk:"compatibility"`
	GroupID        types.String `tfsdk:"group_id"`
	MemberID       types.String `tfsdk:"member_id"`
}

func (r *groupMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_member"
}

func (r *groupMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One account's membership of a group that Terraform does not own (a group made in the app, or " +
			"managed by another configuration), non-authoritatively: other members are left alone. Create is a PATCH that " +
			"adds the member, destroy a PATCH that removes it; a member removed in the app shows as drift and is added back. " +
			"For a group Terraform owns, list its members in `scim_provisioned_group.members` instead.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<group_id>/<member_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connected_app_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The `id` of the app's `scim_connected_app`.",
				Validators:          []validator.String{connectedAppIDValidator()},
			},
			"compatibility": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "The app's compatibility overrides; pass `scim_connected_app.<name>.compatibility`.",
				Attributes:          compatibilitySchemaAttributes(),
			},
			"group_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The SCIM `id` of the group. Changing it moves the membership (remove, then add).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"member_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The SCIM `id` of the member, usually `scim_provisioned_user.<name>.id`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *groupMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.groups.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (m groupMemberModel) group() *provisionedGroupModel {
	return &provisionedGroupModel{ConnectedAppID: m.ConnectedAppID, Compatibility: m.Compatibility, ID: m.GroupID}
}

func (m groupMemberModel) describe(appID string) string {
	return fmt.Sprintf("%s in the group %s", m.MemberID.ValueString(), groupLocation(appID, m.GroupID.ValueString()))
}

func (r *groupMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, call, diags := r.groups.prepare(ctx, plan.group())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ops := scim.MemberPatches([]string{plan.MemberID.ValueString()}, nil, 0, call.settings.filteredPaths)[0]
	if _, err := call.client.Groups().Patch(ctx, plan.GroupID.ValueString(), ops, scim.WriteOptions{Attributes: []string{"id"}}); err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.groups.clients, "Adding "+plan.describe(call.appID), call.appID, err))
		return
	}
	plan.ID = types.StringValue(plan.GroupID.ValueString() + "/" + plan.MemberID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *groupMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, call, diags := r.groups.prepare(ctx, state.group())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	exists, member, err := call.client.Groups().HasMember(ctx, state.GroupID.ValueString(), state.MemberID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.groups.clients, "Reading the membership of "+state.describe(call.appID), call.appID, err))
		return
	}
	switch {
	case !exists:
		resp.Diagnostics.AddWarning("SCIM Group Deleted Outside Terraform",
			fmt.Sprintf("The group %s no longer exists in the app, so neither does the membership of %s; Terraform will plan to add it again, which fails until the group exists.",
				groupLocation(call.appID, state.GroupID.ValueString()), state.MemberID.ValueString()))
		resp.State.RemoveResource(ctx)
	case !member:
		resp.Diagnostics.AddWarning("SCIM Group Member Removed Outside Terraform",
			fmt.Sprintf("%s was removed in the app; Terraform will plan to add it again.", state.describe(call.appID)))
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// Update only records a new connected_app_id or compatibility: the group
// and member are the same (changing either replaces the resource).
func (r *groupMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state groupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	plan.ID = state.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *groupMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, call, diags := r.groups.prepare(ctx, state.group())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ops := scim.MemberPatches(nil, []string{state.MemberID.ValueString()}, 0, call.settings.filteredPaths)[0]
	_, err := call.client.Groups().Patch(ctx, state.GroupID.ValueString(), ops, scim.WriteOptions{Attributes: []string{"id"}})
	if err != nil && !scim.IsNotFound(err) {
		resp.Diagnostics.Append(appErrorDiagnostic(r.groups.clients, "Removing "+state.describe(call.appID), call.appID, err))
	}
}

// ImportState takes `<base_url>/Groups/<group_id>/members/<member_id>`.
func (r *groupMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	g := strings.LastIndex(req.ID, "/Groups/")
	m := strings.LastIndex(req.ID, "/members/")
	if g <= 0 || m < g+len("/Groups/")+1 || m+len("/members/") >= len(req.ID) || strings.Contains(req.ID[g+len("/Groups/"):m], "/") {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("A group membership is imported as `<base_url>/Groups/<group_id>/members/<member_id>`, e.g. "+
				"`terraform import scim_group_member.alice_admins https://api.slack.com/scim/v2/Groups/e9e30dba/members/2819c223`; got %q.", req.ID))
		return
	}
	appID, err := normalizeBaseURL(req.ID[:g])
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The base URL part of %q is not valid: %v", req.ID, err))
		return
	}
	groupID, memberID := req.ID[g+len("/Groups/"):m], req.ID[m+len("/members/"):]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), groupID+"/"+memberID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connected_app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), groupID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
}
