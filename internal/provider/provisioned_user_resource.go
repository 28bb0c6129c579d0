package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

var (
	_ resource.Resource                   = (*provisionedUserResource)(nil)
	_ resource.ResourceWithConfigure      = (*provisionedUserResource)(nil)
	_ resource.ResourceWithImportState    = (*provisionedUserResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*provisionedUserResource)(nil)
	_ resource.ResourceWithValidateConfig = (*provisionedUserResource)(nil)
	_ resource.ResourceWithIdentity       = (*provisionedUserResource)(nil)
)

// Deprovision modes: what destroying the resource does to the account. One
// slice feeds the validator and the description.
const (
	deprovisionDeactivate = "deactivate"
	deprovisionDelete     = "delete"
	deprovisionAbandon    = "abandon"
)

var deprovisionModes = []string{deprovisionDeactivate, deprovisionDelete, deprovisionAbandon}

// Attributes an existing account can be adopted by.
var adoptByAttributes = []string{"userName", "externalId"}

// NewProvisionedUserResource is the constructor the provider registers.
func NewProvisionedUserResource() resource.Resource { return &provisionedUserResource{} }

type provisionedUserResource struct {
	clients *clientFactory
}

type provisionedUserModel struct {
	ID               types.String   `tfsdk:"id"`
	Location         types.String   `tfsdk:"location"`
	ConnectedAppID   types.String   `tfsdk:"connected_app_id"`
	Compatibility    types.Object   `tfsdk:"compatibility"`
	AttributeMapping types.String   `tfsdk:"attribute_mapping"`
	Profile          types.Map      `tfsdk:"profile"`
	Active           types.Bool     `tfsdk:"active"`
	Deprovision      types.String   `tfsdk:"deprovision"`
	AdoptExisting    types.Bool     `tfsdk:"adopt_existing"`
	AdoptBy          types.String   `tfsdk:"adopt_by"`
	UserName         types.String   `tfsdk:"user_name"`
	Attributes       types.Map      `tfsdk:"attributes"`
	Version          types.String   `tfsdk:"version"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// Default time limits of whole operations, retries included; settable per
// resource with the `timeouts` attribute.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func (r *provisionedUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provisioned_user"
	resp.ResourceBehavior.MutableIdentity = true // identity.go
}

func (r *provisionedUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = locationIdentitySchema("account", "Users")
}

func (r *provisionedUserResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One account in one app for one person.\n\n" +
			"The SCIM attributes that will be sent are computed at plan time from `attribute_mapping` and `profile` and shown in " +
			"`attributes`, so a reviewer sees exactly what changes. Create is a POST (or, with `adopt_existing`, linking the one " +
			"account that already exists); changes are a minimal PATCH of the changed paths (PUT where the app has no PATCH); " +
			"`active = false` deactivates the account in place. Reads compare only the managed attributes, so attributes the app " +
			"fills in cause no diff; an account deleted in the app is planned for re-creation.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account's SCIM `id`, assigned by the app.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"location": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account's SCIM location, `<base_url>/Users/<id>`; also the import ID.",
			},
			"connected_app_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The `id` of the account's `scim_connected_app`. Changing it to the app's new address " +
					"(same accounts, new URL) updates in place.",
				Validators: []validator.String{connectedAppIDValidator()},
			},
			"compatibility": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "The app's compatibility overrides; pass `scim_connected_app.<name>.compatibility`. " +
					"Unset (the default), and for each unset field, the app's discovery decides.",
				Attributes: compatibilitySchemaAttributes(),
			},
			"attribute_mapping": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The mapping rules, encoded on one line; pass `scim_attribute_mapping.<name>.encoded`. " +
					"A changed mapping plans an update of every affected account, showing the attribute values that change " +
					"and this one line, not the rules again (the rules' diff is shown once, at the mapping).",
			},
			"profile": schema.MapAttribute{
				Required:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The person's source profile: a flat map of fields (`email`, `given_name`, `department`, ...) the rules read.",
			},
			"active": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether the account is active. `false` deactivates it in place (a PATCH of `active`), `true` " +
					"reactivates it. Default `true`; an account deactivated in the app shows up as drift.",
			},
			"deprovision": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(deprovisionDeactivate),
				MarkdownDescription: fmt.Sprintf("What destroying this resource does to the account: %s. `%s` (the default) sets "+
					"`active = false` and keeps the account; `%s` deletes it; `%s` leaves it as it is and forgets it. "+
					"Destroy uses the value in state, so apply a change of mode before removing the resource.",
					codeList(deprovisionModes), deprovisionDeactivate, deprovisionDelete, deprovisionAbandon),
				Validators: []validator.String{stringvalidator.OneOf(deprovisionModes...)},
			},
			"adopt_existing": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Link an account that already exists instead of creating one: on create, look it up by `adopt_by`; " +
					"exactly one match is linked and brought to the desired attributes, several matches are an error that lists them, " +
					"none creates the account. The plan shows such an account as created, with a warning that names the account it will " +
					"link and every value it will overwrite (`title: \"Intern\" -> \"Engineer\"`); the apply says the same. " +
					"Default `false`: an existing active account is then an error when the app answers 409, and never a duplicate. " +
					"An existing *inactive* account with the same `userName` or `externalId` (a rehire) is linked and reactivated " +
					"either way, with a warning.",
			},
			"adopt_by": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("userName"),
				MarkdownDescription: fmt.Sprintf("The attribute existing accounts are looked up by when adopting: %s. Its value is the one the mapping yields. Default `userName`.",
					codeList(adoptByAttributes)),
				Validators: []validator.String{stringvalidator.OneOf(adoptByAttributes...)},
			},
			"user_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account's `userName`, as the mapping yields it.",
			},
			"attributes": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The SCIM attributes Terraform manages on this account, by attribute path, as text " +
					"(`userName`, `name.givenName`, `emails[type eq \"work\"].value`, ...). Planned from the mapping and the profile; " +
					"refreshed from the app, so a change made in the app shows up here as drift.",
			},
			"timeouts": timeoutsAttribute(ctx),
			"version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account's `meta.version` (ETag) as last seen, when the app has ETags.",
			},
		},
	}
}

