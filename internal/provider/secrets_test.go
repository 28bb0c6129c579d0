package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Distinctive secrets, one per kind of credential. Each carries a core
// (the last eight characters before any '=') that no UUID, hash or
// timestamp in a log can contain by chance and that survives every encoding
// (URL, JSON), so a leak is found even when it is escaped or cut short
// around the core. '+', '/' and '=' change under URL encoding, which the
// client's scrubbing must cover too.
const (
	leakBearerToken  = "bearer-SECRET-Qz7Wk4Xv"
	leakBasicUser    = "scim-basic-user"
	leakBasicPass    = "basic+SECRET/Jm3Rt8Yp="
	leakClientID     = "terraform-client"
	leakClientSecret = "client+SECRET/Hx5Nc2Lu="
	leakAccessToken  = "access-SECRET-Vb9Gd6Ks"
)

// leakForms are the texts that must appear nowhere: each secret's core,
// whole, URL-escaped and JSON-escaped, and the base64 credentials of the
// Authorization headers (basic for the SCIM target, and the OAuth2 client's
// basic header to the token endpoint, which URL-escapes id and secret first).
func leakForms() map[string]string {
	forms := map[string]string{}
	for name, s := range map[string]string{
		"bearer token":         leakBearerToken,
		"basic password":       leakBasicPass,
		"OAuth2 client secret": leakClientSecret,
		"OAuth2 access token":  leakAccessToken,
	} {
		forms[s] = name
		forms[url.QueryEscape(s)] = name + " (URL-escaped)"
		j, _ := json.Marshal(s)
		forms[string(j[1:len(j)-1])] = name + " (JSON-escaped)"
		core := strings.TrimRight(s, "=")
		forms[core[len(core)-8:]] = name + " (core)"
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	forms[b64(leakBasicUser+":"+leakBasicPass)] = "basic credentials (base64)"
	forms[b64(leakClientID+":"+leakClientSecret)] = "OAuth2 client credentials (base64)"
	forms[b64(url.QueryEscape(leakClientID)+":"+url.QueryEscape(leakClientSecret))] = "OAuth2 client credentials (base64, URL-escaped)"
	return forms
}

// findLeaks lists the secrets found in b, with the line they are on when b
// is a log.
func findLeaks(where string, b []byte) error {
	var found []string
	for form, name := range leakForms() {
		i := bytes.Index(b, []byte(form))
		if i < 0 {
			continue
		}
		// Show the surroundings: the rest of a log line, or the JSON
		// members around the secret.
		start := max(bytes.LastIndexByte(b[:i], '\n')+1, i-300)
		end := min(len(b), i+len(form)+300)
		if j := bytes.IndexByte(b[i:end], '\n'); j >= 0 {
			end = i + j
		}
		found = append(found, fmt.Sprintf("%s %q in: …%s…", name, form, b[start:end]))
	}
	if len(found) > 0 {
		return fmt.Errorf("secrets leaked into the %s:\n  %s", where, strings.Join(found, "\n  "))
	}
	return nil
}

// noSecretsInPlan marshals the whole plan (`terraform show -json`: planned
// values, changes, drift, prior state, configuration, variables) and looks
// for the secrets. The values of the root module's input variables named in
// inputs are left out: Terraform writes every input variable's value into
// the plan's "variables" in plain text, sensitive or not, which no provider
// can prevent (that is why the test passes no secret as a literal either:
// Terraform would echo it in "configuration").
// find looks for the secrets (findLeaks when nil).
type noSecretsInPlan struct {
	inputs config.Variables
	find   func(where string, b []byte) error
}

// finder is find, or findLeaks.
func finder(find func(string, []byte) error) func(string, []byte) error {
	if find == nil {
		return findLeaks
	}
	return find
}

func (c noSecretsInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	plan := *req.Plan
	plan.Variables = maps.Clone(plan.Variables)
	for name := range c.inputs {
		delete(plan.Variables, name)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		resp.Error = err
		return
	}
	if !bytes.Contains(b, []byte("scim_provisioned_user")) {
		resp.Error = fmt.Errorf("the plan does not mention scim_provisioned_user; the check would prove nothing: %.300s", b)
		return
	}
	resp.Error = finder(c.find)("plan", b)
}

// noSecretsInState does the same for the whole state.
type noSecretsInState struct {
	find func(where string, b []byte) error
}

func (c noSecretsInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = finder(c.find)("state", b)
}

// newOAuthTestTarget serves a SCIM target that accepts only leakAccessToken,
// next to a client-credentials token endpoint that issues it to
// leakClientID/leakClientSecret, both on one 127.0.0.1 server.
func newOAuthTestTarget(t *testing.T) (target *scimtarget.Target, baseURL, tokenURL string, tokens *atomic.Int32) {
	t.Helper()
	tokens = &atomic.Int32{}
	srv := httptest.NewUnstartedServer(nil)
	host := "http://" + srv.Listener.Addr().String()
	target = scimtarget.New(scimtarget.Options{BearerTokens: []string{leakAccessToken}, BaseURL: host + scimtarget.BasePath})
	mux := http.NewServeMux()
	mux.Handle(scimtarget.BasePath+"/", target.Handler())
	mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
			return
		}
		// RFC 6749 §2.3.1: in the header, id and secret are form-encoded.
		id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		if u, p, ok := r.BasicAuth(); ok {
			id, _ = url.QueryUnescape(u)
			secret, _ = url.QueryUnescape(p)
		}
		if id != leakClientID || secret != leakClientSecret {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		tokens.Add(1)
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, leakAccessToken)
	})
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return target, host + scimtarget.BasePath, host + "/oauth/token", tokens
}

