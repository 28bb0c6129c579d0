package scimtarget

import (
	"encoding/json"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// RecordedRequest is one SCIM request as the target saw it. Control requests
// are not recorded. The Authorization header's value is never stored, only
// whether it was present.
type RecordedRequest struct {
	// Time is the wall-clock arrival time (not Options.Now, so that a fake
	// clock is not advanced by logging).
	Time time.Time
	// Method and Path as received, Path relative to the SCIM root.
	Method string
	Path   string
	// Query is the raw query string.
	Query string
	Body  []byte
	// Header holds the request headers minus credentials (Authorization,
	// Proxy-Authorization, Cookie), for assertions such as "sent If-Match".
	Header http.Header
	// HasAuthorization tells whether an Authorization header was present.
	HasAuthorization bool
	// Status is the status code answered; 0 when the connection was dropped
	// or the client gave up before an answer.
	Status   int
	Duration time.Duration
	// Fault describes the injected fault that applied, if any.
	Fault string
}

// MarshalJSON uses the control API's snake_case names and renders the body
// as text when it is valid UTF-8.
func (r RecordedRequest) MarshalJSON() ([]byte, error) {
	type wire struct {
		Time             time.Time   `json:"time"`
		Method           string      `json:"method"`
		Path             string      `json:"path"`
		Key              string      `json:"key"`
		Query            string      `json:"query,omitempty"`
		Body             string      `json:"body,omitempty"`
		BodyBase64       []byte      `json:"body_base64,omitempty"`
		Header           http.Header `json:"header,omitempty"`
		HasAuthorization bool        `json:"has_authorization"`
		Status           int         `json:"status"`
		DurationMS       float64     `json:"duration_ms"`
		Fault            string      `json:"fault,omitempty"`
	}
	w := wire{Time: r.Time, Method: r.Method, Path: r.Path, Key: requestKey(r.Method, r.Path), Query: r.Query,
		Header: r.Header, HasAuthorization: r.HasAuthorization, Status: r.Status,
		DurationMS: float64(r.Duration.Microseconds()) / 1000, Fault: r.Fault}
	if utf8.Valid(r.Body) {
		w.Body = string(r.Body)
	} else {
		w.BodyBase64 = r.Body
	}
	return json.Marshal(w)
}

// maxLogEntries bounds the request log of a long-running target (the demo);
// the oldest entries are dropped first. Tests never get near it.
const maxLogEntries = 10000

var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

func (t *Target) record(r *http.Request, p string, body []byte) *RecordedRequest {
	h := r.Header.Clone()
	for _, k := range secretHeaders {
		h.Del(k)
	}
	rec := &RecordedRequest{
		Time:             time.Now(),
		Method:           r.Method,
		Path:             p,
		Query:            r.URL.RawQuery,
		Body:             body,
		Header:           h,
		HasAuthorization: r.Header.Get("Authorization") != "",
	}
	t.mu.Lock()
	if len(t.log) >= maxLogEntries {
		t.log = append(t.log[:0:0], t.log[len(t.log)-maxLogEntries+1:]...)
	}
	t.log = append(t.log, rec)
	t.mu.Unlock()
	return rec
}

func (t *Target) finish(rec *RecordedRequest, status int, d time.Duration) {
	t.mu.Lock()
	rec.Status = status
	rec.Duration = d
	t.mu.Unlock()
}

// Requests returns the request log in arrival order.
func (t *Target) Requests() []RecordedRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]RecordedRequest, len(t.log))
	for i, r := range t.log {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// Count returns how many recorded requests match method ("" = any) and
// pathPattern in path.Match syntax relative to the SCIM root: "/Users" is the
// collection only, "/Users/*" any single user, "" every path.
func (t *Target) Count(method, pathPattern string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, r := range t.log {
		if method != "" && !strings.EqualFold(method, r.Method) {
			continue
		}
		if pathPattern != "" {
			if ok, err := path.Match(pathPattern, r.Path); err != nil || !ok {
				continue
			}
		}
		n++
	}
	return n
}

// ResetRequests empties the request log.
func (t *Target) ResetRequests() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log = nil
}

// requestKey normalises a request to "METHOD /Users/{id}" so that counts do
// not depend on generated ids.
func requestKey(method, p string) string {
	segs := splitPath(p)
	if len(segs) == 2 && !discoveryEndpoints[segs[0]] && !strings.HasPrefix(segs[1], ".") {
		return method + " /" + segs[0] + "/{id}"
	}
	return method + " /" + strings.Join(segs, "/")
}

// requestCounts counts the log by requestKey.
func (t *Target) requestCounts() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]int{}
	for _, r := range t.log {
		out[requestKey(r.Method, r.Path)]++
	}
	return out
}
