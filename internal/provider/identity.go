package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Resource identity (Terraform 1.12 and later) of accounts and groups: the
// app's base URL and the SCIM id, the two parts of the location that
// `terraform import` takes. An `import` block can name either, and
// `terraform query` writes identities into the import blocks it generates.
//
// The identity is mutable: an app that moves to a new address keeps its
// accounts, and changing connected_app_id updates them in place, so the
// base URL in the identity follows it.

type locationIdentityModel struct {
	BaseURL types.String `tfsdk:"base_url"`
	ID      types.String `tfsdk:"id"`
}

func locationIdentitySchema(noun, collection string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"base_url": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       fmt.Sprintf("The SCIM base URL of the %s's app, the `id` of its `scim_connected_app`.", noun),
			},
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       fmt.Sprintf("The %s's SCIM `id`: its location is `<base_url>/%s/<id>`.", noun, collection),
			},
		},
	}
}

// syncIdentity sets identity from the connected_app_id and id in state,
// which every write and read of the resource has just set; it is deferred
// by each of them so no path of theirs can miss it. A read that removes the
// resource (deleted in the app) takes them from the prior state, since the
// framework wants an identity after every read that did not fail. An
// identity the CLI does not support (nil) or an id not yet known are left.
// It runs after a failure too: a create that fails after the app made the
// account saves the account in state, and its identity with it.
func syncIdentity(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics, prior ...tfsdk.State) {
	if identity == nil || state == nil {
		return
	}
	if state.Raw.IsNull() {
		if len(prior) == 0 || prior[0].Raw.IsNull() {
			return
		}
		state = &prior[0]
	}
	// Read and written raw: this runs after every read of every account,
	// and the framework's path walks cost more than the rest of it.
	appID, appKnown := rawString(state.Raw, "connected_app_id")
	id, idKnown := rawString(state.Raw, "id")
	if !idKnown || !appKnown {
		return
	}
	base, err := normalizeBaseURL(appID)
	if err != nil {
		return
	}
	identity.Raw = tftypes.NewValue(locationIdentityType, map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, base),
		"id":       tftypes.NewValue(tftypes.String, id),
	})
}

// locationIdentityType is the raw type of locationIdentitySchema.
var locationIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"base_url": tftypes.String, "id": tftypes.String}}

// importTarget returns the base URL and id an import names: by identity
// (an `import` block with `identity`) or by location (`terraform import`,
// or `id` in an `import` block).
func importTarget(ctx context.Context, req resource.ImportStateRequest, collection, usage string, diags *diag.Diagnostics) (appID, id string, ok bool) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return splitLocation(req.ID, collection, diags, usage)
	}
	var ident locationIdentityModel
	diags.Append(req.Identity.Get(ctx, &ident)...)
	if diags.HasError() {
		return "", "", false
	}
	appID, err := normalizeBaseURL(ident.BaseURL.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Import Identity",
			fmt.Sprintf("The identity's base_url %q is not a valid SCIM base URL: %v", ident.BaseURL.ValueString(), err))
		return "", "", false
	}
	if ident.ID.ValueString() == "" {
		diags.AddAttributeError(path.Root("id"), "Invalid Import Identity", "The identity's id is empty; give the SCIM id the app assigned.")
		return "", "", false
	}
	return appID, ident.ID.ValueString(), true
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
