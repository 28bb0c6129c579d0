package scim

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// callState follows one Client.Do call through go-retryablehttp's loop. The
// library's hooks do not share state with each other, so it travels in the
// request context (for CheckRetry and the transports) and in closures (for
// Backoff, which gets no context).
type callState struct {
	method string
	url    string
	start  time.Time

	attempt atomic.Int32 // 1-based number of the attempt in flight
	wrote   atomic.Bool  // the current attempt wrote request headers to a connection

	// retryStatuses are Config.RetryStatuses: extra statuses retried for
	// idempotent methods. Read-only once the call starts.
	retryStatuses map[int]bool

	nextWait  time.Duration // computed by CheckRetry, returned by Backoff
	ambiguous bool          // a non-idempotent request failed after being sent

	// caller is the caller's context. A write is sent under a context that
	// outlives its cancellation by the write grace (withGrace); nothing is
	// retried once the caller's is done.
	caller context.Context
}

func (s *callState) currentAttempt() int { return int(s.attempt.Load()) }

type callStateKey struct{}

func callStateFrom(ctx context.Context) *callState {
	s, _ := ctx.Value(callStateKey{}).(*callState)
	return s
}

// retryClient builds the go-retryablehttp client for one call. It is cheap
// (a struct over the shared *http.Client) and being per call lets Backoff see
// the wait CheckRetry decided on.
func (c *Client) retryClient(st *callState) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.http,
		Logger:       nil, // we log through the Logger hook in logTransport
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     max(c.maxRetries, 0),
		CheckRetry:   c.checkRetry(st),
		Backoff: func(time.Duration, time.Duration, int, *http.Response) time.Duration {
			return st.nextWait
		},
		// Hand back the last response or error untouched; Do turns it
		// into an *Error that keeps status, Retry-After and attempts.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			return resp, err
		},
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, i int) {
			st.attempt.Store(int32(i + 1))
			st.wrote.Store(false)
		},
	}
}

// checkRetry decides, after each attempt, whether to try again and how long
// to wait first. Waiting is done by go-retryablehttp with a timer that also
// watches the context, so every wait is cancellable.
func (c *Client) checkRetry(st *callState) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if cerr := ctx.Err(); cerr != nil {
			return false, cerr
		}
		if !shouldRetry(st, resp, err) {
			return false, nil
		}
		if st.caller != nil && st.caller.Err() != nil {
			// Stopped: the attempt in flight was allowed to finish, a new
			// one is not started.
			return false, st.caller.Err()
		}
		attempt := st.currentAttempt()
		if attempt > c.maxRetries {
			return false, nil
		}
		wait := computeBackoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, attempt-1, resp, st.retryStatuses, time.Now(), rand.Float64)
		if elapsed := time.Since(st.start); elapsed+wait > c.cfg.MaxRetryElapsed {
			c.log.Log(ctx, LogDebug, "SCIM not retrying: next wait would exceed the retry time budget", map[string]any{
				"method": st.method, "url": st.url, "attempt": attempt, "wait": wait, "elapsed": elapsed, "budget": c.cfg.MaxRetryElapsed,
			})
			return false, nil
		}
		st.nextWait = wait
		f := map[string]any{"method": st.method, "url": st.url, "attempt": attempt, "wait": wait}
		if resp != nil {
			f["status"] = resp.StatusCode
		}
		if err != nil {
			f["error"] = err.Error()
		}
		c.log.Log(ctx, LogDebug, "SCIM retrying request", f)
		return true, nil
	}
}

