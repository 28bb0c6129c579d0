package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// What every resource and list resource of an app shares (data sources
// embed appDataSource, data_sources.go):
// the provider's clients (Configure), the app a resource belongs to with
// its compatibility overrides (prepare), import by location or identity,
// and "deleted in the app: warn and remove from state".

// appResource is embedded by every resource and list resource.
type appResource struct {
	clients *clientFactory
}

func (b *appResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// prepareApp returns the app connectedAppID names, with its compatibility
// overrides: its client (with what the overrides turn off switched off)
// and its discovery, once per command. The returned context masks every
// configured secret in logs.
func (f *clientFactory) prepareApp(ctx context.Context, connectedAppID types.String, compat types.Object) (context.Context, *lifecycle.App, diag.Diagnostics) {
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
	settings, sdiags := f.appSettings(ctx, appID, client, d, compat)
	diags.Append(sdiags...)
	return ctx, &lifecycle.App{Client: client, Settings: settings, BaseURL: appID}, diags
}

// appSettings is what the app at appID supports: its discovery d, under
// its vendor profile (appVendor), under the explicit compatibility
// switches; what they switch on or off in the app's client is applied.
func (f *clientFactory) appSettings(ctx context.Context, appID string, client *scim.Client, d *scim.Discovery, compat types.Object) (lifecycle.Settings, diag.Diagnostics) {
	overrides, vendor, diags := overridesOf(ctx, compat)
	if vendor != "" {
		f.vendors.Store(appID, vendor)
	} else if compat.IsNull() {
		// Named without its compatibility (a data source, a list
		// resource): the vendor the app's compatibility named, if the
		// app was planned or read in this command.
		if named, ok := f.vendors.Load(appID); ok {
			vendor = named.(string)
		}
	}
	v, ok := lifecycle.VendorNamed(appVendor(appID, vendor))
	if ok {
		overrides = v.Under(overrides)
		client.UseVendorBehaviour(v.Client)
	}
	settings := lifecycle.SettingsFor(d, overrides)
	if ok {
		settings.Vendor = &v
	}
	settings.ApplyTo(client)
	return settings, diags
}

// appVendor is the vendor profile of the app at appID: the one
// `compatibility.vendor` names, else the one its base URL tells, else "".
func appVendor(appID, configured string) string {
	if configured != "" {
		return configured
	}
	return lifecycle.DetectVendor(appID)
}

// overridesOf reads `compatibility` (compatibilitySchemaAttributes): its switches (unset or unknown
// fields leave the choice to the vendor profile, then to discovery) and
// its vendor ("" when unset).
func overridesOf(ctx context.Context, compat types.Object) (lifecycle.Overrides, string, diag.Diagnostics) {
	if compat.IsNull() || compat.IsUnknown() {
		return lifecycle.Overrides{}, "", nil
	}
	// Read field by field: every account's every call reads it, and the
	// framework's As goes through reflection.
	attrs := compat.Attributes()
	b := func(name string) *bool {
		v, _ := attrs[name].(types.Bool)
		return boolPointer(v)
	}
	vendor, _ := attrs["vendor"].(types.String)
	return lifecycle.Overrides{
		Patch:               b("patch"),
		Put:                 b("put"),
		FilteredPatchPaths:  b("filtered_patch_paths"),
		ETag:                b("etag"),
		AttributesParameter: b("attributes_parameter"),
		BatchReads:          b("batch_reads"),
	}, vendor.ValueString(), nil
}

// goneFromApp is a read that found the resource deleted in the app: it
// warns and removes it from state, so the plan creates it again.
func goneFromApp(ctx context.Context, resp *resource.ReadResponse, summary, detail string) {
	resp.Diagnostics.AddWarning(summary, detail)
	resp.State.RemoveResource(ctx)
}

// locationImport is how a resource of one collection is imported: by its
// SCIM location (`<base_url><collection><id>`) or its identity. Usage
// says the expected form in an error; Defaults are the attributes an
// imported resource starts with besides id, connected_app_id and location.
type locationImport struct {
	Collection string
	Usage      string
	Defaults   map[string]attr.Value
}

// importState sets the imported resource's id, app, location and defaults.
func (li locationImport) importState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer syncIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	appID, id, ok := importTarget(ctx, req, li.Collection, li.Usage, &resp.Diagnostics)
	if !ok {
		return
	}
	set := func(name string, v any) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	set("id", id)
	set("connected_app_id", appID)
	set("location", appID+li.Collection+id)
	for name, v := range li.Defaults {
		set(name, v)
	}
}

// keepOnInterrupt keeps a resource that a create made or linked when
// Terraform stopped it (Ctrl-C) before the create finished: the error
// that would mark it tainted (and have the next apply deprovision it and
// make it again) becomes a warning, the state records what was done, and
// the next apply completes the rest as an update.
func keepOnInterrupt(ctx context.Context, state *tfsdk.State, diags *diag.Diagnostics, noun string) {
	if !diags.HasError() || !errors.Is(ctx.Err(), context.Canceled) || state.Raw.IsNull() {
		return
	}
	var kept diag.Diagnostics
	var errs []string
	for _, d := range *diags {
		if d.Severity() == diag.SeverityError {
			errs = append(errs, d.Summary()+": "+d.Detail())
			continue
		}
		kept = append(kept, d)
	}
	kept.AddWarning("Interrupted Before the Create Finished",
		fmt.Sprintf("Terraform was interrupted after the %s was created (or linked) in the app. It is recorded in state as far as it "+
			"got, and the next `terraform apply` completes it as an update; nothing is created twice.\n\nWhat was not done:\n%s",
			noun, strings.Join(errs, "\n")))
	*diags = kept
}
