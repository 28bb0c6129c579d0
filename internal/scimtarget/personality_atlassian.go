package scimtarget

// The atlassian personality follows Atlassian's user provisioning SCIM API
// (https://api.atlassian.com/scim/directory/{directoryId}/). Each setting
// below cites the page that documents the deviation it emulates.
const (
	atlassianAPI      = "https://developer.atlassian.com/cloud/admin/user-provisioning/rest/"
	atlassianUsers    = atlassianAPI + "api-group-users/"
	atlassianEmail409 = "https://confluence.atlassian.com/cloudkb/409-error-when-attempting-to-update-email-address-via-user-provisioning-1035734019.html"
	atlassianGetUsers = "https://mrrefactoring.github.io/jira.js/api/functions/userProvisioning.getUsers.html"
	atlassianGroupDup = "https://jira.atlassian.com/browse/ACCESS-1369"
)

func atlassianPersonality() Personality {
	caps := DefaultCapabilities()
	// The description of GET /Users (atlassianGetUsers, a copy of
	// Atlassian's OpenAPI text): "While this API enables pagination,
	// sorting functionality is not supported."
	caps.Sort = false
	return Personality{
		Name:    "atlassian",
		Summary: "Atlassian: an email belongs to one user (409 uniqueness \"Resource [USER]: with email[...] already exists.\", also on update), users need an email, user filters are one eq on userName or externalId, no sorting, group names unique",
		Sources: []string{
			atlassianAPI + "intro/",
			atlassianAPI,
			atlassianUsers,
			atlassianAPI + "api-group-groups/",
			atlassianEmail409,
			atlassianGetUsers,
			atlassianGroupDup,
		},
		options: Options{
			Capabilities: caps,
			Quirks: Quirks{
				// atlassianGetUsers (Atlassian's OpenAPI description,
				// mirrored by jira.js): "Filtering is supported with a
				// single exact match (eq) against the userName and
				// externalId attributes." Group filters are not
				// documented and stay unrestricted.
				AllowedFilters: map[string][]string{
					resourceUser: {"userName", "externalId"},
				},
				// atlassianUsers: emails is required on create.
				RequiredAttributes: map[string][]string{
					resourceUser: {"emails"},
				},
				// atlassianEmail409: "an email address can only be tied to
				// a single Atlassian account"; a create, PUT or PATCH
				// that gives a user another user's email answers
				// {"schemas": [...Error], "status": "409", "scimType":
				// "uniqueness", "detail": "Resource [USER]: with
				// email[example@example.com] already exists."}.
				// atlassianGroupDup (Atlassian's public tracker): "Failed
				// to create group of name ... due to existing group with
				// same name in organization"; its status is not given:
				// 409 as in RFC 7644.
				UniqueAttributes: map[string][]string{
					resourceUser:  {"emails.value"},
					resourceGroup: {"displayName"},
				},
				ConflictDetails: map[string]string{
					resourceUser + ".emails.value": "Resource [USER]: with email[{value}] already exists.",
					resourceGroup + ".displayName": "Failed to create group of name {value} due to existing group with same name in organization",
				},
			},
			// DELETE removes the user's SCIM record for good (the
			// Atlassian account is kept, deactivated; atlassianUsers), as
			// the target's DELETE does; an older page (atlassianAPI,
			// Limitations) said DELETE only deactivated.
			//
			// Not emulated: "A user account only can only be created if it
			// has an email address on a domain you have verified."
			// (atlassianAPI), as the target knows no verified domains;
			// that an existing Atlassian account with the email is linked
			// rather than created; "There is a 20000-user limit per
			// directory." (the refusal is not documented); that groups
			// cannot be renamed once synced (no page pinned); the
			// atlassian-external extension (atlassianAccountId). Rate
			// limits are not documented.
		},
	}
}
