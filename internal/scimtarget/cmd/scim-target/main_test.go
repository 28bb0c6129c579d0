package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	portFile := filepath.Join(dir, "port")
	seed := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"userName": "seeded@example.com", "id": "seed-1"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-token", "secret-token", "-token", "other",
			"-quirk", "no-put", "-etags", "-seed", seed, "-port-file", portFile}, &stdout, &stderr)
	}()
	var addr string
	for deadline := time.Now().Add(5 * time.Second); ; {
		if b, err := os.ReadFile(portFile); err == nil && len(b) > 0 {
			addr = strings.TrimSpace(string(b))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no port file; stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	base := "http://" + addr + "/scim/v2"
	if got := strings.TrimSpace(stdout.String()); got != base {
		t.Errorf("stdout %q, want %q", got, base)
	}
	get := func(path, token string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if code, _ := get("/Users", ""); code != http.StatusUnauthorized {
		t.Errorf("unauthenticated: %d", code)
	}
	code, body := get("/Users/seed-1", "secret-token")
	if code != http.StatusOK || body["userName"] != "seeded@example.com" {
		t.Errorf("seeded user: %d %v", code, body)
	}
	if code, body := get("/_control/quirks", ""); code != http.StatusOK || body["no_put"] != true {
		t.Errorf("quirks: %d %v", code, body)
	}
	if code, body := get("/_control/etags", ""); code != http.StatusOK || body["enforce"] != true {
		t.Errorf("etags: %d %v", code, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no clean shutdown")
	}
	logs := stderr.String()
	if !strings.Contains(logs, "GET /scim/v2/Users/seed-1 200") || !strings.Contains(logs, "GET /scim/v2/Users 401") {
		t.Errorf("request log missing lines:\n%s", logs)
	}
	if strings.Contains(logs, "secret-token") {
		t.Error("token leaked into the log")
	}
}

func TestRunRejects(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:0"},
		{"-listen", ":0"},
		{"-listen", "192.0.2.1:0"},
		{"-quirk", "nope"},
		{"-basic", "nocolon"},
		{"extra-arg"},
	} {
		var out, errb syncBuffer
		if err := run(context.Background(), args, &out, &errb); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
	if err := checkLoopback("[::1]:8484", false); err != nil {
		t.Errorf("::1 rejected: %v", err)
	}
	if err := checkLoopback("localhost:8484", false); err != nil {
		t.Errorf("localhost rejected: %v", err)
	}
	if err := checkLoopback("10.1.2.3:8484", true); err != nil {
		t.Errorf("-allow-non-loopback ignored: %v", err)
	}
}
