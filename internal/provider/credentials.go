package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/validators"
)

// credential is one resolved entry of the provider's credentials, from the
// configuration or the environment. It never leaves the provider process.
type credential struct {
	url    string // normalised, see normalizeBaseURL
	source string // "configuration" or the environment variable, for messages

	bearerToken string

	basicUsername string
	basicPassword string

	oauthTokenURL     string
	oauthClientID     string
	oauthClientSecret string
	oauthScopes       []string
}

func (c credential) kind() string {
	switch {
	case c.bearerToken != "":
		return "bearer token"
	case c.basicUsername != "":
		return "HTTP basic"
	case c.oauthClientID != "":
		return "OAuth 2.0 client credentials"
	}
	return "none"
}

func (c credential) authenticator() scim.Authenticator {
	switch {
	case c.bearerToken != "":
		return scim.BearerToken(c.bearerToken)
	case c.basicUsername != "":
		return scim.BasicAuth(c.basicUsername, c.basicPassword)
	case c.oauthClientID != "":
		return scim.OAuth2ClientCredentials(c.oauthTokenURL, c.oauthClientID, c.oauthClientSecret, c.oauthScopes, nil)
	}
	return scim.NoAuth()
}

func (c credential) secrets() []string {
	var out []string
	for _, s := range []string{c.bearerToken, c.basicPassword, c.oauthClientSecret} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// normalizeBaseURL gives the form base URLs are compared and keyed in: scheme
// and host lower-cased, default port dropped, no trailing slash, no query or
// fragment. Paths stay case-sensitive, as they are on the wire.
func normalizeBaseURL(raw string) (string, error) {
	if err := validators.CheckURL(raw, false); err != nil {
		return "", err
	}
	u, _ := url.Parse(strings.TrimSpace(raw)) // CheckURL parsed it
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	switch {
	case port != "":
		host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"): // IPv6 literal without a port
		host = "[" + host + "]"
	}
	return strings.ToLower(u.Scheme) + "://" + host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// matchesPrefix reports whether base lies under prefix on whole path
// segments, so https://h/scim does not match https://h/scim2.
func matchesPrefix(base, prefix string) bool {
	return base == prefix || strings.HasPrefix(base, prefix+"/")
}

func credentialsFromConfig(in []credentialModel) ([]credential, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out []credential
	for i, m := range in {
		at := path.Root("credentials").AtListIndex(i)
		if m.URL.IsUnknown() || m.BearerToken.IsUnknown() ||
			(m.Basic != nil && (m.Basic.Username.IsUnknown() || m.Basic.Password.IsUnknown())) ||
			(m.OAuth2 != nil && (m.OAuth2.TokenURL.IsUnknown() || m.OAuth2.ClientID.IsUnknown() || m.OAuth2.ClientSecret.IsUnknown())) {
			diags.AddAttributeError(at, "Credentials Not Known Yet",
				"This credentials entry depends on a value that is only known after apply. Credentials must be known when "+
					"the plan is made: take them from variables, data sources or the "+EnvCredentials+" environment variable.")
			continue
		}
		u, err := normalizeBaseURL(m.URL.ValueString())
		if err != nil {
			diags.AddAttributeError(at.AtName("url"), "Invalid Credentials URL", err.Error())
			continue
		}
		c := credential{url: u, source: "configuration", bearerToken: m.BearerToken.ValueString()}
		if m.Basic != nil {
			c.basicUsername, c.basicPassword = m.Basic.Username.ValueString(), m.Basic.Password.ValueString()
		}
		if m.OAuth2 != nil {
			c.oauthTokenURL = m.OAuth2.TokenURL.ValueString()
			c.oauthClientID = m.OAuth2.ClientID.ValueString()
			c.oauthClientSecret = m.OAuth2.ClientSecret.ValueString()
			c.oauthScopes = m.OAuth2.Scopes
		}
		out = append(out, c)
	}
	return out, diags
}

// envCredential is the JSON shape of one entry of SCIM_CREDENTIALS; it uses
// the attribute names of the configuration so one can be copied to the other.
type envCredential struct {
	URL         string `json:"url"`
	BearerToken string `json:"bearer_token"`
	Basic       *struct {
		Username string `json:"username"`
		Password string `json:"password"`
	} `json:"basic"`
	OAuth2 *struct {
		TokenURL     string   `json:"token_url"`
		ClientID     string   `json:"client_id"`
		ClientSecret string   `json:"client_secret"`
		Scopes       []string `json:"scopes"`
	} `json:"oauth2"`
}

// credentialsFromEnv parses SCIM_CREDENTIALS. Its errors never quote the
// variable's content, which holds secrets.
func credentialsFromEnv(raw string) ([]credential, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var entries []envCredential
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("%s must be a JSON list such as "+
			`[{"url": "https://api.example.com/scim/v2", "bearer_token": "..."}]`+
			"; it could not be parsed (%s)", EnvCredentials, jsonErrorWithoutContent(err))
	}
	var out []credential
	for i, e := range entries {
		u, err := normalizeBaseURL(e.URL)
		if err != nil {
			return nil, fmt.Errorf("%s entry %d: url: %v", EnvCredentials, i, err)
		}
		c := credential{url: u, source: EnvCredentials, bearerToken: e.BearerToken}
		kinds := 0
		if e.BearerToken != "" {
			kinds++
		}
		if e.Basic != nil {
			kinds++
			c.basicUsername, c.basicPassword = e.Basic.Username, e.Basic.Password
			if c.basicUsername == "" {
				return nil, fmt.Errorf("%s entry %d (%s): basic.username is empty", EnvCredentials, i, u)
			}
		}
		if e.OAuth2 != nil {
			kinds++
			c.oauthTokenURL, c.oauthClientID, c.oauthClientSecret, c.oauthScopes = e.OAuth2.TokenURL, e.OAuth2.ClientID, e.OAuth2.ClientSecret, e.OAuth2.Scopes
			if c.oauthTokenURL == "" || c.oauthClientID == "" || c.oauthClientSecret == "" {
				return nil, fmt.Errorf("%s entry %d (%s): oauth2 needs token_url, client_id and client_secret", EnvCredentials, i, u)
			}
		}
		if kinds != 1 {
			return nil, fmt.Errorf("%s entry %d (%s): exactly one of bearer_token, basic or oauth2 must be set, found %d", EnvCredentials, i, u, kinds)
		}
		out = append(out, c)
	}
	return out, nil
}

func jsonErrorWithoutContent(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q has the wrong type (want %s)", e.Field, e.Type)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field") {
		return msg
	}
	return "invalid JSON"
}

