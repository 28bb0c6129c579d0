package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cleanhttp "github.com/hashicorp/go-cleanhttp"
	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Config configures a Client. Zero values select defaults that suit SaaS
// SCIM endpoints, which throttle aggressively and occasionally hiccup.
type Config struct {
	// BaseURL is the SCIM endpoint root, e.g. https://api.example.com/scim/v2.
	// A trailing slash is trimmed.
	BaseURL string
	// Auth authenticates requests; nil means NoAuth.
	Auth Authenticator
	// Timeout bounds one HTTP attempt (not the whole call); default 30s.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt; 0 selects
	// the default of 4, -1 disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the wait between attempts;
	// defaults 1s and 30s. RetryWaitMax also caps a server's Retry-After.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxRetryElapsed caps the time one call may spend retrying; the client
	// gives up early when the next wait would overrun it. Default 2m.
	MaxRetryElapsed time.Duration
	// WriteGrace is how long a write (POST, PUT, PATCH, DELETE) already
	// sent may still take after its context is cancelled (Terraform's stop
	// on Ctrl-C), so that its answer, and the resource it made, reach the
	// caller instead of becoming an unknown outcome. A deadline is not
	// extended, a write not yet sent is not sent, and nothing is retried
	// after the cancellation. Default 10s; negative means none.
	WriteGrace time.Duration
	// RetryStatuses are extra HTTP statuses retried like 503 (same backoff,
	// Retry-After honoured, same count and time bounds), for apps that
	// signal throttling with another status, typically 500 with a
	// rate-limit error code. They apply to idempotent methods (GET, PUT,
	// PATCH, DELETE) only: a POST answered with one of them is returned as
	// it came, since the account may have been created. Each must be a 4xx
	// or 5xx status other than 401, 403, 404, 409 and 412, whose answers a
	// repetition cannot change.
	RetryStatuses []int
	// NoAttributesParam never sends the "attributes" query parameter
	// (RFC 7644 §3.9); the client instead removes unrequested attributes
	// from the answers itself. For apps that reject the parameter. Without
	// it the client finds out on its own: a GET with "attributes" answered
	// 400 is repeated once without the parameter, and when that works the
	// client stops sending it for the rest of its life.
	NoAttributesParam bool
	// CursorPaging lists collections by cursor (draft-ietf-scim-cursor-
	// pagination, as AWS IAM Identity Center implements it: the first page
	// asked for with an empty "cursor", each next one with the answer's
	// "nextCursor", the end when an answer has none) instead of by
	// startIndex. Without it the client still turns to cursors on its own
	// when an app answers the second page by index with the first page
	// again although totalResults says there is more.
	CursorPaging bool
	// GroupMembersByFilter is for apps whose groups answer an empty member
	// list (AWS IAM Identity Center): a group read that asks for members
	// gets them from the app's member filters instead (hidden_members.go).
	GroupMembersByFilter bool
	// MaxPageSize caps the "count" a listing asks for (the app's limit,
	// e.g. 100); 0 means the discovered filter.maxResults, if any.
	MaxPageSize int
	// RequestsPerSecond is a client-side rate limit applied to every
	// attempt; 0 means none beyond what the app asks for: every Client
	// pauses all its requests while the app says so (Retry-After on 429 or
	// 503, rate-limit headers of a used-up window; see pacing.go).
	RequestsPerSecond float64
	// Burst is the rate limiter's burst; default 1 when RequestsPerSecond > 0.
	Burst int
	// MaxConcurrency bounds in-flight calls from this client; 0 = unlimited.
	MaxConcurrency int
	// UserAgent defaults to "terraform-provider-scim".
	UserAgent string
	// Logger receives request logs; nil discards them.
	Logger Logger
	// HTTPClient's Transport (proxy, TLS settings) is used underneath
	// authentication and retries; nil selects a pooled cleanhttp transport.
	HTTPClient *http.Client
}

// Defaults applied by New.
const (
	defaultTimeout         = 30 * time.Second
	defaultMaxRetries      = 4
	defaultRetryWaitMin    = 1 * time.Second
	defaultRetryWaitMax    = 30 * time.Second
	defaultMaxRetryElapsed = 2 * time.Minute
	defaultWriteGrace      = 10 * time.Second
	defaultUserAgent       = "terraform-provider-scim"
	defaultMaxBody         = 32 << 20
	acceptHeader           = "application/scim+json, application/json"
	contentTypeSCIM        = "application/scim+json"
)

