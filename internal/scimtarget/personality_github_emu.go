package scimtarget

// The github_emu personality follows GitHub's documentation of SCIM for
// Enterprise Managed Users (https://api.github.com/scim/v2/enterprises/{enterprise}/).
// Each setting below cites the page that documents the deviation it
// emulates.
const (
	githubDocs = "https://docs.github.com/en/enterprise-cloud@latest/"
	githubSCIM = githubDocs + "rest/enterprise-admin/scim"
	githubEMU  = githubDocs + "admin/managing-iam/provisioning-user-accounts-with-scim/provisioning-users-and-groups-with-scim-using-the-rest-api"
)

func githubEMUPersonality() Personality {
	caps := DefaultCapabilities()
	return Personality{
		Name:    "github_emu",
		Summary: "GitHub Enterprise Managed Users: User-Agent required (403), 30 per page by default, one eq filter on a few attributes, required externalId, active, displayName and typed primary emails, unique externalId, no filtered PATCH paths, error status as a number",
		Sources: []string{
			githubSCIM,
			githubEMU,
			githubDocs + "admin/managing-iam/provisioning-user-accounts-with-scim/deprovisioning-and-reinstating-users",
			githubDocs + "rest/using-the-rest-api/getting-started-with-the-rest-api",
			"https://github.com/github/rest-api-description",
		},
		options: Options{
			// Not documented (there is no ServiceProviderConfig in the
			// reference, and no page size limit): the target's defaults.
			Capabilities: caps,
			Quirks: Quirks{
				// githubEMU: "REST API endpoints for provisioning users
				// with SCIM require a User-Agent header." The answer comes
				// from the REST API's general rule,
				// githubDocs+"rest/using-the-rest-api/getting-started-with-the-rest-api"
				// (User-Agent): "Requests with no User-Agent header will be
				// rejected. If you provide an invalid User-Agent header,
				// you will receive a 403 Forbidden response."
				RequireUserAgent: true,
				// githubSCIM (List SCIM provisioned identities, count):
				// "Used for pagination: the number of results to return
				// per page. Default: 30". startIndex pages as in RFC 7644.
				DefaultCount: 30,
				// githubSCIM (filter): "Multiple filters are not supported.
				// Possible filters are userName, externalId, id, and
				// displayName." and, for groups, "Possible filters are
				// externalId, id, and displayName." Every example uses eq
				// and no other operator is documented, so the target
				// accepts eq only.
				AllowedFilters: map[string][]string{
					resourceUser:  {"userName", "externalId", "id", "displayName"},
					resourceGroup: {"externalId", "id", "displayName"},
				},
				// githubSCIM (Provision a SCIM enterprise user, Set SCIM
				// information for a provisioned enterprise user: body
				// parameters): schemas, externalId, active, userName,
				// displayName and emails are required, and each email's
				// value, type and primary. (The rule "givenName and
				// familyName are required when name is given" is not
				// expressible and not emulated.) Groups: externalId and
				// displayName are required.
				RequiredAttributes: map[string][]string{
					resourceUser:  {"externalId", "active", "displayName", "emails.value", "emails.type", "emails.primary"},
					resourceGroup: {"externalId", "displayName"},
				},
				// githubSCIM (body parameters): userName "Must be unique
				// per user." and externalId "Must be unique per user."; a
				// duplicate answers 409 ("Duplicate record detected").
				UniqueAttributes: map[string][]string{
					resourceUser: {"externalId"},
				},
				// githubSCIM (Update an attribute for a SCIM enterprise
				// user): "Complex SCIM path selectors that include filters
				// are not supported." (The page's own example uses one;
				// the target follows the statement.)
				NoFilteredPatchPaths: true,
				// GitHub's OpenAPI description
				// (https://github.com/github/rest-api-description,
				// components/schemas/scim-error, as generated into
				// GitHub's client types): the SCIM error's "status" is an
				// integer. The reference names the statuses (400, 401,
				// 403, 404, 409, 429) but shows no body.
				ErrorStatusInteger: true,
			},
			// Not emulated: the login derived from userName (part before
			// "@", normalised, plus _SHORTCODE) and its 39-character limit
			// and collisions (400 and 409,
			// githubDocs+"admin/managing-iam/iam-configuration-reference/username-considerations-for-external-authentication"),
			// which need the enterprise's short code; the obfuscated handle
			// and email of a soft-deprovisioned user (active false), which
			// the SCIM representation is not documented to show; the
			// general REST rate limit (5,000 requests an hour per token,
			// githubDocs+"rest/using-the-rest-api/rate-limits-for-the-rest-api"),
			// not specific to SCIM and too slow to run tests against.
			// DELETE removes the user for good ("This action is
			// irreversible.", githubSCIM), as the target does. Whether a
			// group PATCH answers 200 or 204 is not said (both are
			// listed): 200 with the group.
		},
	}
}
