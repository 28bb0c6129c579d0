package scim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A stop (Terraform cancels the provider's contexts on Ctrl-C) while a
// write is on the wire: the write may finish within the grace, nothing new
// is sent or retried, and a write cut off is an unknown outcome.

// slowApp answers every request after latency with status; applied counts
// the requests it finished handling.
func slowApp(t *testing.T, latency time.Duration, status func(n int32) int) (*httptest.Server, *atomic.Int32, *atomic.Int32) {
	t.Helper()
	var received, applied atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := received.Add(1)
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return // the client gave up first: not applied
		}
		code := status(n)
		if code < 300 {
			applied.Add(1)
		}
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(code)
		if code < 300 {
			_, _ = w.Write([]byte(`{"id":"u1","userName":"ada@example.com","meta":{"location":"` + "http://" + r.Host + `/Users/u1"}}`))
		} else {
			_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &received, &applied
}

// stopAfter cancels the returned context d from now, as Terraform's stop
// does with the provider's request contexts.
func stopAfter(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(d, cancel)
	t.Cleanup(func() { timer.Stop(); cancel() })
	return ctx
}

func TestStopLetsAWriteOnTheWireFinish(t *testing.T) {
	t.Parallel()
	srv, _, applied := slowApp(t, 300*time.Millisecond, func(int32) int { return http.StatusCreated })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.WriteGrace = 5 * time.Second })
	ctx := stopAfter(t, 50*time.Millisecond)
	res, err := c.Users().Create(ctx, Resource{"userName": "ada@example.com"})
	if err != nil {
		t.Fatalf("a POST on the wire when stopped: %v", err)
	}
	if res.ID() != "u1" || applied.Load() != 1 {
		t.Fatalf("created %q, app applied %d", res.ID(), applied.Load())
	}
	// Stopped now: the next write is not sent at all.
	if _, err := c.Users().Create(ctx, Resource{"userName": "bob@example.com"}); err == nil || IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a write after the stop: %v, want a plain cancellation", err)
	}
	if applied.Load() != 1 {
		t.Fatalf("the app applied %d writes, want 1", applied.Load())
	}
}

func TestStopCutsAWriteOffAfterTheGraceAsAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	srv, received, _ := slowApp(t, 2*time.Second, func(int32) int { return http.StatusCreated })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.WriteGrace = 200 * time.Millisecond })
	start := time.Now()
	_, err := c.Users().Create(stopAfter(t, 50*time.Millisecond), Resource{"userName": "ada@example.com"})
	if !IsAmbiguous(err) {
		t.Fatalf("a POST cut off by the stop: %v, want an unknown outcome", err)
	}
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Fatalf("the POST ran %s, past its grace", elapsed)
	}
	if received.Load() != 1 {
		t.Fatalf("the app received %d POSTs, want 1", received.Load())
	}
}

func TestStopRetriesNothing(t *testing.T) {
	t.Parallel()
	// Unavailable, which is retried, but the stop came meanwhile.
	srv, received, _ := slowApp(t, 200*time.Millisecond, func(int32) int { return http.StatusServiceUnavailable })
	c := newTestClient(t, srv.URL)
	_, err := c.Users().Patch(stopAfter(t, 50*time.Millisecond), "u1", []PatchOp{{Op: PatchReplace, Path: "title", Value: "x"}}, WriteOptions{})
	if err == nil || IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a PATCH answered 503 after the stop: %v, want the cancellation", err)
	}
	if received.Load() != 1 {
		t.Fatalf("the app received %d PATCHes, want 1 (no retry after the stop)", received.Load())
	}
}

func TestDeadlineIsNotExtendedByTheGrace(t *testing.T) {
	t.Parallel()
	srv, _, _ := slowApp(t, 2*time.Second, func(int32) int { return http.StatusCreated })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.WriteGrace = 5 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Users().Create(ctx, Resource{"userName": "ada@example.com"})
	if !IsAmbiguous(err) {
		t.Fatalf("a POST past the operation's deadline: %v, want an unknown outcome", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("the POST ran %s past a 100ms deadline", elapsed)
	}
}
