package scimtarget

import (
	"net/http"
	"time"
)

// The miro personality follows Miro's SCIM API documentation
// (https://miro.com/api/v1/scim/). Each setting below cites the page that
// documents the deviation it emulates.
const (
	miroLimits      = "https://developers.miro.com/reference/rate-limits"
	miroErrors      = "https://developers.miro.com/docs/errors.md"
	miroDeactivated = "https://help.miro.com/hc/en-us/articles/360025025894-Deactivated-users"
	miroIntro       = "https://developers.miro.com/reference/scim-introduction"
)

// miroTooMany is the 429 of miroErrors.
const miroTooMany = "The user has sent too many requests in a given amount of time"

// miroRateLimits are the limits of miroLimits: "Rate limits for SCIM API
// use the same levels as REST API but with a lifetime of 30 seconds."
func miroRateLimits() []RateRule {
	rule := func(method, path string, limit int) RateRule {
		return RateRule{Methods: []string{method}, Path: path, Limit: limit, Window: 30 * time.Second,
			ScimType: "tooManyRequests", Detail: miroTooMany}
	}
	large, small := rule(http.MethodPatch, "/Groups/*", 5), rule(http.MethodPatch, "/Groups/*", 100)
	// "5 for requests bigger than 500 bytes 100 for requests smaller than
	// 500 bytes" (a request of exactly 500 bytes counts as small).
	large.MinBodyBytes, small.MaxBodyBytes = 501, 500
	return []RateRule{
		rule(http.MethodGet, "/Users", 200),
		rule(http.MethodGet, "/Users/*", 200),
		rule(http.MethodPost, "/Users", 200),
		rule(http.MethodPut, "/Users/*", 100),
		rule(http.MethodPatch, "/Users/*", 100),
		rule(http.MethodDelete, "/Users/*", 20),
		rule(http.MethodGet, "/Groups", 5),
		rule(http.MethodGet, "/Groups/*", 20),
		large,
		small,
	}
}

func miroPersonality() Personality {
	return Personality{
		Name:    "miro",
		Summary: "Miro: a duplicate userName answers 400 invalidValue (not 409), group PATCH of more than 8,000 members or 800,000 bytes answers 413, unknown members 404, userName, userType and roles frozen while a user is deactivated, per-endpoint limits per 30 seconds (GET /Groups 5) answered 429 tooManyRequests",
		Sources: []string{
			"https://developers.miro.com/docs/how-to-enable-scim",
			miroIntro,
			"https://developers.miro.com/docs/users",
			"https://developers.miro.com/docs/groups",
			miroLimits,
			miroErrors,
			miroDeactivated,
		},
		options: Options{
			// Not documented beyond "Bulk operations aren't supported."
			// (miroIntro), which is the target's default.
			Capabilities: DefaultCapabilities(),
			Quirks: Quirks{
				// miroErrors: a duplicate user answers {"schemas":
				// [...Error], "status": "400", "scimType":
				// "invalidValue", "detail": "User name
				// 'userEmail@test.com' is invalid: 'not unique'"}; 409 is
				// what a domain that is not allowed gets.
				ConflictStatus:   http.StatusBadRequest,
				ConflictScimType: errInvalidValue,
				ConflictDetails: map[string]string{
					resourceUser + ".userName": "User name '{value}' is invalid: 'not unique'",
				},
				// miroLimits (Group synchronization limits): "It is
				// possible to sync up to 8000 users in one single Group
				// PATCH request. For payloads that contain more than 8000
				// members (or bigger than 800000 bytes), the API returns
				// a 413 error code."
				GroupPatchMaxMembers: 8000,
				GroupPatchMaxBytes:   800000,
				// miroErrors: a group PATCH naming a member that does not
				// exist answers 404 "No valid resources:
				// [{memberId=...}]". The target answers so to every
				// write of a group that names one.
				UnknownMemberStatus: http.StatusNotFound,
				UnknownMemberDetail: "No valid resources: [{memberId={value}}]",
				// miroDeactivated: "The following attributes are not
				// allowed to be updated for Deactivated users: userName |
				// userType | roles.value". The status is not documented:
				// 400 mutability.
				FrozenWhenInactive: []string{"userName", "userType", "roles.value"},
			},
			// miroLimits, per 30 seconds; the 429 of miroErrors has
			// scimType "tooManyRequests". Retry-After is not documented;
			// the target sends it.
			RateLimits: miroRateLimits(),
			// Not emulated: the 409 "<email> is not whitelisted" for a
			// domain the organization does not allow (miroErrors), as the
			// target knows no allowed domains; displayName's 60
			// characters and userType "Full" (https://developers.miro.com/docs/users),
			// whose refusals are not documented; the legacy model where
			// groups are teams that "can't" be created or deleted
			// (miroIntro) — the target follows the current one, where
			// groups are user groups with create and delete — and its
			// last-team-admin rule.
		},
	}
}
