package provider

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/validators"
)

var (
	_ resource.Resource                   = (*connectedAppResource)(nil)
	_ resource.ResourceWithConfigure      = (*connectedAppResource)(nil)
	_ resource.ResourceWithImportState    = (*connectedAppResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectedAppResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectedAppResource)(nil)
)

// NewConnectedAppResource is the constructor the provider registers.
func NewConnectedAppResource() resource.Resource { return &connectedAppResource{} }

type connectedAppResource struct {
	appResource
}

type connectedAppModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	BaseURL              types.String `tfsdk:"base_url"`
	AllowInsecureHTTP    types.Bool   `tfsdk:"allow_insecure_http"`
	Compatibility        types.Object `tfsdk:"compatibility"`
	Capabilities         types.Object `tfsdk:"capabilities"`
	Schemas              types.List   `tfsdk:"schemas"`
	UserSchemaExtensions types.List   `tfsdk:"user_schema_extensions"`
	DiscoveryMissing     types.List   `tfsdk:"discovery_missing"`
	Vendor               types.String `tfsdk:"vendor"`
}

// capabilitiesAttrTypes is the object type of the computed `capabilities`.
var capabilitiesAttrTypes = map[string]attr.Type{
	"patch":                  types.BoolType,
	"bulk":                   types.BoolType,
	"bulk_max_operations":    types.Int64Type,
	"bulk_max_payload_size":  types.Int64Type,
	"filter":                 types.BoolType,
	"filter_max_results":     types.Int64Type,
	"change_password":        types.BoolType,
	"sort":                   types.BoolType,
	"etag":                   types.BoolType,
	"authentication_schemes": types.ListType{ElemType: types.StringType},
}

func (r *connectedAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app"
}

func (r *connectedAppResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One downstream app that speaks SCIM 2.0, and what the provider learns about it from its discovery " +
			"endpoints (`/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`).\n\n" +
			"Creating it checks that the app answers and that the provider's credentials for its `base_url` work. " +
			"Every refresh discovers again, so a change in what the app supports shows up in `terraform plan` " +
			"(as a warning, and in the refreshed `capabilities`). Destroying it forgets the app; nothing is sent to the app.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The app's normalised base URL (scheme and host lower-cased, no trailing slash). " +
					"Provisioned users refer to their app by it.",
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "A name for people to read, e.g. `Slack`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"base_url": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The app's SCIM base URL, e.g. `https://api.slack.com/scim/v2`. Must be https, " +
					"except for loopback addresses or with `allow_insecure_http`. Changing it (same accounts, new address) " +
					"updates in place.",
				Validators: []validator.String{validators.AbsoluteURL(false)},
			},
			"allow_insecure_http": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Allow a plain-http `base_url` to a host other than 127.0.0.1, ::1 or localhost. " +
					"Credentials are then sent unencrypted; use only on a network you trust. Default `false`.",
			},
			"compatibility": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Overrides for apps whose discovery documents are wrong or that have known quirks. " +
					"Unset (the default), and for each unset field, what discovery says is followed. Pass it to each account's `compatibility`.",
				Attributes: compatibilitySchemaAttributes(),
			},
			"capabilities": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "What the app's `/ServiceProviderConfig` says it supports (RFC 7643 §5), with RFC defaults where it serves none.",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"patch":                  schema.BoolAttribute{Computed: true, MarkdownDescription: "PATCH is supported."},
					"bulk":                   schema.BoolAttribute{Computed: true, MarkdownDescription: "Bulk operations are supported."},
					"bulk_max_operations":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Maximum operations in one bulk request."},
					"bulk_max_payload_size":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Maximum bulk payload size in bytes."},
					"filter":                 schema.BoolAttribute{Computed: true, MarkdownDescription: "Filtering is supported."},
					"filter_max_results":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Maximum results the app returns for one query (0 when unknown)."},
					"change_password":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Changing passwords is supported."},
					"sort":                   schema.BoolAttribute{Computed: true, MarkdownDescription: "Sorting is supported."},
					"etag":                   schema.BoolAttribute{Computed: true, MarkdownDescription: "ETags (`meta.version`, `If-Match`) are supported."},
					"authentication_schemes": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Types of the authentication schemes the app advertises (`oauthbearertoken`, `httpbasic`, ...)."},
				},
			},
			"schemas": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "URNs of the schemas the app serves at `/Schemas`.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"user_schema_extensions": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Schema extensions of the app's `User` resource type, e.g. the enterprise extension.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"vendor": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The vendor profile that applies to this app (" + vendorList() + "): the one " +
					"`compatibility.vendor` names, else the one the base URL tells (an AWS IAM Identity Center URL, " +
					"`https://scim.<region>.amazonaws.com/<tenant>/scim/v2`, is `aws_identity_center`); null when none does. " +
					"Known at plan time, so the plan shows it.",
			},
			"discovery_missing": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Discovery endpoints the app does not serve; RFC 7643 defaults were assumed for them " +
					"(for example, the standard User schema when `/Schemas` is missing).",
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *connectedAppResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m connectedAppModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.BaseURL.IsUnknown() || m.BaseURL.IsNull() || m.AllowInsecureHTTP.IsUnknown() {
		return
	}
	if err := validators.CheckURL(m.BaseURL.ValueString(), !m.AllowInsecureHTTP.ValueBool()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Insecure Base URL",
			err.Error()+". To accept the risk on a network you trust, set allow_insecure_http = true.")
	}
}

