package lifecycle

import (
	"net/http"
	"regexp"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// The vendor profiles: each deviation from RFC 7643/7644 the provider acts
// on, with the vendor documentation that states it. The local SCIM
// target's personalities (internal/scimtarget) emulate the same
// documentation, and the acceptance tests run the core scenarios against
// them.

// perMinute is a documented rate limit of requests with method under path.
func perMinute(method, path string, n float64, burst int) scim.RateLimit {
	return scim.RateLimit{Method: method, Path: path, PerMinute: n, Burst: burst}
}

// vendors are the profiles the provider knows, by name.
var vendors = map[string]Vendor{
	"aws_identity_center": {
		Name:  "aws_identity_center",
		Title: "AWS IAM Identity Center",
		// https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html,
		// listgroups.html: listings ignore startIndex, attributes and
		// excludedAttributes, and page by cursor ("Including the cursor
		// parameter changes the default response format from non-paginated
		// ... to cursor-based paginated results"), at most 100 a page.
		// getgroup.html: "GetGroup and ListGroups return an empty member
		// list. To see group info for a certain member, call ListGroups
		// with a member filter."
		Defaults: Overrides{AttributesParameter: ptr(false)},
		Client:   scim.VendorBehaviour{CursorPaging: true, GroupMembersByFilter: true, MaxPageSize: 100},
		// https://docs.aws.amazon.com/singlesignon/latest/developerguide/createuser.html
		// (constraints of CreateUser).
		RequiredUserAttributes: []string{"userName", "name.givenName", "name.familyName", "displayName"},
		// https://docs.aws.amazon.com/singlesignon/latest/developerguide/limitations.html:
		// "IAM Identity Center currently does not support multi-valued
		// attributes in general for users. Examples include multiple
		// emails, addresses, and phone numbers." password, ims, photos,
		// entitlements and x509Certificates are not supported.
		SingleValued: []string{"emails", "phoneNumbers", "addresses"},
		// createuser.html, putuser.html: "The emails attribute value must
		// be marked as primary."
		MarkPrimary: []string{"emails"},
		Unsupported: []string{"password", "ims", "photos", "entitlements", "x509Certificates"},
		// creategroup.html: "A maximum of 100 members can be added in a
		// single request."
		MaxMemberChanges: 100,
		// The documentation's requests go to
		// https://scim.us-east-1.amazonaws.com/{tenant_id}/scim/v2/...
		// (https://docs.aws.amazon.com/singlesignon/latest/developerguide/getgroup.html).
		hosts: regexp.MustCompile(`^scim\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[^/]+/scim/v2$`),
	},
	"google_cloud_identity": {
		Name:  "google_cloud_identity",
		Title: "Google Cloud Identity",
		// https://docs.cloud.google.com/identity/docs/scim/reference/rest:
		// "Neither index-based (RFC 7644 Section 3.4.2.4) nor cursor-based
		// (RFC 9865) pagination is supported."; .../customers.v2.Users/list:
		// "Requests must specify a filter. Requests without a filter
		// parameter return a tooMany error." No PUT is documented.
		Defaults:           Overrides{BatchReads: ptr(false), Put: ptr(false), ETag: ptr(false)},
		ListingNeedsFilter: true,
		// .../customers.v2.Users/patch: "A maximum of 20 operations is
		// supported per User patch request."
		MaxPatchOperations: 20,
		// .../customers.v2.Groups/patch: "A maximum of 2 operations is
		// supported per Group patch request." and "A maximum of 1 member
		// addition or removal is supported per Group patch request."
		MaxGroupPatchOperations: 2,
		MaxMemberChanges:        1,
		// .../customers.v2.Users/list: "The filter parameter only supports
		// equality on userName".
		UserFilters: []string{"userName"},
		// .../customers.v2.Groups (members): "This attribute is not
		// currently returned. Group memberships can be modified through
		// PATCH requests."
		GroupMembersUnreadable: true,
		// .../customers.v2.Groups: the group's email (extension
		// urn:ietf:params:scim:schemas:extension:google:2.0:CloudIdentityGroup)
		// is "Required", and scim_provisioned_group sets no extension.
		GroupCreateRefused: "a Cloud Identity group needs an email address (the CloudIdentityGroup extension's email, " +
			"https://docs.cloud.google.com/identity/docs/scim/reference/rest/v1/customers.v2.Groups), which scim_provisioned_group does not set",
		RequiredUserAttributes: []string{"userName"},
		// https://cloudidentityscim.googleapis.com/v1/customers/{customerId}/v2/Users
		// (.../customers.v2.Users/list).
		hosts: regexp.MustCompile(`^cloudidentityscim\.googleapis\.com/v1(beta1|alpha1)?/customers/[^/]+/v2$`),
	},
	"github_emu": {
		Name:  "github_emu",
		Title: "GitHub Enterprise Managed Users",
		// https://docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/scim:
		// "Complex SCIM path selectors that include filters are not
		// supported."
		Defaults: Overrides{FilteredPatchPaths: ptr(false)},
		// Same page, POST /Users body: schemas, externalId, active,
		// userName, displayName and emails are required.
		RequiredUserAttributes: []string{"userName", "externalId", "displayName", "emails"},
		// Same body: each email's value, type and primary are required.
		MarkPrimary: []string{"emails"},
		// Same page, POST /Groups: externalId and displayName are required.
		GroupExternalIDRequired: true,
		// Same page, DELETE /Users/{scim_user_id}: "Suspends a SCIM user
		// permanently from an enterprise. ... This action is irreversible."
		DeleteMeans: DeleteIrreversible,
		DeleteNote: "GitHub suspends the user permanently and deletes their SCIM identity (\"This action is irreversible\", " +
			"https://docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/scim); active = false is GitHub's reversible " +
			"soft deprovisioning.",
		// Same page: https://api.github.com/scim/v2/enterprises/{enterprise}/;
		// data residency hosts api.SUBDOMAIN.ghe.com.
		hosts: regexp.MustCompile(`^api\.([a-z0-9-]+\.ghe\.com|github\.com)/scim/v2/enterprises/[^/]+$`),
	},
	"slack": {
		Name:  "slack",
		Title: "Slack",
		Client: scim.VendorBehaviour{
			// https://docs.slack.dev/reference/scim-api/rate-limits: "the
			// limits below apply to all SCIM apps in an org"; writes 600 a
			// minute (burst 180), reads 1,000 (burst 1,000); per endpoint
			// (a minute, burst): POST /Users 180/20, PUT|PATCH /Users 180/20,
			// DELETE /Users 180/20, GET /Users/<id> 300/300, POST /Groups
			// 180/20, PUT|PATCH /Groups 180/80, DELETE /Groups 180/20.
			RateLimits: []scim.RateLimit{
				perMinute(scim.WriteMethods, "", 600, 180),
				perMinute(http.MethodGet, "", 1000, 1000),
				perMinute(http.MethodPost, "/Users", 180, 20),
				perMinute(http.MethodPut, "/Users/", 180, 20),
				perMinute(http.MethodPatch, "/Users/", 180, 20),
				perMinute(http.MethodDelete, "/Users/", 180, 20),
				perMinute(http.MethodGet, "/Users/", 300, 300),
				perMinute(http.MethodPost, "/Groups", 180, 20),
				perMinute(http.MethodPut, "/Groups/", 180, 80),
				perMinute(http.MethodPatch, "/Groups/", 180, 80),
				perMinute(http.MethodDelete, "/Groups/", 180, 20),
			},
			// https://api.slack.com/changelog/2019-06-have-scim-will-paginate:
			// "count parameter values of 1001 and above will automatically be
			// evaluated as if 1000 were provided".
			MaxPageSize: 1000,
		},
		// https://docs.slack.dev/reference/scim-api/scim-api-2:
		// "DELETE /Users/<id> | Sets a Slack user to deactivated".
		DeleteMeans: DeleteDeactivates,
		// Slack's SDK documentation (https://slack.dev/python-slack-sdk/scim/index.html):
		// a user "Must include the user_name argument and at least one email
		// address."
		RequiredUserAttributes: []string{"userName", "emails"},
		DeleteNote:             "Slack's DELETE /Users/<id> \"Sets a Slack user to deactivated\" (https://docs.slack.dev/reference/scim-api/scim-api-2).",
		// https://docs.slack.dev/admins/scim-api: "The base URL is /scim/v2".
		hosts: regexp.MustCompile(`^api\.slack\.com/scim/v2$`),
	},
	"salesforce": {
		Name:  "salesforce",
		Title: "Salesforce",
		// https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_implementation.htm:
		// ServiceProviderConfigs says "filter": {"supported": true,
		// "maxResults": 200}.
		Client: scim.VendorBehaviour{MaxPageSize: 200},
		// https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm:
		// "/Groups View and manage public groups to which users belong.
		// Read: Update:" (no create).
		// https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.identity_scim_manage_groups.htm:
		// members are added with {"op":"add","path":"members","value":
		// {"members":[{"value":"<user id>"}]}}.
		GroupMemberAddWrapped: true,
		GroupCreateRefused: "Salesforce's SCIM API reads and updates public groups but does not create them " +
			"(https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm&type=5)",
		GroupDeleteRefused: "Salesforce's SCIM API reads and updates public groups but does not delete them " +
			"(https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm&type=5)",
		// https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.identity_scim_deactivate_reactivate_user.htm:
		// "You can also deactivate a user with a DELETE request ... The
		// result is the same as deactivating a user with a PATCH request."
		DeleteMeans: DeleteDeactivates,
		DeleteNote: "Salesforce deactivates a user it is sent a DELETE for, as a PATCH of active = false would " +
			"(https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.identity_scim_deactivate_reactivate_user.htm).",
		// https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm:
		// https://MyDomainName.my.salesforce.com/services/scim/v2/...
		hosts: regexp.MustCompile(`^[a-z0-9-]+(\.sandbox)?\.my\.salesforce\.com/services/scim/v2$`),
	},
	"databricks": {
		Name:  "databricks",
		Title: "Databricks",
		// https://docs.databricks.com/api/scim/v1/list-account-users.md:
		// count "Constraints: <= 100".
		Client: scim.VendorBehaviour{MaxPageSize: 100},
		// https://docs.databricks.com/api/scim/v1/create-account-user.md:
		// "External ID is not currently supported. It is reserved for
		// future use."
		Unsupported: []string{"externalId"},
		// https://docs.databricks.com/api/gcp/account/accountusers/patch:
		// emails "cannot be updated through the SCIM PATCH or PUT APIs;
		// any supplied change is ignored."
		KeptOnUpdate:     []string{"emails"},
		KeptOnUpdateNote: "Databricks ignores a change of emails sent by PATCH or PUT (https://docs.databricks.com/api/gcp/account/accountusers/patch).",
		// Same reference: /api/2.0/accounts/{account_id}/scim/v2/ on the
		// accounts console; workspaces serve /api/2.0/preview/scim/v2/.
		hosts: regexp.MustCompile(`^(accounts\.(cloud\.databricks\.com|azuredatabricks\.net|gcp\.databricks\.com)/api/2\.0/accounts/[^/]+/scim/v2|` +
			`[a-z0-9.-]+\.(cloud\.databricks\.com|azuredatabricks\.net|gcp\.databricks\.com)/api/2\.0/(preview|account)/scim/v2)$`),
	},
	"zoom": {
		Name:  "zoom",
		Title: "Zoom",
		// Zoom's answer on its developer forum
		// (https://devforum.zoom.us/t/zoom-scim-api-getuser-listusers-createuser-user-profile-consistency/111286):
		// licenses, manager, organization and costCenter "are also
		// unavailable in the List Users SCIM API" though GetUser returns
		// them: a listing cannot serve a refresh. The SCIM2 reference
		// (https://developers.zoom.us/docs/api/scim2/) gives the user PATCH
		// as "Use this API to activate or deactivate a user.": updates go by
		// PUT.
		Defaults: Overrides{BatchReads: ptr(false), Patch: ptr(false)},
		// A developer-forum report (https://devforum.zoom.us/t/update-users-fields-scim2-api/6248):
		// the PUT leaves displayName and userName as they were.
		KeptOnUpdate:     []string{"displayName", "userName"},
		KeptOnUpdateNote: "Zoom's PUT leaves displayName and userName as they were (https://devforum.zoom.us/t/update-users-fields-scim2-api/6248).",
		// https://developers.zoom.us/docs/api/scim2/: users are filtered by
		// userName eq and externalId eq.
		UserFilters: []string{"userName", "externalId"},
		// https://api.zoom.us/scim2/Users.
		hosts: regexp.MustCompile(`^api\.zoom\.us(/v2)?/scim2$`),
	},
	"atlassian": {
		Name:  "atlassian",
		Title: "Atlassian",
		// https://developer.atlassian.com/cloud/admin/user-provisioning/rest/:
		// users need an email on a verified domain, and an email belongs to
		// one Atlassian account.
		RequiredUserAttributes: []string{"userName", "emails"},
		// Atlassian's description of GET /Users, as jira.js mirrors it
		// (https://mrrefactoring.github.io/jira.js/api/functions/userProvisioning.getUsers.html):
		// "Filtering is supported with a single exact match (eq) against the
		// userName and externalId attributes."
		UserFilters: []string{"userName", "externalId"},
		// The current reference of DELETE /Users/{userId}
		// (https://developer.atlassian.com/cloud/admin/user-provisioning/rest/api-group-users/):
		// it unlinks the user from the directory and removes the SCIM
		// record, which cannot be restored (the Atlassian account is kept,
		// deactivated). An older page said it only deactivated.
		DeleteMeans: DeleteIrreversible,
		DeleteNote: "Atlassian unlinks the user from the directory and removes its SCIM record for good (the Atlassian " +
			"account itself is kept, deactivated; https://developer.atlassian.com/cloud/admin/user-provisioning/rest/).",
		// https://api.atlassian.com/scim/directory/{directoryId}.
		hosts: regexp.MustCompile(`^api\.atlassian\.com/scim/directory/[^/]+$`),
	},
	"miro": {
		Name:  "miro",
		Title: "Miro",
		// https://developers.miro.com/reference/rate-limits: "It is
		// possible to sync up to 8000 users in one single Group PATCH
		// request. For payloads that contain more than 8000 members (or
		// bigger than 800000 bytes), the API returns a 413 error code."
		MaxMemberChanges: 8000,
		// https://developers.miro.com/docs/errors: a duplicate user is 400
		// invalidValue "User name '...' is invalid: 'not unique'", not 409.
		ConflictDetail: "not unique",
		Client: scim.VendorBehaviour{
			// Same page, per 30 seconds: GET and POST /Users 200, PUT and
			// PATCH /Users/{id} 100, DELETE /Users/{id} 20, GET /Groups 5,
			// GET /Groups/{id} 20, PATCH /Groups/{id} 5 above 500 bytes
			// (the client does not weigh bodies: it keeps to the lower).
			RateLimits: []scim.RateLimit{
				perMinute(http.MethodGet, "/Users", 400, 200),
				perMinute(http.MethodPost, "/Users", 400, 200),
				perMinute(http.MethodPut, "/Users/", 200, 100),
				perMinute(http.MethodPatch, "/Users/", 200, 100),
				perMinute(http.MethodDelete, "/Users/", 40, 20),
				perMinute(http.MethodGet, "/Groups$", 10, 5),
				perMinute(http.MethodGet, "/Groups/", 40, 20),
				perMinute(http.MethodPatch, "/Groups/", 10, 5),
			},
		},
		// https://developers.miro.com/docs/how-to-enable-scim: "the base URL
		// for SCIM API is https://miro.com/api/v1/scim/".
		hosts: regexp.MustCompile(`^(api\.)?miro\.com/api/v1/scim$`),
	},
}
