package scimtarget

import (
	"net/http"
	"time"
)

// The zoom personality follows Zoom's SCIM2 API reference
// (https://api.zoom.us/scim2/) and, where the reference is silent, what
// Zoom's developer forum and third-party renderings of the reference
// report; each setting below says which.
const (
	zoomSCIM2  = "https://developers.zoom.us/docs/api/scim2/"
	zoomLimits = "https://developers.zoom.us/docs/api/rate-limits/"
	zoomList   = "https://devforum.zoom.us/t/zoom-scim-api-getuser-listusers-createuser-user-profile-consistency/111286"
	zoomErrors = "https://devforum.zoom.us/t/what-are-all-the-cases-where-zoom-scim-api-return-error-400-bad-request-even-if-the-query-params-are-correct/7646"
	zoomPut    = "https://devforum.zoom.us/t/update-users-fields-scim2-api/6248"
)

func zoomPersonality() Personality {
	enterprise := func(attr string) string { return urnEnterpriseUser + ":" + attr }
	perSecond := func(method, path string, n int) RateRule {
		return RateRule{Methods: []string{method}, Path: path, Limit: n, Window: time.Second}
	}
	return Personality{
		Name:    "zoom",
		Summary: "Zoom: user PATCH only activates or deactivates, listings leave out the enterprise manager, organization and costCenter, eq filters on userName and externalId, group PATCH answers 204, PUT keeps what it leaves out and ignores userName and displayName, error status as a number",
		Sources: []string{
			zoomSCIM2,
			zoomLimits,
			zoomList,
			zoomErrors,
			zoomPut,
		},
		options: Options{
			// Zoom documents no ServiceProviderConfig: the target's
			// defaults.
			Capabilities: DefaultCapabilities(),
			Quirks: Quirks{
				// zoomSCIM2, PATCH /scim2/Users/{userId} ("Deactivate a
				// user"): "Use this API to activate or deactivate a
				// user." Any other change answers 400 (status not
				// documented); updates go by PUT.
				AllowedPatchOps: map[string][]string{
					resourceUser: {"active"},
				},
				// Zoom's answer on its developer forum (zoomList):
				// licenses "are not available in the ListUsers SCIM API,
				// but are present in the GetUser SCIM API. Additionally,
				// some other fields, i.e. manager, organization,
				// costCenter are also unavailable in the List Users SCIM
				// API." (The license fields belong to Zoom's extension,
				// which the target's schemas do not have.)
				ListOmitsAttributes: map[string][]string{
					resourceUser: {enterprise("manager"), enterprise("organization"), enterprise("costCenter")},
				},
				// zoomSCIM2, List users (filter), as third-party
				// renderings of the reference give it: userName eq
				// {userEmail} and externalId eq {userId} (and a license
				// type, an attribute of Zoom's extension).
				AllowedFilters: map[string][]string{
					resourceUser: {"userName", "externalId"},
				},
				// zoomSCIM2, PATCH /scim2/Groups/{groupId} ("Update a
				// group"): 204 No Content, per a third-party digest of
				// the reference's responses.
				PatchNoContentOn: []string{resourceGroup},
				// An error body Zoom returned, quoted on its forum
				// (zoomErrors): {"schemas": [...Error], "detail": "User
				// ... not exist or not belong to this account.",
				// "status": 400}, the status a number.
				ErrorStatusInteger: true,
				// zoomSCIM2, PUT /scim2/Users/{userId} ("Update a user"),
				// in a third-party rendering: "include only the
				// parameters you want to update and the required schemas
				// parameter" — a PUT is a partial update.
				PutMergesOn: []string{resourceUser},
				// A forum report (zoomPut), not the reference: a PUT of
				// displayName or userName "I get a 200 response, but the
				// fields do not update."
				IgnoredOnUpdate: map[string][]string{
					resourceUser: {"userName", "displayName"},
				},
			},
			// zoomLimits: "When you exceed a rate limit, the API request
			// will fail and return a HTTP 429 status code.", applied per
			// account. zoomSCIM2 labels List users and List groups
			// MEDIUM and the user PATCH LIGHT; SCIM needs a Business or
			// Education account, whose limits are, per third-party copies
			// of zoomLimits' table, 60 (Medium) and 80 (Light) requests a
			// second. Other SCIM operations' labels were not found.
			RateLimits: []RateRule{
				perSecond(http.MethodGet, "/Users", 60),
				perSecond(http.MethodGet, "/Groups", 60),
				perSecond(http.MethodPatch, "/Users/*", 80),
			},
			// Not emulated: the Accept header Zoom asks for
			// ("application/scim+json", zoomSCIM2), as what happens
			// without it is not documented; the Zoom extension (license
			// fields, loginType) and userType license values; the default
			// group that cannot be deleted; the SSO and vanity URL
			// prerequisites; the 400 a pending user's userName filter gets
			// (a forum report).
		},
	}
}
