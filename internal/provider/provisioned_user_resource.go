package provider

import (
	"context"
	"fmt"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// scim_provisioned_user: the schema and model here, with refresh and
// import; the plan in provisioned_user_plan.go, create in
// provisioned_user_create.go, update and destroy in
// provisioned_user_update.go. What happens in the app is decided by
// internal/lifecycle; this resource turns its results into state and
// diagnostics (provisioned_user_diagnostics.go).

var (
	_ resource.Resource                   = (*provisionedUserResource)(nil)
	_ resource.ResourceWithConfigure      = (*provisionedUserResource)(nil)
	_ resource.ResourceWithImportState    = (*provisionedUserResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*provisionedUserResource)(nil)
	_ resource.ResourceWithValidateConfig = (*provisionedUserResource)(nil)
	_ resource.ResourceWithIdentity       = (*provisionedUserResource)(nil)
)

// NewProvisionedUserResource is the constructor the provider registers.
func NewProvisionedUserResource() resource.Resource { return &provisionedUserResource{} }

type provisionedUserResource struct {
	appResource
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
	PasswordWO       types.String   `tfsdk:"password_wo"`
	PasswordVersion  types.Int64    `tfsdk:"password_wo_version"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

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
			"id": scimIDAttribute("account"),
			"location": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account's SCIM location, `<base_url>/Users/<id>`; also the import ID.",
			},
			"connected_app_id": connectedAppIDAttribute("The `id` of the account's `scim_connected_app`. Changing it to the app's new address " +
				"(same accounts, new URL) updates in place."),
			"compatibility": compatibilityAttribute(" Unset (the default), and for each unset field, the app's discovery decides."),
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
			"deprovision": deprovisionAttribute(lifecycle.AccountDeprovisionModes, lifecycle.Deactivate,
				fmt.Sprintf("What destroying this resource does to the account: %s. `%s` (the default) sets "+
					"`active = false` and keeps the account; `%s` deletes it; `%s` leaves it as it is and forgets it. "+
					"Destroy uses the value in state, so apply a change of mode before removing the resource.",
					codeList(lifecycle.AccountDeprovisionModes), lifecycle.Deactivate, lifecycle.Delete, lifecycle.Abandon)),
			"adopt_existing": adoptExistingAttribute("Link an account that already exists instead of creating one: on create, look it up by `adopt_by`; " +
				"exactly one match is linked and brought to the desired attributes, several matches are an error that lists them, " +
				"none creates the account. The plan shows such an account as created, with a warning that names the account it will " +
				"link and every value it will overwrite (`title: \"Intern\" -> \"Engineer\"`); the apply says the same. " +
				"Default `false`: an existing active account is then an error when the app answers 409, and never a duplicate, " +
				"unless it already holds exactly the mapped values (the re-run after an apply that was killed or interrupted after " +
				"creating it): linking that one changes nothing, so it is linked with a warning. An existing *inactive* account with " +
				"the same `userName` or `externalId` (a rehire) is linked and reactivated either way, with a warning."),
			"adopt_by": adoptByAttribute(lifecycle.AccountLookupAttributes,
				fmt.Sprintf("The attribute existing accounts are looked up by when adopting: %s. Its value is the one the mapping yields. Default `userName`.",
					codeList(lifecycle.AccountLookupAttributes))),
			// Write-only and not Sensitive: Terraform keeps a write-only
			// value out of plan and state and shows it as "(write-only
			// attribute)", so Sensitive would add nothing but a sensitive
			// path to every account's state, which Terraform serializes
			// whole after each resource it applies (DESIGN.md, "What a
			// command costs per account").
			"password_wo": schema.StringAttribute{
				Optional: true, WriteOnly: true,
				MarkdownDescription: "A password to give the account (SCIM's `password`, RFC 7643 §4.1.1, which apps never return), " +
					"for apps that need one. Write-only (Terraform 1.11 and later): it is never in the plan, the state or the provider's " +
					"logs, so pass it from an ephemeral source (an `ephemeral = true` variable, an ephemeral resource). It is sent when " +
					"the account is created (or linked) and again only when `password_wo_version` changes. A plan fails where the app's " +
					"User schema has no `password`.",
			},
			"password_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Change it (any new number) to send `password_wo` again: Terraform cannot compare a write-only " +
					"value with what it sent before, so this is how a new password is asked for.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
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
			"timeouts": timeoutsAttribute(ctx, timeoutsTexts{
				noun:       "account",
				create:     "creating (or adopting) the account",
				read:       "reading the account on refresh",
				update:     "updating the account",
				delete:     "deprovisioning the account on destroy",
				deleteMore: " A change takes effect on destroy only once it has been applied to state.",
			}),
			"version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account's `meta.version` (ETag) as last seen, when the app has ETags.",
			},
		},
	}
}

