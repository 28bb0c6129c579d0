package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/validators"
)

// What the data sources that list an app's accounts or groups share: the
// arguments that select them, the listing with its limit, the exclusion of
// the managed ones (orphans), and the lookup of exactly one.

const (
	// defaultListLimit is how many accounts a listing returns at most
	// unless told otherwise; a listing that matches more is an error, not
	// a silent cut, since an orphan report that drops accounts would lie.
	defaultListLimit = 10000
	maxListLimit     = 1000000
)

// listArguments are the arguments of scim_users and scim_groups; nameArg
// and nameAttr are the name a listing can also exclude by (user_names and
// userName, display_names and displayName).
func listArguments(noun, nameArg, nameAttr string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"connected_app_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The `id` of the app's `scim_connected_app` (its base URL).",
			Validators:          []validator.String{connectedAppIDValidator()},
		},
		"filter": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A SCIM filter (RFC 7644 §3.4.2.2) the app applies, e.g. `active eq true` or " +
				"`userName ew \"@example.com\"`. Checked at plan time. Unset: every " + noun + ". Apps differ in what they " +
				"support: many accept only `attr eq \"value\"`, some compare case-sensitively.",
			Validators: []validator.String{validators.SCIMFilter()},
		},
		"exclude_ids": schema.SetAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Ids to leave out of the result, applied after the app's filter: the " + noun + "s the " +
				"configuration manages, to list the orphans (the ones in the app that no resource manages). See `exclude_" + nameArg +
				"` for a form a scheduled plan can always read.",
		},
		"exclude_" + nameArg: schema.SetAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "`" + nameAttr + "`s to leave out of the result, compared case-insensitively, applied after the app's " +
				"filter. For an orphans report, give the managed " + noun + "s' names as data (for accounts, what the mapping makes of " +
				"your people, e.g. `[for p in local.people : lower(p.email)]`) and the app by its URL, not as references to the " +
				"resources: Terraform reads a data source that refers to a resource with a planned change only at apply, so the " +
				"report would be unknown in every plan that changes anything else.",
		},
		"limit": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("The most %ss to list (before the exclusions). When the app holds more that match, "+
				"reading fails with the number it holds instead of returning a part of them. Default `%d`.", noun, defaultListLimit),
			Validators: []validator.Int64{int64validator.Between(1, maxListLimit)},
		},
		"total_results": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "How many " + noun + "s match `filter` in the app, as it counts them (`totalResults`), before the exclusions.",
		},
		"ids": schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "The ids of the listed " + noun + "s, in the app's order.",
		},
	}
}

// attributePathsArgument is the optional list of further attributes to
// return, by SCIM attribute path.
func attributePathsArgument() schema.Attribute {
	return schema.ListAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Further attributes to return in `attributes`, by SCIM attribute path: `title`, `name.givenName`, " +
			"`emails[type eq \"work\"].value`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`. " +
			"Single values only; a complex or multi-valued attribute is returned through its sub-attribute paths.",
		Validators: []validator.List{listvalidator.ValueStringsAre(validators.AttributePath())},
	}
}

// resourceKind is which of an app's collections a data source or list
// resource reads, and how it names what it finds.
type resourceKind struct {
	noun     string // "account", in messages
	nameAttr string // "userName": a resource's name, shown and excluded by
	// groups: the kind is the app's /Groups, else its /Users.
	groups bool
	// describe names one resource in an error.
	describe func(scim.Resource) string
}

var (
	accountKind = resourceKind{noun: "account", nameAttr: "userName", describe: describeAccount}
	groupKind   = resourceKind{noun: "group", nameAttr: "displayName", groups: true, describe: describeGroup}
)

// collection is what data sources and list resources read of an app's
// /Users or /Groups: for groups, the GroupCollection, which reads members
// the way the app allows (scim.Config.GroupMembersByFilter).
type collection interface {
	List(ctx context.Context, opts scim.ListOptions) (scim.ListResult, error)
	Get(ctx context.Context, id string, opts scim.ReadOptions) (scim.Resource, error)
	Find(ctx context.Context, attr, value string, opts scim.ReadOptions) ([]scim.Resource, error)
}

// of is the kind's collection of the app that client speaks to.
func (k resourceKind) of(client *scim.Client) collection {
	if k.groups {
		return client.Groups()
	}
	return client.Users()
}

// appDataSource is what every data source that reads an app's accounts or
// groups has: its type name after the provider's and the provider's
// clients.
type appDataSource struct {
	typeName string // "_users"
	clients  *clientFactory
}

func (d *appDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeName
}

