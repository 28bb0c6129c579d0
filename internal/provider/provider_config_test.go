package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

func appOnly(baseURL string) string {
	return fmt.Sprintf(`
resource "scim_connected_app" "test" {
  name     = "Local target"
  base_url = %q
}
`, baseURL)
}

func TestAccProvider_credentialsFromEnvironment(t *testing.T) {
	_, baseURL := newTestTarget(t)
	env := providerEnv{EnvCredentials: fmt.Sprintf(`[{"url": %q, "bearer_token": %q}]`, baseURL, testToken)}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(env, nil),
		Steps: []resource.TestStep{{
			Config: `provider "scim" {}` + appOnly(baseURL),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("scim_connected_app.test", tfjsonpath.New("id"), knownvalue.StringExact(baseURL)),
			},
		}},
	})
}

func TestAccProvider_basicAuthAndLongestPrefix(t *testing.T) {
	_, baseURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.BearerTokens = nil
		o.BasicUsers = map[string]string{"provisioning": "basic-pass-1"}
	})
	// The host-wide entry has a wrong password; the longer, path-specific
	// entry must be the one used.
	hostWide := baseURL[:len(baseURL)-len("/scim/v2")]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "scim" {
  credentials = [
    { url = %q, basic = { username = "provisioning", password = "wrong" } },
    { url = %q, basic = { username = "provisioning", password = "basic-pass-1" } },
  ]
}
`, hostWide, baseURL) + appOnly(baseURL),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("scim_connected_app.test", tfjsonpath.New("capabilities").AtMapKey("authentication_schemes"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("httpbasic")})),
			},
		}},
	})
}

func TestAccProvider_invalidConfiguration(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ provider, want string }{
		"two kinds of credentials": {
			provider: `credentials = [{ url = "https://a.example.com/scim", bearer_token = "x", basic = { username = "u", password = "p" } }]`,
			want:     "must set exactly one of bearer_token, basic or oauth2; it sets bearer_token and basic",
		},
		"no kind of credentials": {
			provider: `credentials = [{ url = "https://a.example.com/scim" }]`,
			want:     "must set exactly one of bearer_token, basic or oauth2; it sets none of them",
		},
		"bad credentials url": {
			provider: `credentials = [{ url = "a.example.com/scim", bearer_token = "x" }]`,
			want:     "not an absolute http\\(s\\) URL",
		},
		"bad timeout": {
			provider: `request_timeout = "soon"`,
			want:     "not a positive duration",
		},
		"retries out of range": {
			provider: `max_retries = 100`,
			want:     "max_retries value must be between 0 and 20",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"scim\" {\n" + c.provider + "\n}\n" + appOnly("https://a.example.com/scim"),
					PlanOnly:    true,
					ExpectError: regexpFromPattern(c.want),
				}},
			})
		})
	}
}