// shouldRetry is the retry policy.
//
//   - 429 and 503 mean the server did not process the request, so every
//     method is retried, POST included.
//   - 502 and 504 come from a gateway that may have passed the request on:
//     idempotent methods are retried, POST is not (and is reported as
//     ambiguous by Do).
//   - 500 is not retried: for SCIM servers it is almost always a bug
//     triggered by the payload, and repeating it only delays the error. 501
//     and other 4xx are final by definition.
//   - Config.RetryStatuses adds statuses (typically 500 from an API that
//     signals throttling with it) that are retried like 503, but for
//     idempotent methods only: a POST answered with one of them is final,
//     because nothing says the server did not create the account first.
//   - Connection failures are retried, except for a POST whose request was
//     already written: the server may have created the account, and a second
//     POST could create a duplicate. A POST that never left (dial error,
//     DNS failure, connection refused) is safe to retry.
//   - TLS certificate problems, auth-token failures and similar
//     configuration errors are never retried.
func shouldRetry(st *callState, resp *http.Response, err error) bool {
	if err != nil {
		if !retryableTransportError(err) {
			return false
		}
		if !idempotent(st.method) && st.wrote.Load() {
			st.ambiguous = true
			return false
		}
		return true
	}
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent(st.method)
	default:
		return st.retryStatuses[resp.StatusCode] && idempotent(st.method)
	}
}

// notRetryable are statuses Config.RetryStatuses may not name: repeating
// the request cannot change their answer (bad credentials, missing
// resource, uniqueness clash, stale version), and the callers branch on
// them (IsNotFound, IsConflict, IsPreconditionFailed, IsUnauthorized), so
// retrying them would only delay a decision that is already made.
var notRetryable = map[int]bool{
	http.StatusUnauthorized:       true,
	http.StatusForbidden:          true,
	http.StatusNotFound:           true,
	http.StatusConflict:           true,
	http.StatusPreconditionFailed: true,
}

// retryStatusSet validates Config.RetryStatuses and returns them as a set
// (nil when empty).
func retryStatusSet(statuses []int) (map[int]bool, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	set := make(map[int]bool, len(statuses))
	for _, s := range statuses {
		switch {
		case s < 400 || s > 599:
			return nil, fmt.Errorf("retry status %d is not an HTTP error status: only 4xx and 5xx answers can be retried", s)
		case notRetryable[s]:
			return nil, fmt.Errorf("retry status %d (%s) cannot be retried: a repeated request gets the same answer, and the provider acts on it", s, http.StatusText(s))
		}
		set[s] = true
	}
	return set, nil
}

// idempotent is true for methods whose repetition is harmless. PATCH is not
// idempotent in general, but the operations this client sends (replace,
// remove, add of a value already present) converge, so it is treated as
// such; POST creates accounts and is not.
func idempotent(method string) bool {
	return method != http.MethodPost
}

// readOnly methods change nothing in the app.
func readOnly(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// withGrace is the context a write is sent under. ctx's deadline still
// ends it; a cancellation of ctx (Terraform's stop on Ctrl-C) ends it only
// grace later, so a write already on the wire can finish and its result
// reach state rather than become an unknown outcome. release frees it.
func withGrace(ctx context.Context, grace time.Duration) (_ context.Context, release func()) {
	if grace <= 0 {
		return ctx, func() {}
	}
	wctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	var stopDeadline context.CancelFunc = func() {}
	if d, ok := ctx.Deadline(); ok {
		wctx, stopDeadline = context.WithDeadline(wctx, d)
	}
	var timer *time.Timer
	var mu sync.Mutex
	stopAfter := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(grace, func() { cancel(context.Cause(ctx)) })
	})
	return wctx, func() {
		stopAfter()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		stopDeadline()
		cancel(nil)
	}
}

func retryableTransportError(err error) bool {
	var ae *authError
	if errors.As(err, &ae) {
		return false
	}
	var te *attemptTimeoutError
	if errors.As(err, &te) {
		return true
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &verification), errors.As(err, &recordHeader):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true
}