// Client is a SCIM 2.0 client. It is safe for concurrent use; the provider
// shares one per configured service provider so rate limits and the
// discovery cache are shared too.
type Client struct {
	cfg        Config
	base       string
	baseURL    *url.URL
	maxRetries int
	http       *http.Client
	log        Logger
	sem        chan struct{}
	secrets    *secretSet
	// retryStatuses is Config.RetryStatuses as a set.
	retryStatuses map[int]bool
	// noAttributes is set when the app is known to reject the
	// "attributes" query parameter (Config.NoAttributesParam, or learnt
	// from a 400); it is never cleared, since one Client is one app.
	noAttributes atomic.Bool
	// cursorPaging is set when the app is paged by cursor
	// (Config.CursorPaging, or learnt from an app that ignores startIndex).
	cursorPaging atomic.Bool
	// membersByFilter: Config.GroupMembersByFilter, or switched on by
	// UseVendorBehaviour.
	membersByFilter atomic.Bool
	// maxPageSize: Config.MaxPageSize, or lowered by UseVendorBehaviour.
	maxPageSize atomic.Int64
	// vendorLimits are the request rates the app's vendor documents.
	vendorLimits *vendorLimits

	// members is the membership index of an app whose groups hide their
	// members (Config.GroupMembersByFilter).
	members memberIndex

	// batches serves GetFromListing from the app's listing (batch.go).
	batches batches

	discMu   sync.Mutex
	disc     *Discovery
	discCall *discoveryCall
}

// New validates cfg and builds a Client. It does not contact the server:
// Terraform configures providers even for plans that never call the API.
func New(cfg Config) (*Client, error) {
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base == "" {
		return nil, errors.New("SCIM base URL is empty: set it to the SCIM 2.0 endpoint root, e.g. https://api.example.com/scim/v2")
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("SCIM base URL %q is not a valid URL: %v", cfg.BaseURL, err)
	}
	switch {
	case !u.IsAbs():
		return nil, fmt.Errorf("SCIM base URL %q must be absolute, starting with https:// (or http://)", cfg.BaseURL)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("SCIM base URL %q must use https or http, not %q", cfg.BaseURL, u.Scheme)
	case u.Host == "":
		return nil, fmt.Errorf("SCIM base URL %q has no host", cfg.BaseURL)
	case u.User != nil:
		return nil, fmt.Errorf("SCIM base URL must not embed credentials (user:password@host); configure authentication separately")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("SCIM base URL %q must not contain a query string", cfg.BaseURL)
	case u.Fragment != "" || strings.Contains(base, "#"):
		return nil, fmt.Errorf("SCIM base URL %q must not contain a fragment (#...)", cfg.BaseURL)
	}
	switch {
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("timeout must not be negative (got %s)", cfg.Timeout)
	case cfg.MaxRetries < -1:
		return nil, fmt.Errorf("max retries must be -1 (no retries), 0 (default %d) or positive (got %d)", defaultMaxRetries, cfg.MaxRetries)
	case cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0:
		return nil, errors.New("retry wait bounds must not be negative")
	case cfg.MaxRetryElapsed < 0:
		return nil, errors.New("max retry elapsed time must not be negative")
	case cfg.RequestsPerSecond < 0:
		return nil, fmt.Errorf("requests per second must not be negative (got %g)", cfg.RequestsPerSecond)
	case cfg.Burst < 0:
		return nil, fmt.Errorf("burst must not be negative (got %d)", cfg.Burst)
	case cfg.MaxConcurrency < 0:
		return nil, fmt.Errorf("max concurrency must not be negative (got %d)", cfg.MaxConcurrency)
	}
	retryStatuses, err := retryStatusSet(cfg.RetryStatuses)
	if err != nil {
		return nil, err
	}
	cfg.RetryStatuses = append([]int(nil), cfg.RetryStatuses...)
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = defaultRetryWaitMax
	}
	if cfg.RetryWaitMin > cfg.RetryWaitMax {
		return nil, fmt.Errorf("minimum retry wait %s exceeds maximum retry wait %s", cfg.RetryWaitMin, cfg.RetryWaitMax)
	}
	if cfg.MaxRetryElapsed == 0 {
		cfg.MaxRetryElapsed = defaultMaxRetryElapsed
	}
	switch {
	case cfg.WriteGrace == 0:
		cfg.WriteGrace = defaultWriteGrace
	case cfg.WriteGrace < 0:
		cfg.WriteGrace = 0
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	if cfg.Auth == nil {
		cfg.Auth = NoAuth()
	}
	if err := cfg.Auth.validate(); err != nil {
		return nil, fmt.Errorf("SCIM authentication: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = discardLogger{}
	}
	cfg.BaseURL = base

	c := &Client{cfg: cfg, base: base, baseURL: u, log: cfg.Logger, secrets: &secretSet{}, retryStatuses: retryStatuses}
	c.noAttributes.Store(cfg.NoAttributesParam)
	c.cursorPaging.Store(cfg.CursorPaging)
	c.membersByFilter.Store(cfg.GroupMembersByFilter)
	c.maxPageSize.Store(int64(cfg.MaxPageSize))
	switch {
	case cfg.MaxRetries == 0:
		c.maxRetries = defaultMaxRetries
	case cfg.MaxRetries < 0:
		c.maxRetries = 0
	default:
		c.maxRetries = cfg.MaxRetries
	}
	if cfg.MaxConcurrency > 0 {
		c.sem = make(chan struct{}, cfg.MaxConcurrency)
	}

	var baseRT http.RoundTripper
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		baseRT = cfg.HTTPClient.Transport
	} else {
		baseRT = cleanhttp.DefaultPooledTransport()
	}
	var limiter *rate.Limiter
	if cfg.RequestsPerSecond > 0 {
		burst := cfg.Burst
		if burst == 0 {
			burst = 1
		}
		limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), burst)
	}
	tokenClient := &http.Client{
		Transport: &logTransport{next: baseRT, log: c.log, label: "OAuth2 token", secrets: c.secrets},
		Timeout:   cfg.Timeout,
	}
	logged := &logTransport{next: baseRT, log: c.log, label: "SCIM", secrets: c.secrets}
	c.vendorLimits = &vendorLimits{basePath: strings.TrimRight(c.baseURL.Path, "/")}
	attempt := &attemptTransport{next: logged, limiter: limiter, vendor: c.vendorLimits, timeout: cfg.Timeout,
		pacer: &pacer{now: time.Now, maxPause: cfg.RetryWaitMax}}
	c.http = &http.Client{
		Transport:     cfg.Auth.wrap(attempt, authEnv{tokenClient: tokenClient, secrets: c.secrets}),
		CheckRedirect: sameHostRedirects,
	}
	return c, nil
}