// secretsApp is one app of the test: a target and the people provisioned
// into it.
type secretsApp struct {
	key     string // prefix of its resource names: bearer, basic, oauth
	target  *scimtarget.Target
	baseURL string
	people  map[string]map[string]string
}

// secretsConfig puts the quickstart-like configuration of peopleConfig for
// every app into one configuration under the given provider block, each
// app's resource names and local prefixed with its key.
func secretsConfig(provider string, apps []secretsApp) string {
	var b strings.Builder
	b.WriteString(provider)
	for _, a := range apps {
		b.WriteString(peopleConfig{baseURL: a.baseURL, people: a.people, prefix: a.key}.resources())
	}
	return b.String()
}

// TestAccSecrets provisions into three apps, one per kind of credential
// (bearer token, HTTP basic, OAuth2 client credentials), with Terraform and
// the provider logging at TRACE into one file; creates, updates and
// destroys; and then looks for the secrets in that log, in every plan and in
// every state. The credentials come from the provider configuration in one
// variant and from SCIM_CREDENTIALS in the other.
//
// It is the one acceptance test that does not run in parallel: the log
// settings it needs are read from the process environment, by
// terraform-plugin-testing for the CLI and by terraform-plugin-log for the
// provider under test, so it sets them for the process (t.Setenv). Go runs
// it before the parallel tests start, alone.
func TestAccSecrets(t *testing.T) {
	t.Run("configuration", func(t *testing.T) { testAccSecrets(t, false) })
	t.Run("environment", func(t *testing.T) { testAccSecrets(t, true) })
}