func (r *provisionedUserResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m provisionedUserModel
	resp.Diagnostics.Append(getUser(ctx, req.Config.Raw, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rules, ok, diags := rulesFromEncoded(m.AttributeMapping)
	resp.Diagnostics.Append(diags...)
	if ok {
		resp.Diagnostics.Append(encodedIssueDiagnostics("attribute_mapping", mapping.ValidateRules(rules), summaryInvalidMapping)...)
	}
}

// accounts are the accounts of m's app under m's mapping.
func (r *provisionedUserResource) accounts(ctx context.Context, m *provisionedUserModel) (context.Context, *lifecycle.Accounts, diag.Diagnostics) {
	ctx, app, diags := r.clients.prepareApp(ctx, m.ConnectedAppID, m.Compatibility)
	if app == nil {
		return ctx, nil, diags
	}
	rules, _, rdiags := rulesFromEncoded(m.AttributeMapping)
	diags.Append(rdiags...)
	return ctx, app.Accounts(rules), diags
}

func (r *provisionedUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics, req.State)
	var state provisionedUserModel
	resp.Diagnostics.Append(getUser(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	ctx, accounts, diags := r.accounts(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := accounts.App()
	res, err := accounts.Refresh(ctx, state.ID.ValueString())
	if scim.IsNotFound(err) {
		goneFromApp(ctx, resp, "SCIM Account Deleted Outside Terraform",
			fmt.Sprintf("The account %s (%s) no longer exists in the app; Terraform will plan to create it again.",
				state.UserName.ValueString(), app.UserLocation(state.ID.ValueString())))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(appErrorDiagnostic(r.clients, fmt.Sprintf("Reading the account %s", state.ID.ValueString()), app.BaseURL, err))
		return
	}
	state.Location = types.StringValue(app.UserLocation(state.ID.ValueString()))
	state.Active = types.BoolValue(lifecycle.ActiveOf(res, state.Active.ValueBool()))
	state.Version = types.StringValue(res.Version())
	if !accounts.Manages() {
		// Imported: nothing is managed until the configuration says what.
		if un, ok := res["userName"].(string); ok {
			state.UserName = types.StringValue(un)
		}
	} else {
		prior, _ := stringMap(ctx, state.Attributes)
		state.setValues(accounts.Observed(res, prior))
	}
	resp.Diagnostics.Append(setUser(ctx, &resp.State.Raw, &state)...)
}

// setValues records the managed values of the account, and its userName
// among them.
func (m *provisionedUserModel) setValues(values map[string]string) {
	m.Attributes = mapValue(values)
	m.UserName = types.StringValue(lifecycle.UserNameOf(values))
}

// ImportState takes the account's SCIM location, `<base_url>/Users/<id>`,
// or its identity.
func (r *provisionedUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	locationImport{
		Collection: "/Users/",
		Usage: "A provisioned user is imported by its SCIM location, `<base_url>/Users/<id>`, e.g. " +
			"`terraform import 'scim_provisioned_user.slack[\"alice\"]' https://api.slack.com/scim/v2/Users/2819c223`",
		Defaults: map[string]attr.Value{
			"active":         types.BoolValue(true),
			"deprovision":    types.StringValue(lifecycle.Deactivate),
			"adopt_existing": types.BoolValue(false),
			"adopt_by":       types.StringValue("userName"),
		},
	}.importState(ctx, req, resp)
}