// compatibilitySchemaAttributes is the schema of `compatibility`, shared by
// scim_connected_app and scim_provisioned_user so one can be passed to the
// other and their docs say the same.
func compatibilitySchemaAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"patch": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Whether to use PATCH for updates, whatever `/ServiceProviderConfig` says. With `false`, updates read the account and PUT it back whole.",
		},
		"put": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Set `false` for an app that has no PUT.",
		},
		"filtered_patch_paths": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Set `false` for an app that rejects PATCH paths with value filters " +
				"(`emails[type eq \"work\"].value`); the whole multi-valued attribute is then replaced.",
		},
		"etag": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether to send `If-Match` with the version Terraform last read on updates, deactivations and deletes, " +
				"whatever `/ServiceProviderConfig` says.",
		},
		"attributes_parameter": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Set `false` for an app that rejects the `attributes` query parameter (for example, answers 400 to a read " +
				"that names an extension attribute): accounts are then read whole and the provider keeps only the attributes it manages. " +
				"Unset, the provider sends `attributes=` and, the first time the app refuses a read that carries it, repeats the read " +
				"without it and stops sending it to that app.",
		},
		"batch_reads": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Set `false` for an app whose listings (`GET /Users`) return less than reading one account does: " +
				"every account is then refreshed with a GET of its own. Unset, a refresh reads the app's accounts from its listing " +
				"when that takes fewer requests (an app holding about as many accounts as Terraform manages is read in a few pages; " +
				"one holding far more is read one account at a time).",
		},
	}
}

func (r *provisionedUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *provisionedUserResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m provisionedUserModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rules, ok, diags := rulesFromEncoded(m.AttributeMapping)
	resp.Diagnostics.Append(diags...)
	if ok {
		resp.Diagnostics.Append(encodedIssueDiagnostics("attribute_mapping", mapping.ValidateRules(rules), summaryInvalidMapping)...)
	}
}

// appSettings is what a user resource needs to know about its app: the
// discovered capabilities with the compatibility overrides applied.
type appSettings struct {
	discovery     *scim.Discovery
	usePatch      bool
	canPut        bool
	filteredPaths bool
	useETags      bool
	// attributesParam false: never send `attributes=` to the app.
	attributesParam bool
	// batchReads false: refresh each account with a GET of its own.
	batchReads bool
}

var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

type compatibilityModel struct {
	Patch               types.Bool `tfsdk:"patch"`
	Put                 types.Bool `tfsdk:"put"`
	FilteredPatchPaths  types.Bool `tfsdk:"filtered_patch_paths"`
	ETag                types.Bool `tfsdk:"etag"`
	AttributesParameter types.Bool `tfsdk:"attributes_parameter"`
	BatchReads          types.Bool `tfsdk:"batch_reads"`
}

