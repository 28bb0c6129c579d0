package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/validators"
)

// List resources (Terraform 1.14 and later): a `list` block in a
// .tfquery.hcl file lists an app's accounts or groups, and
// `terraform query -generate-config-out=FILE` writes an import block (by
// identity) and a resource block for each. For accounts the resource block
// carries the profile read back through the mapping's `source` rules
// (mapping.ProfileFrom), so an account that already holds what the mapping
// makes of it plans no change to the account once imported.

var (
	_ list.ListResourceWithConfigure = (*usersListResource)(nil)
	_ list.ListResourceWithConfigure = (*groupsListResource)(nil)
)

// NewUsersListResource is the constructor the provider registers.
func NewUsersListResource() list.ListResource {
	return &usersListResource{appListResource{typeName: "_provisioned_user"}}
}

// NewGroupsListResource is the constructor the provider registers.
func NewGroupsListResource() list.ListResource {
	return &groupsListResource{appListResource{typeName: "_provisioned_group"}}
}

// appListResource is what both list resources have: the provider's
// clients (appResource) and the type name of the resource they list after
// the provider's.
type appListResource struct {
	appResource
	typeName string // "_provisioned_user"
}

func (l *appListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.typeName
}

type usersListResource struct{ appListResource }

type groupsListResource struct{ appListResource }

type usersListModel struct {
	ConnectedAppID   types.String `tfsdk:"connected_app_id"`
	Filter           types.String `tfsdk:"filter"`
	AttributeMapping types.String `tfsdk:"attribute_mapping"`
}

type groupsListModel struct {
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
	Filter         types.String `tfsdk:"filter"`
	IncludeMembers types.Bool   `tfsdk:"include_members"`
}

func listAppArguments(noun string) map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"connected_app_id": listschema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The app's base URL, the `id` of its `scim_connected_app`.",
			Validators:          []validator.String{connectedAppIDValidator()},
		},
		"filter": listschema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A SCIM filter (RFC 7644 §3.4.2.2) the app applies, e.g. `active eq true`. Unset: every " + noun +
				" (up to the `list` block's `limit`, by default 100).",
			Validators: []validator.String{validators.SCIMFilter()},
		},
	}
}

func (l *usersListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listAppArguments("account")
	attrs["attribute_mapping"] = listschema.StringAttribute{
		Required: true,
		MarkdownDescription: "The app's mapping, encoded on one line as `scim_attribute_mapping.<name>.encoded` holds it " +
			"(`terraform output` or `terraform console` shows it). Each account's `profile` is read back through its " +
			"`source` rules, and the generated resources carry it with this mapping.",
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists an app's accounts for `terraform query`, each with its identity (the app's base URL and the " +
			"account's id) and, for `-generate-config-out`, a `scim_provisioned_user` whose `profile` is read back through the " +
			"mapping's `source` rules. An account that holds what the mapping makes of that profile plans no change to the account " +
			"once imported; constant and template rules are evaluated as they are, so an account that differs from them shows the difference.",
		Attributes: attrs,
	}
}

func (l *usersListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m usersListModel
	diags := req.Config.Get(ctx, &m)
	rules, ok, d := rulesFromEncoded(m.AttributeMapping)
	diags.Append(d...)
	if ok {
		diags.Append(encodedIssueDiagnostics("attribute_mapping", mapping.ValidateRules(rules), summaryInvalidMapping)...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	paths := mapping.ManagedPaths(rules)
	l.clients.streamListing(ctx, req, stream, diags, streamedListing{
		appID: m.ConnectedAppID, kind: accountKind,
		options: scim.ListOptions{Filter: m.Filter.ValueString(), Attributes: topLevelAttributes([]string{"externalId"}, paths)},
		resource: func(appID string, res scim.Resource) map[string]any {
			values := mapping.ExtractValues(res, paths)
			userName, _ := res["userName"].(string)
			return map[string]any{
				"id":                res.ID(),
				"location":          lifecycle.UserLocation(appID, res.ID()),
				"connected_app_id":  appID,
				"attribute_mapping": m.AttributeMapping.ValueString(),
				"profile":           mapping.ProfileFrom(rules, values),
				"active":            lifecycle.ActiveOf(res, true),
				"user_name":         userName,
				"attributes":        values,
				"version":           res.Version(),
			}
		},
	})
}

// streamedListing is what streamListing lists: the app's resources of
// kind as options select them, each turned into its resource's attributes
// by resource.
type streamedListing struct {
	appID    types.String
	kind     resourceKind
	options  scim.ListOptions
	resource func(appID string, res scim.Resource) map[string]any
}

// streamListing lists the app's collection (up to the list block's limit)
// and streams one result per resource: its identity, its name, and, when
// Terraform asks for the resource object (-generate-config-out), the
// attributes l.resource gives, by name. diags are the configuration's
// diagnostics; with an error among them, or any on the way, the stream is
// the diagnostics alone.
func (f *clientFactory) streamListing(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, diags diag.Diagnostics, l streamedListing) {
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx, call, d := f.prepareApp(ctx, l.appID, types.ObjectNull(nil))
	diags.Append(d...)
	if call == nil || diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	opts := l.options
	opts.Limit = int(req.Limit)
	if d := cannotList(call, opts.Filter, l.kind.noun); d != nil {
		diags.Append(d)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found, err := l.kind.of(call.Client).List(ctx, opts)
	if err != nil {
		diags.Append(appErrorDiagnostic(f, fmt.Sprintf("Listing the %ss", l.kind.noun), call.BaseURL, err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for _, res := range found.Resources {
			result := req.NewListResult(ctx)
			result.DisplayName, _ = res[l.kind.nameAttr].(string)
			result.Diagnostics.Append(result.Identity.Set(ctx, locationIdentityModel{BaseURL: types.StringValue(call.BaseURL), ID: types.StringValue(res.ID())})...)
			if req.IncludeResource {
				for attr, v := range l.resource(call.BaseURL, res) {
					result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root(attr), v)...)
				}
			}
			if !push(result) {
				return
			}
		}
	}
}

func (l *groupsListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listAppArguments("group")
	attrs["include_members"] = listschema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Whether the generated resources manage each group's members, listing their account ids. Default " +
			"`false`: the groups are brought under management by name, and their members stay as the app has them.",
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists an app's groups for `terraform query`, each with its identity (the app's base URL and the " +
			"group's id) and, for `-generate-config-out`, a `scim_provisioned_group` with its name, `externalId` and, with " +
			"`include_members`, its members.",
		Attributes: attrs,
	}
}

func (l *groupsListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m groupsListModel
	diags := req.Config.Get(ctx, &m)
	members := m.IncludeMembers.ValueBool()
	l.clients.streamListing(ctx, req, stream, diags, streamedListing{
		appID: m.ConnectedAppID, kind: groupKind,
		options: scim.ListOptions{Filter: m.Filter.ValueString(), Attributes: groupAttributes(members)},
		resource: func(appID string, res scim.Resource) map[string]any {
			displayName, _ := res["displayName"].(string)
			attrs := map[string]any{
				"id":               res.ID(),
				"location":         lifecycle.GroupLocation(appID, res.ID()),
				"connected_app_id": appID,
				"display_name":     displayName,
				"external_id":      stringOf(res, "externalId"),
			}
			if members {
				attrs["members"] = scim.GroupMemberIDs(res)
			}
			return attrs
		},
	})
}
