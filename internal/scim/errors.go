package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is a non-2xx answer from the service provider. It keeps the SCIM
// error fields (RFC 7644 §3.12) apart so callers can branch on status and
// scimType, and a snippet of bodies that are not SCIM errors (a proxy's HTML
// page, say) so the message still tells the operator what came back.
type Error struct {
	Method, URL string
	Status      int
	// ScimType is the RFC 7644 §3.12 detail error keyword ("uniqueness",
	// "invalidFilter", ...), "" when the server sent none.
	ScimType string
	// Detail is the human-readable message from the body.
	Detail string
	// Snippet is the start of a body that is not a SCIM error, whitespace
	// collapsed and redacted.
	Snippet string
	// RetryAfter is the server's Retry-After, 0 when absent.
	RetryAfter time.Duration
	// Attempts is how many HTTP attempts were made before giving up; more
	// than one means the status was retried and retries ran out.
	Attempts int
}

// Error renders e.g. `SCIM POST https://x/Users: HTTP 409 (scimType
// "uniqueness"): User with userName "x" already exists`.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SCIM %s %s: HTTP %d", e.Method, e.URL, e.Status)
	if e.ScimType != "" {
		fmt.Fprintf(&b, " (scimType %q)", e.ScimType)
	}
	switch {
	case e.Detail != "":
		b.WriteString(": ")
		b.WriteString(e.Detail)
	case http.StatusText(e.Status) != "":
		b.WriteString(": ")
		b.WriteString(http.StatusText(e.Status))
	}
	if e.Snippet != "" {
		b.WriteString("; response body: ")
		b.WriteString(e.Snippet)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; server asked to retry after %s", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (gave up after %d attempts)", e.Attempts)
	}
	return b.String()
}

// AsError finds the *Error in err's chain, so callers need not spell out
// errors.As for the common case.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

func hasStatus(err error, statuses ...int) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	for _, s := range statuses {
		if e.Status == s {
			return true
		}
	}
	return false
}

// IsNotFound reports a 404: the resource is gone, which the provider treats
// as "remove from state" rather than as a failure.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports a 409, with or without scimType, and any answer whose
// scimType is "uniqueness" (some servers send that with 400): either way the
// account already exists and the caller may want to adopt it.
func IsConflict(err error) bool {
	e, ok := AsError(err)
	return ok && (e.Status == http.StatusConflict || strings.EqualFold(e.ScimType, "uniqueness"))
}

// IsPreconditionFailed reports a 412: the If-Match version was stale, so the
// resource changed under us and must be re-read.
func IsPreconditionFailed(err error) bool { return hasStatus(err, http.StatusPreconditionFailed) }

// IsUnauthorized reports a 401 or 403: credentials are wrong or lack scope,
// which no retry will fix.
func IsUnauthorized(err error) bool {
	return hasStatus(err, http.StatusUnauthorized, http.StatusForbidden)
}

// ResponseError is a 2xx answer the client cannot use: not JSON, HTML from a
// login interstitial, or a resource missing required members. It is separate
// from Error because the server claimed success, which matters when deciding
// whether a create happened.
type ResponseError struct {
	Method, URL string
	Status      int
	ContentType string
	Snippet     string
	Reason      string
}

// Error says what was wrong with the response and shows its beginning.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SCIM %s %s: unusable HTTP %d response: %s", e.Method, e.URL, e.Status, e.Reason)
	if e.ContentType != "" {
		fmt.Fprintf(&b, " (content type %q)", e.ContentType)
	}
	if e.Snippet != "" {
		b.WriteString("; response body: ")
		b.WriteString(e.Snippet)
	}
	return b.String()
}

// ambiguousError is returned for a non-idempotent request (POST) whose
// outcome is unknown: the request reached the network but no usable answer
// came back. Retrying blindly could create a duplicate account, so the
// caller should look the resource up before trying again.
type ambiguousError struct {
	Method, URL string
	Err         error
}

// Error explains why the client did not retry.
func (e *ambiguousError) Error() string {
	return fmt.Sprintf("SCIM %s %s: outcome unknown, the request was sent but no usable answer came back, so it was not retried (the server may have processed it; look the resource up before trying again): %v", e.Method, e.URL, e.Err)
}

// Unwrap exposes the underlying failure (a connection error, or an *Error
// from a gateway that timed out).
func (e *ambiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether err is (or wraps) an *ambiguousError.
func IsAmbiguous(err error) bool {
	var a *ambiguousError
	return errors.As(err, &a)
}

const maxSnippet = 300

// makeSnippet turns a body into a short, single-line, redacted excerpt.
func makeSnippet(b []byte, contentType string) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	// Redact before cutting so a cut cannot expose half a secret.
	s := strings.Join(strings.Fields(string(redactBody(b, contentType))), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "�")
	}
	if len(s) <= maxSnippet {
		return s
	}
	cut := maxSnippet
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// newError decodes a non-2xx response. SCIM errors are JSON objects with
// detail/scimType/status; many servers send their own shapes instead
// ({"message": ...}, {"error": {"message": ...}}), which are mined for a
// message; anything else becomes a snippet.
func newError(method, u string, resp *http.Response, body []byte) *Error {
	e := &Error{Method: method, URL: u, Status: resp.StatusCode}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	ct := resp.Header.Get("Content-Type")
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		e.Snippet = makeSnippet(body, ct)
		return e
	}
	scimish := false
	if v, ok := lookupFold(m, "scimType"); ok {
		e.ScimType, _ = v.(string)
		scimish = true
	}
	if v, ok := lookupFold(m, "schemas"); ok {
		if arr, ok := v.([]any); ok {
			for _, s := range arr {
				if str, _ := s.(string); strings.EqualFold(str, messageError) {
					scimish = true
				}
			}
		}
	}
	for _, k := range []string{"detail", "message", "error_description", "errorMessage", "error", "title", "errors"} {
		if d := messageOf(m, k); d != "" {
			e.Detail = d
			if k == "detail" {
				scimish = true
			}
			break
		}
	}
	if e.Detail == "" && !scimish {
		e.Snippet = makeSnippet(body, ct)
	}
	if len(e.Detail) > 1000 {
		e.Detail = e.Detail[:1000] + "…"
	}
	return e
}

// messageOf extracts a message from member k, which may be a string, an
// object with a message, or a list of either.
func messageOf(m map[string]any, k string) string {
	v, ok := lookupFold(m, k)
	if !ok {
		return ""
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		for _, kk := range []string{"detail", "message", "description"} {
			if s := messageOf(x, kk); s != "" {
				return s
			}
		}
	case []any:
		var parts []string
		for _, el := range x {
			switch y := el.(type) {
			case string:
				parts = append(parts, y)
			case map[string]any:
				if s := messageOf(map[string]any{"x": y}, "x"); s != "" {
					parts = append(parts, s)
				}
			}
		}
		return strings.Join(parts, "; ")
	case json.Number:
		return ""
	}
	return ""
}

// parseRetryAfter reads a Retry-After header in either of its RFC 9110
// forms: delta-seconds or an HTTP-date. A date in the past means "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}
