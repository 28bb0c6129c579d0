package appcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	contentTypeSCIM = "application/scim+json"
	acceptHeader    = "application/scim+json, application/json"
	// maxBody bounds what is read of one answer (a page of 1000 users).
	maxBody = 32 << 20
	// maxRateLimitWait is the longest Retry-After a throttled request
	// waits for before it is repeated; longer ones end the request.
	maxRateLimitWait = 30 * time.Second
	rateLimitRetries = 3
)

// checker makes the requests of one check.
type checker struct {
	cfg       Config
	base      string
	userAgent string
	http      *http.Client
	rep       *Report
	// form is the first list answer served, for users.list_form.
	form *listForm
	// sleep waits for d or the context; replaced in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

func newChecker(cfg Config) *checker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "scim-app-check"
	}
	rt := http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		rt = cfg.HTTPClient.Transport
	}
	return &checker{
		cfg:       cfg,
		base:      strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/"),
		userAgent: cfg.UserAgent,
		http: &http.Client{
			Transport: rt,
			// The token goes with every request: a redirect is reported
			// as the answer it is, never followed to another server.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		sleep: func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	}
}

// param is one query parameter; requests keep their parameters in the
// order given so that the evidence reads as the request was sent.
type param struct{ name, value string }

// exchange is one request and the app's answer.
type exchange struct {
	method string
	// shown is the request as evidence: method, path and the query
	// unescaped, e.g. `GET /Users?filter=userName eq "x"&count=1`.
	shown  string
	status int
	header http.Header
	body   []byte
	// doc is the body as a JSON object, nil when it is none.
	doc map[string]any
	// err is a transport error (no answer).
	err error
}

func (x *exchange) ok() bool { return x.err == nil && x.status >= 200 && x.status < 300 }

// answered is the status, or why there was none, for evidence.
func (x *exchange) answered() string {
	if x.err != nil {
		return "no answer: " + x.err.Error()
	}
	s := strconv.Itoa(x.status)
	if x.status >= 300 {
		if t, d := x.scimError(); t != "" || d != "" {
			s += " " + t
			if d = short(d); d != "" {
				s = strings.TrimSpace(s) + ": " + d
			}
		}
		if x.status >= 300 && x.status < 400 {
			if loc := x.header.Get("Location"); loc != "" {
				s += " to " + loc
			}
		}
	}
	return s
}

// evidence is "REQUEST: STATUS".
func (x *exchange) evidence() string { return x.shown + ": " + x.answered() }

// scimError is the scimType and detail of an error body.
func (x *exchange) scimError() (scimType, detail string) {
	if x.doc == nil {
		return "", ""
	}
	return str(x.doc, "scimType"), str(x.doc, "detail")
}

// short is s on one line, cut to a readable length.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:157]) + "..."
	}
	return s
}

// get is do for a GET without body.
func (c *checker) get(ctx context.Context, path string, params ...param) *exchange {
	return c.do(ctx, http.MethodGet, path, params, nil, nil)
}

// do sends one request and reads the answer. A 429 (or a 503 to a GET)
// with a Retry-After of at most maxRateLimitWait is repeated after it.
func (c *checker) do(ctx context.Context, method, path string, params []param, body any, header map[string]string) *exchange {
	var raw, shown []string
	for _, p := range params {
		raw = append(raw, url.QueryEscape(p.name)+"="+strings.ReplaceAll(url.QueryEscape(p.value), "+", "%20"))
		shown = append(shown, p.name+"="+p.value)
	}
	target := c.base + path
	x := &exchange{method: method, shown: method + " " + path}
	if len(raw) > 0 {
		target += "?" + strings.Join(raw, "&")
		x.shown += "?" + strings.Join(shown, "&")
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			x.err = err
			return x
		}
	}
	for attempt := 0; ; attempt++ {
		c.send(ctx, x, target, payload, header)
		if x.err != nil || attempt >= rateLimitRetries {
			return x
		}
		if x.status != http.StatusTooManyRequests && (x.status != http.StatusServiceUnavailable || method != http.MethodGet) {
			return x
		}
		wait, ok := retryAfter(x.header.Get("Retry-After"))
		if !ok || wait > maxRateLimitWait {
			return x
		}
		if err := c.sleep(ctx, wait); err != nil {
			return x
		}
	}
}

func (c *checker) send(ctx context.Context, x *exchange, target string, payload []byte, header map[string]string) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, x.method, target, rd)
	if err != nil {
		x.err = err
		return
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("User-Agent", c.userAgent)
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	if payload != nil {
		req.Header.Set("Content-Type", contentTypeSCIM)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		x.err = errors.New(c.scrub(transportError(err)))
		return
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	x.status, x.header, x.body, x.doc = resp.StatusCode, resp.Header, data, nil
	if loc := resp.Header.Get("Location"); loc != "" {
		resp.Header.Set("Location", c.scrub(loc))
	}
	if err != nil {
		x.err = fmt.Errorf("reading the answer (%d): %s", resp.StatusCode, c.scrub(err.Error()))
		return
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&doc) == nil {
		x.doc = doc
		c.scrubDoc(doc)
	}
}

// transportError says why a request got no answer, without the URL (the
// evidence already shows the request).
func transportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// scrub removes the token from text headed for output, should an app echo
// it back.
func (c *checker) scrub(s string) string {
	if c.cfg.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.cfg.Token, "[token]")
}

// scrubDoc scrubs the string values of an answer, which may reach the
// report as evidence.
func (c *checker) scrubDoc(v any) {
	if c.cfg.Token == "" {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				x[k] = c.scrub(s)
			} else {
				c.scrubDoc(e)
			}
		}
	case []any:
		for i, e := range x {
			if s, ok := e.(string); ok {
				x[i] = c.scrub(s)
			} else {
				c.scrubDoc(e)
			}
		}
	}
}

// JSON helpers: SCIM attribute names are case-insensitive (RFC 7643 §2.1).

func lookupFold(m map[string]any, key string) (any, bool) {
	if m == nil {
		return nil, false
	}
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func str(m map[string]any, key string) string {
	v, _ := lookupFold(m, key)
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func obj(m map[string]any, key string) map[string]any {
	v, _ := lookupFold(m, key)
	o, _ := v.(map[string]any)
	return o
}

func list(m map[string]any, key string) ([]any, bool) {
	v, ok := lookupFold(m, key)
	if !ok {
		return nil, false
	}
	l, ok := v.([]any)
	return l, ok
}

// num reads an integer, leniently ("100" for 100); ok false when absent
// or not a number.
func num(m map[string]any, key string) (int, bool) {
	v, _ := lookupFold(m, key)
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return int(n), true
		}
		if f, err := x.Float64(); err == nil {
			return int(f), true
		}
	case float64:
		return int(x), true
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n, true
		}
	}
	return 0, false
}

// boolean reads a boolean, leniently ("true" for true); ok false when
// absent or not a boolean.
func boolean(m map[string]any, key string) (bool, bool) {
	v, _ := lookupFold(m, key)
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		return b, err == nil
	}
	return false, false
}

// resources are the resources of a list answer ("Resources" in any case).
func resources(doc map[string]any) []map[string]any {
	l, _ := list(doc, "Resources")
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
