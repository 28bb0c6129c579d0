package scimtarget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/httpstatus"
)

// Fault makes the target misbehave for matching requests, to test a client's
// retry, timeout and error handling. Faults are matched in the order they
// were injected; each matching request consumes one use.
type Fault struct {
	// Method restricts the fault to one HTTP method; "" matches any.
	Method string `json:"method,omitempty"`
	// Path is a pattern relative to the SCIM root in path.Match syntax:
	// "/Users" matches only the collection, "/Users/*" any single user,
	// "" any path.
	Path string `json:"path,omitempty"`
	// Times is how many matching requests the fault applies to; 0 means 1.
	Times int `json:"times,omitempty"`
	// Status answers this status instead of handling the request (e.g. 429,
	// 500, 502, 503, 504), with Body if given or else a SCIM error body.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as the Retry-After header (seconds or an HTTP date).
	RetryAfter string `json:"retry_after,omitempty"`
	// Latency delays the request before it is handled (or answered by the
	// fault). A client that gives up meanwhile cancels the request, which is
	// then not applied.
	Latency time.Duration `json:"-"`
	// DropAfterWrite applies the request for real, then closes the TCP
	// connection without answering: the client sees a reset or EOF although
	// the write happened, the case that makes retries non-idempotent.
	//
	// Go's http.Transport transparently retries GET, HEAD and OPTIONS when a
	// reused keep-alive connection closes before any response byte, so a Go
	// client does not see a single dropped GET; use Times: 2 (or a client
	// without keep-alives) for reads. Writes are not retried this way unless
	// they carry an Idempotency-Key header.
	DropAfterWrite bool `json:"drop_after_write,omitempty"`
	// DropBeforeWrite closes the connection without applying the request.
	DropBeforeWrite bool `json:"drop_before_write,omitempty"`
	// Body is a raw response body (an HTML error page, malformed JSON...)
	// sent with Status (200 when Status is 0) and ContentType (sniffed when
	// empty). The request is not applied unless ApplyThenBody is set.
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// ApplyThenBody applies the request for real and then answers with
	// Status/Body instead of the real response.
	ApplyThenBody bool `json:"apply_then_body,omitempty"`
}

type faultJSON struct {
	faultAlias
	LatencyMS int64 `json:"latency_ms,omitempty"`
}

type faultAlias Fault

// MarshalJSON encodes Latency as latency_ms, the control API's unit.
func (f Fault) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultJSON{faultAlias: faultAlias(f), LatencyMS: f.Latency.Milliseconds()})
}

// UnmarshalJSON decodes latency_ms into Latency.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var j faultJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*f = Fault(j.faultAlias)
	f.Latency = time.Duration(j.LatencyMS) * time.Millisecond
	return nil
}

