package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	AttributeMapping types.List     `tfsdk:"attribute_mapping"`
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
					"Unset fields follow the app's discovery.",
				Attributes: compatibilitySchemaAttributes(),
			},
			"attribute_mapping": schema.ListNestedAttribute{
				Required: true,
				MarkdownDescription: "The mapping rules; pass `scim_attribute_mapping.<name>.rules`, so a changed mapping plans an " +
					"update of every affected account.",
				NestedObject: schema.NestedAttributeObject{Attributes: ruleAttributes()},
				Validators:   []validator.List{listvalidator.SizeAtLeast(1)},
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
					mapping.CodeList(deprovisionModes), deprovisionDeactivate, deprovisionDelete, deprovisionAbandon),
				Validators: []validator.String{stringvalidator.OneOf(deprovisionModes...)},
			},
			"adopt_existing": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Link an account that already exists instead of creating one: on create, look it up by `adopt_by`; " +
					"exactly one match is linked and brought to the desired attributes, several matches are an error that lists them, " +
					"none creates the account. The plan shows such an account as created, since the lookup happens at apply. " +
					"Without it, an existing account is an error when the app answers 409, and never a duplicate.",
			},
			"adopt_by": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("userName"),
				MarkdownDescription: fmt.Sprintf("The attribute existing accounts are looked up by when adopting: %s. Its value is the one the mapping yields.",
					mapping.CodeList(adoptByAttributes)),
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
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
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
			Optional:            true,
			MarkdownDescription: "Whether to send `If-Match` with updates, whatever `/ServiceProviderConfig` says.",
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
	rules, ok, diags := rulesFromList(ctx, m.AttributeMapping)
	resp.Diagnostics.Append(diags...)
	if ok {
		resp.Diagnostics.Append(issueDiagnostics("attribute_mapping", mapping.ValidateRules(rules), summaryInvalidMapping)...)
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
}

var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

type compatibilityModel struct {
	Patch              types.Bool `tfsdk:"patch"`
	Put                types.Bool `tfsdk:"put"`
	FilteredPatchPaths types.Bool `tfsdk:"filtered_patch_paths"`
	ETag               types.Bool `tfsdk:"etag"`
}

