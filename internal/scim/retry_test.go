package scim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestComputeBackoff(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	resp := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	tests := []struct {
		name     string
		min, max time.Duration
		attempt  int
		resp     *http.Response
		random   float64
		want     time.Duration
		extra    map[int]bool
	}{
		{"429 seconds", time.Second, time.Minute, 0, resp(429, "7"), 0.5, 7 * time.Second, nil},
		{"503 seconds", time.Second, time.Minute, 3, resp(503, "2"), 0.5, 2 * time.Second, nil},
		{"429 date", time.Second, time.Minute, 0, resp(429, now.Add(12*time.Second).Format(http.TimeFormat)), 0.5, 12 * time.Second, nil},
		{"429 date in past", time.Second, time.Minute, 0, resp(429, now.Add(-time.Hour).Format(http.TimeFormat)), 0.5, 0, nil},
		{"429 capped by max", time.Second, 10 * time.Second, 0, resp(429, "3600"), 0.5, 10 * time.Second, nil},
		{"502 ignores Retry-After", time.Second, time.Minute, 0, resp(502, "30"), 0, time.Second, nil},
		{"429 garbage header falls back", time.Second, time.Minute, 0, resp(429, "soon"), 0, time.Second, nil},
		{"exp attempt 0 low jitter", time.Second, time.Minute, 0, nil, 0, time.Second, nil},
		{"exp attempt 0 high jitter", time.Second, time.Minute, 0, nil, 0.999999, time.Second, nil},
		{"exp attempt 2 low", time.Second, time.Minute, 2, nil, 0, 2 * time.Second, nil},
		{"exp attempt 2 high", time.Second, time.Minute, 2, nil, 1, 4 * time.Second, nil},
		{"exp capped", time.Second, 5 * time.Second, 10, nil, 1, 5 * time.Second, nil},
		{"exp huge attempt", time.Second, 5 * time.Second, 200, nil, 0, 2500 * time.Millisecond, nil},
		{"500 ignores Retry-After by default", time.Second, time.Minute, 0, resp(500, "9"), 0, time.Second, nil},
		{"extra retry status honours Retry-After", time.Second, time.Minute, 0, resp(500, "9"), 0, 9 * time.Second, map[int]bool{500: true}},
		{"extra retry status capped by max", time.Second, 10 * time.Second, 0, resp(500, "3600"), 0, 10 * time.Second, map[int]bool{500: true}},
		{"extra retry status without Retry-After backs off", time.Second, time.Minute, 2, resp(500, ""), 0, 2 * time.Second, map[int]bool{500: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := computeBackoff(tt.min, tt.max, tt.attempt, tt.resp, tt.extra, now, func() float64 { return tt.random })
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 120 ", 120 * time.Second, true},
		{"-5", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"Wed, 01 May 2024 11:00:00 GMT", 0, true},
		{"Wednesday, 01-May-24 12:00:30 GMT", 30 * time.Second, true}, // RFC 850
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestShouldRetryPolicy(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name          string
		method        string
		status        int
		err           error
		wrote         bool
		want          bool
		wantAmbiguous bool
	}{
		{"GET 429", "GET", 429, nil, true, true, false},
		{"GET 502", "GET", 502, nil, true, true, false},
		{"GET 503", "GET", 503, nil, true, true, false},
		{"GET 504", "GET", 504, nil, true, true, false},
		{"GET 500 not retried", "GET", 500, nil, true, false, false},
		{"GET 501", "GET", 501, nil, true, false, false},
		{"GET 404", "GET", 404, nil, true, false, false},
		{"GET 409", "GET", 409, nil, true, false, false},
		{"POST 429", "POST", 429, nil, true, true, false},
		{"POST 503", "POST", 503, nil, true, true, false},
		{"POST 502 not retried", "POST", 502, nil, true, false, false},
		{"POST 504 not retried", "POST", 504, nil, true, false, false},
		{"GET reset", "GET", 0, io.ErrUnexpectedEOF, true, true, false},
		{"PATCH reset", "PATCH", 0, io.ErrUnexpectedEOF, true, true, false},
		{"DELETE reset", "DELETE", 0, io.ErrUnexpectedEOF, true, true, false},
		{"POST dial error", "POST", 0, dialErr, false, true, false},
		{"POST reset after send", "POST", 0, io.ErrUnexpectedEOF, true, false, true},
		{"POST timeout after send", "POST", 0, &attemptTimeoutError{timeout: time.Second, err: context.DeadlineExceeded}, true, false, true},
		{"GET attempt timeout", "GET", 0, &attemptTimeoutError{timeout: time.Second, err: context.DeadlineExceeded}, true, true, false},
		{"canceled", "GET", 0, context.Canceled, false, false, false},
		{"auth error", "GET", 0, &authError{TokenURL: "x", Status: 401}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &callState{method: tt.method}
			st.wrote.Store(tt.wrote)
			var resp *http.Response
			if tt.status != 0 {
				resp = &http.Response{StatusCode: tt.status, Header: http.Header{}}
			}
			if got := shouldRetry(st, resp, tt.err); got != tt.want {
				t.Errorf("shouldRetry = %v, want %v", got, tt.want)
			}
			if st.ambiguous != tt.wantAmbiguous {
				t.Errorf("ambiguous = %v, want %v", st.ambiguous, tt.wantAmbiguous)
			}
		})
	}
}

// sequenceServer answers each request with the next handler of steps (the
// last one repeats) and counts requests per method.
type sequenceServer struct {
	*httptest.Server
	n     atomic.Int32
	posts atomic.Int32
}

func newSequenceServer(t *testing.T, steps ...http.HandlerFunc) *sequenceServer {
	s := &sequenceServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if r.Method == http.MethodPost {
			s.posts.Add(1)
		}
		i := int(s.n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		steps[i](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		scimError(w, code, "", http.StatusText(code))
	}
}

func okUser(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"id": "u1", "userName": "alice"})
}

func created(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusCreated, map[string]any{"id": "u1", "userName": "alice"})
}

