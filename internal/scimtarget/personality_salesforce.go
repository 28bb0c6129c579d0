package scimtarget

// The salesforce personality follows Salesforce Help on its SCIM 2.0
// service (https://MyDomainName.my.salesforce.com/services/scim/v2/). Each
// setting below cites the article that documents the deviation it
// emulates.
const (
	salesforceReference = "https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm&type=5"
	salesforceImpl      = "https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_implementation.htm&type=5"
	salesforceCreate    = "https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_create_users.htm&type=5"
	salesforceDeactive  = "https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.identity_scim_deactivate_reactivate_user.htm"
	salesforceGroups    = "https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.identity_scim_manage_groups.htm"
)

func salesforcePersonality() Personality {
	return Personality{
		Name:    "salesforce",
		Summary: "Salesforce: DELETE of a user deactivates it (it stays readable), groups (public groups) are read and updated but never created or deleted, members added as {\"members\": [...]}, userName lower-cased, /ServiceProviderConfigs, no sort, ETag or bulk, at most 200 results",
		Sources: []string{
			salesforceReference,
			salesforceImpl,
			salesforceCreate,
			salesforceDeactive,
			salesforceGroups,
		},
		options: Options{
			// salesforceImpl (the ServiceProviderConfigs sample): patch
			// supported, bulk not (maxOperations 0), filter supported with
			// maxResults 200, changePassword supported, sort and etag not,
			// and an "oauth2" authentication scheme.
			Capabilities: Capabilities{
				Patch:            true,
				Bulk:             false,
				Filter:           true,
				FilterMaxResults: 200,
				ChangePassword:   true,
				Sort:             false,
				ETag:             false,
				AuthenticationSchemes: []AuthScheme{{
					Type:        "oauth2",
					Name:        "OAuth 2.0",
					Description: "Authentication scheme using the OAuth 2.0 Standard",
					Primary:     true,
				}},
			},
			Quirks: Quirks{
				// salesforceDeactive: "You can also deactivate a user with
				// a DELETE request, as shown here. The result is the same
				// as deactivating a user with a PATCH request.", "notice
				// that the response code only includes an HTTP code", and
				// "Even though you can still query the user object, the
				// user can't log in to Salesforce with the deactivated
				// account." Reactivation is a PATCH of active true.
				DeleteDeactivates: []string{resourceUser},
				// salesforceReference: "/Groups View and manage public
				// groups to which users belong. Read: Update:" — no create
				// and no delete. The status of either is not documented:
				// 405.
				NoCreateOn: []string{resourceGroup},
				NoDeleteOn: []string{resourceGroup},
				// salesforceGroups: members are added with {"op": "add",
				// "path": "members", "value": {"members": [{"value":
				// "<user_id>"}]}}. The standard array value is still
				// accepted (not documented either way).
				NestedMembersPatchValue: true,
				// salesforceCreate: the request's "userName":
				// "scimUser@mycompany.com" comes back as
				// "scimuser@mycompany.com".
				LowercaseUserName: true,
				// salesforceImpl: "send a GET request to
				// ServiceProviderConfigs endpoint", the SCIM 1.1 name
				// (salesforceReference lists .../ServiceProviderConfigs).
				// The SCIM 2.0 name keeps working (not documented either
				// way).
				ServiceProviderConfigsAlias: true,
			},
			// Not emulated: the Salesforce User fields a create needs
			// ("include all required fields", salesforceCreate, by the
			// User object's reference) and the ones the answer adds
			// (nickName, userType "Standard", locale, timezone,
			// entitlements of type Profile); /Entitlements and /Roles,
			// which the target does not have; the filter rule "In a
			// clause, AND doesn't have precedence over OR."
			// (salesforceReference), which needs a parser of its own;
			// Salesforce ids (005..., 00G...); the platform's API limits,
			// not said to cover SCIM. Error bodies are not documented.
		},
	}
}
