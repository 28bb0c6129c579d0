package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ---- shared test helpers ----

// newTestClient builds a client for srv with tiny retry waits so retry tests
// stay fast.
func newTestClient(t *testing.T, baseURL string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:         baseURL,
		Timeout:         2 * time.Second,
		RetryWaitMin:    time.Millisecond,
		RetryWaitMax:    5 * time.Millisecond,
		MaxRetryElapsed: 5 * time.Second,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func scimError(w http.ResponseWriter, status int, scimType, detail string) {
	body := map[string]any{"schemas": []string{messageError}, "status": fmt.Sprint(status), "detail": detail}
	if scimType != "" {
		body["scimType"] = scimType
	}
	writeJSON(w, status, body)
}

type logEntry struct {
	Level  LogLevel
	Msg    string
	Fields map[string]any
}

// recordingLogger keeps every record, at every level.
type recordingLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *recordingLogger) Log(_ context.Context, level LogLevel, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{level, msg, fields})
}

func (l *recordingLogger) all() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.entries...)
}

func (l *recordingLogger) dump() string {
	var b strings.Builder
	for _, e := range l.all() {
		fmt.Fprintf(&b, "%s %s %v\n", e.Level, e.Msg, e.Fields)
	}
	return b.String()
}

// ---- New ----

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		wantURL string
	}{
		{"ok trailing slash", Config{BaseURL: "https://api.example.com/scim/v2/"}, "", "https://api.example.com/scim/v2"},
		{"ok http", Config{BaseURL: "http://127.0.0.1:8080/scim"}, "", "http://127.0.0.1:8080/scim"},
		{"empty", Config{}, "base URL is empty", ""},
		{"relative", Config{BaseURL: "/scim/v2"}, "must be absolute", ""},
		{"scheme", Config{BaseURL: "ftp://example.com/scim"}, `not "ftp"`, ""},
		{"no host", Config{BaseURL: "https:///scim"}, "has no host", ""},
		{"query", Config{BaseURL: "https://example.com/scim?tenant=1"}, "query string", ""},
		{"fragment", Config{BaseURL: "https://example.com/scim#x"}, "fragment", ""},
		{"userinfo", Config{BaseURL: "https://u:p@example.com/scim"}, "must not embed credentials", ""},
		{"negative timeout", Config{BaseURL: "https://e.com", Timeout: -1}, "timeout must not be negative", ""},
		{"retries", Config{BaseURL: "https://e.com", MaxRetries: -2}, "max retries", ""},
		{"wait order", Config{BaseURL: "https://e.com", RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}, "exceeds maximum", ""},
		{"rps", Config{BaseURL: "https://e.com", RequestsPerSecond: -1}, "requests per second", ""},
		{"concurrency", Config{BaseURL: "https://e.com", MaxConcurrency: -1}, "max concurrency", ""},
		{"retry statuses ok", Config{BaseURL: "https://e.com", RetryStatuses: []int{500, 400, 599, 503}}, "", "https://e.com"},
		{"retry status 2xx", Config{BaseURL: "https://e.com", RetryStatuses: []int{500, 200}}, "retry status 200 is not an HTTP error status", ""},
		{"retry status 3xx", Config{BaseURL: "https://e.com", RetryStatuses: []int{302}}, "retry status 302", ""},
		{"retry status 600", Config{BaseURL: "https://e.com", RetryStatuses: []int{600}}, "retry status 600", ""},
		{"retry status 404", Config{BaseURL: "https://e.com", RetryStatuses: []int{404}}, "retry status 404 (Not Found) cannot be retried", ""},
		{"retry status 409", Config{BaseURL: "https://e.com", RetryStatuses: []int{409}}, "retry status 409", ""},
		{"retry status 412", Config{BaseURL: "https://e.com", RetryStatuses: []int{412}}, "retry status 412", ""},
		{"retry status 401", Config{BaseURL: "https://e.com", RetryStatuses: []int{401}}, "retry status 401", ""},
		{"retry status 403", Config{BaseURL: "https://e.com", RetryStatuses: []int{403}}, "retry status 403", ""},
		{"empty bearer", Config{BaseURL: "https://e.com", Auth: BearerToken(" ")}, "bearer token is empty", ""},
		{"bearer newline", Config{BaseURL: "https://e.com", Auth: BearerToken("abc\n")}, "line break", ""},
		{"basic user", Config{BaseURL: "https://e.com", Auth: BasicAuth("", "p")}, "username is empty", ""},
		{"oauth url", Config{BaseURL: "https://e.com", Auth: OAuth2ClientCredentials("token", "id", "s", nil, nil)}, "token URL", ""},
		{"oauth id", Config{BaseURL: "https://e.com", Auth: OAuth2ClientCredentials("https://e.com/t", "", "s", nil, nil)}, "client ID is empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.BaseURL() != tt.wantURL {
				t.Errorf("BaseURL = %q, want %q", c.BaseURL(), tt.wantURL)
			}
		})
	}
}