// hangUp closes the connection without answering, after the request (and
// its body) has been read.
func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // RST rather than FIN
	}
	_ = conn.Close()
}

func TestRetryScenarios(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		steps        []http.HandlerFunc
		mod          func(*Config)
		wantRequests int32
		check        func(t *testing.T, err error)
	}{
		{
			name: "503 then success", method: "GET",
			steps:        []http.HandlerFunc{status(503), okUser},
			wantRequests: 2,
			check:        wantNoError,
		},
		{
			name: "429 then success on POST", method: "POST",
			steps:        []http.HandlerFunc{status(429), created},
			wantRequests: 2,
			check:        wantNoError,
		},
		{
			name: "500 not retried", method: "GET",
			steps:        []http.HandlerFunc{status(500), okUser},
			wantRequests: 1,
			check: func(t *testing.T, err error) {
				if e, ok := AsError(err); !ok || e.Status != 500 || e.Attempts != 1 {
					t.Fatalf("want *Error 500 after 1 attempt, got %v", err)
				}
			},
		},
		{
			name: "502 on POST is ambiguous, not retried", method: "POST",
			steps:        []http.HandlerFunc{status(502), created},
			wantRequests: 1,
			check: func(t *testing.T, err error) {
				if !IsAmbiguous(err) {
					t.Fatalf("want ambiguousError, got %v", err)
				}
				if e, ok := AsError(err); !ok || e.Status != 502 {
					t.Fatalf("ambiguous error should wrap the 502 *Error, got %v", err)
				}
			},
		},
		{
			name: "connection reset on GET retried", method: "GET",
			steps:        []http.HandlerFunc{hangUp, okUser},
			wantRequests: 2,
			check:        wantNoError,
		},
		{
			name: "connection reset on PATCH retried", method: "PATCH",
			steps:        []http.HandlerFunc{hangUp, okUser},
			wantRequests: 2,
			check:        wantNoError,
		},
		{
			name: "connection dropped after POST received is ambiguous", method: "POST",
			steps:        []http.HandlerFunc{hangUp, created},
			wantRequests: 1,
			check: func(t *testing.T, err error) {
				var a *ambiguousError
				if !errors.As(err, &a) {
					t.Fatalf("want *ambiguousError, got %T %v", err, err)
				}
				if a.Method != "POST" || !strings.HasSuffix(a.URL, "/Users") {
					t.Errorf("ambiguous error fields %+v", a)
				}
			},
		},
		{
			name: "retries bounded by count", method: "GET",
			steps:        []http.HandlerFunc{status(503, "Retry-After", "0")},
			mod:          func(c *Config) { c.MaxRetries = 3 },
			wantRequests: 4,
			check: func(t *testing.T, err error) {
				e, ok := AsError(err)
				if !ok || e.Status != 503 || e.Attempts != 4 {
					t.Fatalf("want *Error 503 after 4 attempts, got %#v", err)
				}
				if !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "gave up after 4 attempts") {
					t.Errorf("message %q must give status and attempts", err)
				}
			},
		},
		{
			name: "no retries with -1", method: "GET",
			steps:        []http.HandlerFunc{status(503), okUser},
			mod:          func(c *Config) { c.MaxRetries = -1 },
			wantRequests: 1,
			check: func(t *testing.T, err error) {
				if e, ok := AsError(err); !ok || e.Status != 503 {
					t.Fatalf("want 503, got %v", err)
				}
			},
		},
		{
			name: "Retry-After beyond elapsed budget gives up at once", method: "GET",
			steps: []http.HandlerFunc{status(429, "Retry-After", "120"), okUser},
			mod: func(c *Config) {
				c.RetryWaitMax = time.Hour
				c.MaxRetryElapsed = time.Second
			},
			wantRequests: 1,
			check: func(t *testing.T, err error) {
				e, ok := AsError(err)
				if !ok || e.Status != 429 || e.RetryAfter != 120*time.Second {
					t.Fatalf("want 429 with RetryAfter 120s, got %#v", err)
				}
				if !strings.Contains(err.Error(), "retry after 2m0s") {
					t.Errorf("message %q should mention Retry-After", err)
				}
			},
		},
		{
			name: "Retry-After capped by RetryWaitMax", method: "GET",
			steps:        []http.HandlerFunc{status(429, "Retry-After", "3600"), okUser},
			mod:          func(c *Config) { c.RetryWaitMax = 20 * time.Millisecond },
			wantRequests: 2,
			check:        wantNoError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSequenceServer(t, tt.steps...)
			mods := []func(*Config){}
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			c := newTestClient(t, srv.URL, mods...)
			start := time.Now()
			var body any
			if tt.method != "GET" {
				body = Resource{"userName": "alice"}
			}
			path := "/Users/u1"
			if tt.method == "POST" {
				path = "/Users"
			}
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: path, Body: body})
			tt.check(t, err)
			if got := srv.n.Load(); got != tt.wantRequests {
				t.Errorf("server saw %d requests, want %d", got, tt.wantRequests)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

func wantNoError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	tests := []struct {
		name  string
		value func() string
		min   time.Duration
	}{
		{"delta seconds", func() string { return "1" }, 950 * time.Millisecond},
		// The date has one-second resolution, so now+2s waits 1–2s.
		{"http date", func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, 900 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSequenceServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tt.value())
				scimError(w, 429, "", "slow down")
			}, okUser)
			c := newTestClient(t, srv.URL, func(c *Config) { c.RetryWaitMax = 3 * time.Second })
			start := time.Now()
			if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < tt.min || d > 2500*time.Millisecond {
				t.Errorf("waited %s, want at least %s (Retry-After honoured) and not much more", d, tt.min)
			}
			if srv.n.Load() != 2 {
				t.Errorf("requests = %d", srv.n.Load())
			}
		})
	}
}