// sameHostRedirects follows redirects only to the same origin (or its
// https upgrade), because the auth transport attaches credentials to every
// hop; a redirect elsewhere is returned to the caller as a 3xx *Error
// instead of handing the token to another server.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 || !sameOrigin(via[0].URL, req.URL) {
		return http.ErrUseLastResponse
	}
	return nil
}

func sameOrigin(from, to *url.URL) bool {
	if strings.EqualFold(from.Scheme, to.Scheme) && strings.EqualFold(from.Host, to.Host) {
		return true
	}
	defaultPort := func(p string, def string) bool { return p == "" || p == def }
	return strings.EqualFold(from.Hostname(), to.Hostname()) &&
		from.Scheme == "http" && to.Scheme == "https" &&
		defaultPort(from.Port(), "80") && defaultPort(to.Port(), "443")
}

// scrub removes known credentials from text headed for an error message.
func (c *Client) scrub(s string) string { return c.secrets.scrub(s) }

// BaseURL returns the normalised base URL (no trailing slash).
func (c *Client) BaseURL() string { return c.base }

// url joins a path relative to the base URL with an encoded query.
func (c *Client) url(path string, query url.Values) string {
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + encodeQuery(query)
	}
	return u
}

// encodeQuery encodes spaces as %20 rather than '+': SCIM filters are full
// of spaces and several servers decode the query with URI rules, where '+'
// stays a plus sign and `userName eq "x"` would arrive mangled.
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// Request is one call through Do. Path is relative to the base URL
// ("/Users/123"); Body, when non-nil, is JSON-encoded (pass a
// json.RawMessage for pre-encoded JSON); IfMatch, when non-empty, is sent
// as If-Match. A 2xx JSON body is decoded into Out when both are present.
type Request struct {
	Method  string
	Path    string
	Query   url.Values
	Body    any
	IfMatch string
	Out     any
}

