package scimtarget

// The google_cloud_identity personality follows Google's reference of the
// Cloud Identity SCIM API (cloudidentityscim.googleapis.com). Each setting
// below cites the page that documents the deviation it emulates; the v1
// and v1beta1 pages say the same.
const googleSCIM = "https://docs.cloud.google.com/identity/docs/scim/reference/rest"

func googleCloudIdentity() Personality {
	return Personality{
		Name:    "google_cloud_identity",
		Summary: "Google Cloud Identity: lists need a filter (userName eq; displayName or externalId eq) and do not page (50 groups at most), lowercase \"resources\", PATCH and DELETE answer {}, user PATCH at most 20 operations, group PATCH at most 2 and one member change, no PUT, group members never returned, userName is the primary email",
		Sources: []string{
			googleSCIM,
			googleSCIM + "/v1/customers.v2.Users",
			googleSCIM + "/v1/customers.v2.Users/list",
			googleSCIM + "/v1/customers.v2.Users/patch",
			googleSCIM + "/v1/customers.v2.Users/delete",
			googleSCIM + "/v1/customers.v2.Groups",
			googleSCIM + "/v1/customers.v2.Groups/list",
			googleSCIM + "/v1/customers.v2.Groups/patch",
			googleSCIM + "/v1/customers.v2.Groups/delete",
		},
		options: Options{
			// googleSCIM (Unsupported SCIM features): "Sorting",
			// "Pagination: Neither index-based (RFC 7644 Section 3.4.2.4)
			// nor cursor-based (RFC 9865) pagination is supported.", "Bulk
			// operations", "ETags". PATCH is the update method (the
			// resources list create, delete, get, list and patch).
			// .../customers.v2.Groups/list: "If there are more than 50
			// group matches, only the first 50 results will be returned."
			// No cap is documented for users, whose only filter (userName
			// eq) matches one user at most, so 50 is the cap of every
			// list. The ServiceProviderConfig itself is not documented:
			// the target advertises these values.
			Capabilities: Capabilities{
				Patch:            true,
				Bulk:             false,
				Filter:           true,
				FilterMaxResults: 50,
				ChangePassword:   false,
				Sort:             false,
				ETag:             false,
			},
			Quirks: Quirks{
				// .../customers.v2.Users/list and .../customers.v2.Groups/list:
				// "Requests must specify a filter. Requests without a
				// filter parameter return a tooMany error." The status is
				// not given; the target answers 400, as RFC 7644 §3.12
				// has it for tooMany.
				ListNeedsFilter: true,
				// Same pages: "Pagination is not supported."; the response
				// is {"schemas", "resources", "totalResults"}: no
				// startIndex, no itemsPerPage, and "resources" in lower
				// case.
				NoPaging:           true,
				LowercaseResources: true,
				// .../customers.v2.Users/list: "The filter parameter only
				// supports equality on userName (for example, userName eq
				// \"user@domain.com\")." .../customers.v2.Groups/list:
				// "only supports equality on displayName ... or
				// externalId". Both: "Sub-string matches (co, sw, ew),
				// logical operators (and, or), and complex value filters
				// are not supported."
				AllowedFilters: map[string][]string{
					resourceUser:  {"userName"},
					resourceGroup: {"displayName", "externalId"},
				},
				// .../customers.v2.Users/patch and .../customers.v2.Groups/patch:
				// "If successful, the response body is an empty JSON
				// object." .../customers.v2.Users/delete and
				// .../customers.v2.Groups/delete: the same, so DELETE
				// answers 200 {} rather than 204.
				PatchEmptyObjectOn:  []string{resourceUser, resourceGroup},
				DeleteEmptyObjectOn: []string{resourceUser, resourceGroup},
				// .../customers.v2.Users/patch: "A maximum of 20 operations
				// is supported per User patch request."
				// .../customers.v2.Groups/patch: "A maximum of 2 operations
				// is supported per Group patch request." The status of a
				// refusal is not documented: 400.
				MaxPatchOperations: map[string]int{resourceUser: 20, resourceGroup: 2},
				// .../customers.v2.Groups/patch: "A maximum of 1 member
				// addition or removal is supported per Group patch
				// request."
				MaxMemberChangesPerPatch: 1,
				// .../customers.v2.Groups/patch (Supported operations and
				// attributes): "add: Supported for displayName,
				// description, members, and externalId. remove: Supported
				// for description and members (requires a value filter
				// using the eq operator on the value sub-attribute, for
				// example, \"path\": \"members[value eq
				// \\\"<member_id>\\\"]\"). replace: Supported for
				// displayName and description." (description belongs to
				// Google's group and is not in the target's Group schema.)
				AllowedPatchOps: map[string][]string{
					resourceGroup: {
						"add displayName", "add description", "add members", "add externalId",
						"remove description", "remove members[]",
						"replace displayName", "replace description",
					},
				},
				// googleSCIM: the Users and Groups resources have create,
				// delete, get, list and patch methods; there is no update
				// (PUT). The status of a PUT is not documented: 405.
				NoPut: true,
				// .../customers.v2.Groups (members): "This attribute is not
				// currently returned. Group memberships can be modified
				// through PATCH requests." .../customers.v2.Users (groups):
				// output only, not returned by default, and "Reading this
				// attribute requires the customer to be allowlisted." The
				// target plays a customer that is not.
				HiddenAttributes: map[string][]string{
					resourceGroup: {"members"},
					resourceUser:  {"groups"},
				},
				// .../customers.v2.Users (emails): "The email corresponding
				// to userName will automatically be added to this list
				// with its primary sub-attribute set to true. This primary
				// email entry is read-only and cannot be modified through
				// this attribute."
				UserNameIsPrimaryEmail: true,
			},
			// Not emulated: the group's required Google extension
			// (urn:ietf:params:scim:schemas:extension:google:2.0:CloudIdentityGroup
			// with a unique "email", .../customers.v2.Groups) and the
			// CloudIdentityUser extension, which the target's schemas do
			// not have; the size caps of emails, addresses (10 KB) and
			// phoneNumbers (1 KB); Google OAuth scopes. Error bodies, rate
			// limits and the ServiceProviderConfig are not documented.
		},
	}
}
