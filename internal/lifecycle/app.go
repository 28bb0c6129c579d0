// Package lifecycle is the life of an account or a group in one app, with
// no Terraform in it: finding and adopting what already exists (exactly one
// match, or an error that lists them), linking an inactive match on a
// rehire, settling a create whose outcome is unknown before creating again,
// applying a change with If-Match and reporting a 412 with what changed
// underneath, previewing what an adoption or an import will overwrite, and
// deprovisioning by mode.
//
// It returns typed results and typed errors (errors.go): what was found,
// what was sent, what changed in the app meanwhile. The Terraform resources
// turn those into state and diagnostics; the decisions are made here, once,
// for every resource and every app.
package lifecycle

import (
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Settings are what one app supports, its discovery with the compatibility
// overrides applied.
type Settings struct {
	// Discovery is the app's /ServiceProviderConfig, /ResourceTypes and
	// /Schemas, read once per command.
	Discovery *scim.Discovery
	// UsePatch: updates are PATCHes; otherwise a read and a PUT.
	UsePatch bool
	// CanPut false: the app has no PUT either, so it cannot be updated
	// without PATCH.
	CanPut bool
	// FilteredPaths false: PATCH paths with value filters are expanded
	// into operations on the whole multi-valued attribute.
	FilteredPaths bool
	// UseETags: writes carry If-Match with the version last seen.
	UseETags bool
	// AttributesParam false: never send `attributes=` to the app.
	AttributesParam bool
	// BatchReads false: refresh each resource with a GET of its own.
	BatchReads bool
	// Vendor is the app's vendor profile, nil when none applies.
	Vendor *Vendor
}

// Overrides are an app's compatibility settings; nil leaves the choice to
// discovery.
type Overrides struct {
	Patch               *bool
	Put                 *bool
	FilteredPatchPaths  *bool
	ETag                *bool
	AttributesParameter *bool
	BatchReads          *bool
}

// SettingsFor is what the app discovered as d supports, with o applied.
func SettingsFor(d *scim.Discovery, o Overrides) Settings {
	s := Settings{
		Discovery:       d,
		UsePatch:        d.ServiceProviderConfig.Patch.Supported,
		CanPut:          true,
		FilteredPaths:   true,
		UseETags:        d.ServiceProviderConfig.ETag.Supported,
		AttributesParam: true,
		BatchReads:      true,
	}
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&s.UsePatch, o.Patch)
	set(&s.CanPut, o.Put)
	set(&s.FilteredPaths, o.FilteredPatchPaths)
	set(&s.UseETags, o.ETag)
	set(&s.AttributesParam, o.AttributesParameter)
	set(&s.BatchReads, o.BatchReads)
	return s
}

// ApplyTo switches off, for the app's client, what the settings turn off.
// Only turning off is shared: it is safe whichever resource of the app
// says so first.
func (s Settings) ApplyTo(client *scim.Client) {
	if !s.AttributesParam {
		client.DisableAttributesParam()
	}
	if !s.BatchReads {
		client.DisableBatchReads()
	}
}

// App is one app as a resource's operation sees it: its client, what it
// supports, and its normalised base URL.
type App struct {
	Client   *scim.Client
	Settings Settings
	BaseURL  string
}

// UserLocation is an account's SCIM location, `<base_url>/Users/<id>`.
func (a *App) UserLocation(id string) string { return UserLocation(a.BaseURL, id) }

// GroupLocation is a group's SCIM location, `<base_url>/Groups/<id>`.
func (a *App) GroupLocation(id string) string { return GroupLocation(a.BaseURL, id) }

// UserLocation is an account's SCIM location in the app at baseURL.
func UserLocation(baseURL, id string) string { return baseURL + "/Users/" + id }

// GroupLocation is a group's SCIM location in the app at baseURL.
func GroupLocation(baseURL, id string) string { return baseURL + "/Groups/" + id }

// ifMatch is the If-Match to send with a write: the version last seen,
// where the app has ETags.
func (a *App) ifMatch(version string) string {
	if a.Settings.UseETags {
		return version
	}
	return ""
}
