package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/openscim/terraform-provider-scim/internal/pluginserver"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// testToken is the bearer token every test target accepts.
const testToken = "test-token-5b1d0c"

// protoV6ProviderFactories runs the provider in the test process, so the
// acceptance tests need no registry, no plugin cache and no network. It is
// wrapped as main.go serves it.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"scim": func() (tfprotov6.ProviderServer, error) {
		return pluginserver.Wrap(providerserver.NewProtocol6(New("test")())()), nil
	},
}

// testAccPreCheck makes sure nothing from the developer's environment leaks
// into a test.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	t.Setenv(EnvCredentials, "")
	t.Setenv("CHECKPOINT_DISABLE", "1")
	if _, err := os.Stat(os.Getenv("TF_CLI_CONFIG_FILE")); os.Getenv("TF_CLI_CONFIG_FILE") != "" && err != nil {
		t.Setenv("TF_CLI_CONFIG_FILE", "")
	}
}

// newTestTarget starts a local SCIM target on 127.0.0.1 that accepts
// testToken, and returns it with its SCIM base URL.
func newTestTarget(t *testing.T, mods ...func(*scimtarget.Options)) (*scimtarget.Target, string) {
	t.Helper()
	opts := scimtarget.Options{BearerTokens: []string{testToken}}
	for _, m := range mods {
		m(&opts)
	}
	target, srv := scimtarget.NewTestServer(t, opts)
	return target, scimtarget.BaseURL(srv)
}

// providerConfig is a provider block with bearer credentials for baseURL;
// retries are fast so fault tests stay quick.
func providerConfig(baseURL, token string) string {
	return fmt.Sprintf(`
provider "scim" {
  credentials = [
    { url = %q, bearer_token = %q },
  ]
  max_retries         = 2
  requests_per_second = 0
}
`, baseURL, token)
}

// regexpLiteral matches s literally, with any run of white space in s also
// matching line breaks (Terraform wraps diagnostics).
func regexpLiteral(s string) *regexp.Regexp {
	parts := strings.Fields(s)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

// regexpFromPattern compiles a pattern whose spaces also match line breaks.
func regexpFromPattern(p string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(p, " ", `\s+`))
}
