package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LogLevel orders log records so a Logger can drop the chatty ones: request
// and response bodies are only worth their cost when someone is debugging a
// specific integration.
type LogLevel int

// Log levels, most verbose first.
const (
	// LogTrace carries request and response headers and bodies (redacted).
	LogTrace LogLevel = iota
	// LogDebug carries one record per HTTP attempt and per retry decision.
	LogDebug
	// LogInfo is for events an operator may want to see in normal runs.
	LogInfo
	// LogWarn is for recoverable oddities of the service provider.
	LogWarn
	// LogError is for failures.
	LogError
)

// String returns the conventional lower-case level name, so loggers that
// bridge to other systems need no table of their own.
func (l LogLevel) String() string {
	switch l {
	case LogTrace:
		return "trace"
	case LogDebug:
		return "debug"
	case LogInfo:
		return "info"
	case LogWarn:
		return "warn"
	case LogError:
		return "error"
	default:
		return "unknown"
	}
}

// Logger is the hook through which the client reports what it does. The
// provider bridges it to tflog; keeping it an interface means this package
// has no dependency on Terraform's logging. Fields never contain secrets:
// headers and bodies are redacted before they reach the Logger.
type Logger interface {
	Log(ctx context.Context, level LogLevel, msg string, fields map[string]any)
}

// levelEnabler may be implemented by a Logger to tell the client that a level
// is switched off. Reading and redacting bodies for LogTrace costs a copy of
// every response, so the client skips that work when the Logger says no.
type levelEnabler interface {
	Enabled(ctx context.Context, level LogLevel) bool
}

// redacted replaces every secret value in logged headers and bodies.
const redacted = "[REDACTED]"

// maxLoggedBody bounds bodies logged at LogTrace: a full user list can be
// megabytes, and a log line of that size helps nobody.
const maxLoggedBody = 8 << 10

// discardLogger is used when Config.Logger is nil.
type discardLogger struct{}

// Log drops the record.
func (discardLogger) Log(context.Context, LogLevel, string, map[string]any) {}

// Enabled is false so no trace work is done for a discarded log.
func (discardLogger) Enabled(context.Context, LogLevel) bool { return false }

func logEnabled(ctx context.Context, l Logger, level LogLevel) bool {
	if e, ok := l.(levelEnabler); ok {
		return e.Enabled(ctx, level)
	}
	return true
}

// secretHeaders are replaced wholesale: their values are credentials.
var secretHeaders = []string{
	"Authorization",
	"Proxy-Authorization",
	"Cookie",
	"Set-Cookie",
	"X-Api-Key",
	"Api-Key",
	"X-Auth-Token",
}

// secretFields are JSON member names (and form keys) whose values are
// credentials, compared case-insensitively at any depth.
var secretFields = map[string]bool{
	"password":         true,
	"client_secret":    true,
	"access_token":     true,
	"refresh_token":    true,
	"id_token":         true,
	"secret":           true,
	"token":            true,
	"client_assertion": true,
	"api_key":          true,
	"apikey":           true,
}

func isSecretField(name string) bool { return secretFields[strings.ToLower(name)] }

// redactHeaders returns a copy of h in which credential-bearing headers are
// replaced by "[REDACTED]", so headers can be logged at trace level without
// leaking tokens, passwords or session cookies.
func redactHeaders(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		return http.Header{}
	}
	for _, name := range secretHeaders {
		if _, ok := out[http.CanonicalHeaderKey(name)]; ok {
			out[http.CanonicalHeaderKey(name)] = []string{redacted}
		}
	}
	return out
}

