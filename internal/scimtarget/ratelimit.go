package scimtarget

import (
	"net/http"
	"strconv"
	"time"
)

// rateWindow enforces Options.RateLimit the way many SaaS apps do: a fixed
// window of one second, the window's state in X-RateLimit-Limit,
// -Remaining and -Reset (epoch seconds) on every answer, and 429 with
// Retry-After once it is used up, so a client can be tested for pacing
// itself by what the app says.
type rateWindow struct {
	start time.Time
	used  int
}

// admitLocked counts one request against the window; it reports whether
// the request may be served and sets the rate-limit headers. t.mu is held.
func (t *Target) admitLocked(w http.ResponseWriter, now time.Time) bool {
	limit := t.opts.RateLimit
	if limit <= 0 {
		return true
	}
	win := &t.window
	if now.Sub(win.start) >= time.Second || now.Before(win.start) {
		win.start, win.used = now.Truncate(time.Second), 0
	}
	reset := win.start.Add(time.Second)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if win.used >= limit {
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("Retry-After", "1")
		return false
	}
	win.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-win.used))
	return true
}

// admit is admitLocked for a request being served.
func (t *Target) admit(w http.ResponseWriter) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.admitLocked(w, time.Now())
}