func settingsFor(ctx context.Context, d *scim.Discovery, compat types.Object) (appSettings, diag.Diagnostics) {
	s := appSettings{
		discovery:     d,
		usePatch:      d.ServiceProviderConfig.Patch.Supported,
		canPut:        true,
		filteredPaths: true,
		useETags:      d.ServiceProviderConfig.ETag.Supported,

		attributesParam: true,
		batchReads:      true,
	}
	if compat.IsNull() || compat.IsUnknown() {
		return s, nil
	}
	var c compatibilityModel
	diags := compat.As(ctx, &c, objectAsOptions)
	if v := c.Patch; !v.IsNull() && !v.IsUnknown() {
		s.usePatch = v.ValueBool()
	}
	if v := c.Put; !v.IsNull() && !v.IsUnknown() {
		s.canPut = v.ValueBool()
	}
	if v := c.FilteredPatchPaths; !v.IsNull() && !v.IsUnknown() {
		s.filteredPaths = v.ValueBool()
	}
	if v := c.ETag; !v.IsNull() && !v.IsUnknown() {
		s.useETags = v.ValueBool()
	}
	if v := c.AttributesParameter; !v.IsNull() && !v.IsUnknown() {
		s.attributesParam = v.ValueBool()
	}
	if v := c.BatchReads; !v.IsNull() && !v.IsUnknown() {
		s.batchReads = v.ValueBool()
	}
	return s, diags
}

// applyTo switches off, for the app's client, what the compatibility
// settings turn off. Only turning off is shared: it is safe whichever
// resource of the app says so first.
func (s appSettings) applyTo(client *scim.Client) {
	if !s.attributesParam {
		client.DisableAttributesParam()
	}
	if !s.batchReads {
		client.DisableBatchReads()
	}
}

// userCall bundles what one operation on an account needs.
type userCall struct {
	appCall
	rules []mapping.Rule
}

// appCall is what one operation on a resource of an app needs: the app's
// client, what it supports with the compatibility overrides applied, and
// its normalised base URL.
type appCall struct {
	client   *scim.Client
	settings appSettings
	appID    string
}

// prepareApp makes the appCall for a resource of the app connectedAppID,
// with its compatibility overrides: the client (applying what the
// overrides turn off) and the app's discovery, once per command. The
// returned context masks every configured secret in logs.
func (f *clientFactory) prepareApp(ctx context.Context, connectedAppID types.String, compat types.Object) (context.Context, *appCall, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx = f.withMasking(ctx)
	appID, err := normalizeBaseURL(connectedAppID.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("connected_app_id"), "Invalid Connected App ID", err.Error())
		return ctx, nil, diags
	}
	client, err := f.Client(appID)
	if err != nil {
		diags.AddAttributeError(path.Root("connected_app_id"), "Invalid Connected App ID", err.Error())
		return ctx, nil, diags
	}
	d, err := client.Discover(ctx)
	if err != nil {
		diags.Append(appErrorDiagnostic(f, "Reading what the app supports", appID, err))
		return ctx, nil, diags
	}
	settings, sdiags := settingsFor(ctx, d, compat)
	diags.Append(sdiags...)
	settings.applyTo(client)
	return ctx, &appCall{client: client, settings: settings, appID: appID}, diags
}

// readBack reads the managed attributes from an account the app returned,
// as they compare with sent (the values Terraform last sent, or wants now):
// values the app derives itself (displayName, name.formatted) are left out
// unless sent has them, so they are neither drift nor removed; with
// carryUnreadable, attributes the app never returns (password) take their
// value from sent, since nothing can be compared for them.
func (c *userCall) readBack(res scim.Resource, sent map[string]string, carryUnreadable bool) map[string]string {
	paths := mapping.ManagedPaths(c.rules)
	got := mapping.WithoutServerDerived(mapping.ExtractValues(res, paths), sent)
	if carryUnreadable {
		for _, p := range mapping.UnreadablePaths(paths, c.settings.discovery) {
			if v, ok := sent[p]; ok {
				got[p] = v
			}
		}
	}
	return got
}

func (r *provisionedUserResource) prepare(ctx context.Context, m *provisionedUserModel) (context.Context, *userCall, diag.Diagnostics) {
	ctx, app, diags := r.clients.prepareApp(ctx, m.ConnectedAppID, m.Compatibility)
	if app == nil {
		return ctx, nil, diags
	}
	rules, _, rdiags := rulesFromEncoded(m.AttributeMapping)
	diags.Append(rdiags...)
	return ctx, &userCall{appCall: *app, rules: rules}, diags
}

