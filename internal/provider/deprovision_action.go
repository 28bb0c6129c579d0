package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// scim_deprovision_accounts deactivates or deletes accounts no resource
// manages (the orphans the scim_users data source lists), on request:
// `terraform apply -invoke=action.scim_deprovision_accounts.NAME`
// (Terraform 1.14 actions). Everything named is checked before anything is
// touched: a userName that matches no account (or several), or an account
// the configuration manages (managed_ids), stops the action, and so does
// the deprovisioning guard, counted as a plan counts it. Accounts already
// as asked, and ids the app no longer has, are skipped, so a second
// invocation sends nothing.

var (
	_ action.Action              = (*deprovisionAction)(nil)
	_ action.ActionWithConfigure = (*deprovisionAction)(nil)
)

// NewDeprovisionAction is the constructor the provider registers.
func NewDeprovisionAction() action.Action { return &deprovisionAction{} }

type deprovisionAction struct{ clients *clientFactory }

type deprovisionActionModel struct {
	ConnectedAppID types.String `tfsdk:"connected_app_id"`
	IDs            types.Set    `tfsdk:"ids"`
	UserNames      types.Set    `tfsdk:"user_names"`
	ManagedIDs     types.Set    `tfsdk:"managed_ids"`
	Mode           types.String `tfsdk:"mode"`
}

func (a *deprovisionAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deprovision_accounts"
}

func (a *deprovisionAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (a *deprovisionAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Deactivates (or deletes) accounts of an app that no resource manages, such as the orphans the " +
			"`scim_users` data source lists with `exclude_ids`, when invoked with `terraform apply -invoke=action.scim_deprovision_accounts.NAME` " +
			"(Terraform 1.14 and later). Every account named is checked before anything is touched: a `userName` that matches no account " +
			"(or several), or an account that `managed_ids` lists, stops the action with an error, and so does the provider's " +
			"`deprovision_guard`, as for a plan. Accounts already deactivated, and ids the app no longer has, are skipped and said so, " +
			"so invoking it again sends nothing. It reports what it did per account.",
		Attributes: map[string]schema.Attribute{
			"connected_app_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The `id` of the app's `scim_connected_app` (its base URL).",
				Validators:          []validator.String{connectedAppIDValidator()},
			},
			"ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "The accounts' SCIM ids, e.g. `data.scim_users.orphans.ids`.",
				Validators:          []validator.Set{setvalidator.AtLeastOneOf(path.MatchRoot("user_names"))},
			},
			"user_names": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "The accounts' `userName`s, each looked up with `userName eq`: exactly one account must match.",
			},
			"managed_ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "The ids of the accounts this configuration manages, e.g. `[for u in scim_provisioned_user.app : u.id]`: " +
					"an account among them stops the action before anything is touched, since deprovisioning it belongs to its resource.",
			},
			"mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`deactivate` (the default: `active = false`, the account kept) or `delete`.",
				Validators:          []validator.String{stringvalidator.OneOf(lifecycle.Deactivate, lifecycle.Delete)},
			},
		},
	}
}

// target is one account the action is asked to deprovision, as found.
type deprovisionTarget struct {
	id, userName string
	active       bool
	gone         bool
}