func TestRetriesBoundedByElapsedTime(t *testing.T) {
	srv := newSequenceServer(t, status(503))
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.MaxRetries = 1000
		c.RetryWaitMin = 40 * time.Millisecond
		c.RetryWaitMax = 40 * time.Millisecond
		c.MaxRetryElapsed = 150 * time.Millisecond
	})
	start := time.Now()
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/Users/u1"})
	d := time.Since(start)
	e, ok := AsError(err)
	if !ok || e.Status != 503 {
		t.Fatalf("want 503 *Error, got %v", err)
	}
	if n := srv.n.Load(); n < 2 || n > 5 {
		t.Errorf("server saw %d requests, want 2..5 within a 150ms budget of 40ms waits", n)
	}
	if d > 400*time.Millisecond {
		t.Errorf("took %s, budget was 150ms", d)
	}
	if e.Attempts != int(srv.n.Load()) {
		t.Errorf("Attempts = %d, server saw %d", e.Attempts, srv.n.Load())
	}
}

func TestContextCancelDuringBackoffReturnsPromptly(t *testing.T) {
	srv := newSequenceServer(t, status(503, "Retry-After", "10"))
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.RetryWaitMax = 30 * time.Second
		c.MaxRetryElapsed = time.Minute
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Users().Get(ctx, "u1", ReadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("returned after %s; the 10s backoff wait was not cancelled", d)
	}
}