// ModifyPlan computes the SCIM attributes that will be sent, so they are in
// the plan. The prior state needs no matching here: a refresh already kept
// Terraform's spelling of every value the app holds in an equal form
// (userName case-insensitively), so a value that differs from the state is
// a change the configuration asks for, a change of case included.
func (r *provisionedUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.clients == nil {
		return
	}
	var plan provisionedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *provisionedUserModel
	if !req.State.Raw.IsNull() {
		state = &provisionedUserModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	plan.Attributes = types.MapUnknown(types.StringType)
	plan.UserName = types.StringUnknown()
	rules, rulesKnown, diags := rulesFromEncoded(plan.AttributeMapping)
	resp.Diagnostics.Append(diags...)
	profile, profileKnown := stringMap(ctx, plan.Profile)
	if rulesKnown && profileKnown && !plan.ConnectedAppID.IsUnknown() {
		callCtx, call, diags := r.prepare(ctx, &plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		values, err := mapping.Evaluate(rules, profile, call.settings.discovery)
		if err != nil {
			resp.Diagnostics.Append(encodedIssueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
			return
		}
		plan.Attributes = mapValue(values)
		plan.UserName = types.StringValue(values[userNameKey(values)])
		switch {
		case state == nil && plan.AdoptExisting.ValueBool():
			resp.Diagnostics.Append(r.previewAdoption(callCtx, call, &plan, values)...)
		case state != nil && state.AttributeMapping.IsNull() && !state.ID.IsNull():
			resp.Diagnostics.Append(r.previewImported(callCtx, call, state, values, plan.Active.ValueBool())...)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}

	plan.Location = types.StringUnknown()
	plan.Version = types.StringUnknown()
	if state != nil {
		if !plan.ConnectedAppID.IsUnknown() && !state.ID.IsNull() {
			if appID, err := normalizeBaseURL(plan.ConnectedAppID.ValueString()); err == nil {
				plan.Location = types.StringValue(userLocation(appID, state.ID.ValueString()))
			}
		}
		if plan.Attributes.Equal(state.Attributes) && plan.Active.Equal(state.Active) {
			plan.Version = state.Version
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if state != nil && rulesKnown && profileKnown && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(keepEquivalentInputs(ctx, req, resp, plan, *state, rules)...)
	}
}

// keepEquivalentInputs plans no change for an account that a change of the
// mapping or the profile does not affect (a new rule whose source this
// person lacks, a new transform of a value they do not have): when the plan
// differs from the state only in those inputs, it keeps their prior values,
// which Terraform accepts as equivalent to the configuration. So only the
// affected accounts show updates. A refresh reads the paths of the rules in
// state, so the prior rules are kept only when they manage no path the new
// ones drop: such a path would be read, and removed, although no rule
// manages it any more.
func keepEquivalentInputs(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan, state provisionedUserModel, rules []mapping.Rule) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.AttributeMapping.Equal(state.AttributeMapping) && plan.Profile.Equal(state.Profile) {
		return diags
	}
	prior, ok, d := rulesFromEncoded(state.AttributeMapping)
	diags.Append(d...)
	if !ok || !managesAll(rules, mapping.ManagedPaths(prior)) {
		return diags
	}
	unchanged := plan
	unchanged.AttributeMapping = state.AttributeMapping
	unchanged.Profile = state.Profile
	diags.Append(resp.Plan.Set(ctx, &unchanged)...)
	if !resp.Plan.Raw.Equal(req.State.Raw) {
		diags.Append(resp.Plan.Set(ctx, &plan)...)
	}
	return diags
}

// managesAll reports whether rules target every one of paths.
func managesAll(rules []mapping.Rule, paths []string) bool {
	managed := mapping.ManagedPaths(rules)
	for _, p := range paths {
		if !slices.ContainsFunc(managed, func(m string) bool { return mapping.SamePath(m, p) }) {
			return false
		}
	}
	return true
}

func userNameKey(values map[string]string) string {
	for k := range values {
		if strings.EqualFold(k, "userName") {
			return k
		}
	}
	return "userName"
}

func userLocation(appID, id string) string { return appID + "/Users/" + id }

func (r *provisionedUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics, req.State)
	var state provisionedUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ctx, call, diags := r.prepare(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var attrs []string
	if len(call.rules) > 0 {
		attrs = mapping.ReadAttributes(call.rules)
	}
	read := call.client.GetUser
	if len(attrs) > 0 {
		// Refreshes of one app's accounts share its listing where that
		// is cheaper (scim.Client.ReadUser).
		read = call.client.ReadUser
	}
	res, err := read(ctx, state.ID.ValueString(), attrs)
	if scim.IsNotFound(err) {
		resp.Diagnostics.AddWarning("SCIM Account Deleted Outside Terraform",
			fmt.Sprintf("The account %s (%s) no longer exists in the app; Terraform will plan to create it again.",
				state.UserName.ValueString(), userLocation(call.appID, state.ID.ValueString())))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the account %s", state.ID.ValueString()), call.appID, err))
		return
	}
	r.refreshFrom(ctx, call, &state, res)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// refreshFrom puts what the app holds into m: the managed attributes (values
// equal to the prior ones keep their prior spelling; write-only ones, which
// apps never return, keep their prior value), active and the version.
func (r *provisionedUserResource) refreshFrom(ctx context.Context, call *userCall, m *provisionedUserModel, res scim.Resource) {
	m.Location = types.StringValue(userLocation(call.appID, m.ID.ValueString()))
	m.Active = types.BoolValue(activeOf(res, m.Active.ValueBool()))
	m.Version = types.StringValue(res.Version())
	if len(call.rules) == 0 {
		// Imported: nothing is managed until the configuration says what.
		if un, ok := res["userName"].(string); ok {
			m.UserName = types.StringValue(un)
		}
		return
	}
	prior, _ := stringMap(ctx, m.Attributes)
	actual := call.readBack(res, prior, true)
	for p, v := range actual {
		if old, ok := prior[p]; ok && old != v && mapping.ValuesEqual(p, old, v, call.settings.discovery) {
			actual[p] = old
		}
	}
	m.Attributes = mapValue(actual)
	m.UserName = types.StringValue(actual[userNameKey(actual)])
}

// ImportState takes the account's SCIM location, `<base_url>/Users/<id>`,
// or its identity.
func (r *provisionedUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	appID, id, ok := importTarget(ctx, req, "/Users/",
		"A provisioned user is imported by its SCIM location, `<base_url>/Users/<id>`, e.g. "+
			"`terraform import 'scim_provisioned_user.slack[\"alice\"]' https://api.slack.com/scim/v2/Users/2819c223`", &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connected_app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("location"), userLocation(appID, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("active"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deprovision"), deprovisionDeactivate)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_existing"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_by"), "userName")...)
}

// splitLocation splits an import ID `<base_url><collection><id>` (collection
// "/Users/" or "/Groups/") into the normalised base URL and the id; on a
// malformed ID it adds an error that starts with usage and reports false.
func splitLocation(importID, collection string, diags *diag.Diagnostics, usage string) (appID, id string, ok bool) {
	i := strings.LastIndex(importID, collection)
	if i <= 0 || i+len(collection) >= len(importID) || strings.Contains(importID[i+len(collection):], "/") {
		diags.AddError("Invalid Import ID", fmt.Sprintf("%s; got %q.", usage, importID))
		return "", "", false
	}
	appID, err := normalizeBaseURL(importID[:i])
	if err != nil {
		diags.AddError("Invalid Import ID", fmt.Sprintf("The base URL part of %q is not valid: %v", importID, err))
		return "", "", false
	}
	return appID, importID[i+len(collection):], true
}

// activeOf reads "active" from a resource; some apps send it as a string.
func activeOf(res scim.Resource, fallback bool) bool {
	switch v := res["active"].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return fallback
}

func stringMap(ctx context.Context, m types.Map) (map[string]string, bool) {
	if m.IsNull() || m.IsUnknown() {
		return nil, false
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return nil, false
		}
	}
	out := map[string]string{}
	m.ElementsAs(ctx, &out, false)
	return out, true
}

func mapValue(in map[string]string) types.Map {
	vals := make(map[string]attr.Value, len(in))
	for k, v := range in {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

// timeoutsAttribute is the `timeouts` attribute, described with its
// defaults (the package's own descriptions state none).
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	d := func(op string, def time.Duration, more string) string {
		return fmt.Sprintf("How long %s may take in all, retries and rate-limit waits included, as a duration (`30s`, `15m`, `1h`). Default `%s`.%s",
			op, strings.TrimSuffix(def.String(), "0s"), more)
	}
	a := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: d("creating (or adopting) the account", defaultCreateTimeout, ""),
		ReadDescription:   d("reading the account on refresh", defaultReadTimeout, ""),
		UpdateDescription: d("updating the account", defaultUpdateTimeout, ""),
		DeleteDescription: d("deprovisioning the account on destroy", defaultDeleteTimeout,
			" A change takes effect on destroy only once it has been applied to state."),
	})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "Time limits of this account's operations. Unset, the defaults apply."
		return n
	}
	return a
}