// describe names the fault for the request log.
func (f Fault) describe() string {
	var parts []string
	if f.Latency > 0 {
		parts = append(parts, "latency "+f.Latency.String())
	}
	switch {
	case f.DropBeforeWrite:
		parts = append(parts, "drop-before-write")
	case f.DropAfterWrite:
		parts = append(parts, "drop-after-write")
	case f.Status != 0 || f.Body != "":
		s := fmt.Sprintf("status %d", max(f.Status, 200))
		if f.Status != 0 {
			s = fmt.Sprintf("status %d", f.Status)
		}
		if f.ApplyThenBody {
			s += " after apply"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

type faultEntry struct {
	fault     Fault
	remaining int
}

func (f Fault) matches(method, p string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Path == "" {
		return true
	}
	ok, err := path.Match(f.Path, p)
	return err == nil && ok
}

// faultList is the pending faults of a target or an injector.
type faultList struct {
	mu      sync.Mutex
	entries []*faultEntry
}

func (l *faultList) inject(f Fault) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := f.Times
	if n <= 0 {
		n = 1
	}
	l.entries = append(l.entries, &faultEntry{fault: f, remaining: n})
}

func (l *faultList) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

func (l *faultList) pending() []Fault {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Fault, 0, len(l.entries))
	for _, e := range l.entries {
		f := e.fault
		f.Times = e.remaining
		out = append(out, f)
	}
	return out
}

// take consumes one use of the first fault matching the request.
func (l *faultList) take(method, p string) (Fault, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, e := range l.entries {
		if !e.fault.matches(method, p) {
			continue
		}
		e.remaining--
		if e.remaining <= 0 {
			l.entries = append(l.entries[:i], l.entries[i+1:]...)
		}
		return e.fault, true
	}
	return Fault{}, false
}

// InjectFault adds a fault; it applies to the next f.Times matching requests.
func (t *Target) InjectFault(f Fault) { t.faults.inject(f) }

// ClearFaults removes all pending faults.
func (t *Target) ClearFaults() { t.faults.clear() }

// Faults returns the pending faults, Times set to the remaining uses.
func (t *Target) Faults() []Fault { return t.faults.pending() }

// applyFault handles the request if a fault matches it and reports whether
// it did. A latency-only fault delays and then lets normal handling proceed.
func (t *Target) applyFault(w *httpstatus.Recorder, r *http.Request, p string, body []byte, base string, rec *RecordedRequest) bool {
	f, ok := t.faults.take(r.Method, p)
	if !ok {
		return false
	}
	note := func(s string) {
		t.mu.Lock()
		rec.Fault += s
		t.mu.Unlock()
	}
	note(f.describe())
	return playFault(f, w, r, func(bw http.ResponseWriter) { t.serveSCIM(bw, r, p, body, base) }, note)
}

// playFault plays fault f for request r and reports whether it answered
// (or dropped) the request itself; false lets normal handling proceed
// (after a latency-only fault). serve handles the request for real, for
// the faults that apply it; note adds to the request log's fault text.
func playFault(f Fault, w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter), note func(string)) bool {
	if f.Latency > 0 {
		timer := time.NewTimer(f.Latency)
		defer timer.Stop()
		select {
		case <-r.Context().Done():
			// The client gave up: the request is not applied and nobody is
			// listening for an answer.
			note(", canceled by client")
			return true
		case <-timer.C:
		}
	}
	applied := func() {
		buf := newBufferWriter()
		serve(buf)
		note(fmt.Sprintf(" (applied: %d)", buf.status))
	}
	switch {
	case f.DropBeforeWrite:
		dropConnection(w)
		return true
	case f.DropAfterWrite:
		applied()
		dropConnection(w)
		return true
	case f.Status != 0 || f.Body != "":
		if f.ApplyThenBody {
			applied()
		}
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		if f.Body == "" {
			writeJSON(w, status, errorBody(status, "", fmt.Sprintf("injected fault: %s", http.StatusText(status))))
			return true
		}
		ct := f.ContentType
		if ct == "" {
			ct = http.DetectContentType([]byte(f.Body))
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	return false
}

// FaultInjector puts the same faults in front of any SCIM server's
// handler, a server nobody here wrote included: what the target does to
// its own requests, the injector does to the requests it passes on.
type FaultInjector struct {
	faults faultList
	root   string
	next   http.Handler
}

// NewFaultInjector returns next behind injected faults. root is the path
// of the SCIM base URL ("/scim/v2"): fault paths are matched relative to
// it, as the target's are.
func NewFaultInjector(root string, next http.Handler) *FaultInjector {
	return &FaultInjector{root: strings.TrimRight(root, "/"), next: next}
}

// InjectFault adds a fault; it applies to the next f.Times matching requests.
func (fi *FaultInjector) InjectFault(f Fault) { fi.faults.inject(f) }

// Faults returns the pending faults, Times set to the remaining uses.
func (fi *FaultInjector) Faults() []Fault { return fi.faults.pending() }

// ServeHTTP plays the first matching fault, or passes the request on.
func (fi *FaultInjector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := fi.faults.take(r.Method, strings.TrimPrefix(r.URL.Path, fi.root))
	if !ok {
		fi.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	again := func() *http.Request {
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		return r2
	}
	if !playFault(f, w, r, func(bw http.ResponseWriter) { fi.next.ServeHTTP(bw, again()) }, func(string) {}) {
		fi.next.ServeHTTP(w, again())
	}
}

// dropConnection closes the client connection without a response. With
// SO_LINGER 0 the client sees a reset rather than a clean EOF, like a crashed
// load balancer. If the connection cannot be hijacked (HTTP/2), aborting the
// handler makes net/http reset the stream instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