func TestContextDeadlineBeforeCall(t *testing.T) {
	srv := newSequenceServer(t, okUser)
	c := newTestClient(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Users().Get(ctx, "u1", ReadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if srv.n.Load() != 0 {
		t.Errorf("request sent despite cancelled context")
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
		created(w, r)
	}
	t.Run("GET retried", func(t *testing.T) {
		srv := newSequenceServer(t, slow, okUser)
		c := newTestClient(t, srv.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond })
		if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
			t.Fatal(err)
		}
		if srv.n.Load() != 2 {
			t.Errorf("requests = %d, want 2", srv.n.Load())
		}
	})
	t.Run("POST ambiguous", func(t *testing.T) {
		srv := newSequenceServer(t, slow, created)
		c := newTestClient(t, srv.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond })
		_, err := c.Users().Create(context.Background(), Resource{"userName": "alice"})
		if !IsAmbiguous(err) {
			t.Fatalf("want ambiguous, got %v", err)
		}
		if !strings.Contains(err.Error(), "per-attempt timeout") {
			t.Errorf("message %q should say the attempt timed out", err)
		}
		if srv.posts.Load() != 1 {
			t.Errorf("POSTs = %d, want exactly 1", srv.posts.Load())
		}
	})
}

func TestPOSTNeverSentIsRetriedNotAmbiguous(t *testing.T) {
	// A listener that is closed at once gives "connection refused": the
	// request never left, so POST may be retried and is not ambiguous.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	logger := &recordingLogger{}
	c := newTestClient(t, "http://"+addr, func(c *Config) { c.MaxRetries = 2; c.Logger = logger })
	_, err = c.Users().Create(context.Background(), Resource{"userName": "alice"})
	if err == nil || IsAmbiguous(err) {
		t.Fatalf("want a plain connection error, got %v", err)
	}
	if !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("error %q should report 3 attempts", err)
	}
	failures := 0
	for _, e := range logger.all() {
		if e.Msg == "SCIM request failed" {
			failures++
		}
	}
	if failures != 3 {
		t.Errorf("logged %d failed attempts, want 3", failures)
	}
}

func TestRateLimitObserved(t *testing.T) {
	srv := newSequenceServer(t, okUser)
	c := newTestClient(t, srv.URL, func(c *Config) { c.RequestsPerSecond = 20 })
	start := time.Now()
	for i := 0; i < 5; i++ {
		if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Burst 1 at 20/s: the 4 requests after the first wait 50ms each.
	if d := time.Since(start); d < 180*time.Millisecond {
		t.Errorf("5 requests at 20/s took %s, want >= 200ms", d)
	}
}

func TestRateLimitWaitIsCancellable(t *testing.T) {
	srv := newSequenceServer(t, okUser)
	c := newTestClient(t, srv.URL, func(c *Config) { c.RequestsPerSecond = 0.1 })
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Users().Get(ctx, "u1", ReadOptions{})
	if err == nil || time.Since(start) > time.Second {
		t.Fatalf("want prompt error, got %v after %s", err, time.Since(start))
	}
	if srv.n.Load() != 1 {
		t.Errorf("second request should not have been sent")
	}
}

func TestMaxConcurrencyObserved(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(40 * time.Millisecond)
		inFlight.Add(-1)
		okUser(w, r)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) { c.MaxConcurrency = 2 })
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Users().Get(context.Background(), "u1", ReadOptions{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency %d, want exactly 2", p)
	}
}

