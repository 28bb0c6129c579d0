package scimtarget

import (
	"time"
)

// Options configure a Target. The zero value is a usable, unauthenticated
// target with DefaultCapabilities and no quirks.
type Options struct {
	// BearerTokens are the accepted OAuth bearer tokens.
	BearerTokens []string
	// BasicUsers maps user names to passwords accepted for HTTP basic auth.
	// If both BearerTokens and BasicUsers are empty, no authentication is
	// required.
	BasicUsers map[string]string
	// PublicDiscovery exempts /ServiceProviderConfig, /ResourceTypes and
	// /Schemas from authentication. Many real applications protect them, so
	// the default is false.
	PublicDiscovery bool
	// EnforceETags makes PUT, PATCH and DELETE that carry If-Match fail with
	// 412 when the tag does not match meta.version. Requests without If-Match
	// are always accepted, since RFC 7644 makes the header optional.
	EnforceETags bool
	// Capabilities is what /ServiceProviderConfig advertises and what the
	// server actually does. The zero value means DefaultCapabilities(): a
	// server without PATCH, filtering and ETags is never what a caller who
	// forgot the field wants.
	Capabilities Capabilities
	// Quirks reproduce misbehaviours of real servers so that clients can be
	// tested against them.
	Quirks Quirks
	// RateLimit, when positive, is how many SCIM requests per second the
	// target serves; beyond that it answers 429 with Retry-After until the
	// next second. Every answer carries X-RateLimit-Limit, -Remaining and
	// -Reset (epoch seconds), as many SaaS apps send.
	RateLimit int
	// Now is the clock used for meta.created and meta.lastModified; nil means
	// time.Now.
	Now func() time.Time
	// BaseURL is the absolute SCIM base URL used for meta.location when a
	// resource is rendered outside a request (the Go control API). Requests
	// always use the URL they arrived on. NewTestServer sets it.
	BaseURL string
}

// Capabilities describe which optional SCIM features the target supports. The
// target both advertises them in /ServiceProviderConfig and behaves
// accordingly (e.g. Patch false makes PATCH answer 501).
type Capabilities struct {
	Patch              bool `json:"patch"`
	Bulk               bool `json:"bulk"`
	BulkMaxOperations  int  `json:"bulk_max_operations"`
	BulkMaxPayloadSize int  `json:"bulk_max_payload_size"`
	Filter             bool `json:"filter"`
	// FilterMaxResults caps the page size of list responses; 0 means no cap.
	FilterMaxResults int  `json:"filter_max_results"`
	ChangePassword   bool `json:"change_password"`
	Sort             bool `json:"sort"`
	// ETag false suppresses meta.version and the ETag header and makes the
	// server ignore If-Match and If-None-Match.
	ETag bool `json:"etag"`
	// AuthenticationSchemes is advertised verbatim. When empty, the target
	// advertises the schemes implied by the configured credentials.
	AuthenticationSchemes []AuthScheme `json:"authentication_schemes,omitempty"`
}

// AuthScheme is one entry of ServiceProviderConfig.authenticationSchemes.
// Type is one of "oauth", "oauth2", "oauthbearertoken", "httpbasic",
// "httpdigest" (RFC 7643 §5).
type AuthScheme struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Primary     bool   `json:"primary,omitempty"`
}

// DefaultCapabilities returns what a well-behaved modern SCIM server offers:
// PATCH, filtering (200 results per page), sorting and ETags; no bulk and no
// password changes.
func DefaultCapabilities() Capabilities {
	return Capabilities{
		Patch:              true,
		Bulk:               false,
		BulkMaxOperations:  100,
		BulkMaxPayloadSize: 1 << 20,
		Filter:             true,
		FilterMaxResults:   200,
		ChangePassword:     false,
		Sort:               true,
		ETag:               true,
	}
}

// Quirks switch on misbehaviours observed in real SCIM servers. Each exists so
// that a client can prove it copes with that server.
type Quirks struct {
	// NoLocationHeader: POST answers 201 without a Location header; id and
	// meta.location appear only in the body.
	NoLocationHeader bool `json:"no_location_header"`
	// PatchReturnsNoContent: PATCH answers 204 with no body.
	PatchReturnsNoContent bool `json:"patch_returns_no_content"`
	// CaseSensitiveUserName: `userName eq` filters compare case-sensitively
	// (RFC 7643 says userName is caseExact=false). Uniqueness stays
	// case-insensitive, so a client that looks up before creating can get a
	// miss followed by a 409.
	CaseSensitiveUserName bool `json:"case_sensitive_user_name"`
	// OnlyEqFilters: only a single `attr eq "value"` filter is accepted;
	// anything else answers 400 invalidFilter.
	OnlyEqFilters bool `json:"only_eq_filters"`
	// LowercaseResources: list responses spell "Resources" as "resources".
	LowercaseResources bool `json:"lowercase_resources"`
	// ConflictWithoutScimType: 409 responses carry no scimType.
	ConflictWithoutScimType bool `json:"conflict_without_scim_type"`
	// NoFilteredPatchPaths: PATCH paths with a value filter
	// (emails[type eq "work"].value) answer 400 invalidPath.
	NoFilteredPatchPaths bool `json:"no_filtered_patch_paths"`
	// NoPut: PUT answers 405 Method Not Allowed.
	NoPut bool `json:"no_put"`
	// NoEmptyLastPage: a startIndex past the end returns the last non-empty
	// page again, so a client must stop paging by totalResults.
	NoEmptyLastPage bool `json:"no_empty_last_page"`
	// MissingDiscovery lists discovery endpoints that answer 404, e.g.
	// "/ResourceTypes" or "/Schemas" (sub-paths included).
	MissingDiscovery []string `json:"missing_discovery,omitempty"`
	// UniqueExternalID: a duplicate externalId is rejected with 409.
	UniqueExternalID bool `json:"unique_external_id"`
	// RejectExtensionAttributesParam: a GET of one resource or of a list
	// (and POST .search) whose "attributes" names a URN-qualified attribute
	// (urn:...:User:department) answers 400 invalidValue; without
	// "attributes" the same request is served normally.
	RejectExtensionAttributesParam bool `json:"reject_extension_attributes_param"`
}

// clone returns a deep copy so that callers cannot mutate the target's state
// through slices they handed in or got back.
func (c Capabilities) clone() Capabilities {
	c.AuthenticationSchemes = append([]AuthScheme(nil), c.AuthenticationSchemes...)
	return c
}

func (q Quirks) clone() Quirks {
	q.MissingDiscovery = append([]string(nil), q.MissingDiscovery...)
	return q
}

func (o Options) clone() Options {
	o.BearerTokens = append([]string(nil), o.BearerTokens...)
	if o.BasicUsers != nil {
		m := make(map[string]string, len(o.BasicUsers))
		for k, v := range o.BasicUsers {
			m[k] = v
		}
		o.BasicUsers = m
	}
	o.Capabilities = o.Capabilities.clone()
	o.Quirks = o.Quirks.clone()
	return o
}
