package scim

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pacer holds back every request of one Client while the app has said it
// wants no more for now: a 429 or 503 with Retry-After, or rate-limit
// headers saying the current window is used up (X-RateLimit-Remaining or
// RateLimit-Remaining 0, until X-RateLimit-Reset / RateLimit-Reset). It
// adapts to what the app enforces instead of guessing a fixed rate: an app
// that sends no such signal is not slowed at all, and one that does is
// paused exactly as long as it asks, for all requests at once rather than
// each retrying on its own. A fixed Config.RequestsPerSecond still applies
// on top.
type pacer struct {
	mu    sync.Mutex
	until time.Time
	// now is time.Now, replaceable in tests.
	now func() time.Time
	// maxPause caps one pause, as RetryWaitMax caps a wait.
	maxPause time.Duration
}

// wait blocks until the app's pause, if any, is over, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		d := p.until.Sub(p.now())
		p.mu.Unlock()
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// observe reads the app's pacing signals from a response.
func (p *pacer) observe(resp *http.Response) {
	now := p.now()
	var until time.Time
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			until = now.Add(d)
		}
	}
	if t, ok := windowExhausted(resp.Header, now); ok && t.After(until) {
		until = t
	}
	if until.IsZero() {
		return
	}
	if max := now.Add(p.maxPause); until.After(max) {
		until = max
	}
	p.mu.Lock()
	if until.After(p.until) {
		p.until = until
	}
	p.mu.Unlock()
}

// windowExhausted reports when the app's rate-limit window resets, if its
// headers say no request is left in it: X-RateLimit-Remaining with
// X-RateLimit-Reset (GitHub, Okta and many others; Reset in epoch seconds,
// or in seconds from now for small values), or the IETF draft's
// RateLimit-Remaining with RateLimit-Reset (seconds from now).
func windowExhausted(h http.Header, now time.Time) (time.Time, bool) {
	for _, prefix := range []string{"X-RateLimit-", "RateLimit-"} {
		remaining := strings.TrimSpace(h.Get(prefix + "Remaining"))
		if remaining == "" {
			continue
		}
		n, err := strconv.ParseFloat(remaining, 64)
		if err != nil || n > 0 {
			return time.Time{}, false
		}
		reset, err := strconv.ParseFloat(strings.TrimSpace(h.Get(prefix+"Reset")), 64)
		if err != nil || reset < 0 {
			// Used up, with no word on when it resets: a short pause
			// rather than none.
			return now.Add(time.Second), true
		}
		// Values this large are a point in time (epoch seconds); smaller
		// ones a delay.
		if reset > 1e9 {
			return time.Unix(0, int64(reset*float64(time.Second))), true
		}
		return now.Add(time.Duration(reset * float64(time.Second))), true
	}
	return time.Time{}, false
}
