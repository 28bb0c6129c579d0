package scimtarget

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawSend sends a request and returns the transport error, if any.
func (c *client) rawSend(ctx context.Context, method, path, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func userJSON(userName string) string {
	return `{"schemas":["` + urnCoreUser + `"],"userName":"` + userName + `"}`
}

func TestFaultStatusWithRetryAfter(t *testing.T) {
	tg, c := newTarget(t, Options{})
	tg.InjectFault(Fault{Method: "POST", Path: "/Users", Status: http.StatusTooManyRequests, RetryAfter: "2", Times: 2})
	for i := 0; i < 2; i++ {
		r := c.do("POST", "/Users", userDoc("a", nil)).wantError(t, http.StatusTooManyRequests, "")
		if r.header.Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	if len(tg.Users()) != 0 {
		t.Fatal("faulted request was applied")
	}
	c.do("GET", "/Users", nil).must(t, http.StatusOK) // other methods unaffected
	c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusCreated)
	if n := tg.Count("POST", "/Users"); n != 3 {
		t.Errorf("Count(POST /Users) = %d, want 3 (faulted requests are recorded)", n)
	}
	if rs := tg.Requests(); rs[0].Status != 429 || !strings.Contains(rs[0].Fault, "429") || rs[3].Fault != "" {
		t.Errorf("log: %+v", rs)
	}
	if len(tg.Faults()) != 0 {
		t.Errorf("fault not consumed: %+v", tg.Faults())
	}
}

func TestFaultMatching(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id := c.createUser("a", nil)
	tg.InjectFault(Fault{Path: "/Users/*", Status: http.StatusServiceUnavailable, Times: 3})
	c.do("GET", "/Users", nil).must(t, http.StatusOK) // collection does not match /Users/*
	c.do("GET", "/Users/"+id, nil).wantError(t, http.StatusServiceUnavailable, "")
	c.do("DELETE", "/Users/"+id, nil).wantError(t, http.StatusServiceUnavailable, "")
	if f := tg.Faults(); len(f) != 1 || f[0].Times != 1 {
		t.Errorf("remaining faults %+v", f)
	}
	tg.ClearFaults()
	c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)

	// Any method, any path, once by default.
	tg.InjectFault(Fault{Status: http.StatusInternalServerError})
	c.do("GET", "/ServiceProviderConfig", nil).wantError(t, http.StatusInternalServerError, "")
	c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)

	// Method filter.
	tg.InjectFault(Fault{Method: "patch", Status: http.StatusBadGateway})
	c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "x"))).wantError(t, http.StatusBadGateway, "")
}

func TestFaultRawBodies(t *testing.T) {
	tg, c := newTarget(t, Options{})
	tg.InjectFault(Fault{Status: http.StatusBadGateway, Body: "<html><body>Bad Gateway</body></html>"})
	r := c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusBadGateway)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q", ct)
	}
	if string(r.raw) != "<html><body>Bad Gateway</body></html>" {
		t.Errorf("body %q", r.raw)
	}
	// 200 with malformed JSON: not applied.
	tg.InjectFault(Fault{Body: `{"id": `, ContentType: contentType})
	r = c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusOK)
	if string(r.raw) != `{"id": ` || r.header.Get("Content-Type") != contentType {
		t.Errorf("raw body %q ct %q", r.raw, r.header.Get("Content-Type"))
	}
	if len(tg.Users()) != 0 {
		t.Fatal("raw-body fault applied the request")
	}
	// ApplyThenBody: applied, but the client sees garbage.
	tg.InjectFault(Fault{Status: http.StatusOK, Body: "garbage", ApplyThenBody: true})
	c.do("POST", "/Users", userDoc("a", nil)).must(t, http.StatusOK)
	if _, ok := tg.FindUserByUserName("a"); !ok {
		t.Fatal("ApplyThenBody did not apply the request")
	}
	if f := tg.Requests()[2].Fault; !strings.Contains(f, "applied: 201") {
		t.Errorf("fault log %q", f)
	}
}

func TestFaultLatency(t *testing.T) {
	tg, c := newTarget(t, Options{})
	tg.InjectFault(Fault{Path: "/Users", Latency: 80 * time.Millisecond})
	start := time.Now()
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("latency not applied: %v", d)
	}

	// A client that gives up cancels the request; it is not applied.
	tg.InjectFault(Fault{Method: "POST", Latency: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, _, err := c.rawSend(ctx, "POST", "/Users", userJSON("slow"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	// The handler notices the cancellation promptly.
	deadline := time.Now().Add(3 * time.Second)
	for {
		rs := tg.Requests()
		last := rs[len(rs)-1]
		if strings.Contains(last.Fault, "canceled") {
			if last.Status != 0 {
				t.Errorf("canceled request recorded status %d", last.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("latency did not honour cancellation: %+v", last)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	if len(tg.Users()) != 0 {
		t.Error("canceled request was applied")
	}

	// Latency combined with a status.
	tg.InjectFault(Fault{Latency: 30 * time.Millisecond, Status: http.StatusGatewayTimeout})
	start = time.Now()
	c.do("GET", "/Users", nil).wantError(t, http.StatusGatewayTimeout, "")
	if time.Since(start) < 30*time.Millisecond {
		t.Error("latency skipped")
	}
}

func TestFaultDropConnection(t *testing.T) {
	tg, c := newTarget(t, Options{})

	tg.InjectFault(Fault{Method: "POST", Path: "/Users", DropAfterWrite: true})
	_, _, err := c.rawSend(context.Background(), "POST", "/Users", userJSON("applied"))
	if err == nil {
		t.Fatal("DropAfterWrite: client got a response")
	}
	u, ok := tg.FindUserByUserName("applied")
	if !ok {
		t.Fatal("DropAfterWrite did not apply the write")
	}
	// The retry the client would do now conflicts: the classic
	// non-idempotent retry problem the fault exists to expose.
	c.do("POST", "/Users", userDoc("applied", nil)).wantError(t, http.StatusConflict, errUniqueness)
	if rs := tg.Requests(); rs[0].Status != 0 || !strings.Contains(rs[0].Fault, "applied: 201") {
		t.Errorf("log %+v", rs[0])
	}

	tg.InjectFault(Fault{Method: "DELETE", DropBeforeWrite: true})
	_, _, err = c.rawSend(context.Background(), "DELETE", "/Users/"+u["id"].(string), "")
	if err == nil {
		t.Fatal("DropBeforeWrite: client got a response")
	}
	if _, ok := tg.GetUser(u["id"].(string)); !ok {
		t.Fatal("DropBeforeWrite applied the delete")
	}
	// The server keeps serving afterwards.
	c.do("DELETE", "/Users/"+u["id"].(string), nil).must(t, http.StatusNoContent)
}

func TestFaultJSON(t *testing.T) {
	var f Fault
	if err := json.Unmarshal([]byte(`{"method":"GET","path":"/Users/*","times":2,"status":503,"retry_after":"5","latency_ms":250,"drop_after_write":true,"body":"x","content_type":"text/plain","apply_then_body":true}`), &f); err != nil {
		t.Fatal(err)
	}
	want := Fault{Method: "GET", Path: "/Users/*", Times: 2, Status: 503, RetryAfter: "5", Latency: 250 * time.Millisecond,
		DropAfterWrite: true, Body: "x", ContentType: "text/plain", ApplyThenBody: true}
	if f != want {
		t.Errorf("got %+v", f)
	}
	data, _ := json.Marshal(want)
	if !strings.Contains(string(data), `"latency_ms":250`) || strings.Contains(string(data), "Latency") {
		t.Errorf("marshal %s", data)
	}
}