// redactJSON returns b with the values of secret members (password,
// client_secret, access_token, refresh_token, id_token, secret, token, at any
// depth, any case) replaced by "[REDACTED]". PATCH operations whose path names
// a password have their value redacted too, because there the secret sits
// under "value". Input that is not valid JSON (a truncated body, say) is
// redacted with a textual fallback rather than passed through.
func redactJSON(b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return redactJSONText(b)
	}
	if _, err := dec.Token(); err != io.EOF {
		return redactJSONText(b)
	}
	v, changed := redactValue(v)
	if !changed {
		// Keep the original text (key order, spacing) when there was
		// nothing to hide.
		return b
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return redactJSONText(b)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func redactValue(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		changed := false
		out := make(map[string]any, len(x))
		for k, val := range x {
			if isSecretField(k) {
				out[k] = redacted
				changed = true
				continue
			}
			var c bool
			out[k], c = redactValue(val)
			changed = changed || c
		}
		if p, ok := lookupFold(x, "path"); ok {
			if ps, ok := p.(string); ok && pathNamesSecret(ps) {
				for k := range out {
					if strings.EqualFold(k, "value") {
						out[k] = redacted
						changed = true
					}
				}
			}
		}
		return out, changed
	case []any:
		changed := false
		out := make([]any, len(x))
		for i, val := range x {
			var c bool
			out[i], c = redactValue(val)
			changed = changed || c
		}
		return out, changed
	default:
		return v, false
	}
}

// pathNamesSecret reports whether a PATCH path such as "password" or
// "urn:...:User:password" designates a secret attribute.
func pathNamesSecret(p string) bool {
	last := p
	if i := strings.LastIndexAny(last, ":."); i >= 0 {
		last = last[i+1:]
	}
	return isSecretField(strings.TrimSpace(last))
}

var jsonSecretText = func() *regexp.Regexp {
	names := make([]string, 0, len(secretFields))
	for k := range secretFields {
		names = append(names, regexp.QuoteMeta(k))
	}
	sort.Strings(names)
	return regexp.MustCompile(`(?i)("(?:` + strings.Join(names, "|") + `)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,}\]]+)`)
}()

func redactJSONText(b []byte) []byte {
	return jsonSecretText.ReplaceAll(b, []byte(`${1}"`+redacted+`"`))
}

// redactForm redacts an application/x-www-form-urlencoded body, which is how
// OAuth2 token requests carry client_secret.
func redactForm(b []byte) []byte {
	vals, err := url.ParseQuery(string(b))
	if err != nil {
		return []byte(redacted)
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range vals[k] {
			if isSecretField(k) {
				v = redacted
			} else {
				v = url.QueryEscape(v)
			}
			parts = append(parts, url.QueryEscape(k)+"="+v)
		}
	}
	return []byte(strings.Join(parts, "&"))
}

// redactBody picks the redaction that fits the body's content type; anything
// that looks like JSON is treated as JSON whatever its label says.
func redactBody(b []byte, contentType string) []byte {
	if len(b) == 0 {
		return b
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(b)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return redactForm(b)
	case isJSONMediaType(mt), len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		return redactJSON(b)
	default:
		return redactJSONText(b)
	}
}

// redactURL hides secret query parameters (some APIs take access_token in
// the query string) before a URL is logged.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.RawQuery == "" && u.User == nil {
		return u.String()
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			if isSecretField(k) {
				q[k] = []string{redacted}
				changed = true
			}
		}
		if changed {
			c.RawQuery = encodeQuery(q)
		}
	}
	return c.String()
}