// mergeCredentials puts configuration entries before environment entries
// with the same URL, then orders by URL length so the longest prefix is found
// first.
func mergeCredentials(cfg, env []credential) []credential {
	seen := map[string]bool{}
	var out []credential
	for _, list := range [][]credential{cfg, env} {
		for _, c := range list {
			if seen[c.url] {
				continue
			}
			seen[c.url] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].url) > len(out[j].url) })
	return out
}

type clientSettings struct {
	timeout           time.Duration
	maxRetries        int
	requestsPerSecond float64
	maxConcurrency    int
	retryStatuses     []int
	guard             guardSettings
}

// clientFactory hands resources a SCIM client for a base URL. Configure
// builds a new factory for every Terraform command, and clients are cached
// per base URL in it, so discovery, pacing and batched reads are shared
// between the resources of one app within one command and forgotten with
// it; nothing a resource needs to be correct lives only here (every
// resource works from its own state and the provider configuration).
type clientFactory struct {
	creds    []credential
	settings clientSettings
	version  string
	// guard counts the deprovisions this command plans, per app.
	guard *deprovisionGuard

	mu      sync.Mutex
	clients map[string]*scim.Client
	checks  map[string]*check
	// vendors are the vendor profiles the apps' compatibility named in
	// this command, by app id, for what names the app without its
	// compatibility (data sources, list resources).
	vendors sync.Map
}

// check is the shared result of a check run once per command.
type check struct {
	once  sync.Once
	diags diag.Diagnostics
}