// computeBackoff returns the wait before retry number attempt (0-based).
// Retry-After on 429/503 (and on the extra retry statuses, which are
// throttling in disguise) wins, capped by max so a server asking for an hour
// cannot stall a Terraform run; otherwise the wait grows exponentially from
// min with "equal jitter" (half fixed, half random) so that many clients
// throttled together do not retry in lockstep.
func computeBackoff(min, max time.Duration, attempt int, resp *http.Response, extra map[int]bool, now time.Time, random func() float64) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable || extra[resp.StatusCode]) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			if d > max {
				d = max
			}
			return d
		}
	}
	ceil := max
	if attempt < 32 {
		if c := min << uint(attempt); c > 0 && c < max {
			ceil = c
		}
	}
	if ceil < min {
		ceil = min
	}
	half := ceil / 2
	wait := half + time.Duration(random()*float64(ceil-half))
	if wait < min {
		wait = min
	}
	if wait > max {
		wait = max
	}
	return wait
}

// attemptTransport does the per-attempt work that go-retryablehttp leaves to
// the transport: it waits while the app has asked for a pause (pacer) and
// for the rate limiter, bounds the attempt with
// Config.Timeout (the limiter wait and token fetch are not counted), and
// records whether the request was written to a connection, which is what
// separates a safe POST retry from a possibly duplicated account.
//
// For idempotent methods it also reads the whole response body, so that a
// body cut off mid-transfer (a reset, a proxy giving up, a short
// Content-Length) is a failed attempt that CheckRetry sees and retries, as
// any other connection error is. A POST's body is left to Client.Do: a
// POST whose answer was lost may have created the account, so it must
// surface as ambiguous rather than be sent again.
type attemptTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
	// vendor are the rate limits the app's vendor documents.
	vendor  *vendorLimits
	pacer   *pacer
	timeout time.Duration
}

// RoundTrip runs one attempt: rate limit, timeout, write tracking.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.pacer != nil {
		if err := t.pacer.wait(ctx); err != nil {
			return nil, err
		}
	}
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// The limiter refuses up front when the wait would overrun
			// the caller's deadline; report it as that deadline.
			return nil, fmt.Errorf("client-side rate limit: %v: %w", err, context.DeadlineExceeded)
		}
	}
	if err := t.vendor.wait(ctx, req); err != nil {
		return nil, err
	}
	if st := callStateFrom(ctx); st != nil {
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteHeaders: func() { st.wrote.Store(true) },
		})
	}
	cancel := context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		timedOut := ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil
		cancel()
		if timedOut {
			return nil, &attemptTimeoutError{timeout: t.timeout, err: err}
		}
		return nil, err
	}
	if t.pacer != nil {
		t.pacer.observe(resp)
	}
	if !idempotent(req.Method) {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, defaultMaxBody))
	_ = resp.Body.Close()
	timedOut := ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil
	cancel()
	if rerr != nil {
		switch {
		case req.Context().Err() != nil:
			// The caller gave up: report that, and CheckRetry stops.
			return nil, req.Context().Err()
		case timedOut:
			return nil, &attemptTimeoutError{timeout: t.timeout, err: rerr}
		}
		return nil, &bodyReadError{status: resp.StatusCode, err: rerr}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

// bodyReadError is a response whose body broke off: the attempt failed like
// a connection reset, and is retried as one.
type bodyReadError struct {
	status int
	err    error
}

// Error names the status that was received, since the failure came after it.
func (e *bodyReadError) Error() string {
	return fmt.Sprintf("reading HTTP %d response body: %v", e.status, e.err)
}

// Unwrap exposes the read error (io.ErrUnexpectedEOF, a reset, ...).
func (e *bodyReadError) Unwrap() error { return e.err }

// attemptTimeoutError distinguishes "this attempt took too long" (retryable)
// from the caller's own deadline (final).
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

// Error says which limit was hit, so the operator knows what to raise.
func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no response within the per-attempt timeout of %s", e.timeout)
}

// Timeout marks the error as a timeout for net.Error-style checks.
func (e *attemptTimeoutError) Timeout() bool { return true }

// Unwrap exposes the transport error the timeout caused.
func (e *attemptTimeoutError) Unwrap() error { return e.err }

// cancelOnClose keeps the attempt's timeout context alive until the body has
// been read, as http.Client does for its own Timeout.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close releases the attempt context with the body.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