// truncated answers status with a Content-Length larger than the body it
// sends, then closes the connection: the client gets the headers and an
// unexpected EOF while reading the body.
func truncated(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{\"id\":\"u1\",\"userN", status, http.StatusText(status))
		_ = buf.Flush()
		_ = conn.Close()
	}
}

func TestTruncatedBodyRetriedForIdempotentMethods(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			srv := newSequenceServer(t, truncated(200), truncated(200), okUser)
			c := newTestClient(t, srv.URL)
			var body any
			if method != http.MethodGet && method != http.MethodDelete {
				body = Resource{"userName": "alice"}
			}
			var out Resource
			if _, err := c.Do(context.Background(), Request{Method: method, Path: "/Users/u1", Body: body, Out: &out}); err != nil {
				t.Fatalf("want success after retries, got %v", err)
			}
			if out.ID() != "u1" || out["userName"] != "alice" {
				t.Errorf("decoded %v", out)
			}
			if n := srv.n.Load(); n != 3 {
				t.Errorf("server saw %d requests, want 3", n)
			}
		})
	}
}

func TestTruncatedBodyRetriesBounded(t *testing.T) {
	srv := newSequenceServer(t, truncated(200))
	c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.Users().Get(context.Background(), "u1", ReadOptions{})
	if err == nil {
		t.Fatal("want error")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %q should wrap io.ErrUnexpectedEOF", err)
	}
	for _, want := range []string{"3 attempts", "reading HTTP 200 response body"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should contain %q", err, want)
		}
	}
	if n := srv.n.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

