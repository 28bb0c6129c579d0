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
