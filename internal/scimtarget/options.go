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
	// RateLimits are further limits, each on the requests of some methods
	// to some paths (e.g. Slack's POST /Users 180 a minute, burst 20);
	// see RateRule. A request must fit every rule that matches it, as
	// well as RateLimit; otherwise it answers 429 with Retry-After. Rules
	// given with a Personality replace the preset's; SetRateLimits changes
	// them at run time.
	RateLimits []RateRule
	// Now is the clock used for meta.created and meta.lastModified; nil means
	// time.Now.
	Now func() time.Time
	// BaseURL is the absolute SCIM base URL used for meta.location when a
	// resource is rendered outside a request (the Go control API). Requests
	// always use the URL they arrived on. NewTestServer sets it.
	BaseURL string
	// Personality names a vendor preset (see Personalities, e.g.
	// "aws_identity_center") that New starts from: its Capabilities,
	// Quirks, RateLimit and RateLimits. The fields the caller set in these Options
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

	// The quirks below emulate further vendors' documented deviations
	// (google_cloud_identity, github_emu, slack, salesforce, databricks,
	// zoom, atlassian, miro); quirks_vendor.go implements them.

	// ListNeedsFilter: a list (GET or .search) without a filter answers
	// 400 tooMany instead of listing everything.
	ListNeedsFilter bool `json:"list_needs_filter"`
	// NoPaging: lists ignore startIndex and count and answer every match
	// (up to FilterMaxResults) in one ListResponse that carries schemas,
	// totalResults and Resources but no startIndex and no itemsPerPage.
	NoPaging bool `json:"no_paging"`
	// DefaultCount, when positive, is the page size of a list that does
	// not ask for a count (still capped by FilterMaxResults); 0 returns
	// every match up to FilterMaxResults.
	DefaultCount int `json:"default_count,omitempty"`
	// RequireUserAgent: a SCIM request without a User-Agent header (or
	// with an empty one) answers 403.
	RequireUserAgent bool `json:"require_user_agent"`
	// DeleteDeactivates lists resource type names ("User") whose DELETE
	// sets active to false and keeps the resource, which stays readable,
	// listed and writable; the answer is still 204. Types without an
	// "active" attribute are deleted as usual.
	DeleteDeactivates []string `json:"delete_deactivates,omitempty"`
	// NoCreateOn lists resource type names whose POST answers 405.
	NoCreateOn []string `json:"no_create_on,omitempty"`
	// NoDeleteOn lists resource type names whose DELETE answers 405.
	NoDeleteOn []string `json:"no_delete_on,omitempty"`
	// PatchEmptyObjectOn lists resource type names whose successful PATCH
	// answers 200 with the empty JSON object {} instead of the resource
	// (PatchReturnsNoContent and PatchNoContentOn take precedence).
	PatchEmptyObjectOn []string `json:"patch_empty_object_on,omitempty"`
	// DeleteEmptyObjectOn lists resource type names whose successful
	// DELETE answers 200 with {} instead of 204 with no body.
	DeleteEmptyObjectOn []string `json:"delete_empty_object_on,omitempty"`
	// MaxPatchOperations maps resource type names to the most operations
	// one PATCH may carry; more answer 400 invalidValue.
	MaxPatchOperations map[string]int `json:"max_patch_operations,omitempty"`
	// AllowedPatchOps restricts, per resource type name, what a PATCH may
	// do. An entry is "<op> <attribute>" (op add, replace or remove) or
	// "<attribute>" (any op); the attribute is top-level (an operation on
	// name.givenName or emails[type eq "work"].value counts as one on
	// name or emails; extension attributes carry their URN), and a
	// trailing "[]" ("remove members[]") allows the operation only with a
	// value filter in its path. A path-less operation counts once per
	// attribute in its value. Anything else answers 400 invalidPath. A
	// resource type that is not listed may be patched freely.
	AllowedPatchOps map[string][]string `json:"allowed_patch_ops,omitempty"`
	// ListOmitsAttributes lists, per resource type name, attribute paths
	// that lists (GET and .search) leave out of every resource although
	// reads of one resource return them. Filters still see them.
	ListOmitsAttributes map[string][]string `json:"list_omits_attributes,omitempty"`
	// HiddenAttributes lists, per resource type name, attribute paths
	// that no SCIM response returns (reads, lists, answers to writes),
	// though they are stored, written and seen by filters; e.g. a Group's
	// "members" omitted altogether rather than shown empty
	// (HiddenGroupMembers).
	HiddenAttributes map[string][]string `json:"hidden_attributes,omitempty"`
	// ConflictStatus, when set, is the HTTP status of a uniqueness clash
	// instead of 409; ConflictScimType, when set, its scimType instead of
	// "uniqueness".
	ConflictStatus   int    `json:"conflict_status,omitempty"`
	ConflictScimType string `json:"conflict_scim_type,omitempty"`
	// ConflictDetails maps "<ResourceType>.<attribute path>" (e.g.
	// "User.emails.value", "Group.displayName") to the detail of the error
	// a uniqueness clash on that attribute answers; "{value}" in it is
	// replaced by the clashing value.
	ConflictDetails map[string]string `json:"conflict_details,omitempty"`
	// MaxFilterNodes, when positive, is the most nodes a list filter may
	// have (each comparison, and, or, not and value path counts one);
	// more answer 400 invalidFilter.
	MaxFilterNodes int `json:"max_filter_nodes,omitempty"`
	// AllowedFilterOperators, when set, lists the operators a list filter
	// may use: comparison operators ("eq", "co", ...) and the logical
	// "and", "or", "not"; a value path (emails[type eq "work"]) needs
	// "[]". Anything else answers 400 invalidFilter.
	AllowedFilterOperators []string `json:"allowed_filter_operators,omitempty"`
	// IgnoredOnUpdate lists, per resource type name, top-level attribute
	// paths that PUT and PATCH cannot change: a change is silently
	// dropped (the stored value stays) and the request succeeds.
	IgnoredOnUpdate map[string][]string `json:"ignored_on_update,omitempty"`
	// NumericIDs: new resources (unless created out of band with an id) get decimal ids of 16
	// digits (as int64 ids print) instead of UUIDs.
	NumericIDs bool `json:"numeric_ids"`
	// UserNameIsPrimaryEmail: a User whose userName contains "@" always
	// has that address among its emails, marked primary (type "work" when
	// the target adds it); no other email is primary. POST, PUT and PATCH
	// put it back when a request leaves it out.
	UserNameIsPrimaryEmail bool `json:"user_name_is_primary_email"`
	// LowercaseUserName: userName is stored lower-cased.
	LowercaseUserName bool `json:"lowercase_user_name"`
	// GroupPatchMaxMembers and GroupPatchMaxBytes, when positive, bound a
	// PATCH of a Group: more member values in its operations, or a body
	// of more bytes, answer 413.
	GroupPatchMaxMembers int `json:"group_patch_max_members,omitempty"`
	GroupPatchMaxBytes   int `json:"group_patch_max_bytes,omitempty"`
	// ErrorStatusInteger: error responses carry "status" as a JSON number
	// instead of the string RFC 7644 §3.12 specifies.
	ErrorStatusInteger bool `json:"error_status_integer"`
	// ServiceProviderConfigsAlias: /ServiceProviderConfigs (the SCIM 1.1
	// name) answers as /ServiceProviderConfig does.
	ServiceProviderConfigsAlias bool `json:"service_provider_configs_alias"`
	// NestedMembersPatchValue: a PATCH operation with path "members"
	// whose value is an object {"members": [...]} is read as if its value
	// were that list.
	NestedMembersPatchValue bool `json:"nested_members_patch_value"`
	// PutMergesOn lists resource type names whose PUT keeps the top-level
	// attributes the body leaves out (a partial update) instead of
	// removing them.
	PutMergesOn []string `json:"put_merges_on,omitempty"`
	// FrozenWhenInactive lists User attribute paths ("userName",
	// "roles.value") that PUT and PATCH may not change while the stored
	// user is inactive (active false); a change answers 400 mutability.
	FrozenWhenInactive []string `json:"frozen_when_inactive,omitempty"`
	// UnknownMemberStatus, when set, is the HTTP status of a write that
	// names a group member which is no User or Group, instead of 400;
	// UnknownMemberDetail, when set, its detail, "{value}" replaced by the
	// member value.
	UnknownMemberStatus int    `json:"unknown_member_status,omitempty"`
	UnknownMemberDetail string `json:"unknown_member_detail,omitempty"`
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
	q.DeleteDeactivates = append([]string(nil), q.DeleteDeactivates...)
	q.NoCreateOn = append([]string(nil), q.NoCreateOn...)
	q.NoDeleteOn = append([]string(nil), q.NoDeleteOn...)
	q.PatchEmptyObjectOn = append([]string(nil), q.PatchEmptyObjectOn...)
	q.DeleteEmptyObjectOn = append([]string(nil), q.DeleteEmptyObjectOn...)
	q.AllowedFilterOperators = append([]string(nil), q.AllowedFilterOperators...)
	q.PutMergesOn = append([]string(nil), q.PutMergesOn...)
	q.FrozenWhenInactive = append([]string(nil), q.FrozenWhenInactive...)
	q.MaxPatchOperations = cloneInts(q.MaxPatchOperations)
	q.AllowedPatchOps = cloneStringLists(q.AllowedPatchOps)
	q.ListOmitsAttributes = cloneStringLists(q.ListOmitsAttributes)
	q.HiddenAttributes = cloneStringLists(q.HiddenAttributes)
	q.IgnoredOnUpdate = cloneStringLists(q.IgnoredOnUpdate)
	if q.ConflictDetails != nil {
		m := make(map[string]string, len(q.ConflictDetails))
		for k, v := range q.ConflictDetails {
			m[k] = v
		}
		q.ConflictDetails = m
	}
	return q
}

func cloneInts(m map[string]int) map[string]int {
	if m == nil {
		return nil
	}
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
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
	o.RateLimits = cloneRateRules(o.RateLimits)
	return o
}

func cloneRateRules(rules []RateRule) []RateRule {
	if rules == nil {
		return nil
	}
	out := make([]RateRule, len(rules))
	for i, r := range rules {
		r.Methods = append([]string(nil), r.Methods...)
		out[i] = r
	}
	return out
}
