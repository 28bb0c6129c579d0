package scimtarget

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A RateRule limits the SCIM requests of some methods to some paths, the
// way vendors document their limits per endpoint ("POST /Users: 180 a
// minute, burst 20"). Each rule is a token bucket: it holds up to Burst
// requests (Limit when Burst is 0) and refills at Limit per Window, so a
// client that keeps to Limit per Window, in bursts of at most Burst,
// never meets it. A request a rule has no room for answers 429 with
// Retry-After (whole seconds until the rule has room again) and is not
// counted against any rule.
type RateRule struct {
	// Methods are the HTTP methods the rule counts ("POST"); empty means
	// every method.
	Methods []string `json:"methods,omitempty"`
	// Path is the request path below the SCIM root the rule counts:
	// "/Users" (exactly; lists and creates), "/Users/*" (one resource,
	// /Users/{id}), "" (every path). A trailing "/*" matches one more
	// path segment.
	Path string `json:"path,omitempty"`
	// Limit requests per Window.
	Limit  int           `json:"limit"`
	Window time.Duration `json:"-"`
	// Burst is how many requests may come at once; 0 means Limit.
	Burst int `json:"burst,omitempty"`
	// MinBodyBytes and MaxBodyBytes, when positive, restrict the rule to
	// requests whose body has at least (at most) that many bytes.
	MinBodyBytes int `json:"min_body_bytes,omitempty"`
	MaxBodyBytes int `json:"max_body_bytes,omitempty"`
	// ScimType and Detail, when set, shape the 429 error body.
	ScimType string `json:"scim_type,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// ruleJSON is RateRule with its window as a Go duration string ("30s").
type ruleJSON struct {
	rateRuleFields
	Window string `json:"window"`
}

type rateRuleFields RateRule

// MarshalJSON writes the window as a duration string ("1m0s").
func (r RateRule) MarshalJSON() ([]byte, error) {
	return json.Marshal(ruleJSON{rateRuleFields: rateRuleFields(r), Window: r.Window.String()})
}

// UnmarshalJSON reads the window as a duration string ("30s", "1m").
func (r *RateRule) UnmarshalJSON(data []byte) error {
	var j ruleJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*r = RateRule(j.rateRuleFields)
	if j.Window != "" {
		d, err := time.ParseDuration(j.Window)
		if err != nil {
			return fmt.Errorf("rate rule window %q: %v", j.Window, err)
		}
		r.Window = d
	}
	return nil
}

// String describes the rule for 429 details: "POST /Users: 180 per 1m0s".
func (r RateRule) String() string {
	m := strings.Join(r.Methods, ",")
	if m == "" {
		m = "all methods"
	}
	p := r.Path
	if p == "" {
		p = "all paths"
	}
	return fmt.Sprintf("%s %s: %d per %s", m, p, r.Limit, r.Window)
}

// matches reports whether the rule counts a request.
func (r RateRule) matches(method, p string, size int) bool {
	if len(r.Methods) > 0 && !containsFold(r.Methods, method) {
		return false
	}
	if r.MinBodyBytes > 0 && size < r.MinBodyBytes {
		return false
	}
	if r.MaxBodyBytes > 0 && size > r.MaxBodyBytes {
		return false
	}
	return pathMatches(r.Path, p)
}

// pathMatches matches a request path against a rule's pattern segment by
// segment; "*" matches any one segment.
func pathMatches(pattern, p string) bool {
	if pattern == "" {
		return true
	}
	want, got := splitPath(pattern), splitPath(p)
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		if w != "*" && w != got[i] {
			return false
		}
	}
	return true
}

// bucket is the state of one rule.
type bucket struct {
	tokens float64
	last   time.Time
}

// ruleBuckets holds the buckets of the rules in force, by index into
// Options.RateLimits; SetRateLimits and Reset start them afresh (full).
type ruleBuckets []*bucket

func (r RateRule) capacity() float64 {
	if r.Burst > 0 {
		return float64(r.Burst)
	}
	return float64(r.Limit)
}

// perSecond is the refill rate.
func (r RateRule) perSecond() float64 {
	if r.Window <= 0 {
		return math.Inf(1)
	}
	return float64(r.Limit) / r.Window.Seconds()
}

// refill brings the bucket of r up to now.
func (b *bucket) refill(r RateRule, now time.Time) {
	if b.last.IsZero() {
		b.tokens, b.last = r.capacity(), now
		return
	}
	if now.After(b.last) {
		b.tokens = math.Min(r.capacity(), b.tokens+now.Sub(b.last).Seconds()*r.perSecond())
		b.last = now
	}
}

// admitRulesLocked counts a request against every rule that matches it.
// It reports whether the request may be served and, when not, the rule
// that refused it and how long until it has room. t.mu is held.
func (t *Target) admitRulesLocked(method, p string, size int, now time.Time) (ok bool, refused RateRule, wait time.Duration) {
	rules := t.opts.RateLimits
	if len(rules) == 0 {
		return true, RateRule{}, 0
	}
	if len(t.buckets) != len(rules) {
		t.buckets = make(ruleBuckets, len(rules))
	}
	var hit []*bucket
	ok = true
	for i, r := range rules {
		if r.Limit <= 0 || !r.matches(method, p, size) {
			continue
		}
		b := t.buckets[i]
		if b == nil {
			b = &bucket{}
			t.buckets[i] = b
		}
		b.refill(r, now)
		if b.tokens >= 1-1e-9 { // tolerate float rounding of the refill
			hit = append(hit, b)
			continue
		}
		d := time.Duration((1 - b.tokens) / r.perSecond() * float64(time.Second))
		if ok || d > wait {
			refused, wait = r, d
		}
		ok = false
	}
	if !ok {
		return false, refused, wait
	}
	for _, b := range hit {
		b.tokens = max(b.tokens-1, 0)
	}
	return true, RateRule{}, 0
}

// admitRules is admitRulesLocked for a request being served; on refusal
// it writes the 429.
func (t *Target) admitRules(w http.ResponseWriter, r *http.Request, p string, size int, q Quirks) bool {
	t.mu.Lock()
	ok, rule, wait := t.admitRulesLocked(r.Method, p, size, t.rateNow())
	t.mu.Unlock()
	if ok {
		return true
	}
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	detail := rule.Detail
	if detail == "" {
		detail = fmt.Sprintf("rate limit exceeded (%s); retry after %d s", rule, secs)
	}
	writeJSON(w, http.StatusTooManyRequests, errorDocument(q, http.StatusTooManyRequests, rule.ScimType, detail))
	return false
}

// rateNow is the clock of the RateLimits rules: time.Now unless a test
// replaced it.
func (t *Target) rateNow() time.Time {
	if t.rateClock != nil {
		return t.rateClock()
	}
	return time.Now()
}

// SetRateLimits replaces the per-endpoint rate limits (Options.RateLimits)
// at run time, e.g. to drop a personality's; their state starts afresh.
func (t *Target) SetRateLimits(rules []RateRule) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.opts.RateLimits = cloneRateRules(rules)
	t.buckets = nil
}

// RateLimits returns the per-endpoint rate limits in force.
func (t *Target) RateLimits() []RateRule {
	t.mu.Lock()
	defer t.mu.Unlock()
	return cloneRateRules(t.opts.RateLimits)
}