// ModifyPlan makes `id` known at plan time (it is the normalised base URL),
// so users that refer to the app see their real app id in the plan, and
// marks the discovered attributes unknown when the app's address changes.
func (r *connectedAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan connectedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.BaseURL.IsUnknown() {
		plan.ID = types.StringUnknown()
	} else if id, err := normalizeBaseURL(plan.BaseURL.ValueString()); err == nil {
		plan.ID = types.StringValue(id)
	}
	plan.Vendor = types.StringUnknown()
	if !plan.ID.IsUnknown() && !plan.Compatibility.IsUnknown() {
		plan.Vendor = vendorValue(ctx, plan.ID.ValueString(), plan.Compatibility)
		if _, named, _ := overridesOf(ctx, plan.Compatibility); named != "" && r.clients != nil {
			r.clients.vendors.Store(plan.ID.ValueString(), named)
		}
	}
	newAddress := true
	if !req.State.Raw.IsNull() {
		var state connectedAppModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		newAddress = !plan.ID.Equal(state.ID)
		if newAddress {
			plan.Capabilities = types.ObjectUnknown(capabilitiesAttrTypes)
			plan.Schemas = types.ListUnknown(types.StringType)
			plan.UserSchemaExtensions = types.ListUnknown(types.StringType)
			plan.DiscoveryMissing = types.ListUnknown(types.StringType)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if r.clients == nil || plan.ID.IsUnknown() || plan.ID.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	if newAddress {
		resp.Diagnostics.Append(r.checkAddressAtPlan(ctx, plan.ID.ValueString())...)
		return
	}
	resp.Diagnostics.Append(r.checkAppAtPlan(ctx, plan.ID.ValueString(), plan.Compatibility)...)
}

// checkAppAtPlan fails the plan of an app that is already managed when it
// cannot be discovered or rejects the credentials, so that the error is
// reported once, here, and Terraform skips planning the accounts that depend
// on the app, which would each fail the same way. A refresh checks the
// same (Read); this covers plans without one (-refresh=false). Discovery
// and the credential check run once per app per command, so a plan after a
// refresh sends nothing more.
func (r *connectedAppResource) checkAppAtPlan(ctx context.Context, id string, compat types.Object) diag.Diagnostics {
	client, err := r.clients.Client(id)
	if err != nil {
		return nil
	}
	d, err := client.Discover(r.clients.withMasking(ctx))
	if err != nil {
		return diag.Diagnostics{appErrorDiagnostic(r.clients, "Discovering the SCIM app's capabilities", id, err)}
	}
	_, diags := r.clients.appSettings(ctx, id, client, d, compat)
	return append(diags, r.checkCredentialsOnRefresh(ctx, id)...)
}

func (r *connectedAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.discoverInto(ctx, &plan, true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *connectedAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectedAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := state.Capabilities
	resp.Diagnostics.Append(r.discoverInto(ctx, &state, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.checkCredentialsOnRefresh(ctx, state.ID.ValueString())...)
	if resp.Diagnostics.HasError() {
		return
	}
	if changes := capabilityChanges(prior, state.Capabilities); len(changes) > 0 {
		resp.Diagnostics.AddWarning("SCIM App Capabilities Changed",
			fmt.Sprintf("The app %q at %s now advertises different capabilities than when Terraform last read it:\n  %s\n"+
				"Provisioning adapts to what the app supports; review the app's compatibility settings if this was not expected.",
				state.Name.ValueString(), state.ID.ValueString(), strings.Join(changes, "\n  ")))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *connectedAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state connectedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.ID.Equal(state.ID) && !plan.Capabilities.IsUnknown() {
		// Same address: what was discovered stays as planned; refresh is what
		// discovers again, so apply never disagrees with its own plan.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(r.discoverInto(ctx, &plan, true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the app: a connected app is a description of a remote
// service, and destroying the description must not touch the service.
func (r *connectedAppResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
}

// ImportState takes the app's base URL. The name is not known to the app, so
// it is set to the URL's host; set it in configuration as you like.
func (r *connectedAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := normalizeBaseURL(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("A connected app is imported by its SCIM base URL, e.g. `terraform import scim_connected_app.slack https://api.slack.com/scim/v2`: %v", err))
		return
	}
	host := id[strings.Index(id, "://")+3:]
	if i := strings.IndexByte(host, '/'); i >= 0 {
		host = host[:i]
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("base_url"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), host)...)
}

// discoverInto runs discovery against the app at m.BaseURL and fills the
// computed attributes. probe additionally lists one user, because discovery
// endpoints may be public while /Users is not: only that proves the
// credentials work.
func (r *connectedAppResource) discoverInto(ctx context.Context, m *connectedAppModel, probe bool) diag.Diagnostics {
	var diags diag.Diagnostics
	ctx = r.clients.withMasking(ctx)
	id, err := normalizeBaseURL(m.BaseURL.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Base URL", err.Error())
		return diags
	}
	m.ID = types.StringValue(id)
	client, err := r.clients.Client(id)
	if err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Base URL", err.Error())
		return diags
	}
	d, err := client.Discover(ctx)
	if err != nil {
		diags.Append(appErrorDiagnostic(r.clients, "Discovering the SCIM app's capabilities", id, err))
		return diags
	}
	_, sdiags := r.clients.appSettings(ctx, id, client, d, m.Compatibility)
	diags.Append(sdiags...)
	m.Vendor = vendorValue(ctx, id, m.Compatibility)
	if probe {
		diags.Append(r.probeUsers(ctx, client, d, false)...)
		if diags.HasError() {
			return diags
		}
	}
	caps, capDiags := capabilitiesValue(d)
	diags.Append(capDiags...)
	m.Capabilities = caps
	var schemaIDs []string
	for _, s := range d.Schemas {
		schemaIDs = append(schemaIDs, s.ID)
	}
	sort.Strings(schemaIDs)
	var extensions []string
	for _, e := range d.UserResourceType().SchemaExtensions {
		extensions = append(extensions, e.Schema)
	}
	missing := append([]string{}, d.Missing...)
	m.Schemas = stringList(schemaIDs)
	m.UserSchemaExtensions = stringList(extensions)
	m.DiscoveryMissing = stringList(missing)
	return diags
}

// probeUsers lists one user, because discovery endpoints may be public
// while /Users is not: only that proves the credentials work, and a 404
// there means base_url is not a SCIM service. With planning, only the 404
// is reported (the plan of a new app fails on a wrong address, as its
// create would); credentials are checked by create.
func (r *connectedAppResource) probeUsers(ctx context.Context, client *scim.Client, d *scim.Discovery, planning bool) diag.Diagnostics {
	var diags diag.Diagnostics
	id := client.BaseURL()
	err := listOneUser(ctx, client)
	switch {
	case err == nil:
	case scim.IsNotFound(err):
		diags.AddAttributeError(path.Root("base_url"), summaryNotSCIM,
			fmt.Sprintf("%s answered 404 for /Users (and served %d of the 3 discovery endpoints), so it is not the base URL of a "+
				"SCIM 2.0 service. Use the URL that /Users and /ServiceProviderConfig are under, e.g. https://api.example.com/scim/v2.\n\n%v",
				id, 3-len(d.Missing), err))
	case planning:
	case scim.IsUnauthorized(err):
		diags.Append(appErrorDiagnostic(r.clients, "Listing one user to check the credentials", id, err))
	default:
		diags.AddWarning("SCIM App Did Not List Users",
			fmt.Sprintf("Discovery at %s worked, but listing one user to check the credentials failed: %v\n"+
				"Provisioning may still work; this is reported so you know before the first account is created.", id, err))
	}
	return diags
}

// credentialsCheckUserName is a userName no account has, for a listing
// that proves the credentials work on an app that lists only with a filter.
const credentialsCheckUserName = "scim-provider-credentials-check@example.invalid"

// listOneUser lists one user, which proves the credentials work (discovery
// may be public). An app that refuses a listing without a filter (400:
// Google Cloud Identity answers tooMany) is asked again with a filter that
// matches nothing.
func listOneUser(ctx context.Context, client *scim.Client) error {
	_, err := client.Users().List(ctx, scim.ListOptions{Count: 1, Limit: 1, Attributes: []string{"id"}})
	if e, ok := scim.AsError(err); ok && e.Status == http.StatusBadRequest {
		_, err = client.Users().List(ctx, scim.ListOptions{Count: 1, Limit: 1, Attributes: []string{"id"},
			Filter: scim.EqFilter("userName", credentialsCheckUserName)})
	}
	return err
}

// checkCredentialsOnRefresh lists one user, as create does, once per app
// per command, so that credentials the app rejects (401, 403) fail the
// refresh of the app itself: Terraform then skips the accounts that depend
// on it, and the plan shows one error, here, instead of the same error once
// per account. An app that
// cannot be reached already failed discovery. Other failures of the listing
// are left to the accounts, which are read one by one when listing fails
// (some apps refuse unfiltered listings).
func (r *connectedAppResource) checkCredentialsOnRefresh(ctx context.Context, id string) diag.Diagnostics {
	return r.clients.once("credentials "+id, func() diag.Diagnostics {
		var diags diag.Diagnostics
		ctx := r.clients.withMasking(ctx)
		client, err := r.clients.Client(id)
		if err != nil {
			return diags
		}
		if err := listOneUser(ctx, client); scim.IsUnauthorized(err) {
			diags.Append(appErrorDiagnostic(r.clients, "Listing one user to check that the app accepts the credentials", id, err))
		}
		return diags
	})
}

// checkAddressAtPlan fails the plan of a new app address that serves no
// SCIM service: when none of the discovery endpoints answers, /Users is
// probed as create would, so a wrong path (`/scim/v3`, `.../Users`) fails
// `terraform plan` instead of the apply. An app that cannot be reached at
// plan time is left to create, which says why.
func (r *connectedAppResource) checkAddressAtPlan(ctx context.Context, id string) diag.Diagnostics {
	ctx = r.clients.withMasking(ctx)
	client, err := r.clients.Client(id)
	if err != nil {
		return nil
	}
	d, err := client.Discover(ctx)
	if err != nil || len(d.Missing) < 3 {
		return nil
	}
	return r.probeUsers(ctx, client, d, true)
}

func capabilitiesValue(d *scim.Discovery) (types.Object, diag.Diagnostics) {
	spc := d.ServiceProviderConfig
	var schemes []string
	for _, s := range spc.AuthenticationSchemes {
		schemes = append(schemes, s.Type)
	}
	return types.ObjectValue(capabilitiesAttrTypes, map[string]attr.Value{
		"patch":                  types.BoolValue(spc.Patch.Supported),
		"bulk":                   types.BoolValue(spc.Bulk.Supported),
		"bulk_max_operations":    types.Int64Value(int64(spc.Bulk.MaxOperations)),
		"bulk_max_payload_size":  types.Int64Value(int64(spc.Bulk.MaxPayloadSize)),
		"filter":                 types.BoolValue(spc.Filter.Supported),
		"filter_max_results":     types.Int64Value(int64(spc.Filter.MaxResults)),
		"change_password":        types.BoolValue(spc.ChangePassword.Supported),
		"sort":                   types.BoolValue(spc.Sort.Supported),
		"etag":                   types.BoolValue(spc.ETag.Supported),
		"authentication_schemes": stringList(schemes),
	})
}

// capabilityChanges lists, in words, what differs between two capability
// objects; nothing when the prior one is unknown or null (first read).
func capabilityChanges(prior, now types.Object) []string {
	if prior.IsNull() || prior.IsUnknown() || now.IsNull() || now.IsUnknown() {
		return nil
	}
	before, after := prior.Attributes(), now.Attributes()
	var out []string
	for name := range capabilitiesAttrTypes {
		if !before[name].Equal(after[name]) {
			out = append(out, fmt.Sprintf("%s: %s -> %s", name, before[name], after[name]))
		}
	}
	sort.Strings(out)
	return out
}

func stringList(in []string) types.List {
	vals := make([]attr.Value, 0, len(in))
	for _, s := range in {
		vals = append(vals, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, vals)
}

// vendorValue is the computed `vendor`: the profile that applies to the
// app at id (appVendor), null when none does.
func vendorValue(ctx context.Context, id string, compat types.Object) types.String {
	if v := vendorOf(ctx, id, compat); v != nil {
		return types.StringValue(v.Name)
	}
	return types.StringNull()
}