func truncateForLog(b []byte) string {
	if len(b) <= maxLoggedBody {
		return string(b)
	}
	cut := maxLoggedBody
	for cut > 0 && cut > maxLoggedBody-4 && !isRuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…[truncated " + strconv.Itoa(len(b)-cut) + " bytes]"
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

// minScrubLen keeps very short credentials from being scrubbed out of
// unrelated text ("a" would mangle every log line); such values are
// redacted by field name and header only.
const minScrubLen = 4

// secretSet holds credential values the client knows (bearer token, basic
// password, client secret, fetched access tokens) so they can be removed
// from logs and error messages wherever they turn up, including where a
// server echoes them in an error description or a page. Field-name
// redaction alone cannot catch that.
type secretSet struct {
	mu      sync.RWMutex
	static  []string
	dynamic []string // most recent tokens, bounded
}

const maxDynamicSecrets = 8

func variants(v string) []string {
	out := []string{v}
	if q := url.QueryEscape(v); q != v {
		out = append(out, q)
	}
	if j, err := json.Marshal(v); err == nil {
		if inner := string(j[1 : len(j)-1]); inner != v {
			out = append(out, inner)
		}
	}
	return out
}

func (s *secretSet) addStatic(v string) {
	if s == nil || len(v) < minScrubLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.static = append(s.static, variants(v)...)
}

func (s *secretSet) addDynamic(v string) {
	if s == nil || len(v) < minScrubLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dynamic = append(s.dynamic, variants(v)...)
	if n := len(s.dynamic); n > maxDynamicSecrets*3 {
		s.dynamic = append([]string(nil), s.dynamic[n-maxDynamicSecrets*3:]...)
	}
}

func (s *secretSet) scrub(str string) string {
	if s == nil || str == "" {
		return str
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, list := range [][]string{s.static, s.dynamic} {
		for _, v := range list {
			if strings.Contains(str, v) {
				str = strings.ReplaceAll(str, v, redacted)
			}
		}
	}
	return str
}

func (s *secretSet) scrubHeader(h http.Header) http.Header {
	for k, vals := range h {
		for i, v := range vals {
			vals[i] = s.scrub(v)
		}
		h[k] = vals
	}
	return h
}

// logTransport logs every HTTP exchange through the Logger hook: one Debug
// record per attempt and, at Trace, redacted headers and bodies. It sits
// below authentication so it sees (and redacts) the credentials actually sent.
type logTransport struct {
	next    http.RoundTripper
	log     Logger
	label   string
	secrets *secretSet
}

// RoundTrip logs the exchange around the next transport.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	base := map[string]any{
		"method": req.Method,
		"url":    t.secrets.scrub(redactURL(req.URL)),
	}
	if st := callStateFrom(ctx); st != nil {
		base["attempt"] = st.currentAttempt()
	}
	trace := logEnabled(ctx, t.log, LogTrace)
	if trace {
		var body []byte
		body, req = peekRequestBody(req)
		f := copyFields(base)
		f["headers"] = t.secrets.scrubHeader(redactHeaders(req.Header))
		if len(body) > 0 {
			f["body"] = truncateForLog([]byte(t.secrets.scrub(string(redactBody(body, req.Header.Get("Content-Type"))))))
		}
		t.log.Log(ctx, LogTrace, t.label+" request", f)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	f := copyFields(base)
	f["duration"] = time.Since(start)
	if err != nil {
		f["error"] = t.secrets.scrub(err.Error())
		t.log.Log(ctx, LogDebug, t.label+" request failed", f)
		return resp, err
	}
	f["status"] = resp.StatusCode
	t.log.Log(ctx, LogDebug, t.label+" request", f)
	if trace {
		body, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		tf := copyFields(base)
		tf["status"] = resp.StatusCode
		tf["headers"] = t.secrets.scrubHeader(redactHeaders(resp.Header))
		if len(body) > 0 {
			tf["body"] = truncateForLog([]byte(t.secrets.scrub(string(redactBody(body, resp.Header.Get("Content-Type"))))))
		}
		if rerr != nil {
			tf["body_error"] = rerr.Error()
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		}
		t.log.Log(ctx, LogTrace, t.label+" response", tf)
	}
	return resp, nil
}

type errReader struct{ err error }

// Read replays a body read error after the buffered bytes.
func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// peekRequestBody returns the request body without consuming it, handing
// back a request that still carries the full body.
func peekRequestBody(req *http.Request) ([]byte, *http.Request) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, req
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err == nil {
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err == nil {
				return b, req
			}
		}
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	if err != nil {
		r2.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}))
	}
	return b, r2
}

func copyFields(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+4)
	for k, v := range m {
		out[k] = v
	}
	return out
}
