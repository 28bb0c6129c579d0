package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		raw          string
		requireHTTPS bool
		err          string
	}{
		{raw: "https://api.example.com/scim/v2", requireHTTPS: true},
		{raw: "http://127.0.0.1:8484/scim/v2", requireHTTPS: true},
		{raw: "http://127.8.9.10/scim", requireHTTPS: true},
		{raw: "http://localhost/scim", requireHTTPS: true},
		{raw: "http://[::1]:9000/scim", requireHTTPS: true},
		{raw: "http://scim.example.com/scim/v2", requireHTTPS: false},
		{raw: "http://scim.example.com/scim/v2", requireHTTPS: true, err: "must use https"},
		{raw: "http://10.0.0.5/scim/v2", requireHTTPS: true, err: "must use https"},
		{raw: "scim.example.com/v2", err: "not an absolute"},
		{raw: "https://", err: "not an absolute"},
		{raw: "https://u:p@example.com/scim", err: "must not embed"},
		{raw: "https://example.com/scim#frag", err: "fragment"},
	}
	for _, tt := range tests {
		err := CheckURL(tt.raw, tt.requireHTTPS)
		if tt.err == "" && err != nil {
			t.Errorf("CheckURL(%q, %v) = %v, want no error", tt.raw, tt.requireHTTPS, err)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("CheckURL(%q, %v) = %v, want error containing %q", tt.raw, tt.requireHTTPS, err, tt.err)
		}
	}
}

func TestDuration(t *testing.T) {
	for raw, ok := range map[string]bool{"30s": true, "1m30s": true, "0s": false, "-5s": false, "soon": false, "30": false} {
		resp := &validator.StringResponse{}
		Duration().ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("request_timeout"), ConfigValue: types.StringValue(raw),
		}, resp)
		if resp.Diagnostics.HasError() == ok {
			t.Errorf("Duration(%q): error = %v, want ok = %v", raw, resp.Diagnostics, ok)
		}
	}
	resp := &validator.StringResponse{}
	Duration().ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringUnknown()}, resp)
	if resp.Diagnostics.HasError() {
		t.Error("an unknown value must not be an error at plan time")
	}
}

func TestSCIMFilterAndAttributePath(t *testing.T) {
	cases := []struct {
		v   validator.String
		raw string
		ok  bool
	}{
		{SCIMFilter(), `userName eq "a@example.com"`, true},
		{SCIMFilter(), `active eq false or title pr`, true},
		{SCIMFilter(), `userName == "a"`, false},
		{SCIMFilter(), `userName eq "a" and`, false},
		{AttributePath(), `title`, true},
		{AttributePath(), `emails[type eq "work"].value`, true},
		{AttributePath(), `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`, true},
		{AttributePath(), `emails[type eq "work"`, false},
		{AttributePath(), ``, false},
	}
	for _, c := range cases {
		resp := &validator.StringResponse{}
		c.v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(c.raw)}, resp)
		if resp.Diagnostics.HasError() == c.ok {
			t.Errorf("%T(%q): error = %v, want ok = %v", c.v, c.raw, resp.Diagnostics, c.ok)
		}
		unknown := &validator.StringResponse{}
		c.v.ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringUnknown()}, unknown)
		if unknown.Diagnostics.HasError() {
			t.Errorf("%T: an unknown value must not be an error at plan time", c.v)
		}
	}
}
