package scim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// RateLimit is a request rate an app's vendor documents for some of its
// requests (Slack: user POST, PATCH and DELETE 180 a minute each, burst
// 20), which the client keeps to on its own instead of learning it from
// 429 answers. Method "" matches every method; Path is a prefix of the
// request's path below the base URL ("/Users"), "" matching every path, or
// with a final "$" the whole path ("/Groups$": the listing, not a group).
//
// Method WriteMethods matches POST, PUT, PATCH and DELETE.
type RateLimit struct {
	Method    string
	Path      string
	PerMinute float64
	Burst     int
}

// WriteMethods is a RateLimit.Method that matches every write.
const WriteMethods = "WRITE"

// matches reports whether the limit applies to a request.
func (l RateLimit) matches(method, path string) bool {
	switch {
	case l.Method == WriteMethods:
		if method == http.MethodGet || method == http.MethodHead {
			return false
		}
	case l.Method != "" && !strings.EqualFold(l.Method, method):
		return false
	}
	if exact, ok := strings.CutSuffix(l.Path, "$"); ok {
		return strings.TrimRight(path, "/") == exact
	}
	return strings.HasPrefix(path, l.Path)
}

// endpointLimiter is one RateLimit with its limiter.
type endpointLimiter struct {
	RateLimit
	limiter *rate.Limiter
}

// vendorLimits are the RateLimits in force, set once by UseVendorBehaviour.
type vendorLimits struct {
	basePath string
	limits   atomic.Pointer[[]endpointLimiter]
}

// set installs limits unless some are installed already (one Client is
// one app: the first profile to say wins, and they all say the same).
func (v *vendorLimits) set(limits []RateLimit) {
	if len(limits) == 0 {
		return
	}
	ls := make([]endpointLimiter, len(limits))
	for i, l := range limits {
		burst := max(l.Burst, 1)
		ls[i] = endpointLimiter{RateLimit: l, limiter: rate.NewLimiter(rate.Limit(l.PerMinute/60), burst)}
	}
	v.limits.CompareAndSwap(nil, &ls)
}

// wait waits for every limit that matches req.
func (v *vendorLimits) wait(ctx context.Context, req *http.Request) error {
	if v == nil {
		return nil
	}
	ls := v.limits.Load()
	if ls == nil {
		return nil
	}
	p := strings.TrimPrefix(req.URL.Path, v.basePath)
	for _, l := range *ls {
		if l.matches(req.Method, p) {
			if err := l.limiter.Wait(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("the app's documented rate limit (%s %s: %g a minute): %v: %w",
					methodOrAll(l.Method), l.Path, l.PerMinute, err, context.DeadlineExceeded)
			}
		}
	}
	return nil
}

func methodOrAll(m string) string {
	if m == "" {
		return "all requests to"
	}
	return m
}