func (d *appDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// listModel is the arguments and results of listArguments, which
// scim_users and scim_groups embed in their models.
type listModel struct {
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
	Filter         types.String `tfsdk:"filter"`
	ExcludeIDs     types.Set    `tfsdk:"exclude_ids"`
	Limit          types.Int64  `tfsdk:"limit"`
	TotalResults   types.Int64  `tfsdk:"total_results"`
	IDs            types.List   `tfsdk:"ids"`
}

// list lists the app's resources of kind as m's arguments say, asking for
// attrs and leaving out those whose name is among excludeNames (the
// model's exclude_<names> set), and records total_results and ids. The
// returned call is nil when diags hold the reason.
func (m *listModel) list(ctx context.Context, clients *clientFactory, kind resourceKind, attrs []string, excludeNames types.Set, diags *diag.Diagnostics) (*lifecycle.App, []scim.Resource) {
	exclude := stringsFromSet(ctx, m.ExcludeIDs, diags)
	names := stringsFromSet(ctx, excludeNames, diags)
	if diags.HasError() {
		return nil, nil
	}
	call, got, d := listAll(ctx, clients, listQuery{appID: m.ConnectedAppID, kind: kind, filter: m.Filter.ValueString(),
		attributes: attrs, limit: m.Limit.ValueInt64(), excludeIDs: exclude, excludeNames: names})
	diags.Append(d...)
	if call == nil || diags.HasError() {
		return nil, nil
	}
	m.TotalResults = types.Int64Value(int64(got.total))
	m.IDs = idsOf(got.resources)
	return call, got.resources
}

// listed is what one listing read: the resources, after exclusion, and
// the app's total before it.
type listed struct {
	resources []scim.Resource
	total     int
}

// listQuery is what listAll lists: the app's resources of kind that match
// filter, with attributes, at most limit of them, without those whose id
// is among excludeIDs or whose name (compared case-insensitively) is among
// excludeNames.
type listQuery struct {
	appID        types.String
	kind         resourceKind
	filter       string
	attributes   []string
	limit        int64
	excludeIDs   []string
	excludeNames []string
}

// listAll lists what q says and fails when more than q.limit match.
func listAll(ctx context.Context, clients *clientFactory, q listQuery) (*lifecycle.App, listed, diag.Diagnostics) {
	ctx, call, diags := clients.prepareApp(ctx, q.appID, types.ObjectNull(nil))
	if call == nil || diags.HasError() {
		return nil, listed{}, diags
	}
	noun, limit := q.kind.noun, q.limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	if d := cannotList(call, q.filter, noun); d != nil {
		diags.Append(d)
		return nil, listed{}, diags
	}
	got, err := q.kind.of(call.Client).List(ctx, scim.ListOptions{Filter: q.filter, Attributes: q.attributes, Limit: int(limit) + 1})
	if err != nil {
		diags.Append(appErrorDiagnostic(clients, fmt.Sprintf("Listing the %ss", noun), call.BaseURL, err))
		return nil, listed{}, diags
	}
	if int64(len(got.Resources)) > limit || int64(got.Total) > limit {
		matched := fmt.Sprintf("at least %d", len(got.Resources))
		if int64(got.Total) > limit {
			matched = fmt.Sprint(got.Total)
		}
		diags.AddAttributeError(path.Root("limit"), "Too Many "+titleNoun(noun)+"s to List",
			fmt.Sprintf("The app at %s holds %s %ss that match%s, more than limit (%d). Narrow `filter` or raise `limit`; "+
				"a listing never returns a part of what matches.", call.BaseURL, matched, noun, describeFilter(q.filter), limit))
		return nil, listed{}, diags
	}
	skip := make(map[string]bool, len(q.excludeIDs))
	for _, id := range q.excludeIDs {
		skip[id] = true
	}
	skipName := make(map[string]bool, len(q.excludeNames))
	for _, n := range q.excludeNames {
		skipName[strings.ToLower(n)] = true
	}
	out := listed{total: got.Total, resources: make([]scim.Resource, 0, len(got.Resources))}
	for _, r := range got.Resources {
		name, _ := r[q.kind.nameAttr].(string)
		if !skip[r.ID()] && !skipName[strings.ToLower(name)] {
			out.resources = append(out.resources, r)
		}
	}
	return call, out, diags
}

func titleNoun(noun string) string { return strings.ToUpper(noun[:1]) + noun[1:] }

func describeFilter(filter string) string {
	if filter == "" {
		return ""
	}
	return " the filter `" + filter + "`"
}

// findQuery is what findOne looks up: the app's resource of kind named by
// exactly one of by, read with attributes.
type findQuery struct {
	appID      types.String
	kind       resourceKind
	by         []lookupArgument
	attributes []string
}

// findOne looks up the one resource named by exactly one of the lookup
// arguments (by id with a GET, else with an `eq` filter) and fails, saying
// what it found, unless exactly one matches.
func findOne(ctx context.Context, clients *clientFactory, q findQuery) (*lifecycle.App, scim.Resource, diag.Diagnostics) {
	ctx, call, diags := clients.prepareApp(ctx, q.appID, types.ObjectNull(nil))
	if call == nil || diags.HasError() {
		return nil, nil, diags
	}
	noun, collection, opts := q.kind.noun, q.kind.of(call.Client), scim.ReadOptions{Attributes: q.attributes}
	var arg lookupArgument
	for _, a := range q.by {
		if !a.value.IsNull() && !a.value.IsUnknown() {
			arg = a
		}
	}
	value := arg.value.ValueString()
	if arg.scimName == "id" {
		res, err := collection.Get(ctx, value, opts)
		if scim.IsNotFound(err) {
			diags.AddAttributeError(path.Root(arg.name), "No Such "+titleNoun(noun),
				fmt.Sprintf("The app at %s has no %s with id %q: it answered 404.", call.BaseURL, noun, value))
			return nil, nil, diags
		}
		if err != nil {
			diags.Append(appErrorDiagnostic(clients, fmt.Sprintf("Reading the %s %s", noun, value), call.BaseURL, err))
			return nil, nil, diags
		}
		return call, res, diags
	}
	found, err := collection.Find(ctx, arg.scimName, value, opts)
	if err != nil {
		diags.Append(appErrorDiagnostic(clients, fmt.Sprintf("Looking up the %s with %s %q", noun, arg.scimName, value), call.BaseURL, err))
		return nil, nil, diags
	}
	switch len(found) {
	case 1:
		return call, found[0], diags
	case 0:
		diags.AddAttributeError(path.Root(arg.name), "No Such "+titleNoun(noun),
			fmt.Sprintf("The app at %s has no %s whose %s is %q (filter `%s`). Apps may compare %s case-sensitively; "+
				"use the value exactly as the app stores it, or list candidates with a broader filter.",
				call.BaseURL, noun, arg.scimName, value, scim.EqFilter(arg.scimName, value), arg.scimName))
	default:
		var names []string
		for i, r := range found {
			if i == 10 {
				names = append(names, fmt.Sprintf("and %d more", len(found)-10))
				break
			}
			names = append(names, q.kind.describe(r))
		}
		diags.AddAttributeError(path.Root(arg.name), "More Than One "+titleNoun(noun),
			fmt.Sprintf("The app at %s has %d %ss whose %s is %q: %s. Look the %s up by its id instead.",
				call.BaseURL, len(found), noun, arg.scimName, value, strings.Join(names, ", "), noun))
	}
	return nil, nil, diags
}

// lookupArgument is one way to name the resource a single-resource data
// source reads: its Terraform argument, the SCIM attribute and the value.
type lookupArgument struct {
	name, scimName string
	value          types.String
}

// attributeValues reads the requested paths from res as text, keyed by
// canonical path; nil when none was requested.
func attributeValues(res scim.Resource, paths []string) types.Map {
	if len(paths) == 0 {
		return types.MapNull(types.StringType)
	}
	return mapValue(mapping.ExtractValues(res, paths))
}

// topLevelAttributes are the attributes to ask the app for (`attributes=`):
// the top-level names of always and of the requested paths, as a refresh
// asks for those of its rules (with active and userName, as it always
// does).
func topLevelAttributes(always []string, paths []string) []string {
	rules := make([]mapping.Rule, 0, len(always)+len(paths))
	for _, p := range append(append([]string(nil), always...), paths...) {
		rules = append(rules, mapping.Rule{Target: p})
	}
	return mapping.ReadAttributes(rules)
}

// locationOf is the resource's meta.location, or the one the provider
// would build from the app's base URL.
func locationOf(res scim.Resource, fallback string) types.String {
	if loc := res.Location(); loc != "" {
		return types.StringValue(loc)
	}
	return types.StringValue(fallback)
}

func stringsFromSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	return out
}

func idsOf(resources []scim.Resource) types.List {
	ids := make([]string, len(resources))
	for i, r := range resources {
		ids[i] = r.ID()
	}
	return listOf(ids)
}

// cannotList is the error for a listing without a filter of an app whose
// vendor documents that it refuses one, said before asking; nil otherwise.
func cannotList(app *lifecycle.App, filter, noun string) diag.Diagnostic {
	v := app.Settings.Vendor
	if v == nil || !v.ListingNeedsFilter || filter != "" {
		return nil
	}
	return diag.NewErrorDiagnostic("The App Cannot List Its "+strings.ToUpper(noun[:1])+noun[1:]+"s",
		fmt.Sprintf("%s answers a listing of its %ss only with a filter that names one (for users, userName eq ...), "+
			"so this cannot be listed at %s. Look %ss up one at a time instead: the scim_user and scim_group data sources "+
			"take a user_name or a display_name.", v.Title, noun, app.BaseURL, noun))
}
