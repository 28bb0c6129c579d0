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
	// Personality names a vendor preset (see Personalities, e.g.
	// "aws_identity_center") that New starts from: its Capabilities,
	// Quirks and RateLimit. The fields the caller set in these Options
	// still apply on top, field by field (a Quirks or Capabilities field
	// that is non-zero here wins over the preset's); a zero value cannot
	// switch a preset's setting off, use SetQuirks or SetCapabilities
	// after New for that. New panics on an unknown name; check it first
	// with LookupPersonality.
	Personality string
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

	// CursorPaging: lists page with cursors in the manner of RFC 9865. A
	// GET (or .search) that carries "cursor" (empty for the first page)
	// gets the cursor form: itemsPerPage, Resources and, while more
	// remain, nextCursor to send as the next "cursor"; no totalResults and
	// no startIndex. Without "cursor" the answer is the usual index form
	// but a single page of at most FilterMaxResults. count must lie
	// between 1 and FilterMaxResults (default FilterMaxResults), else
	// 400 invalidValue; an unknown cursor answers 400 invalidCursor.
	CursorPaging bool `json:"cursor_paging"`
	// IgnoreListParams: lists ignore startIndex, attributes and
	// excludedAttributes (they always start at 1 and return the full
	// representation); reads of one resource still honour attributes.
	IgnoreListParams bool `json:"ignore_list_params"`
	// AllowedFilters restricts, per resource type name ("User", "Group"),
	// the filters a list accepts to the given shapes; any other filter
	// answers 400 invalidFilter. A shape is attribute paths joined by
	// " and " ("userName", "id and members.value"), each compared with
	// eq to a value, in that order. Paths are matched case-insensitively
	// in their full form: a multi-valued complex attribute named without
	// a sub-attribute means its "value" ("members" is "members.value"),
	// and extension attributes carry their URN. A resource type that is
	// not listed accepts every filter.
	AllowedFilters map[string][]string `json:"allowed_filters,omitempty"`
	// HiddenGroupMembers: every Group in a SCIM response (reads, lists,
	// and the answers to writes) shows "members": []. Filters still see
	// the members, so a client can learn them only with member filters
	// (members eq "U", id eq "G" and members eq "U").
	HiddenGroupMembers bool `json:"hidden_group_members"`
	// UnknownMemberFilterNotFound: a /Groups filter comparing members (or
	// members.value) with an id that is no User or Group answers 404
	// instead of an empty list.
	UnknownMemberFilterNotFound bool `json:"unknown_member_filter_not_found"`
	// PatchNoContentOn lists resource type names ("Group") whose PATCH
	// answers 204 with no body, like PatchReturnsNoContent for those only.
	PatchNoContentOn []string `json:"patch_no_content_on,omitempty"`
	// NoPutOn lists resource type names ("Group") whose PUT answers 405,
	// like NoPut for those only.
	NoPutOn []string `json:"no_put_on,omitempty"`
	// MaxMembersOnCreate, when positive, is the most "members" a POST may
	// carry; more answer 400 invalidValue.
	MaxMembersOnCreate int `json:"max_members_on_create,omitempty"`
	// MaxMemberChangesPerPatch, when positive, is the most membership
	// changes one PATCH may make, over all its operations: every member
	// value added or removed counts one, a remove or replace by value
	// filter counts one, a remove of all members counts each current
	// member and a replace of all members each current and each new one.
	// More answer 400 invalidValue.
	MaxMemberChangesPerPatch int `json:"max_member_changes_per_patch,omitempty"`
	// NoMemberReplaceAll: a PATCH that replaces members (any replace whose
	// target is members) or removes them all (remove of path "members"
	// without a value) answers 400 invalidValue; members change only by
	// add and by remove of named members.
	NoMemberReplaceAll bool `json:"no_member_replace_all"`
	// SingleValuedMultis lists multi-valued attributes ("emails",
	// "addresses", "phoneNumbers") that may hold at most one value on
	// POST, PUT and PATCH; more answer 400 invalidValue.
	SingleValuedMultis []string `json:"single_valued_multis,omitempty"`
	// RequirePrimary lists multi-valued attributes ("emails") whose value
	// must be marked primary when there is one; otherwise POST, PUT and
	// PATCH answer 400 invalidValue.
	RequirePrimary []string `json:"require_primary,omitempty"`
	// RequiredAttributes lists, per resource type name, attribute paths
	// ("name.givenName", "displayName") that POST, PUT and PATCH must leave
	// present and non-empty, beyond the schema's required ones; checked
	// before the target derives displayName or name.formatted. Otherwise
	// 400 invalidValue. Out-of-band edits are not checked.
	RequiredAttributes map[string][]string `json:"required_attributes,omitempty"`
	// UniqueAttributes lists, per resource type name, attribute paths
	// ("displayName") whose values must be unique among resources of that
	// type (compared as the schema's caseExact says); a duplicate answers
	// 409 uniqueness, as UniqueExternalID does for externalId.
	UniqueAttributes map[string][]string `json:"unique_attributes,omitempty"`
	// NoSearch: POST /{resource}/.search answers 501.
	NoSearch bool `json:"no_search"`
	// NoMetaLocation: resources in SCIM responses carry no meta.location
	// (the Location header of a create is governed by NoLocationHeader).
	NoMetaLocation bool `json:"no_meta_location"`
	// JSONContentType: SCIM responses are labelled Content-Type
	// application/json instead of application/scim+json.
	JSONContentType bool `json:"json_content_type"`
	// NoScimType: error responses never carry scimType (generalises
	// ConflictWithoutScimType).
	NoScimType bool `json:"no_scim_type"`
	// ErrorSchemaKey, when set, is the member name under which error
	// responses list their schema URN instead of "schemas" (one vendor
	// answers "schema").
	ErrorSchemaKey string `json:"error_schema_key,omitempty"`
}

// clone returns a deep copy so that callers cannot mutate the target's state
// through slices they handed in or got back.
func (c Capabilities) clone() Capabilities {
	c.AuthenticationSchemes = append([]AuthScheme(nil), c.AuthenticationSchemes...)
	return c
}

func (q Quirks) clone() Quirks {
	q.MissingDiscovery = append([]string(nil), q.MissingDiscovery...)
	q.PatchNoContentOn = append([]string(nil), q.PatchNoContentOn...)
	q.NoPutOn = append([]string(nil), q.NoPutOn...)
	q.SingleValuedMultis = append([]string(nil), q.SingleValuedMultis...)
	q.RequirePrimary = append([]string(nil), q.RequirePrimary...)
	q.AllowedFilters = cloneStringLists(q.AllowedFilters)
	q.RequiredAttributes = cloneStringLists(q.RequiredAttributes)
	q.UniqueAttributes = cloneStringLists(q.UniqueAttributes)
	return q
}

func cloneStringLists(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
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
