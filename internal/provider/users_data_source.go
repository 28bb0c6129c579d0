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
	_ datasource.DataSourceWithConfigure        = (*usersDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

// The attributes every listed or looked-up account carries.
var accountAttributes = []string{"userName", "externalId", "active", "displayName"}

// NewUsersDataSource is the constructor the provider registers.
func NewUsersDataSource() datasource.DataSource {
	return &usersDataSource{appDataSource{typeName: "_users"}}
}

// NewUserDataSource is the constructor the provider registers.
func NewUserDataSource() datasource.DataSource {
	return &userDataSource{appDataSource{typeName: "_user"}}
}

type usersDataSource struct{ appDataSource }

type userDataSource struct{ appDataSource }

type usersDataSourceModel struct {
	listModel
	AttributePaths types.List         `tfsdk:"attribute_paths"`
	ExcludeNames   types.Set          `tfsdk:"exclude_user_names"`
	Users          []accountEntryData `tfsdk:"users"`
}

type accountEntryData struct {
	ID          types.String `tfsdk:"id"`
	Location    types.String `tfsdk:"location"`
	UserName    types.String `tfsdk:"user_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	DisplayName types.String `tfsdk:"display_name"`
	Active      types.Bool   `tfsdk:"active"`
	Attributes  types.Map    `tfsdk:"attributes"`
}

// userDataSourceModel is scim_user: the account as scim_users lists it,
// found by its id, user_name or external_id.
type userDataSourceModel struct {
	accountEntryData
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
	AttributePaths types.List   `tfsdk:"attribute_paths"`
}

// accountEntry is the account res of the app appID with the values of
// paths.
func accountEntry(appID string, res scim.Resource, paths []string) accountEntryData {
	return accountEntryData{
		ID:          types.StringValue(res.ID()),
		Location:    locationOf(res, lifecycle.UserLocation(appID, res.ID())),
		UserName:    stringOf(res, "userName"),
		ExternalID:  stringOf(res, "externalId"),
		DisplayName: stringOf(res, "displayName"),
		Active:      types.BoolValue(lifecycle.ActiveOf(res, true)),
		Attributes:  attributeValues(res, paths),
	}
}

// accountEntryAttributes describes one account, in scim_users' list and in
// scim_user itself; id, user_name and external_id are the caller's.
func accountEntryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"location": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The account's SCIM location, `<base_url>/Users/<id>` (the app's `meta.location` when it sends one): the ID `terraform import` takes.",
		},
		"display_name": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The account's `displayName`, when it has one.",
		},
		"active": schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: "Whether the account is active (`true` when the app does not say).",
		},
		"attributes": schema.MapAttribute{
			Computed:    true,
			ElementType: types.StringType,
			MarkdownDescription: "The values of `attribute_paths` the account has, as text, keyed by each path's canonical form " +
				"(as `scim_provisioned_user.attributes` is); a path the account has no value for is absent. Null when `attribute_paths` is unset.",
		},
	}
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listArguments("account", "user_names", "userName")
	attrs["attribute_paths"] = attributePathsArgument()
	entry := accountEntryAttributes()
	entry["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The account's SCIM `id`."}
	entry["user_name"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The account's `userName`."}
	entry["external_id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The account's `externalId`, when it has one."}
	attrs["users"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The listed accounts, in the app's order.",
		NestedObject:        schema.NestedAttributeObject{Attributes: entry},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The accounts an app holds (`GET /Users`), paged until the app's `totalResults`, optionally filtered, " +
			"without the ones excluded.\n\n" +
			"Pass the `user_name`s of the accounts the configuration manages as `exclude_user_names` (or their ids as `exclude_ids`) " +
			"to list the **orphans**: accounts in the app that no resource manages. With an output or a `check` block, a scheduled " +
			"plan then reports them (see the example).",
		Attributes: attrs,
	}
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m usersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	paths := stringsOf(m.AttributePaths)
	call, found := m.list(ctx, d.clients, accountKind, topLevelAttributes(accountAttributes, paths), m.ExcludeNames, &resp.Diagnostics)
	if call == nil {
		return
	}
	m.Users = make([]accountEntryData, len(found))
	for i, res := range found {
		m.Users[i] = accountEntry(call.BaseURL, res, paths)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := accountEntryAttributes()
	attrs["connected_app_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The `id` of the app's `scim_connected_app` (its base URL).",
		Validators:          []validator.String{connectedAppIDValidator()},
	}
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The account's SCIM `id`. Exactly one of `id`, `user_name` and `external_id` names the account.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["user_name"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The account's `userName`, looked up with `userName eq \"...\"`.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["external_id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The account's `externalId`, looked up with `externalId eq \"...\"`.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["attribute_paths"] = attributePathsArgument()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exactly one account of an app, by `id`, `user_name` or `external_id`. Reading fails, saying what it " +
			"found, when no account or more than one matches.",
		Attributes: attrs,
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("user_name"), path.MatchRoot("external_id")),
	}
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	paths := stringsOf(m.AttributePaths)
	if resp.Diagnostics.HasError() {
		return
	}
	call, res, diags := findOne(ctx, d.clients, findQuery{appID: m.ConnectedAppID, kind: accountKind,
		by:         []lookupArgument{{"id", "id", m.ID}, {"user_name", "userName", m.UserName}, {"external_id", "externalId", m.ExternalID}},
		attributes: topLevelAttributes(accountAttributes, paths)})
	resp.Diagnostics.Append(diags...)
	if call == nil || resp.Diagnostics.HasError() {
		return
	}
	m.accountEntryData = accountEntry(call.BaseURL, res, paths)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// describeAccount names an account in an error: its id and userName.
func describeAccount(res scim.Resource) string {
	un, _ := res["userName"].(string)
	return fmt.Sprintf("%s (userName %q)", res.ID(), un)
}
