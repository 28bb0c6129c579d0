package scimtarget

import (
	"net/http"
	"time"
)

// The slack personality follows Slack's SCIM API 2.0 documentation
// (https://api.slack.com/scim/v2/). Each setting below cites the page that
// documents the deviation it emulates.
const (
	slackSCIM   = "https://docs.slack.dev/reference/scim-api/scim-api-2"
	slackLimits = "https://docs.slack.dev/reference/scim-api/rate-limits"
	slackPaging = "https://api.slack.com/changelog/2019-06-have-scim-will-paginate"
	slackSDK    = "https://slack.dev/python-slack-sdk/scim/index.html"
)

// slackRateLimits are the limits of slackLimits, a minute each, as token
// buckets of the documented burst size.
func slackRateLimits() []RateRule {
	writes := []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	rule := func(methods []string, path string, limit, burst int) RateRule {
		return RateRule{Methods: methods, Path: path, Limit: limit, Window: time.Minute, Burst: burst}
	}
	get, post, del := []string{http.MethodGet}, []string{http.MethodPost}, []string{http.MethodDelete}
	update := []string{http.MethodPut, http.MethodPatch}
	return []RateRule{
		// "Organization-wide rate limits ... Each call to any of the
		// endpoints in that set counts toward the same rate limit."
		rule(writes, "", 600, 180),
		rule(get, "", 1000, 1000),
		// "Rate limits for Users endpoints": GET /Users/<id> 300 (burst
		// 300), POST /Users 180 (20), "PUT or PATCH" /Users/<id> 180 (20),
		// DELETE /Users/<id> 180 (20).
		rule(get, "/Users/*", 300, 300),
		rule(post, "/Users", 180, 20),
		rule(update, "/Users/*", 180, 20),
		rule(del, "/Users/*", 180, 20),
		// "Rate limits for Groups endpoints": GET /Groups/<id> 300 (300),
		// POST /Groups 180 (20), PUT or PATCH /Groups/<id> 180 (80),
		// DELETE /Groups/<id> 180 (20). The lists (GET /Users, GET
		// /Groups) have no row of their own.
		rule(get, "/Groups/*", 300, 300),
		rule(post, "/Groups", 180, 20),
		rule(update, "/Groups/*", 180, 80),
		rule(del, "/Groups/*", 180, 20),
	}
}

func slackPersonality() Personality {
	caps := DefaultCapabilities()
	// slackPaging: "HTTP requests with count parameter values of 1001 and
	// above will automatically be evaluated as if 1000 were provided and
	// only the first 1,000 results will be returned."
	caps.FilterMaxResults = 1000
	return Personality{
		Name:    "slack",
		Summary: "Slack: DELETE of a user deactivates it, pages of 10 by default and at most 1,000, users need an email, documented per-endpoint rate limits (e.g. POST /Users 180 a minute, burst 20) answered with 429 and Retry-After",
		Sources: []string{
			"https://docs.slack.dev/admins/scim-api",
			slackSCIM,
			slackLimits,
			slackPaging,
			slackSDK,
		},
		options: Options{
			// Otherwise not documented: the target's defaults.
			Capabilities: caps,
			Quirks: Quirks{
				// slackSCIM: "DELETE /Users/<id> | Sets a Slack user to
				// deactivated" whereas "DELETE /Groups/<id> | Permanently
				// removes a group".
				DeleteDeactivates: []string{resourceUser},
				// slackPaging: "The default page size remains 10 results
				// when no count parameter is presented."
				DefaultCount: 10,
				// slackSDK (Slack's Python SDK, create a user): "Must
				// include the user_name argument and at least one email
				// address."
				RequiredAttributes: map[string][]string{
					resourceUser: {"emails"},
				},
			},
			// slackLimits: "If you receive an HTTP 429 response from
			// Slack, you've come up against the rate limit - parse the
			// Retry-After header and retry your request after that time."
			// "Small bursts above the limit are acceptable."
			RateLimits: slackRateLimits(),
			// Not emulated: the SCIM 1.1 API (/scim/v1, a different PATCH);
			// that a token acts only on accounts with the same or fewer
			// permissions (https://api.slack.com/scim: no status given);
			// that userName cannot change (third-party connector
			// documentation only) and reserved user names (an Okta
			// knowledge-base article, a v1 error body); the v2 error body
			// ("Errors have a different structure", not shown) and the
			// status of a duplicate, neither documented.
		},
	}
}