func (a *deprovisionAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m deprovisionActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || a.clients == nil {
		return
	}
	mode := m.Mode.ValueString()
	if mode == "" {
		mode = lifecycle.Deactivate
	}
	ids := stringsFromSet(ctx, m.IDs, &resp.Diagnostics)
	userNames := stringsFromSet(ctx, m.UserNames, &resp.Diagnostics)
	managed := stringsFromSet(ctx, m.ManagedIDs, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, app, diags := a.clients.prepareApp(ctx, m.ConnectedAppID, types.ObjectNull(nil))
	resp.Diagnostics.Append(diags...)
	if app == nil || resp.Diagnostics.HasError() {
		return
	}

	// Everything is found and checked first.
	targets, diags := findTargets(ctx, a.clients, app, ids, userNames, managed)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var todo []deprovisionTarget
	for _, tg := range targets {
		if tg.gone || (mode == lifecycle.Deactivate && !tg.active) {
			continue
		}
		todo = append(todo, tg)
	}
	for _, tg := range todo {
		resp.Diagnostics.Append(a.clients.guard.deprovision(ctx, app, fmt.Sprintf("%s the account %q", mode, tg.userName))...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	accounts := app.Accounts(nil)
	var report []string
	for _, tg := range targets {
		line := fmt.Sprintf("%s (%s): ", tg.userName, app.UserLocation(tg.id))
		switch {
		case tg.gone:
			line += "already gone, skipped"
		case mode == lifecycle.Deactivate && !tg.active:
			line += "already inactive, skipped"
		default:
			active := tg.active
			if err := accounts.Deprovision(ctx, lifecycle.AccountDeprovision{ID: tg.id, Mode: mode, WasActive: &active}); err != nil {
				resp.Diagnostics.Append(a.clients.accountDiagnostic(app, err, refusedDelete))
				report = append(report, line+"FAILED")
				resp.Diagnostics.AddWarning("Accounts Deprovisioned Before the Failure", strings.Join(report, "\n"))
				return
			}
			if mode == lifecycle.Delete {
				line += "deleted"
			} else {
				line += "deactivated"
			}
		}
		report = append(report, line)
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: line})
		}
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("%d of %d Accounts at %s %s", len(todo), len(targets), app.BaseURL, pastTense(mode)),
		strings.Join(report, "\n"))
}

func pastTense(mode string) string {
	if mode == lifecycle.Delete {
		return "Deleted"
	}
	return "Deactivated"
}

// findTargets reads each account named, by id or by userName, and fails
// (touching nothing) for one that cannot be found or is managed.
func findTargets(ctx context.Context, clients *clientFactory, app *lifecycle.App, ids, userNames, managed []string) ([]deprovisionTarget, diag.Diagnostics) {
	var (
		diags diag.Diagnostics
		out   []deprovisionTarget
		seen  = map[string]bool{}
	)
	users := app.Client.Users()
	opts := scim.ReadOptions{Attributes: []string{"userName", "active"}}
	add := func(res scim.Resource, gone bool, id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		tg := deprovisionTarget{id: id, gone: gone}
		if !gone {
			tg.userName, _ = res["userName"].(string)
			tg.active = lifecycle.ActiveOf(res, true)
		}
		out = append(out, tg)
	}
	for _, id := range ids {
		res, err := users.Get(ctx, id, opts)
		switch {
		case scim.IsNotFound(err):
			add(nil, true, id)
		case err != nil:
			diags.Append(appErrorDiagnostic(clients, "Reading the account "+id, app.BaseURL, err))
		default:
			add(res, false, id)
		}
	}
	for _, un := range userNames {
		found, err := users.Find(ctx, "userName", un, opts)
		switch {
		case err != nil:
			diags.Append(appErrorDiagnostic(clients, fmt.Sprintf("Looking up the account %q", un), app.BaseURL, err))
		case len(found) != 1:
			diags.AddAttributeError(path.Root("user_names"), "Account Not Found Exactly Once",
				fmt.Sprintf("The app at %s has %d accounts with userName %q, and the action deprovisions only an account it finds "+
					"exactly once. Nothing was changed.", app.BaseURL, len(found), un))
		default:
			add(found[0], false, found[0].ID())
		}
	}
	for _, tg := range out {
		if slices.Contains(managed, tg.id) {
			diags.AddAttributeError(path.Root("managed_ids"), "Account Managed by This Configuration",
				fmt.Sprintf("The account %s (%s) is managed by a resource of this configuration: remove it from its configuration "+
					"instead, so that the plan shows it. Nothing was changed.", tg.userName, app.UserLocation(tg.id)))
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	return out, diags
}
