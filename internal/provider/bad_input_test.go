package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Bad input is refused at plan time, before anything is sent to an app.
func TestAccBadInput_refusedAtPlan(t *testing.T) {
	t.Parallel()
	target, baseURL := newTestTarget(t)
	user := func(args string) string {
		return providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_provisioned_user" "x" {
  connected_app_id  = %q
  attribute_mapping = "v1: userName=email"
  profile           = { email = "x@example.com" }
%s
}
`, baseURL, args)
	}
	cases := map[string]struct{ config, want string }{
		"unknown deprovision mode": {
			config: user(`  deprovision = "purge"`),
			want:   `value must be one of: \["deactivate" "delete" "abandon"\]`,
		},
		"unknown adopt_by": {
			config: user(`  adopt_by = "email"`),
			want:   `value must be one of: \["userName" "externalId"\]`,
		},
		"unknown if_missing": {
			config: providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_attribute_mapping" "x" {
  connected_app_id = %q
  rules = [{ target = "userName", source = "email", if_missing = "skip" }]
}
`, baseURL),
			want: `value must be one of: \["omit" "error"\]`,
		},
		"unknown transform": {
			config: providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_attribute_mapping" "x" {
  connected_app_id = %q
  rules = [{ target = "userName", source = "email", transform = "titlecase" }]
}
`, baseURL),
			want: `rule 1 \(target "userName"\)`,
		},
		"empty app name": {
			config: providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_connected_app" "x" {
  name     = ""
  base_url = %q
}
`, baseURL),
			want: `name string length must be at least 1`,
		},
		"connected_app_id not a URL": {
			config: providerConfig(baseURL, testToken) + `
resource "scim_attribute_mapping" "x" {
  connected_app_id = "slack"
  rules = [{ target = "userName", source = "email" }]
}
`,
			want: `not an absolute http\(s\) URL`,
		},
		"attribute_mapping written by hand": {
			config: providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_provisioned_user" "x" {
  connected_app_id  = %q
  attribute_mapping = "userName=email"
  profile           = { email = "x@example.com" }
}
`, baseURL),
			want: `starts with "v1:"; set it to the .encoded. attribute of a scim_attribute_mapping`,
		},
		"encoded rules without userName": {
			config: providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_provisioned_user" "x" {
  connected_app_id  = %q
  attribute_mapping = "v1: title=title"
  profile           = { email = "x@example.com" }
}
`, baseURL),
			want: `userName`,
		},
		"rule with two sources": {
			config: user("") + fmt.Sprintf(`
resource "scim_attribute_mapping" "y" {
  connected_app_id = %q
  rules = [{ target = "userName", source = "email", value = "fixed" }]
}
`, baseURL),
			want: `rule 1 \(target "userName"\)`,
		},
	}
	// The cases run in parallel: the target's log is judged once they all
	// have.
	t.Cleanup(func() {
		if n := len(target.Requests()) - target.Count("GET", ""); n != 0 {
			t.Errorf("refused plans sent %d writes to the app", n)
		}
	})
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      c.config,
					PlanOnly:    true,
					ExpectError: regexpFromPattern(c.want),
				}},
			})
		})
	}
}

// Plain http to a host that is not this machine is allowed only when asked.
func TestAccBadInput_allowInsecureHTTP(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "scim_connected_app" "test" {
  name                = "Plain http, on purpose"
  base_url            = "http://scim.internal.example/scim/v2"
  allow_insecure_http = true
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}
