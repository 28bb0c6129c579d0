// Package appcheck checks what a SaaS app's SCIM 2.0 endpoint actually does,
// as opposed to what its discovery documents say, and recommends the
// `compatibility` settings of the provider's scim_connected_app that follow
// from the difference. It is the logic of the scim-app-check command.
//
// The check reads only: the discovery documents (/ServiceProviderConfigs
// where /ServiceProviderConfig is missing, as the provider does), listings
// of /Users (paging by index and by cursor, the largest page, filters, the
// attributes parameter, how list answers are spelt), one user, and one
// page of /Groups (or, where groups are listed only with a filter, a
// members filter). With Config.Write it additionally creates one clearly
// named test account (again with an externalId when the app refuses it
// without), changes it by PATCH (its title, then its work email through a
// path with a value filter) and by PUT (its title), reads it back and
// deletes it (deactivates it when the app refuses the delete), saying so
// on Config.Progress before the first write. An app whose DELETE only
// deactivates keeps the account, inactive, and the report says so.
//
// A vendor is recommended only when the behaviour matches the whole of a
// vendor's signature (AWS IAM Identity Center, Google Cloud Identity);
// behaviour that a vendor's profile covers but another app might share is
// named in a note, with the base URL the provider knows the vendor by.
//
// Every request is made with net/http directly, so that what is reported is
// the app's raw behaviour and not what a client makes of it. The bearer
// token is sent on each request and nowhere else: redirects are not
// followed, and no message or report carries it.
package appcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout is the per-request timeout when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config is what to check and how.
type Config struct {
	// BaseURL is the SCIM base URL, e.g. https://example.com/scim/v2.
	BaseURL string
	// Token is the bearer token sent on every request; never printed.
	Token string
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// UserAgent is sent on every request, e.g. "scim-app-check/1.2.3".
	UserAgent string
	// Write adds the write probe: create, change (by PATCH and by PUT),
	// read and delete one test account.
	Write bool
	// Progress receives, as they happen, the lines of the write probe:
	// the announcement before its first write, each step, what is left.
	// nil discards them.
	Progress io.Writer
	// HTTPClient's Transport is used for the requests (proxy, TLS); nil
	// means http.DefaultTransport. Redirects are never followed.
	HTTPClient *http.Client
}

// Finding is one thing the check observed, with its evidence.
type Finding struct {
	// ID is a stable key, e.g. "users.paging_index".
	ID string `json:"id"`
	// Title names what was checked, e.g. "paging by index".
	Title string `json:"title"`
	// Result is a short, stable value: "served", "missing", "works",
	// "ignored", "accepted", "refused", "not checked", ...
	Result string `json:"result"`
	// Detail says what the result means, when it needs saying.
	Detail string `json:"detail,omitempty"`
	// Evidence is the requests and what the app answered.
	Evidence string `json:"evidence"`
}

// Recommendation is one compatibility setting the check recommends.
type Recommendation struct {
	// Field is the attribute of `compatibility`: vendor, patch, put,
	// filtered_patch_paths, etag, attributes_parameter or batch_reads.
	Field string `json:"field"`
	// Value is a string (vendor) or a bool.
	Value any `json:"value"`
	// Reason says in one line why.
	Reason string `json:"reason"`
}

// Report is the outcome of a check.
type Report struct {
	BaseURL   string    `json:"base_url"`
	UserAgent string    `json:"user_agent"`
	Findings  []Finding `json:"findings"`
	// Recommendations are the compatibility settings that differ from what
	// the provider derives from discovery (and the base URL); empty when
	// the derived settings fit.
	Recommendations []Recommendation `json:"recommendations"`
	// Notes are observations that change no setting but are worth
	// knowing (e.g. what -write would settle).
	Notes []string `json:"notes,omitempty"`
	// Write is the write probe's outcome; nil without Config.Write.
	Write *WriteReport `json:"write,omitempty"`

	obs observations
}

// Finding returns the finding with the given ID.
func (r *Report) Finding(id string) (Finding, bool) {
	for _, f := range r.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return Finding{}, false
}

// Recommendation returns the recommendation for a compatibility field.
func (r *Report) Recommendation(field string) (Recommendation, bool) {
	for _, rec := range r.Recommendations {
		if rec.Field == field {
			return rec, true
		}
	}
	return Recommendation{}, false
}

// ErrTokenRefused is wrapped by the error Check returns when the app
// answers 401 (or 403 to a listing of /Users): the token is not accepted.
var ErrTokenRefused = errors.New("the app refuses the token")

// ErrUnreachable is wrapped by the error Check returns when the app does
// not answer at all.
var ErrUnreachable = errors.New("the app cannot be reached")

// ValidateBaseURL checks that u can be a SCIM base URL: absolute http(s),
// with a host, without credentials, query or fragment.
func ValidateBaseURL(u string) error {
	p, err := url.Parse(strings.TrimSpace(u))
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", u, err)
	case p.Scheme != "https" && p.Scheme != "http":
		return fmt.Errorf("%q must start with https:// (or http://)", u)
	case p.Host == "":
		return fmt.Errorf("%q has no host", u)
	case p.User != nil:
		return errors.New("the URL must not embed credentials (user:password@host)")
	case p.RawQuery != "" || p.ForceQuery || p.Fragment != "":
		return fmt.Errorf("%q must have no query string or fragment", u)
	}
	return nil
}

// Check probes the app at cfg.BaseURL and returns what it found and
// recommends. A non-nil error means the app could not be checked (it wraps
// ErrUnreachable or ErrTokenRefused when that is why); the report then
// holds what was found before.
func Check(ctx context.Context, cfg Config) (*Report, error) {
	if err := ValidateBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	c := newChecker(cfg)
	rep := &Report{BaseURL: c.base, UserAgent: c.userAgent}
	c.rep = rep
	rep.obs.filters = map[string]tri{}
	if err := c.probe(ctx); err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("interrupted: %w", err)
	}
	if cfg.Write {
		rep.Write = c.writeProbe(ctx)
	}
	rep.Recommendations, rep.Notes = recommend(rep.BaseURL, rep.obs, rep.Write)
	return rep, nil
}
