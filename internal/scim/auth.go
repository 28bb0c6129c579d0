package scim

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Authenticator decides how requests are authenticated. Its methods are
// unexported so the set of schemes stays closed: every scheme must cooperate
// with redaction and with the retry layer, which outside implementations
// could not be checked for.
type Authenticator interface {
	// validate reports configuration mistakes at New time rather than on
	// the first request.
	validate() error
	// wrap returns a RoundTripper that authenticates requests and then
	// hands them to next. env carries what a scheme may need to fetch
	// credentials of its own (the OAuth2 token endpoint).
	wrap(next http.RoundTripper, env authEnv) http.RoundTripper
}

// authEnv is what the client offers authenticators.
type authEnv struct {
	// tokenClient talks to token endpoints through the same base transport
	// (and logging) as SCIM calls, without SCIM retries or rate limits.
	tokenClient *http.Client
	// secrets collects credential values to scrub from logs and errors.
	secrets *secretSet
}

// NoAuth sends requests without credentials, for servers behind a network
// boundary or tests.
func NoAuth() Authenticator { return noAuth{} }

type noAuth struct{}

func (noAuth) validate() error                                          { return nil }
func (noAuth) wrap(next http.RoundTripper, _ authEnv) http.RoundTripper { return next }

// BearerToken authenticates with a static token, the scheme most SaaS SCIM
// endpoints issue from their admin console.
func BearerToken(token string) Authenticator { return bearerAuth{token: token} }

type bearerAuth struct{ token string }

func (a bearerAuth) validate() error {
	if strings.TrimSpace(a.token) == "" {
		return errors.New("bearer token is empty")
	}
	if strings.ContainsAny(a.token, "\r\n") {
		return errors.New("bearer token contains a line break (check for a trailing newline when reading it from a file)")
	}
	return nil
}

func (a bearerAuth) wrap(next http.RoundTripper, env authEnv) http.RoundTripper {
	env.secrets.addStatic(a.token)
	return headerTransport{next: next, set: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+a.token) }}
}

// BasicAuth authenticates with HTTP Basic credentials, which some on-premise
// SCIM servers still use.
func BasicAuth(username, password string) Authenticator {
	return basicAuth{username: username, password: password}
}

type basicAuth struct{ username, password string }

func (a basicAuth) validate() error {
	if a.username == "" {
		return errors.New("basic auth username is empty")
	}
	if strings.Contains(a.username, ":") {
		return errors.New("basic auth username must not contain ':' (RFC 7617)")
	}
	return nil
}

func (a basicAuth) wrap(next http.RoundTripper, env authEnv) http.RoundTripper {
	env.secrets.addStatic(a.password)
	env.secrets.addStatic(base64.StdEncoding.EncodeToString([]byte(a.username + ":" + a.password)))
	return headerTransport{next: next, set: func(r *http.Request) { r.SetBasicAuth(a.username, a.password) }}
}

// headerTransport sets a credential header on a clone of each request, as
// the RoundTripper contract forbids mutating the caller's request.
type headerTransport struct {
	next http.RoundTripper
	set  func(*http.Request)
}

// RoundTrip sends a clone carrying the credential header.
func (t headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	t.set(r)
	return t.next.RoundTrip(r)
}

// OAuth2ClientCredentials authenticates with tokens from an OAuth2 client
// credentials grant. The token is fetched on first use (so New never touches
// the network), cached, and refreshed when it expires or when the SCIM API
// rejects it with 401. Errors from the token endpoint never include the
// client secret.
func OAuth2ClientCredentials(tokenURL, clientID, clientSecret string, scopes []string, endpointParams map[string][]string) Authenticator {
	var params url.Values
	if len(endpointParams) > 0 {
		params = url.Values{}
		for k, v := range endpointParams {
			params[k] = append([]string(nil), v...)
		}
	}
	return &oauth2Auth{cfg: clientcredentials.Config{
		ClientID:       clientID,
		ClientSecret:   clientSecret,
		TokenURL:       tokenURL,
		Scopes:         append([]string(nil), scopes...),
		EndpointParams: params,
	}}
}

type oauth2Auth struct {
	cfg clientcredentials.Config
}

func (a *oauth2Auth) validate() error {
	u, err := url.Parse(a.cfg.TokenURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("OAuth2 token URL %q must be an absolute http(s) URL", a.cfg.TokenURL)
	}
	if a.cfg.ClientID == "" {
		return errors.New("OAuth2 client ID is empty")
	}
	if a.cfg.ClientSecret == "" {
		return errors.New("OAuth2 client secret is empty")
	}
	return nil
}