func testAccSecrets(t *testing.T, fromEnv bool) {
	// Both the terraform CLI (through terraform-exec's TF_LOG_PATH) and
	// the provider under test (through terraform-plugin-log's test sink,
	// which reads these variables when each provider server starts) append
	// to TF_ACC_LOG_PATH at TRACE (terraform-plugin-testing v1.16.0,
	// internal/plugintest/helper.go; terraform-plugin-log tfsdklog/sink.go).
	// TF_LOG_PATH_MASK would take precedence over it, TF_LOG_CORE conflicts
	// with TF_ACC_LOG and TF_LOG_PROVIDER could lower the level, so a
	// developer's settings of those are cleared.
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG_PATH_MASK", "")
	t.Setenv("TF_LOG_CORE", "")
	t.Setenv("TF_LOG_PROVIDER", "")

	bearer, bearerURL := newTestTarget(t, func(o *scimtarget.Options) { o.BearerTokens = []string{leakBearerToken} })
	basic, basicURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.BearerTokens = nil
		o.BasicUsers = map[string]string{leakBasicUser: leakBasicPass}
	})
	oauth, oauthURL, tokenURL, tokens := newOAuthTestTarget(t)
	apps := []secretsApp{
		{key: "bearer", target: bearer, baseURL: bearerURL, people: threePeople()},
		{key: "basic", target: basic, baseURL: basicURL, people: threePeople()},
		{key: "oauth", target: oauth, baseURL: oauthURL, people: threePeople()},
	}

	// Secrets reach the configuration the usual way, as sensitive input
	// variables; literals would be echoed by Terraform itself in the plan's
	// "configuration" (see noSecretsInPlan).
	provider := fmt.Sprintf(`
variable "bearer_token" {
  type      = string
  sensitive = true
}
variable "basic_password" {
  type      = string
  sensitive = true
}
variable "client_secret" {
  type      = string
  sensitive = true
}

provider "scim" {
  credentials = [
    { url = %q, bearer_token = var.bearer_token },
    { url = %q, basic = { username = %q, password = var.basic_password } },
    { url = %q, oauth2 = { token_url = %q, client_id = %q, client_secret = var.client_secret } },
  ]
  max_retries = 2
}
`, bearerURL, basicURL, leakBasicUser, oauthURL, tokenURL, leakClientID)
	variables := config.Variables{
		"bearer_token":   config.StringVariable(leakBearerToken),
		"basic_password": config.StringVariable(leakBasicPass),
		"client_secret":  config.StringVariable(leakClientSecret),
	}
	var env providerEnv
	if fromEnv {
		variables = nil
		provider = "\nprovider \"scim\" {\n  max_retries = 2\n}\n"
		b, err := json.Marshal([]map[string]any{
			{"url": bearerURL, "bearer_token": leakBearerToken},
			{"url": basicURL, "basic": map[string]string{"username": leakBasicUser, "password": leakBasicPass}},
			{"url": oauthURL, "oauth2": map[string]string{"token_url": tokenURL, "client_id": leakClientID, "client_secret": leakClientSecret}},
		})
		if err != nil {
			t.Fatal(err)
		}
		env = providerEnv{EnvCredentials: string(b)}
	}

	created := secretsConfig(provider, apps)
	// The update: Bob's title changes in the basic-auth app.
	apps[1].people = threePeople()
	apps[1].people["bob"]["title"] = "Head of Sales"
	updated := secretsConfig(provider, apps)

	planCheck := noSecretsInPlan{inputs: variables}
	noLeaks := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{planCheck},
		PostApplyPostRefresh: []plancheck.PlanCheck{planCheck},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(env, nil),
		CheckDestroy: func(*terraform.State) error {
			// deprovision = "deactivate": destroy PATCHed every account, so
			// each credential was used to the end.
			for _, a := range apps {
				users := a.target.Users()
				if len(users) != 3 {
					return fmt.Errorf("%s app: %d accounts after destroy, want 3 deactivated", a.key, len(users))
				}
				for _, u := range users {
					if u["active"] != false {
						return fmt.Errorf("%s app: %v still active after destroy", a.key, u["userName"])
					}
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:            created,
				ConfigVariables:   variables,
				ConfigPlanChecks:  noLeaks,
				ConfigStateChecks: []statecheck.StateCheck{noSecretsInState{}},
				Check: func(*terraform.State) error {
					for _, a := range apps {
						if n := a.target.Count("POST", "/Users"); n != 3 {
							return fmt.Errorf("%s app received %d POSTs, want 3", a.key, n)
						}
					}
					if tokens.Load() == 0 {
						return fmt.Errorf("the token endpoint issued no access token")
					}
					return nil
				},
			},
			{
				Config:          updated,
				ConfigVariables: variables,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.basic_bob", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("scim_provisioned_user.bearer_bob", plancheck.ResourceActionNoop),
						planCheck,
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{planCheck},
				},
				ConfigStateChecks: []statecheck.StateCheck{noSecretsInState{}},
				Check: func(*terraform.State) error {
					return expectTargetAttr(basic, "bob@example.com", field("title"), "Head of Sales")
				},
			},
			{
				Config:          updated,
				ConfigVariables: variables,
				Destroy:         true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scim_provisioned_user.oauth_alice", plancheck.ResourceActionDestroy),
						planCheck,
					},
				},
			},
		},
	})

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	// The log must hold what a leak would hide in, or this test proves
	// nothing: the terraform CLI's own trace, and the SCIM client's trace
	// records (redacted headers and bodies) of SCIM and token requests
	// made with each credential.
	for _, want := range []struct {
		what  string
		parts []string
		// or is another line that will do (OpenTofu's spelling).
		or []string
	}{
		{"the CLI's own log", []string{"[INFO]", "Terraform version:"}, []string{"[INFO]", "OpenTofu version:"}},
		{"the CLI's trace of its calls to the provider", []string{"[TRACE]", "GRPCProvider.v6: ConfigureProvider"}, nil},
		{"a traced SCIM POST /Users to the bearer app", []string{"[TRACE]", "SCIM request", "POST", bearerURL + "/Users", "Authorization:[[REDACTED]]"}, nil},
		{"a traced SCIM POST /Users to the basic app", []string{"[TRACE]", "SCIM request", "POST", basicURL + "/Users", "Authorization:[[REDACTED]]"}, nil},
		{"a traced SCIM PATCH to the basic app", []string{"[TRACE]", "SCIM request", "PATCH", basicURL + "/Users/", "Head of Sales"}, nil},
		{"a traced SCIM POST /Users to the OAuth2 app", []string{"[TRACE]", "SCIM request", "POST", oauthURL + "/Users", "Authorization:[[REDACTED]]"}, nil},
		{"a traced SCIM response from the OAuth2 app", []string{"[TRACE]", "SCIM response", oauthURL + "/Users"}, nil},
		{"a traced OAuth2 token request, credentials redacted", []string{"[TRACE]", "OAuth2 token request", tokenURL, "grant_type=client_credentials", "Authorization:[[REDACTED]]"}, nil},
		{"a traced OAuth2 token response, token redacted", []string{"[TRACE]", "OAuth2 token response", "access_token", "[REDACTED]"}, nil},
	} {
		if !logHasLine(logData, want.parts...) && (want.or == nil || !logHasLine(logData, want.or...)) {
			t.Errorf("the trace log (%d bytes) has no line with %s (all of %q)", len(logData), want.what, want.parts)
		}
	}
	if err := findLeaks("trace log", logData); err != nil {
		t.Error(err)
	}
	if t.Failed() {
		kept := filepath.Join(os.TempDir(), strings.ReplaceAll(t.Name(), "/", "_")+".log")
		if err := os.WriteFile(kept, logData, 0o600); err == nil {
			t.Logf("trace log kept at %s", kept)
		}
	}
}

// logHasLine reports whether one line of the log contains all parts.
func logHasLine(log []byte, parts ...string) bool {
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		all := true
		for _, p := range parts {
			if !strings.Contains(line, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
