package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
)

var (
	_ resource.Resource                = (*groupMemberResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupMemberResource)(nil)
	_ resource.ResourceWithImportState = (*groupMemberResource)(nil)
)

// NewGroupMemberResource is the constructor the provider registers.
func NewGroupMemberResource() resource.Resource { return &groupMemberResource{} }

// groupMemberResource is one membership of a group that Terraform does not
// own.
type groupMemberResource struct {
	appResource
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
			"connected_app_id": connectedAppIDAttribute("The `id` of the app's `scim_connected_app`."),
			"compatibility":    compatibilityAttribute(""),
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

// membership is m's group and member in its app.
func (r *groupMemberResource) membership(ctx context.Context, m *groupMemberModel) (context.Context, *lifecycle.Groups, lifecycle.Membership, diag.Diagnostics) {
	ctx, app, diags := r.clients.prepareApp(ctx, m.ConnectedAppID, m.Compatibility)
	ms := lifecycle.Membership{GroupID: m.GroupID.ValueString(), MemberID: m.MemberID.ValueString()}
	if app == nil {
		return ctx, nil, ms, diags
	}
	return ctx, app.Groups(), ms, diags
}

func (r *groupMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, groups, ms, diags := r.membership(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := groups.AddMember(ctx, ms); err != nil {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, groups.App(), err))
		return
	}
	plan.ID = types.StringValue(ms.GroupID + "/" + ms.MemberID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *groupMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, groups, ms, diags := r.membership(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := groups.App()
	found, err := groups.ReadMembership(ctx, ms)
	switch {
	case err != nil:
		resp.Diagnostics.Append(groupDiagnostic(r.clients, app, err))
	case found == lifecycle.GroupGone:
		goneFromApp(ctx, resp, "SCIM Group Deleted Outside Terraform",
			fmt.Sprintf("The group %s no longer exists in the app, so neither does the membership of %s; Terraform will plan to add it again, which fails until the group exists.",
				app.GroupLocation(ms.GroupID), ms.MemberID))
	case found == lifecycle.MemberRemoved:
		goneFromApp(ctx, resp, "SCIM Group Member Removed Outside Terraform",
			fmt.Sprintf("%s in the group %s was removed in the app; Terraform will plan to add it again.", ms.MemberID, app.GroupLocation(ms.GroupID)))
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
	ctx, groups, ms, diags := r.membership(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := groups.RemoveMember(ctx, ms); err != nil {
		resp.Diagnostics.Append(groupDiagnostic(r.clients, groups.App(), err))
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
