package scimtarget

// The databricks personality follows Databricks' reference of the account
// SCIM API (/api/2.0/accounts/{account_id}/scim/v2/). Each setting below
// cites the page that documents the deviation it emulates.
const (
	databricksAPI       = "https://docs.databricks.com/api/scim/v1/"
	databricksListUsers = databricksAPI + "list-account-users.md"
	databricksSCIM21    = "https://docs.databricks.com/aws/en/reference/scim-2-1"
	databricksUser      = "https://docs.databricks.com/api/gcp/account/accountusers/patch"
	databricksOldAPI    = "https://api-docs.databricks.com/rest/latest/account-scim-api.html"
)

func databricksPersonality() Personality {
	caps := DefaultCapabilities()
	// databricksListUsers (count): "Constraints: <= 100" (its "Default is
	// 10000" contradicts it; the target caps every page at 100, which RFC
	// 7644 allows). sortBy and sortOrder are documented, so sorting stays.
	caps.FilterMaxResults = 100
	return Personality{
		Name:    "databricks",
		Summary: "Databricks (account SCIM): filters with eq, ne, co, sw, and, or only and at most 200 nodes (400 INVALID_FILTER), userName and emails ignored by PUT and PATCH, group PATCH and user DELETE answer {}, numeric ids, userName is the primary email, at most 100 per page",
		Sources: []string{
			databricksListUsers,
			databricksAPI + "create-account-user.md",
			databricksAPI + "delete-account-user.md",
			databricksAPI + "patch-account-group.md",
			databricksAPI + "update-user.md",
			databricksSCIM21,
			databricksUser,
			databricksOldAPI,
			"https://github.com/databricks/terraform-provider-databricks/pull/1577",
		},
		options: Options{
			Capabilities: caps,
			Quirks: Quirks{
				// databricksListUsers (filter): "Supported operators are
				// equals(eq), contains(co), starts with(sw) and not
				// equals(ne). Additionally, simple expressions can be
				// formed using logical operators - and and or." Value
				// paths and not are refused.
				AllowedFilterOperators: []string{"eq", "ne", "co", "sw", "and", "or"},
				// databricksSCIM21: "SCIM filter expressions are limited to
				// 200 nodes. Requests with filters that exceed this limit
				// return an INVALID_FILTER error with HTTP status 400."
				MaxFilterNodes: 200,
				// databricksUser (emails): "This attribute cannot be
				// updated through the SCIM PATCH or PUT APIs; any supplied
				// change is ignored." databricksAPI+"update-user.md": "The
				// userName and emails attributes cannot be updated through
				// this API; any supplied changes to them are ignored
				// (no-op)."
				IgnoredOnUpdate: map[string][]string{
					resourceUser: {"userName", "emails"},
				},
				// databricksAPI+"patch-account-group.md" (Response): {}.
				// The status is not given: 200.
				PatchEmptyObjectOn: []string{resourceGroup},
				// databricksAPI+"delete-account-user.md" (Response): {};
				// "Deleting a user from a Databricks account also removes
				// objects associated with the user."
				DeleteEmptyObjectOn: []string{resourceUser},
				// databricksUser (id): a string holding an int64.
				NumericIDs: true,
				// databricksAPI+"create-account-user.md": userName is the
				// "Email address of the Databricks user"; the create
				// example of databricksOldAPI sends userName and
				// displayName and gets back emails [{"type": "work",
				// "value": <userName>, "primary": true}].
				UserNameIsPrimaryEmail: true,
				// The duplicate-user message Databricks' own Terraform
				// provider matches
				// (https://github.com/databricks/terraform-provider-databricks/pull/1577):
				// "User with email %s already exists in this account".
				// The status is not documented there: 409 as in RFC 7644.
				ConflictDetails: map[string]string{
					resourceUser + ".userName": "User with email {value} already exists in this account",
				},
			},
			// Not emulated: ServicePrincipals and the workspace's
			// entitlements, which the target's schemas do not have;
			// externalId "is not currently supported. It is reserved for
			// future use." (what happens to one sent is not said); the
			// account SCIM rate limits, which Databricks leaves to a
			// "Resource limits" page the research only saw in a
			// third-party summary, with units unclear; the legacy
			// workspace SCIM API (/api/2.0/preview/scim/v2/).
		},
	}
}