func (a *oauth2Auth) wrap(next http.RoundTripper, env authEnv) http.RoundTripper {
	cfg := a.cfg // each client gets its own auth-style cache and token
	env.secrets.addStatic(cfg.ClientSecret)
	// The token request may carry the client credentials in a basic
	// Authorization header, id and secret form-encoded first (RFC 6749
	// §2.3.1); scrub that header value like basicAuth's.
	env.secrets.addStatic(base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(cfg.ClientID) + ":" + url.QueryEscape(cfg.ClientSecret))))
	env.secrets.addStatic(base64.StdEncoding.EncodeToString([]byte(cfg.ClientID + ":" + cfg.ClientSecret)))
	return &oauth2Transport{next: next, cache: &tokenCache{cfg: &cfg, client: env.tokenClient, secrets: env.secrets, lock: make(chan struct{}, 1)}}
}

type oauth2Transport struct {
	next  http.RoundTripper
	cache *tokenCache
}

// RoundTrip attaches a cached (or freshly fetched) access token.
func (t *oauth2Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.cache.token(req.Context())
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", tok.Type()+" "+tok.AccessToken)
	resp, err := t.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		// A revoked or rotated token is only discovered here; drop it so
		// the next call fetches a fresh one.
		t.cache.invalidate(tok)
	}
	return resp, err
}

// tokenCache holds the current token. lock is a channel rather than a mutex
// so that callers waiting for another caller's token fetch can give up when
// their context ends; concurrent callers share one fetch.
type tokenCache struct {
	cfg     *clientcredentials.Config
	client  *http.Client
	secrets *secretSet
	lock    chan struct{}
	mu      sync.Mutex
	tok     *oauth2.Token
}

func (c *tokenCache) token(ctx context.Context) (*oauth2.Token, error) {
	select {
	case c.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.lock }()
	c.mu.Lock()
	tok := c.tok
	c.mu.Unlock()
	if tok.Valid() {
		return tok, nil
	}
	tctx := context.WithValue(ctx, oauth2.HTTPClient, c.client)
	tok, err := c.cfg.Token(tctx)
	if err != nil {
		return nil, newAuthError(c.cfg, err)
	}
	c.secrets.addDynamic(tok.AccessToken)
	c.secrets.addDynamic(tok.RefreshToken)
	if id, ok := tok.Extra("id_token").(string); ok {
		c.secrets.addDynamic(id)
	}
	c.mu.Lock()
	c.tok = tok
	c.mu.Unlock()
	return tok, nil
}

func (c *tokenCache) invalidate(tok *oauth2.Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == tok {
		c.tok = nil
	}
}

// authError is a failed OAuth2 token request. It is built from the token
// endpoint's answer field by field, never from the library's own error text,
// which can quote the response body (and hence anything the endpoint echoed).
// It is not retried: a rejected client secret does not get better.
type authError struct {
	TokenURL string
	// Status is the token endpoint's HTTP status, 0 when no answer came.
	Status int
	// Code and Description are RFC 6749 §5.2 "error" and "error_description".
	Code, Description string
	// Snippet is the start of a non-standard error body, redacted.
	Snippet string
	msg     string
	err     error
}

// Error describes the failure without the client secret.
func (e *authError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "OAuth2 client-credentials token request to %s failed", e.TokenURL)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Snippet != "" {
		b.WriteString("; response body: " + e.Snippet)
	}
	if e.msg != "" {
		b.WriteString(": " + e.msg)
	}
	return b.String()
}

// Unwrap exposes transport failures (so context cancellation is still
// recognisable); endpoint rejections are not unwrapped because the
// library's error quotes the raw body.
func (e *authError) Unwrap() error { return e.err }

func newAuthError(cfg *clientcredentials.Config, err error) error {
	scrub := func(s string) string {
		if cfg.ClientSecret != "" {
			s = strings.ReplaceAll(s, cfg.ClientSecret, redacted)
			s = strings.ReplaceAll(s, url.QueryEscape(cfg.ClientSecret), redacted)
		}
		return s
	}
	ae := &authError{TokenURL: redactURL(mustParseURL(cfg.TokenURL))}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response != nil {
			ae.Status = re.Response.StatusCode
		}
		ae.Code = scrub(re.ErrorCode)
		ae.Description = scrub(re.ErrorDescription)
		if ae.Code == "" && ae.Description == "" && len(re.Body) > 0 {
			ct := ""
			if re.Response != nil {
				ct = re.Response.Header.Get("Content-Type")
			}
			ae.Snippet = scrub(makeSnippet(re.Body, ct))
		}
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ae.msg = scrub(ue.Err.Error())
		ae.err = ue.Err
		return ae
	}
	ae.msg = scrub(err.Error())
	if !strings.Contains(err.Error(), cfg.ClientSecret) {
		ae.err = err
	}
	return ae
}

func mustParseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{Opaque: "invalid-url"}
	}
	return u
}
