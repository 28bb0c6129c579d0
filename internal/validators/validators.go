// Package validators holds the provider's custom plan-time validators for
// terraform-plugin-framework string attributes.
package validators

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// AbsoluteURL accepts an absolute http or https URL with a host and no query,
// fragment or embedded credentials. With requireHTTPS, plain http is accepted
// only for loopback hosts (127.0.0.0/8, ::1, localhost), where a local SCIM
// target runs; anything else must use TLS because the provider sends secrets.
func AbsoluteURL(requireHTTPS bool) validator.String {
	return absoluteURL{requireHTTPS: requireHTTPS}
}

type absoluteURL struct{ requireHTTPS bool }

func (v absoluteURL) Description(_ context.Context) string {
	if v.requireHTTPS {
		return "must be an absolute https URL (http only for loopback addresses)"
	}
	return "must be an absolute http(s) URL"
}

func (v absoluteURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v absoluteURL) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := CheckURL(req.ConfigValue.ValueString(), v.requireHTTPS); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", err.Error())
	}
}

// CheckURL is the check behind AbsoluteURL, for use outside schemas.
func CheckURL(raw string, requireHTTPS bool) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("%q is not a valid URL: %v", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL; expected a form like https://api.example.com/scim/v2", raw)
	}
	if u.User != nil {
		return fmt.Errorf("the URL must not embed a user name or password; put credentials in the provider's `credentials`")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not have a query string or fragment", raw)
	}
	if requireHTTPS && u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q uses plain http to a non-loopback host; the provider sends credentials to this URL, so it must use https (plain http is allowed only for 127.0.0.1, ::1 and localhost)", raw)
	}
	return nil
}

// IsLoopbackHost reports whether host names this machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Duration accepts a Go duration string greater than zero, such as "30s".
func Duration() validator.String { return duration{} }

type duration struct{}

func (duration) Description(_ context.Context) string {
	return `must be a positive duration such as "30s" or "2m"`
}

func (d duration) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (duration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration; use a form such as \"30s\", \"1m30s\" or \"2m\".", req.ConfigValue.ValueString()))
	}
}

// SCIMFilter accepts a SCIM filter expression (RFC 7644 §3.4.2.2), so a
// typo fails at plan time instead of as the app's 400.
func SCIMFilter() validator.String { return scimFilter{} }

type scimFilter struct{}

func (scimFilter) Description(_ context.Context) string {
	return `must be a SCIM filter such as userName eq "alice@example.com" (RFC 7644 §3.4.2.2)`
}

func (f scimFilter) MarkdownDescription(ctx context.Context) string { return f.Description(ctx) }

func (scimFilter) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := scim.ValidateFilter(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SCIM Filter",
			err.Error()+". A filter compares attributes with eq, ne, co, sw, ew, gt, ge, lt, le or pr, joined by and, or, not "+
				`and parentheses; string values are quoted: userName sw "a" and active eq true.`)
	}
}

// AttributePath accepts a SCIM attribute path: `title`, `name.givenName`,
// `emails[type eq "work"].value` or an extension attribute by its schema
// URN.
func AttributePath() validator.String { return attributePath{} }

type attributePath struct{}

func (attributePath) Description(_ context.Context) string {
	return `must be a SCIM attribute path such as name.givenName or emails[type eq "work"].value`
}

func (a attributePath) MarkdownDescription(ctx context.Context) string { return a.Description(ctx) }

func (attributePath) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := scim.ParsePath(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SCIM Attribute Path",
			fmt.Sprintf("%q is not a SCIM attribute path: %v. Write `title`, `name.givenName`, `emails[type eq \"work\"].value` "+
				"or an extension attribute with its schema URN, "+
				"`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.", req.ConfigValue.ValueString(), err))
	}
}