// Do is the low-level call everything else is built on. Non-2xx answers
// come back as *Error, unusable 2xx answers as *ResponseError, and a POST
// whose outcome is unknown as *ambiguousError. The returned response (when
// there is one, also alongside an *Error) has its body consumed and closed;
// use it for status and headers.
func (c *Client) Do(ctx context.Context, r Request) (*http.Response, error) {
	method := r.Method
	if ctx == nil {
		ctx = context.Background()
	}
	u := c.url(r.Path, r.Query)
	var payload []byte
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("SCIM %s %s: encoding request body: %w", method, u, err)
		}
		payload = b
	}

	if c.sem != nil {
		select {
		case c.sem <- struct{}{}:
			defer func() { <-c.sem }()
		case <-ctx.Done():
			return nil, fmt.Errorf("SCIM %s %s: waiting for a free connection slot: %w", method, u, ctx.Err())
		}
	}

	st := &callState{method: method, url: u, start: time.Now(), retryStatuses: c.retryStatuses, caller: ctx}
	var raw any
	if payload != nil {
		raw = payload
	}
	sendCtx := ctx
	if !readOnly(method) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("SCIM %s %s: not sent: %w", method, u, err)
		}
		var release func()
		sendCtx, release = withGrace(ctx, c.cfg.WriteGrace)
		defer release()
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(sendCtx, callStateKey{}, st), method, u, raw)
	if err != nil {
		return nil, fmt.Errorf("SCIM %s %s: building request: %w", method, u, err)
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if payload != nil {
		req.Header.Set("Content-Type", contentTypeSCIM)
	}
	if r.IfMatch != "" {
		req.Header.Set("If-Match", r.IfMatch)
	}

	resp, err := c.retryClient(st).Do(req)
	attempts := st.currentAttempt()
	if err != nil {
		if resp != nil && resp.Body != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			_ = resp.Body.Close()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if st.ambiguous || (!idempotent(method) && st.wrote.Load() && sendCtx.Err() != nil) {
			// Sent, then cut off (by a lost connection, or by a stop whose
			// grace ran out): the app may have applied it.
			return nil, &ambiguousError{Method: method, URL: u, Err: err}
		}
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("SCIM %s %s: %w", method, u, cerr)
		}
		return nil, fmt.Errorf("SCIM %s %s: request failed (%s): %w", method, u, plural(attempts, "attempt"), err)
	}

	// For idempotent methods attemptTransport has already read the body
	// inside the retry loop (a broken body was retried there), so a read
	// failure here is a POST's: its outcome is unknown.
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, defaultMaxBody))
	_ = resp.Body.Close()
	if rerr != nil {
		rerr = fmt.Errorf("reading HTTP %d response body: %w", resp.StatusCode, rerr)
		if !idempotent(method) {
			return resp, &ambiguousError{Method: method, URL: u, Err: rerr}
		}
		if cerr := ctx.Err(); cerr != nil {
			return resp, fmt.Errorf("SCIM %s %s: %w", method, u, cerr)
		}
		return resp, fmt.Errorf("SCIM %s %s: %w", method, u, rerr)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := newError(method, u, resp, data)
		e.Attempts = attempts
		e.Detail, e.Snippet = c.scrub(e.Detail), c.scrub(e.Snippet)
		if !idempotent(method) && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout) {
			// The gateway may have forwarded the POST before failing.
			return resp, &ambiguousError{Method: method, URL: u, Err: e}
		}
		return resp, e
	}

	ct := resp.Header.Get("Content-Type")
	trimmed := bytes.TrimSpace(data)
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "text/html" || mt == "application/xhtml+xml" {
		// A 2xx HTML page is typically an SSO login or a proxy's
		// interstitial: the operation did not reach the SCIM server,
		// whatever the status says.
		return resp, &ResponseError{Method: method, URL: u, Status: resp.StatusCode, ContentType: ct,
			Snippet: c.scrub(makeSnippet(data, ct)), Reason: "expected a SCIM JSON body (application/scim+json or application/json)"}
	}
	// Other labels (text/plain is common) are tolerated as long as the
	// body is JSON: the body decides, not the header.
	if r.Out != nil && len(trimmed) > 0 {
		if err := json.Unmarshal(trimmed, r.Out); err != nil {
			return resp, &ResponseError{Method: method, URL: u, Status: resp.StatusCode, ContentType: ct,
				Snippet: c.scrub(makeSnippet(data, ct)), Reason: "invalid JSON: " + err.Error()}
		}
	}
	return resp, nil
}

// isJSONMediaType accepts the SCIM and plain JSON media types and any
// structured "+json" type.
func isJSONMediaType(mt string) bool {
	mt = strings.ToLower(mt)
	return mt == "application/scim+json" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// VendorBehaviour is what an app's vendor profile switches on in its
// client, for apps whose deviations discovery does not tell.
type VendorBehaviour struct {
	CursorPaging         bool
	GroupMembersByFilter bool
	MaxPageSize          int
	// RateLimits are kept on the client's side (vendor_limits.go).
	RateLimits []RateLimit
}

// UseVendorBehaviour switches on what b says for the rest of the Client's
// life. Like DisableAttributesParam it only ever turns behaviour on (or a
// page size down), so it is safe whichever resource of the app calls it
// first.
func (c *Client) UseVendorBehaviour(b VendorBehaviour) {
	c.vendorLimits.set(b.RateLimits)
	if b.CursorPaging {
		c.cursorPaging.Store(true)
	}
	if b.GroupMembersByFilter {
		c.membersByFilter.Store(true)
	}
	if b.MaxPageSize > 0 {
		for {
			cur := c.maxPageSize.Load()
			if cur > 0 && cur <= int64(b.MaxPageSize) {
				break
			}
			if c.maxPageSize.CompareAndSwap(cur, int64(b.MaxPageSize)) {
				break
			}
		}
	}
}
