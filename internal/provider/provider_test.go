package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/openscim/terraform-provider-scim/internal/pluginserver"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// testToken is the bearer token every test target accepts.
const testToken = "test-token-5b1d0c"

// TestMain makes the settings of the process that terraform-plugin-testing
// reads from it, once, before any test runs (the tests run in parallel, so
// none of them may change the process environment): no checkpoint calls,
// and no CLI configuration file that does not exist.
func TestMain(m *testing.M) {
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	must(os.Setenv("CHECKPOINT_DISABLE", "1"))
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			must(os.Setenv("TF_CLI_CONFIG_FILE", ""))
		}
	}
	os.Exit(m.Run())
}

// skipUnlessAcceptance skips a test as resource.Test does when TF_ACC is
// not set, for a test that has something expensive to do before it calls
// resource.Test.
func skipUnlessAcceptance(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("Acceptance tests skipped unless env '%s' set", resource.EnvTfAcc)
	}
}

// providerEnv is the environment the provider under test reads (see
// NewWithEnv). It is what a test gives it and nothing else, so nothing from
// the developer's environment (SCIM_CREDENTIALS) leaks into a test.
type providerEnv map[string]string

func (e providerEnv) getenv(name string) string { return e[name] }

// providerFactories runs the provider in the test process with env as its
// environment, so the acceptance tests need no registry, no plugin cache
// and no network. It is wrapped as main.go serves it; warnings, when not
// nil, records the warnings it returns.
func providerFactories(env providerEnv, warnings *warningRecorder) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"scim": func() (tfprotov6.ProviderServer, error) {
			server := NewProtocolServer("test", env.getenv)()
			if warnings != nil {
				server = warnings.wrap(server)
			}
			return pluginserver.Wrap(server), nil
		},
	}
}

// protoV6ProviderFactories is the provider with an empty environment.
var protoV6ProviderFactories = providerFactories(nil, nil)

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
	return providerBlock{urls: []string{baseURL}, token: token}.String()
}

// providerBlock is the provider block of the tests: bearer credentials
// with token for each of urls, fast retries, no rate limit, and args.
type providerBlock struct {
	urls  []string
	token string
	args  []string
}

func (p providerBlock) String() string {
	var b strings.Builder
	b.WriteString("\nprovider \"scim\" {\n  credentials = [\n")
	for _, url := range p.urls {
		fmt.Fprintf(&b, "    { url = %q, bearer_token = %q },\n", url, p.token)
	}
	b.WriteString("  ]\n  max_retries         = 2\n  requests_per_second = 0\n")
	for _, arg := range p.args {
		fmt.Fprintf(&b, "  %s\n", arg)
	}
	b.WriteString("}\n")
	return b.String()
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