// ---- Do ----

func TestDoSendsHeadersAndRealBooleans(t *testing.T) {
	var got struct {
		accept, ctype, ua, ifMatch, rawQuery string
		body                                 []byte
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.accept = r.Header.Get("Accept")
		got.ctype = r.Header.Get("Content-Type")
		got.ua = r.Header.Get("User-Agent")
		got.ifMatch = r.Header.Get("If-Match")
		got.rawQuery = r.URL.RawQuery
		got.body, _ = io.ReadAll(r.Body)
		writeJSON(w, 200, map[string]any{"id": "1", "active": false})
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL+"/scim/")
	var out Resource
	resp, err := c.Do(context.Background(), Request{Method: http.MethodPut, Path: "/Users/1", Query: url.Values{"filter": {`userName eq "a b+c"`}}, Body: Resource{"active": false, "userName": "x"}, IfMatch: `W/"3"`, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if got.accept != "application/scim+json, application/json" {
		t.Errorf("Accept = %q", got.accept)
	}
	if got.ctype != "application/scim+json" {
		t.Errorf("Content-Type = %q", got.ctype)
	}
	if got.ua != defaultUserAgent {
		t.Errorf("User-Agent = %q", got.ua)
	}
	if got.ifMatch != `W/"3"` {
		t.Errorf("If-Match = %q", got.ifMatch)
	}
	if strings.Contains(got.rawQuery, "+eq+") || !strings.Contains(got.rawQuery, "%20eq%20") || !strings.Contains(got.rawQuery, "b%2Bc") {
		t.Errorf("query %q: spaces must be %%20 and plus signs %%2B", got.rawQuery)
	}
	if !strings.Contains(string(got.body), `"active":false`) || strings.Contains(string(got.body), `"false"`) {
		t.Errorf("body %s: active must be the JSON boolean false", got.body)
	}
	if v, ok := out["active"].(bool); !ok || v {
		t.Errorf("decoded active = %#v, want bool false", out["active"])
	}
}

func TestResourceBooleanMarshalsAsJSONBoolean(t *testing.T) {
	b, err := json.Marshal(Resource{"active": false})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"active":false}` {
		t.Fatalf("got %s, want {\"active\":false}", b)
	}
	b, _ = json.Marshal(PatchOp{Op: PatchReplace, Path: "active", Value: false})
	if string(b) != `{"op":"replace","path":"active","value":false}` {
		t.Fatalf("PatchOp with false value marshals as %s", b)
	}
}

func TestDoNoContentTypeWithoutBody(t *testing.T) {
	var ctype string
	var sawCT bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctype = r.Header.Get("Content-Type")
		_, sawCT = r.Header["Content-Type"]
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	if _, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: "/Users/1"}); err != nil {
		t.Fatal(err)
	}
	if sawCT {
		t.Errorf("Content-Type %q sent on a request without body", ctype)
	}
}

func TestDoResponseDecoding(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		ctype      string
		body       string
		wantErr    string // "" = success
		wantType   string // "response", "error"
		wantSnip   string
		wantStatus int
	}{
		{"scim json", 200, "application/scim+json", `{"id":"1"}`, "", "", "", 0},
		{"plain json with charset", 200, "application/json; charset=utf-8", `{"id":"1"}`, "", "", "", 0},
		{"no content type", 200, "", `{"id":"1"}`, "", "", "", 0},
		{"html 200", 200, "text/html; charset=utf-8", "<html>\n  <body>Please   sign in</body></html>", "expected a SCIM JSON body", "response", "<html> <body>Please sign in</body></html>", 200},
		{"malformed json", 200, "application/json", `{"id": "1",`, "invalid JSON", "response", `{"id": "1",`, 200},
		{"html 502", 502, "text/html", "<html><head><title>502 Bad Gateway</title></head>\n\n<body>nginx</body></html>", "HTTP 502", "error", "<html><head><title>502 Bad Gateway</title></head> <body>nginx</body></html>", 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				} else {
					w.Header()["Content-Type"] = nil
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = -1 })
			var out Resource
			_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/Users/1", Out: &out})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if out.ID() != "1" {
					t.Errorf("decoded %v", out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
			}
			switch tt.wantType {
			case "response":
				var re *ResponseError
				if !errors.As(err, &re) {
					t.Fatalf("want *ResponseError, got %T", err)
				}
				if re.Snippet != tt.wantSnip || re.Status != tt.wantStatus {
					t.Errorf("snippet %q status %d", re.Snippet, re.Status)
				}
			case "error":
				e, ok := AsError(err)
				if !ok {
					t.Fatalf("want *Error, got %T", err)
				}
				if e.Snippet != tt.wantSnip || e.Status != tt.wantStatus {
					t.Errorf("snippet %q status %d", e.Snippet, e.Status)
				}
			}
		})
	}
}

func TestDoCrossOriginRedirectNotFollowed(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		writeJSON(w, 200, map[string]any{"id": "1"})
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/Users/1", http.StatusFound)
			return
		}
		if r.URL.Path == "/Users/1" {
			writeJSON(w, 200, map[string]any{"id": "1"})
			return
		}
		http.Redirect(w, r, other.URL+"/Users/1", http.StatusFound)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) { c.Auth = BearerToken("tok") })
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/elsewhere"})
	if e, ok := AsError(err); !ok || e.Status != http.StatusFound {
		t.Fatalf("want *Error 302, got %v", err)
	}
	if otherHits.Load() != 0 {
		t.Fatal("redirect to another origin was followed (credentials would leak)")
	}
	var out Resource
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/same", Out: &out}); err != nil || out.ID() != "1" {
		t.Fatalf("same-origin redirect: %v %v", out, err)
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		from, to string
		want     bool
	}{
		{"https://a.example/x", "https://a.example/y", true},
		{"https://a.example/x", "https://A.EXAMPLE/y", true},
		{"https://a.example/x", "https://b.example/y", false},
		{"http://127.0.0.1:8080/x", "http://127.0.0.1:9090/x", false},
		{"http://a.example/x", "https://a.example/x", true},
		{"https://a.example/x", "http://a.example/x", false},
		{"http://a.example:8080/x", "https://a.example/x", false},
	}
	for _, tt := range tests {
		f, _ := url.Parse(tt.from)
		to, _ := url.Parse(tt.to)
		if got := sameOrigin(f, to); got != tt.want {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestDoUsesConfiguredHTTPClientTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "1"})
	}))
	defer srv.Close()
	var used atomic.Int32
	base := &countingTransport{next: http.DefaultTransport, n: &used}
	c := newTestClient(t, srv.URL, func(c *Config) { c.HTTPClient = &http.Client{Transport: base} })
	if _, err := c.Users().Get(context.Background(), "1", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if used.Load() != 1 {
		t.Fatalf("configured transport used %d times", used.Load())
	}
}

type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}
