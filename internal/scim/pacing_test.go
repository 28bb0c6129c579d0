package scim

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestWindowExhausted(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration // from now; -1: not exhausted
	}{
		{"no headers", h(), -1},
		{"requests left", h("X-RateLimit-Remaining", "12", "X-RateLimit-Reset", "1800000030"), -1},
		{"used up, reset as epoch seconds", h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1800000030"), 30 * time.Second},
		{"used up, reset as seconds from now", h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "7"), 7 * time.Second},
		{"used up, no reset", h("X-RateLimit-Remaining", "0"), time.Second},
		{"IETF draft headers", h("RateLimit-Remaining", "0", "RateLimit-Reset", "2"), 2 * time.Second},
		{"unparseable remaining", h("X-RateLimit-Remaining", "lots"), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := windowExhausted(tt.header, now)
			switch {
			case tt.want < 0 && ok:
				t.Errorf("exhausted until %s, want not exhausted", got)
			case tt.want >= 0 && (!ok || got.Sub(now) != tt.want):
				t.Errorf("got %s (%v), want %s from now", got.Sub(now), ok, tt.want)
			}
		})
	}
}

// A 429 with Retry-After pauses every request of the client, not only the
// one retried, and the pause never exceeds RetryWaitMax.
func TestPacerPausesAllRequests(t *testing.T) {
	var (
		mu       sync.Mutex
		arrivals []time.Time
		first    = true
	)
	srv := newSequenceServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		limited := first
		first = false
		mu.Unlock()
		if limited {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		okUser(w, r)
	})
	c := newTestClient(t, srv.URL, func(c *Config) { c.RetryWaitMax = 2 * time.Second })
	start := time.Now()
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	// A second request made right after the 429 waited for the pause too.
	if _, err := c.Users().Get(context.Background(), "u2", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(arrivals) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(arrivals))
	}
	if gap := arrivals[1].Sub(arrivals[0]); gap < 900*time.Millisecond {
		t.Errorf("the retry came %s after the 429, want about 1s", gap)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s", time.Since(start))
	}

	// A used-up window pauses the next request until the reset.
	p := &pacer{now: time.Now, maxPause: 300 * time.Millisecond}
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"60"}}}
	p.observe(resp)
	began := time.Now()
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < 250*time.Millisecond || d > 2*time.Second {
		t.Errorf("paused %s, want the 300ms cap", d)
	}
	// A cancelled context ends the pause.
	p.observe(resp)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.wait(ctx); err == nil {
		t.Error("wait with a cancelled context returned no error")
	}
}