func settingsFor(ctx context.Context, d *scim.Discovery, compat types.Object) (appSettings, diag.Diagnostics) {
	s := appSettings{
		discovery:     d,
		usePatch:      d.ServiceProviderConfig.Patch.Supported,
		canPut:        true,
		filteredPaths: true,
		useETags:      d.ServiceProviderConfig.ETag.Supported,
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
	return s, diags
}

// userCall bundles what one operation on an account needs.
type userCall struct {
	client   *scim.Client
	settings appSettings
	rules    []mapping.Rule
	appID    string
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
	var diags diag.Diagnostics
	ctx = r.clients.withMasking(ctx)
	appID, err := normalizeBaseURL(m.ConnectedAppID.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("connected_app_id"), "Invalid Connected App ID", err.Error())
		return ctx, nil, diags
	}
	client, err := r.clients.Client(appID)
	if err != nil {
		diags.AddAttributeError(path.Root("connected_app_id"), "Invalid Connected App ID", err.Error())
		return ctx, nil, diags
	}
	d, err := client.Discover(ctx)
	if err != nil {
		diags.Append(appErrorDiagnostic(r.clients, "Reading what the app supports", appID, err))
		return ctx, nil, diags
	}
	settings, sdiags := settingsFor(ctx, d, m.Compatibility)
	diags.Append(sdiags...)
	rules, _, rdiags := rulesFromList(ctx, m.AttributeMapping)
	diags.Append(rdiags...)
	return ctx, &userCall{client: client, settings: settings, rules: rules, appID: appID}, diags
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
	rules, rulesKnown, diags := rulesFromList(ctx, plan.AttributeMapping)
	resp.Diagnostics.Append(diags...)
	profile, profileKnown := stringMap(ctx, plan.Profile)
	if rulesKnown && profileKnown && !plan.ConnectedAppID.IsUnknown() {
		_, call, diags := r.prepare(ctx, &plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		values, err := mapping.Evaluate(rules, profile, call.settings.discovery)
		if err != nil {
			resp.Diagnostics.Append(issueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
			return
		}
		plan.Attributes = mapValue(values)
		plan.UserName = types.StringValue(values[userNameKey(values)])
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
	prior, ok, d := rulesFromList(ctx, state.AttributeMapping)
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

func (r *provisionedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan provisionedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ctx, call, diags := r.prepare(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	values, diags := r.desiredValues(ctx, call, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	userName := values[userNameKey(values)]
	doing := fmt.Sprintf("Creating the account %q", userName)

	var existing scim.Resource
	if plan.AdoptExisting.ValueBool() {
		found, diags := r.findForAdoption(ctx, call, &plan, values)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		existing = found
	}

	if existing == nil {
		doc, err := mapping.BuildResource(values, plan.Active.ValueBool(), call.settings.discovery)
		if err != nil {
			resp.Diagnostics.AddError("Cannot Build the SCIM Account", fmt.Sprintf("%s: %v", doing, err))
			return
		}
		created, err := call.client.CreateUser(ctx, doc)
		switch {
		case err == nil:
			r.saveCreated(ctx, call, &plan, values, created, resp)
			return
		case scim.IsAmbiguous(err):
			// The POST may have been applied: look before trying again, so a
			// lost answer never turns into a second account.
			found, ferr := call.client.FindUsers(ctx, "userName", userName, mapping.ReadAttributes(call.rules))
			if ferr != nil || len(found) > 1 {
				resp.Diagnostics.AddError("Outcome of Account Creation Unknown",
					fmt.Sprintf("%s at %s: the connection failed after the request was sent (%v), and looking the account up "+
						"afterwards did not settle whether it was created (%s). Run `terraform apply` again with `adopt_existing = true` "+
						"to link the account if it exists.", doing, call.appID, err, describeLookup(found, ferr)))
				return
			}
			if len(found) == 1 {
				// Said, not silent: the account is linked because this create
				// most likely made it.
				resp.Diagnostics.AddWarning("SCIM Account Linked After a Lost Answer",
					fmt.Sprintf("%s at %s: the connection failed after the request was sent (%v). The one account with userName %q "+
						"(%s) was linked instead of creating another.", doing, call.appID, err, userName, userLocation(call.appID, found[0].ID())))
				existing = found[0]
				break
			}
			created, err = call.client.CreateUser(ctx, doc)
			if err != nil {
				resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
				return
			}
			r.saveCreated(ctx, call, &plan, values, created, resp)
			return
		case isSuccessUnusable(err):
			// The app said it created the account but its answer does not
			// say which: find it rather than leave it untracked.
			found, ferr := call.client.FindUsers(ctx, "userName", userName, mapping.ReadAttributes(call.rules))
			if ferr != nil || len(found) != 1 {
				resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
				return
			}
			resp.Diagnostics.AddWarning("SCIM App Answered the Create Unusably", fmt.Sprintf("%s: %v\n\nThe account was found by userName and linked.", doing, err))
			existing = found[0]
		case scim.IsConflict(err):
			resp.Diagnostics.Append(r.conflictDiagnostic(ctx, call, doing, userName, err))
			return
		default:
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
			return
		}
	}

	// Adopt: link the one existing account, save it at once, then bring it
	// to the desired attributes.
	desiredActive := plan.Active.ValueBool()
	plan.ID = types.StringValue(existing.ID())
	plan.Location = types.StringValue(userLocation(call.appID, existing.ID()))
	actual := call.readBack(existing, values, false)
	plan.Attributes = mapValue(actual)
	plan.Active = types.BoolValue(activeOf(existing, true))
	plan.Version = types.StringValue(existing.Version())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	updated, diags := r.apply(ctx, call, &plan, actual, values, desiredActive, mapping.Diff)
	resp.Diagnostics.Append(diags...)
	if updated != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, updated)...)
	}
}

func (r *provisionedUserResource) saveCreated(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string, created scim.Resource, resp *resource.CreateResponse) {
	plan.ID = types.StringValue(created.ID())
	plan.Location = types.StringValue(userLocation(call.appID, created.ID()))
	plan.Attributes = mapValue(values)
	plan.UserName = types.StringValue(values[userNameKey(values)])
	plan.Version = types.StringValue(created.Version())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if differ := differences(values, call.readBack(created, values, true), call); len(differ) > 0 {
		resp.Diagnostics.AddWarning("SCIM App Changed Values on Create",
			fmt.Sprintf("The app at %s created the account %s but holds other values than were sent:\n  %s\n"+
				"The next plan will show them as drift.", call.appID, created.ID(), strings.Join(differ, "\n  ")))
	}
}

// desiredValues evaluates the mapping for the account (the plan has them
// unless the app's id was unknown at plan time).
func (r *provisionedUserResource) desiredValues(ctx context.Context, call *userCall, m *provisionedUserModel) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if values, ok := stringMap(ctx, m.Attributes); ok {
		return values, diags
	}
	profile, _ := stringMap(ctx, m.Profile)
	values, err := mapping.Evaluate(call.rules, profile, call.settings.discovery)
	if err != nil {
		diags.Append(issueDiagnostics("attribute_mapping", joinErrors(err), "Cannot Compute the Account's Attributes")...)
		return nil, diags
	}
	m.Attributes = mapValue(values)
	m.UserName = types.StringValue(values[userNameKey(values)])
	return values, diags
}

func (r *provisionedUserResource) findForAdoption(ctx context.Context, call *userCall, plan *provisionedUserModel, values map[string]string) (scim.Resource, diag.Diagnostics) {
	var diags diag.Diagnostics
	by := plan.AdoptBy.ValueString()
	value := ""
	for k, v := range values {
		if strings.EqualFold(k, by) {
			value = v
		}
	}
	if value == "" {
		diags.AddAttributeError(path.Root("adopt_by"), "Cannot Look Up the Existing Account",
			fmt.Sprintf("adopt_existing looks accounts up by %s, but the attribute mapping yields no %s for this person. "+
				"Map %s, or adopt by another attribute.", by, by, by))
		return nil, diags
	}
	found, err := call.client.FindUsers(ctx, by, value, mapping.ReadAttributes(call.rules))
	if err != nil {
		diags.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Looking up the existing account with %s %q to adopt it", by, value), call.appID, err))
		return nil, diags
	}
	switch len(found) {
	case 0:
		return nil, diags
	case 1:
		return found[0], diags
	default:
		diags.AddError("More Than One Account to Adopt",
			fmt.Sprintf("Looking up %s %q at %s to adopt the account found %d accounts:\n  %s\n"+
				"Nothing was linked or created. Remove the duplicates in the app, or import the right one with "+
				"`terraform import <address> <location>`.", by, value, call.appID, len(found), describeAccounts(call.appID, found)))
		return nil, diags
	}
}

func describeAccounts(appID string, found []scim.Resource) string {
	lines := make([]string, 0, len(found))
	for _, f := range found {
		un, _ := f["userName"].(string)
		lines = append(lines, fmt.Sprintf("%s (userName %q, active %v)", userLocation(appID, f.ID()), un, activeOf(f, true)))
	}
	return strings.Join(lines, "\n  ")
}

func describeLookup(found []scim.Resource, err error) string {
	if err != nil {
		return "lookup failed: " + err.Error()
	}
	return fmt.Sprintf("%d accounts matched", len(found))
}

func (r *provisionedUserResource) conflictDiagnostic(ctx context.Context, call *userCall, doing, userName string, err error) diag.Diagnostic {
	hint := ""
	if found, ferr := call.client.FindUsers(ctx, "userName", userName, []string{"userName", "active"}); ferr == nil && len(found) > 0 {
		hint = "\n\nAccounts the app has with that userName:\n  " + describeAccounts(call.appID, found)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s failed: the app already has an account that conflicts with it.\n\n%v%s\n\n", doing, call.appID, err, hint)
	b.WriteString("Nothing was created. To manage the existing account, set `adopt_existing = true` (it is linked when exactly one " +
		"account matches), or import it with `terraform import <address> <location>`.")
	return diag.NewErrorDiagnostic("SCIM Account Already Exists", b.String())
}

func (r *provisionedUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
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
	res, err := call.client.GetUser(ctx, state.ID.ValueString(), attrs)
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

func (r *provisionedUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state provisionedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ctx, call, diags := r.prepare(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	desired, diags := r.desiredValues(ctx, call, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	plan.Location = types.StringValue(userLocation(call.appID, state.ID.ValueString()))

	// The state is Terraform's record of the account, refreshed with its own
	// spelling kept for values the app holds in an equal form: every
	// difference from the plan is to be sent.
	diff := mapping.DiffExact
	actual, known := stringMap(ctx, state.Attributes)
	current := state
	if !known || state.Attributes.IsNull() {
		// Imported, or the mapping was unknown: read what the app holds now.
		res, err := call.client.GetUser(ctx, state.ID.ValueString(), mapping.ReadAttributes(call.rules))
		if err != nil {
			resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the account %s before updating it", state.ID.ValueString()), call.appID, err))
			return
		}
		actual = call.readBack(res, desired, false)
		diff = mapping.Diff
		current.Version = types.StringValue(res.Version())
		current.Active = types.BoolValue(activeOf(res, true))
	}
	plan.Version = current.Version
	updated, diags := r.apply(ctx, call, &current, actual, desired, plan.Active.ValueBool(), diff)
	resp.Diagnostics.Append(diags...)
	if updated == nil {
		return
	}
	// Local settings (deprovision, adoption, compatibility, the app's new
	// address) come from the plan; what the app holds from the update.
	plan.Attributes = updated.Attributes
	plan.UserName = updated.UserName
	plan.Active = updated.Active
	plan.Version = updated.Version
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply brings the account from actual to desired with the fewest calls:
// nothing when they agree, else one PATCH of the changed paths (or one PUT
// of the merged account where the app has no PATCH). It returns the model to
// save: desired values when the app kept them, what the app holds otherwise
// (with an error), or nil when nothing is known to have changed. diff is
// mapping.Diff when actual is what the app returned just now, and
// mapping.DiffExact when it is Terraform's own record (state).
func (r *provisionedUserResource) apply(ctx context.Context, call *userCall, m *provisionedUserModel, actual, desired map[string]string, active bool,
	diff func(actual, desired map[string]string, s mapping.Schemas) ([]scim.PatchOp, error)) (*provisionedUserModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	id := m.ID.ValueString()
	doing := fmt.Sprintf("Updating the account %s", userLocation(call.appID, id))
	ops, err := diff(actual, desired, call.settings.discovery)
	if err != nil {
		diags.AddError("Cannot Plan the SCIM Update", fmt.Sprintf("%s: %v", doing, err))
		return nil, diags
	}
	if m.Active.IsNull() || m.Active.ValueBool() != active {
		ops = append(ops, scim.PatchOp{Op: scim.PatchReplace, Path: "active", Value: active})
	}
	out := *m
	if len(ops) == 0 {
		out.Attributes = mapValue(desired)
		out.UserName = types.StringValue(desired[userNameKey(desired)])
		out.Active = types.BoolValue(active)
		return &out, diags
	}
	ifMatch := ""
	if call.settings.useETags {
		ifMatch = m.Version.ValueString()
	}
	res, err := r.send(ctx, call, id, ops, ifMatch)
	if scim.IsPreconditionFailed(err) {
		// A retry after a lost answer meets the version its own first
		// attempt moved on: when the app holds what was sent, it is done.
		if cur, gerr := call.client.GetUser(ctx, id, mapping.ReadAttributes(call.rules)); gerr == nil &&
			len(differences(desired, call.readBack(cur, desired, true), call)) == 0 && activeOf(cur, !active) == active {
			res, err = cur, nil
		}
	}
	if err != nil {
		switch {
		case scim.IsPreconditionFailed(err):
			diags.AddError("SCIM Account Changed Since It Was Read",
				fmt.Sprintf("%s failed: the app refused the change because the account changed after Terraform last read it "+
					"(HTTP 412, If-Match %s). Nothing was overwritten.\n\n%s\n\nRun `terraform plan` to review the account as it is now, then apply again.",
					doing, ifMatch, r.describeChangeUnderneath(ctx, call, id, actual, m.Active)))
		case scim.IsNotFound(err):
			diags.AddError("SCIM Account No Longer Exists",
				fmt.Sprintf("%s failed: the app has no such account any more (HTTP 404). Run `terraform apply` again: the refresh will plan to create it.", doing))
		default:
			diags.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
		}
		return nil, diags
	}
	got := call.readBack(res, desired, true)
	out.Version = types.StringValue(res.Version())
	out.Active = types.BoolValue(activeOf(res, active))
	if differ := differences(desired, got, call); len(differ) > 0 || out.Active.ValueBool() != active {
		if out.Active.ValueBool() != active {
			differ = append(differ, fmt.Sprintf("active: sent %v, app holds %v", active, out.Active.ValueBool()))
		}
		out.Attributes = mapValue(got)
		out.UserName = types.StringValue(got[userNameKey(got)])
		diags.AddError("SCIM App Did Not Keep the Values Sent",
			fmt.Sprintf("%s: the app accepted the change but holds other values than were sent:\n  %s\n"+
				"State records what the app holds. The app may normalise or refuse these values; adjust the mapping or the app.",
				doing, strings.Join(differ, "\n  ")))
		return &out, diags
	}
	out.Attributes = mapValue(desired)
	out.UserName = types.StringValue(desired[userNameKey(desired)])
	out.Active = types.BoolValue(active)
	return &out, diags
}

// describeChangeUnderneath reads the account again after a 412 and says
// which managed values differ from what Terraform last knew (before), so the
// conflict diagnostic shows what changed underneath.
func (r *provisionedUserResource) describeChangeUnderneath(ctx context.Context, call *userCall, id string, before map[string]string, activeBefore types.Bool) string {
	res, err := call.client.GetUser(ctx, id, mapping.ReadAttributes(call.rules))
	if err != nil {
		return fmt.Sprintf("Reading the account again to show what changed failed: %v", err)
	}
	now := call.readBack(res, before, true)
	var lines []string
	for _, p := range sortedKeys(before, now) {
		was, hadBefore := before[p]
		is, hasNow := now[p]
		switch {
		case hadBefore && !hasNow:
			lines = append(lines, fmt.Sprintf("%s: was %q, now unset", p, was))
		case !hadBefore && hasNow:
			lines = append(lines, fmt.Sprintf("%s: was unset, now %q", p, is))
		case !mapping.ValuesEqual(p, was, is, call.settings.discovery):
			lines = append(lines, fmt.Sprintf("%s: was %q, now %q", p, was, is))
		}
	}
	if activeNow := activeOf(res, activeBefore.ValueBool()); !activeBefore.IsNull() && activeNow != activeBefore.ValueBool() {
		lines = append(lines, fmt.Sprintf("active: was %v, now %v", activeBefore.ValueBool(), activeNow))
	}
	if len(lines) == 0 {
		return fmt.Sprintf("The account is now at version %s; none of the attributes Terraform manages changed (something else about the account did).", res.Version())
	}
	return fmt.Sprintf("Changed in the app since Terraform last read it (now version %s):\n  %s", res.Version(), strings.Join(lines, "\n  "))
}

func sortedKeys(maps ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// send makes the update call the app supports.
func (r *provisionedUserResource) send(ctx context.Context, call *userCall, id string, ops []scim.PatchOp, ifMatch string) (scim.Resource, error) {
	readAttrs := mapping.ReadAttributes(call.rules)
	if call.settings.usePatch {
		if !call.settings.filteredPaths {
			current, err := call.client.GetUser(ctx, id, nil)
			if err != nil {
				return nil, err
			}
			if ops, err = scim.ExpandFilteredOps(ops, current); err != nil {
				return nil, err
			}
		}
		return call.client.PatchUser(ctx, id, ops, ifMatch, readAttrs)
	}
	if !call.settings.canPut {
		return nil, fmt.Errorf("the app supports neither PATCH (per discovery or compatibility.patch) nor PUT (compatibility.put = false), so the account cannot be updated")
	}
	// PUT replaces the whole account: read it, apply the change, write it
	// back, keeping every attribute Terraform does not manage.
	current, err := call.client.GetUser(ctx, id, nil)
	if err != nil {
		return nil, err
	}
	if ifMatch != "" && current.Version() != "" {
		ifMatch = current.Version()
	}
	merged, err := scim.ApplyPatch(current, ops)
	if err != nil {
		return nil, err
	}
	return call.client.ReplaceUser(ctx, id, merged, ifMatch)
}

func (r *provisionedUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state provisionedUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	mode := state.Deprovision.ValueString()
	if mode == deprovisionAbandon {
		return
	}
	if mode == deprovisionDeactivate && !state.Active.IsNull() && !state.Active.ValueBool() {
		// Already inactive as of the refresh before this destroy: nothing
		// to send.
		return
	}
	ctx, call, diags := r.prepare(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var err error
	doing := ""
	switch mode {
	case deprovisionDelete:
		doing = fmt.Sprintf("Deleting the account %s", userLocation(call.appID, id))
		err = call.client.DeleteUser(ctx, id, "")
	default:
		doing = fmt.Sprintf("Deactivating the account %s", userLocation(call.appID, id))
		_, err = r.send(ctx, call, id, []scim.PatchOp{{Op: scim.PatchReplace, Path: "active", Value: false}}, "")
	}
	if err != nil && !scim.IsNotFound(err) {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, doing, call.appID, err))
	}
}

// ImportState takes the account's SCIM location, `<base_url>/Users/<id>`.
func (r *provisionedUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	i := strings.LastIndex(req.ID, "/Users/")
	if i <= 0 || i+len("/Users/") >= len(req.ID) || strings.Contains(req.ID[i+len("/Users/"):], "/") {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("A provisioned user is imported by its SCIM location, `<base_url>/Users/<id>`, e.g. "+
				"`terraform import 'scim_provisioned_user.slack[\"alice\"]' https://api.slack.com/scim/v2/Users/2819c223`; got %q.", req.ID))
		return
	}
	appID, err := normalizeBaseURL(req.ID[:i])
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The base URL part of %q is not valid: %v", req.ID, err))
		return
	}
	id := req.ID[i+len("/Users/"):]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connected_app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("location"), userLocation(appID, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("active"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deprovision"), deprovisionDeactivate)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_existing"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_by"), "userName")...)
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

// differences lists the managed paths whose value the app holds differs from
// the desired one.
func differences(desired, got map[string]string, call *userCall) []string {
	var out []string
	for p, want := range desired {
		have, ok := got[p]
		if !ok || !mapping.ValuesEqual(p, want, have, call.settings.discovery) {
			if !ok {
				have = "(unset)"
			}
			out = append(out, fmt.Sprintf("%s: sent %q, app holds %q", p, want, have))
		}
	}
	for p, have := range got {
		if _, ok := desired[p]; !ok {
			out = append(out, fmt.Sprintf("%s: removed, app holds %q", p, have))
		}
	}
	sort.Strings(out)
	return out
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

// isSuccessUnusable reports a 2xx answer whose body could not be used
// (malformed JSON, no id): the app applied the request but did not say to
// what. An HTML page is left out: it more likely comes from a proxy or login
// page in front of the app than from the app, and linking an account found
// by userName then could adopt one that existed before.
func isSuccessUnusable(err error) bool {
	var re *scim.ResponseError
	return errors.As(err, &re) && re.Status >= 200 && re.Status < 300 && !strings.Contains(strings.ToLower(re.ContentType), "html")
}