func TestTruncatedBodyOnPOSTIsAmbiguous(t *testing.T) {
	srv := newSequenceServer(t, truncated(201), created)
	c := newTestClient(t, srv.URL)
	_, err := c.Users().Create(context.Background(), Resource{"userName": "alice"})
	var a *ambiguousError
	if !errors.As(err, &a) {
		t.Fatalf("want *ambiguousError, got %T %v", err, err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %q should wrap io.ErrUnexpectedEOF", err)
	}
	if n := srv.posts.Load(); n != 1 {
		t.Errorf("POSTs = %d, want exactly 1", n)
	}
}

func TestTruncatedBodyStillLoggedAtTrace(t *testing.T) {
	logger := &recordingLogger{}
	srv := newSequenceServer(t, truncated(200), okUser)
	c := newTestClient(t, srv.URL, func(c *Config) { c.Logger = logger })
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	brokenLogged := false
	for _, e := range logger.all() {
		if e.Msg != "SCIM response" {
			continue
		}
		b, _ := e.Fields["body"].(string)
		bodies = append(bodies, b)
		if e.Fields["attempt"] == 1 && e.Fields["body_error"] != nil && strings.Contains(b, `"userN`) {
			brokenLogged = true
		}
	}
	if len(bodies) != 2 || !strings.Contains(bodies[1], `"alice"`) {
		t.Errorf("response bodies logged: %q\n%s", bodies, logger.dump())
	}
	if !brokenLogged {
		t.Errorf("the broken first body and its error were not logged:\n%s", logger.dump())
	}
	retried := false
	for _, e := range logger.all() {
		if e.Msg == "SCIM retrying request" && strings.Contains(fmt.Sprint(e.Fields["error"]), "unexpected EOF") {
			retried = true
		}
	}
	if !retried {
		t.Errorf("retry decision not logged with the read error:\n%s", logger.dump())
	}
}

// stalledBody sends the headers and part of the body, then waits until
// release is closed or the client goes away.
func stalledBody(release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.Header().Set("Content-Length", "500")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"id":"u1",`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
}

func TestCancelWhileReadingBodyNotRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newSequenceServer(t, stalledBody(release), okUser)
	c := newTestClient(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Users().Get(ctx, "u1", ReadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %s", d)
	}
	if n := srv.n.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1 (a cancelled read is not retried)", n)
	}
}

func TestAttemptTimeoutWhileReadingBodyRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newSequenceServer(t, stalledBody(release), okUser)
	c := newTestClient(t, srv.URL, func(c *Config) { c.Timeout = 150 * time.Millisecond })
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatalf("want success after the stalled attempt timed out, got %v", err)
	}
	if n := srv.n.Load(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestShouldRetryExtraStatuses(t *testing.T) {
	extra := map[int]bool{500: true, 400: true}
	tests := []struct {
		method string
		status int
		want   bool
	}{
		{"GET", 500, true},
		{"PUT", 500, true},
		{"PATCH", 500, true},
		{"DELETE", 500, true},
		{"GET", 400, true},
		{"POST", 500, false},
		{"POST", 400, false},
		{"GET", 501, false},
		{"POST", 503, true},
		{"POST", 502, false},
	}
	for _, tt := range tests {
		st := &callState{method: tt.method, retryStatuses: extra}
		resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
		if got := shouldRetry(st, resp, nil); got != tt.want {
			t.Errorf("%s %d: shouldRetry = %v, want %v", tt.method, tt.status, got, tt.want)
		}
		if st.ambiguous {
			t.Errorf("%s %d: marked ambiguous", tt.method, tt.status)
		}
	}
}

func TestRetryStatuses(t *testing.T) {
	retry500 := func(c *Config) { c.RetryStatuses = []int{500} }
	tests := []struct {
		name         string
		method       string
		steps        []http.HandlerFunc
		mod          func(*Config)
		wantRequests int32
		wantStatus   int // 0: success
		wantAttempts int
	}{
		{"GET 500 retried", "GET", []http.HandlerFunc{status(500), status(500), okUser}, retry500, 3, 0, 0},
		{"GET 500 final without RetryStatuses", "GET", []http.HandlerFunc{status(500), status(500), okUser}, nil, 1, 500, 1},
		{"PATCH 500 retried", "PATCH", []http.HandlerFunc{status(500), okUser}, retry500, 2, 0, 0},
		{"DELETE 500 retried", "DELETE", []http.HandlerFunc{status(500), status(204)}, retry500, 2, 204, 0},
		{"POST 500 not retried", "POST", []http.HandlerFunc{status(500), created}, retry500, 1, 500, 1},
		{"GET 500 retries bounded", "GET", []http.HandlerFunc{status(500)}, func(c *Config) { retry500(c); c.MaxRetries = 2 }, 3, 500, 3},
		{"other statuses unaffected", "GET", []http.HandlerFunc{status(501), okUser}, retry500, 1, 501, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSequenceServer(t, tt.steps...)
			var mods []func(*Config)
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			c := newTestClient(t, srv.URL, mods...)
			var body any
			path := "/Users/u1"
			switch tt.method {
			case "POST":
				path = "/Users"
				body = Resource{"userName": "alice"}
			case "PATCH":
				body = PatchRequest{Schemas: []string{messagePatchOp}, Operations: []PatchOp{{Op: PatchReplace, Path: "title", Value: "x"}}}
			}
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: path, Body: body})
			if got := srv.n.Load(); got != tt.wantRequests {
				t.Errorf("server saw %d requests, want %d", got, tt.wantRequests)
			}
			switch tt.wantStatus {
			case 0, 204:
				wantNoError(t, err)
			default:
				if IsAmbiguous(err) {
					t.Fatalf("a final status must not be ambiguous: %v", err)
				}
				e, ok := AsError(err)
				if !ok || e.Status != tt.wantStatus || e.Attempts != tt.wantAttempts {
					t.Fatalf("want *Error %d after %d attempts, got %v", tt.wantStatus, tt.wantAttempts, err)
				}
			}
		})
	}
}

func TestRetryStatusHonoursRetryAfter(t *testing.T) {
	srv := newSequenceServer(t, status(500, "Retry-After", "1"), okUser)
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.RetryStatuses = []int{500}
		c.RetryWaitMax = 3 * time.Second
	})
	start := time.Now()
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 950*time.Millisecond || d > 2500*time.Millisecond {
		t.Errorf("waited %s, want about the 1s Retry-After", d)
	}
}