// once runs f the first time key is asked for in this command and hands
// every caller its diagnostics.
func (f *clientFactory) once(key string, run func() diag.Diagnostics) diag.Diagnostics {
	f.mu.Lock()
	if f.checks == nil {
		f.checks = map[string]*check{}
	}
	c, ok := f.checks[key]
	if !ok {
		c = &check{}
		f.checks[key] = c
	}
	f.mu.Unlock()
	c.once.Do(func() { c.diags = run() })
	return c.diags
}

func newClientFactory(creds []credential, settings clientSettings, version string) *clientFactory {
	return &clientFactory{creds: creds, settings: settings, version: version, clients: map[string]*scim.Client{},
		guard: newDeprovisionGuard(settings.guard)}
}

// credentialFor returns the entry with the longest url prefix matching base.
func (f *clientFactory) credentialFor(base string) (credential, bool) {
	for _, c := range f.creds {
		if matchesPrefix(base, c.url) {
			return c, true
		}
	}
	return credential{}, false
}

// Client returns the client for an app's base URL.
func (f *clientFactory) Client(baseURL string) (*scim.Client, error) {
	base, err := normalizeBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[base]; ok {
		return c, nil
	}
	cred, _ := f.credentialFor(base)
	maxRetries := f.settings.maxRetries
	if maxRetries == 0 {
		maxRetries = -1 // the client reads 0 as "default"
	}
	c, err := scim.New(scim.Config{
		BaseURL:           base,
		Auth:              cred.authenticator(),
		Timeout:           f.settings.timeout,
		MaxRetries:        maxRetries,
		RequestsPerSecond: f.settings.requestsPerSecond,
		MaxConcurrency:    f.settings.maxConcurrency,
		RetryStatuses:     f.settings.retryStatuses,
		UserAgent:         "terraform-provider-scim/" + f.version,
		Logger:            tflogLogger{},
	})
	if err != nil {
		return nil, err
	}
	f.clients[base] = c
	return c, nil
}

// describeCredentials says which credentials apply to base, for error
// messages; it names the kind and the matched prefix, never the secret.
func (f *clientFactory) describeCredentials(baseURL string) string {
	base, err := normalizeBaseURL(baseURL)
	if err != nil {
		return "no credentials (the base URL is invalid)"
	}
	c, ok := f.credentialFor(base)
	if !ok {
		return "no credentials: no entry of the provider's `credentials` (or " + EnvCredentials + ") has a url that is a prefix of " + base
	}
	return fmt.Sprintf("%s credentials from the %s entry for %s", c.kind(), c.source, c.url)
}

// withMasking returns a context whose tflog output masks every configured
// secret, a second line of defence behind the client's own redaction.
func (f *clientFactory) withMasking(ctx context.Context) context.Context {
	var secrets []string
	for _, c := range f.creds {
		secrets = append(secrets, c.secrets()...)
	}
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// tflogLogger routes the SCIM client's logs to Terraform's log, under the
// provider's context so TF_LOG_PROVIDER applies.
type tflogLogger struct{}

func (tflogLogger) Log(ctx context.Context, level scim.LogLevel, msg string, fields map[string]any) {
	// tflog (v0.11) applies a masking in place, into the map of fields the
	// context carries, so two goroutines logging under one masked context
	// write one map at once, and the Go runtime ends the plugin. The SCIM
	// client logs from several goroutines under its caller's context (a
	// group's members, the rest of a batched listing): each line is logged
	// under a copy of the logger's options (MaskAllFieldValuesStrings with
	// no string adds no mask and copies them). The copy only reads the
	// shared map, and nothing writes it any more: every log line of the
	// provider goes through here. Upstream:
	// https://github.com/hashicorp/terraform-plugin-log/issues/246 (open).
	ctx = tflog.MaskAllFieldValuesStrings(ctx)
	switch level {
	case scim.LogTrace:
		tflog.Trace(ctx, msg, fields)
	case scim.LogDebug:
		tflog.Debug(ctx, msg, fields)
	case scim.LogInfo:
		tflog.Info(ctx, msg, fields)
	case scim.LogWarn:
		tflog.Warn(ctx, msg, fields)
	default:
		tflog.Error(ctx, msg, fields)
	}
}

// connectedAppIDValidator checks a reference to a connected app: its id is
// the app's base URL.
func connectedAppIDValidator() validator.String { return validators.AbsoluteURL(false) }
