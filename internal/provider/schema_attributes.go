package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
)

// Schema attributes the resources of an app share, so their docs say the
// same and one can be passed to another.

// Default time limits of whole operations, retries included; settable per
// resource with the `timeouts` attribute.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// scimIDAttribute is `id`: the SCIM id the app assigned to a noun.
func scimIDAttribute(noun string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: fmt.Sprintf("The %s's SCIM `id`, assigned by the app.", noun),
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// connectedAppIDAttribute is `connected_app_id`, described by description.
func connectedAppIDAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: description,
		Validators:          []validator.String{connectedAppIDValidator()},
	}
}

// compatibilityAttribute is `compatibility`, the app's overrides, with
// more said of what they change for this kind of resource.
func compatibilityAttribute(more string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: "The app's compatibility overrides; pass `scim_connected_app.<name>.compatibility`." + more,
		Attributes:          compatibilitySchemaAttributes(),
	}
}

// deprovisionAttribute is `deprovision`: one of modes, default def.
func deprovisionAttribute(modes []string, def, description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(def),
		MarkdownDescription: description,
		Validators:          []validator.String{stringvalidator.OneOf(modes...)},
	}
}

// adoptExistingAttribute is `adopt_existing`, default false.
func adoptExistingAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(false),
		MarkdownDescription: description,
	}
}

// adoptByAttribute is `adopt_by`: one of attributes, default the first.
func adoptByAttribute(attributes []string, description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(attributes[0]),
		MarkdownDescription: description,
		Validators:          []validator.String{stringvalidator.OneOf(attributes...)},
	}
}

// compatibilitySchemaAttributes is the schema of `compatibility`, shared by
// scim_connected_app and the resources of an app so one can be passed to
// the other and their docs say the same.
func compatibilitySchemaAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"vendor": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The vendor profile to apply: what the app needs beyond what its discovery documents say (" +
				vendorList() + "). Unset, the profile is detected from the base URL where that is unambiguous " +
				"(`https://scim.<region>.amazonaws.com/<tenant>/scim/v2` is `aws_identity_center`), and none applies otherwise. " +
				"Each other field of `compatibility` set here wins over the profile.",
			Validators: []validator.String{stringvalidator.OneOf(lifecycle.VendorNames()...)},
		},
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

// timeoutsTexts say what each operation of a resource does, for the
// `timeouts` attribute's descriptions.
type timeoutsTexts struct {
	noun                         string // "account"
	create, read, update, delete string // "creating (or adopting) the account"
	deleteMore                   string
}

// timeoutsAttribute is the `timeouts` attribute, described with its
// defaults (the package's own descriptions state none).
func timeoutsAttribute(ctx context.Context, t timeoutsTexts) schema.Attribute {
	d := func(op string, def time.Duration, more string) string {
		return fmt.Sprintf("How long %s may take in all, retries and rate-limit waits included, as a duration (`30s`, `15m`, `1h`). Default `%s`.%s",
			op, strings.TrimSuffix(def.String(), "0s"), more)
	}
	a := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: d(t.create, defaultCreateTimeout, ""),
		ReadDescription:   d(t.read, defaultReadTimeout, ""),
		UpdateDescription: d(t.update, defaultUpdateTimeout, ""),
		DeleteDescription: d(t.delete, defaultDeleteTimeout, t.deleteMore),
	})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = fmt.Sprintf("Time limits of this %s's operations. Unset, the defaults apply.", t.noun)
		return n
	}
	return a
}

// withTimeout bounds ctx by the limit a resource's `timeouts` give the
// operation (limit is one of its Create, Read, Update, Delete methods), def
// when unset; the caller defers cancel.
func withTimeout(ctx context.Context, limit func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration,
	diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := limit(ctx, def)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}

// vendorList names the vendor profiles for descriptions: "`a`, `b`".
func vendorList() string {
	names := lifecycle.VendorNames()
	for i, n := range names {
		names[i] = "`" + n + "`"
	}
	return strings.Join(names, ", ")
}
