package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

var (
	_ datasource.DataSourceWithConfigure        = (*groupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*groupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*groupDataSource)(nil)
)

// NewGroupsDataSource is the constructor the provider registers.
func NewGroupsDataSource() datasource.DataSource {
	return &groupsDataSource{appDataSource{typeName: "_groups"}}
}

// NewGroupDataSource is the constructor the provider registers.
func NewGroupDataSource() datasource.DataSource {
	return &groupDataSource{appDataSource{typeName: "_group"}}
}

type groupsDataSource struct{ appDataSource }

type groupDataSource struct{ appDataSource }

type groupsDataSourceModel struct {
	listModel
	IncludeMembers types.Bool       `tfsdk:"include_members"`
	ExcludeNames   types.Set        `tfsdk:"exclude_display_names"`
	Groups         []groupEntryData `tfsdk:"groups"`
}

type groupEntryData struct {
	ID          types.String `tfsdk:"id"`
	Location    types.String `tfsdk:"location"`
	DisplayName types.String `tfsdk:"display_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Members     types.List   `tfsdk:"members"`
}

// groupDataSourceModel is scim_group: the group as scim_groups lists it
// with its members, found by its id, display_name or external_id.
type groupDataSourceModel struct {
	groupEntryData
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
}

// groupEntry is the group res of the app appID, with its members when
// they were asked for.
func groupEntry(appID string, res scim.Resource, members bool) groupEntryData {
	return groupEntryData{
		ID:          types.StringValue(res.ID()),
		Location:    locationOf(res, lifecycle.GroupLocation(appID, res.ID())),
		DisplayName: stringOf(res, "displayName"),
		ExternalID:  stringOf(res, "externalId"),
		Members:     groupMembersValue(res, members),
	}
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listArguments("group", "display_names", "displayName")
	attrs["include_members"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Whether to return each group's member ids in `members`. Default `false`: groups are listed without " +
			"their members, which keeps the answer small for large groups.",
	}
	attrs["groups"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The listed groups, in the app's order.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The group's SCIM `id`."},
			"location":     schema.StringAttribute{Computed: true, MarkdownDescription: "The group's SCIM location, `<base_url>/Groups/<id>`: the ID `terraform import` takes."},
			"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The group's `displayName`."},
			"external_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The group's `externalId`, when it has one."},
			"members":      schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The ids of the group's members, with `include_members`; null without."},
		}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The groups an app holds (`GET /Groups`), paged until the app's `totalResults`, optionally filtered, " +
			"without the ones excluded (pass the managed groups' `display_name`s as `exclude_display_names`, or their ids as " +
			"`exclude_ids`, to list the orphans).",
		Attributes: attrs,
	}
}

func groupAttributes(members bool) []string {
	attrs := []string{"displayName", "externalId"}
	if members {
		attrs = append(attrs, "members")
	}
	return attrs
}

func groupMembersValue(res scim.Resource, included bool) types.List {
	if !included {
		return types.ListNull(types.StringType)
	}
	return listOf(scim.GroupMemberIDs(res))
}

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	members := m.IncludeMembers.ValueBool()
	call, found := m.list(ctx, d.clients, groupKind, groupAttributes(members), m.ExcludeNames, &resp.Diagnostics)
	if call == nil {
		return
	}
	m.Groups = make([]groupEntryData, len(found))
	for i, res := range found {
		m.Groups[i] = groupEntry(call.BaseURL, res, members)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exactly one group of an app, by `id`, `display_name` or `external_id`, with its members. Reading fails, " +
			"saying what it found, when no group or more than one matches.",
		Attributes: map[string]schema.Attribute{
			"connected_app_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The `id` of the app's `scim_connected_app` (its base URL).",
				Validators:          []validator.String{connectedAppIDValidator()},
			},
			"id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The group's SCIM `id`. Exactly one of `id`, `display_name` and `external_id` names the group.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The group's `displayName`, looked up with `displayName eq \"...\"`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The group's `externalId`, looked up with `externalId eq \"...\"`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"location": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's SCIM location, `<base_url>/Groups/<id>`: the ID `terraform import` takes.",
			},
			"members": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of the group's members, in the app's order.",
			},
		},
	}
}

func (d *groupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("display_name"), path.MatchRoot("external_id")),
	}
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call, res, diags := findOne(ctx, d.clients, findQuery{appID: m.ConnectedAppID, kind: groupKind,
		by:         []lookupArgument{{"id", "id", m.ID}, {"display_name", "displayName", m.DisplayName}, {"external_id", "externalId", m.ExternalID}},
		attributes: groupAttributes(true)})
	resp.Diagnostics.Append(diags...)
	if call == nil || resp.Diagnostics.HasError() {
		return
	}
	m.groupEntryData = groupEntry(call.BaseURL, res, true)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// describeGroup names a group in an error: its id and displayName.
func describeGroup(res scim.Resource) string {
	dn, _ := res["displayName"].(string)
	return fmt.Sprintf("%s (displayName %q)", res.ID(), dn)
}
