package scimtarget

// The aws_identity_center personality follows the IAM Identity Center SCIM
// Implementation Developer Guide. Each setting below cites the page that
// documents the deviation it emulates.
const awsGuide = "https://docs.aws.amazon.com/singlesignon/latest/developerguide/"

func awsIdentityCenter() Personality {
	const enterpriseManager = urnEnterpriseUser + ":manager.value"
	return Personality{
		Name:    "aws_identity_center",
		Summary: "AWS IAM Identity Center: cursor paging, eq-only filters from a fixed list, group members hidden (read through member filters), at most 100 member changes per request, single-valued emails/addresses/phoneNumbers",
		Sources: []string{
			awsGuide + "supported-apis.html",
			awsGuide + "limitations.html",
			awsGuide + "serviceproviderconfig.html",
			awsGuide + "listusers.html",
			awsGuide + "listgroups.html",
			awsGuide + "getgroup.html",
			awsGuide + "creategroup.html",
			awsGuide + "patchgroup.html",
			awsGuide + "createuser.html",
			awsGuide + "putuser.html",
			awsGuide + "patchuser.html",
		},
		options: Options{
			// serviceproviderconfig.html, example response: patch supported;
			// bulk not supported (maxOperations 1, maxPayloadSize 1048576);
			// filter supported; changePassword, sort and etag not supported,
			// so resources carry no meta.version and no ETag. The example
			// says filter.maxResults 50, from the time lists stopped at 50
			// results; listusers.html and listgroups.html now return up to
			// 100 per page, which is what the target both advertises and
			// enforces. limitations.html: no /Bulk.
			Capabilities: Capabilities{
				Patch:              true,
				Bulk:               false,
				BulkMaxOperations:  1,
				BulkMaxPayloadSize: 1048576,
				Filter:             true,
				FilterMaxResults:   100,
				ChangePassword:     false,
				Sort:               false,
				ETag:               false,
				// serviceproviderconfig.html: the one scheme is a bearer token.
				AuthenticationSchemes: []AuthScheme{{
					Type:        "oauthbearertoken",
					Name:        "OAuth Bearer Token",
					Description: "Authentication scheme using the OAuth Bearer Token Standard",
					Primary:     true,
				}},
			},
			Quirks: Quirks{
				// listusers.html, listgroups.html (Query Parameters): a
				// request with "cursor" (empty the first time) gets
				// itemsPerPage and nextCursor instead of totalResults,
				// startIndex and itemsPerPage; count 1 to 100, default 100.
				CursorPaging: true,
				// listusers.html (Not supported): startIndex, attributes and
				// excludedAttributes, "despite being listed in the SCIM
				// protocol". listgroups.html documents the same cursor
				// paging; the target ignores them on both.
				IgnoreListParams: true,
				// listusers.html, listgroups.html (Constraints) and
				// limitations.html: eq only, joined by and, in the listed
				// combinations; "the use of id as an individual filter,
				// though valid, should be avoided". The guide's "manager" is
				// the enterprise extension's, which the target resolves only
				// when URN-qualified.
				AllowedFilters: map[string][]string{
					resourceUser: {
						"userName",
						"externalId",
						"id",
						"groups.value",
						"id and " + enterpriseManager,
						enterpriseManager + " and id",
					},
					resourceGroup: {
						"displayName",
						"externalId",
						"id",
						"members.value",
						"id and members.value",
						"members.value and id",
					},
				},
				// getgroup.html, listgroups.html (Not supported): "GetGroup
				// and ListGroups return an empty member list. To see group
				// info for a certain member, call ListGroups with a member
				// filter."
				HiddenGroupMembers: true,
				// listgroups.html (Errors): ResourceNotFoundException, 404,
				// "When filter querying with a nonexisting member".
				UnknownMemberFilterNotFound: true,
				// patchgroup.html (Examples): a successful PatchGroup answers
				// HTTP 204. PatchUser answers 200 with the user.
				PatchNoContentOn: []string{resourceGroup},
				// supported-apis.html: there is PutUser but no PutGroup.
				NoPutOn: []string{resourceGroup},
				// creategroup.html (Constraints): "A maximum of 100 members
				// can be added in a single request."
				MaxMembersOnCreate: 100,
				// patchgroup.html (Constraints): "A maximum of 100 membership
				// changes are allowed in a single request."
				MaxMemberChangesPerPatch: 100,
				// patchgroup.html (Not supported): "If you attempt to replace
				// or remove all group memberships as part of a single request
				// the result will be a ValidationException (HTTP/400)";
				// limitations.html: PatchGroup "doesn't support remove all or
				// replace operations".
				NoMemberReplaceAll: true,
				// createuser.html, putuser.html, patchuser.html
				// (Constraints): no multiple values in emails, addresses,
				// phoneNumbers (createuser.html adds roles).
				SingleValuedMultis: []string{"emails", "addresses", "phoneNumbers", "roles"},
				// createuser.html, putuser.html: "The emails attribute value
				// must be marked as primary."
				RequirePrimary: []string{"emails"},
				// createuser.html, putuser.html: givenName, familyName,
				// userName and displayName are required (userName already is
				// in the schema). creategroup.html: displayName is required,
				// as the schema has it.
				RequiredAttributes: map[string][]string{
					resourceUser: {"name.givenName", "name.familyName", "displayName"},
				},
				// creategroup.html (Errors): ConflictException, 409, "Group
				// already exists": a group is known by its displayName.
				UniqueAttributes: map[string][]string{
					resourceGroup: {"displayName"},
				},
				// limitations.html: /Me, /Bulk and /Search are not supported.
				NoSearch: true,
				// getuser.html, getgroup.html, listgroups.html (example
				// responses): meta has resourceType, created and
				// lastModified, no location; every example response is
				// Content-Type: application/json.
				NoMetaLocation:  true,
				JSONContentType: true,
				// Not in the guide, which names only the exception types and
				// status codes: error bodies as users report them, e.g.
				// https://github.com/slashdevops/idp-scim-sync/issues/30 and
				// https://github.com/slashdevops/idp-scim-sync/issues/45:
				// {"schema": [urn...:Error], "detail": ..., "status": "400"},
				// the URN list under "schema" and no scimType.
				NoScimType:     true,
				ErrorSchemaKey: "schema",
			},
			// The guide documents ThrottlingException (429) on every
			// operation but no rate for the SCIM endpoint; the user guide's
			// quotas page gives 20 transactions per second for the IAM
			// Identity Center APIs without saying that it covers SCIM. No
			// limit is set; combine with RateLimit (-rate-limit 20) to
			// rehearse throttling.
		},
	}
}
