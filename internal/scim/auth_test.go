package scim

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestStaticAuthHeaders(t *testing.T) {
	tests := []struct {
		name string
		auth Authenticator
		want string
	}{
		{"bearer", BearerToken("tok-123"), "Bearer tok-123"},
		{"basic", BasicAuth("svc", "p@ss:word"), "Basic " + base64.StdEncoding.EncodeToString([]byte("svc:p@ss:word"))},
		{"none", NoAuth(), ""},
		{"nil is none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = append(got, r.Header.Get("Authorization"))
				okUser(w, r)
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL, func(c *Config) { c.Auth = tt.auth })
			for i := 0; i < 2; i++ {
				if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			for _, g := range got {
				if g != tt.want {
					t.Errorf("Authorization = %q, want %q", g, tt.want)
				}
			}
		})
	}
}

// oauthServer serves a token endpoint at /oauth/token and SCIM at /scim.
type oauthServer struct {
	*httptest.Server
	tokenRequests atomic.Int32
	scimRequests  atomic.Int32
	mu            sync.Mutex
	lastForm      map[string][]string
	// issue returns the status and JSON body of the n-th (1-based) token
	// response.
	issue func(n int) (int, string)
	// accept decides whether the SCIM endpoint takes the bearer token.
	accept func(token string) bool
}

func newOAuthServer(t *testing.T, clientID, secret string) *oauthServer {
	s := &oauthServer{
		issue: func(n int) (int, string) {
			return 200, fmt.Sprintf(`{"access_token":"at-%d","token_type":"bearer","expires_in":3600}`, n)
		},
		accept: func(tok string) bool { return strings.HasPrefix(tok, "at-") },
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/oauth/token":
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad form", 400)
				return
			}
			s.mu.Lock()
			s.lastForm = r.PostForm
			s.mu.Unlock()
			id, sec, ok := r.BasicAuth()
			if !ok {
				id, sec = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
			}
			n := int(s.tokenRequests.Add(1))
			if r.PostForm.Get("grant_type") != "client_credentials" || id != clientID || sec != secret {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				fmt.Fprint(w, `{"error":"invalid_client"}`)
				return
			}
			code, body := s.issue(n)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			fmt.Fprint(w, body)
		case strings.HasPrefix(r.URL.Path, "/scim/"):
			s.scimRequests.Add(1)
			tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !s.accept(tok) {
				scimError(w, 401, "", "invalid token")
				return
			}
			writeJSON(w, 200, map[string]any{"id": "u1", "userName": "alice", "password": "should-not-be-echoed-pw"})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func TestOAuth2TokenLazyCachedAndSent(t *testing.T) {
	srv := newOAuthServer(t, "client-a", "s3cr3t-Value")
	var gotAuth []string
	srv.accept = func(tok string) bool { gotAuth = append(gotAuth, tok); return tok == "at-1" }
	c := newTestClient(t, srv.URL+"/scim/v2", func(c *Config) {
		c.Auth = OAuth2ClientCredentials(srv.URL+"/oauth/token", "client-a", "s3cr3t-Value", []string{"scim.read", "scim.write"},
			map[string][]string{"audience": {"https://api.example.com"}})
	})
	if n := srv.tokenRequests.Load(); n != 0 {
		t.Fatalf("token fetched %d times before first use", n)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.tokenRequests.Load(); n != 1 {
		t.Errorf("token fetched %d times for 3 calls, want 1 (cached)", n)
	}
	srv.mu.Lock()
	form := srv.lastForm
	srv.mu.Unlock()
	if form["scope"] == nil || form["scope"][0] != "scim.read scim.write" {
		t.Errorf("scope = %v", form["scope"])
	}
	if form["audience"] == nil || form["audience"][0] != "https://api.example.com" {
		t.Errorf("endpoint params not sent: %v", form)
	}
	if len(gotAuth) != 3 {
		t.Errorf("SCIM saw %d tokens", len(gotAuth))
	}
}

func TestOAuth2TokenRefreshedWhenExpired(t *testing.T) {
	srv := newOAuthServer(t, "client-a", "s3cr3t-Value")
	// expires_in 1 is within oauth2's expiry margin, so every call refreshes.
	srv.issue = func(n int) (int, string) {
		return 200, fmt.Sprintf(`{"access_token":"at-%d","token_type":"Bearer","expires_in":1}`, n)
	}
	c := newTestClient(t, srv.URL+"/scim/v2", func(c *Config) {
		c.Auth = OAuth2ClientCredentials(srv.URL+"/oauth/token", "client-a", "s3cr3t-Value", nil, nil)
	})
	for i := 0; i < 3; i++ {
		if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.tokenRequests.Load(); n != 3 {
		t.Errorf("token fetched %d times, want 3 (expired each time)", n)
	}
}

func TestOAuth2TokenDroppedAfter401(t *testing.T) {
	srv := newOAuthServer(t, "client-a", "s3cr3t-Value")
	srv.accept = func(tok string) bool { return tok == "at-2" } // at-1 was "revoked"
	c := newTestClient(t, srv.URL+"/scim/v2", func(c *Config) {
		c.Auth = OAuth2ClientCredentials(srv.URL+"/oauth/token", "client-a", "s3cr3t-Value", nil, nil)
	})
	_, err := c.Users().Get(context.Background(), "u1", ReadOptions{})
	if !IsUnauthorized(err) {
		t.Fatalf("first call: want 401, got %v", err)
	}
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatalf("second call should use a fresh token: %v", err)
	}
	if n := srv.tokenRequests.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}

func TestOAuth2ConcurrentCallersShareOneFetch(t *testing.T) {
	srv := newOAuthServer(t, "client-a", "s3cr3t-Value")
	srv.accept = func(string) bool { return true }
	c := newTestClient(t, srv.URL+"/scim/v2", func(c *Config) {
		c.Auth = OAuth2ClientCredentials(srv.URL+"/oauth/token", "client-a", "s3cr3t-Value", nil, nil)
	})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := srv.tokenRequests.Load(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

func TestOAuth2TokenErrorsDoNotLeakSecret(t *testing.T) {
	const secret = "s3cr3t-Value"
	tests := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantText   string
	}{
		{"rfc error echoing secret", 400, `{"error":"invalid_client","error_description":"secret s3cr3t-Value is wrong"}`, 400, "invalid_client"},
		{"html page echoing secret", 500, `<html><body>client_secret=s3cr3t-Value rejected</body></html>`, 500, "HTTP 500"},
		{"json without error fields", 403, `{"message":"nope","client_secret":"s3cr3t-Value"}`, 403, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newOAuthServer(t, "client-a", secret)
			srv.issue = func(int) (int, string) { return tt.status, tt.body }
			logger := &recordingLogger{}
			c := newTestClient(t, srv.URL+"/scim/v2", func(c *Config) {
				c.Auth = OAuth2ClientCredentials(srv.URL+"/oauth/token", "client-a", secret, nil, nil)
				c.Logger = logger
			})
			_, err := c.Users().Get(context.Background(), "u1", ReadOptions{})
			if err == nil {
				t.Fatal("want error")
			}
			var ae *authError
			if !errors.As(err, &ae) {
				t.Fatalf("want *authError, got %T %v", err, err)
			}
			if ae.Status != tt.wantStatus {
				t.Errorf("status = %d", ae.Status)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("error leaks the secret: %s", msg)
			}
			if !strings.Contains(msg, tt.wantText) {
				t.Errorf("error %q should contain %q", msg, tt.wantText)
			}
			for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), secret) {
					t.Errorf("wrapped error leaks the secret: %s", e)
				}
			}
			if strings.Contains(logger.dump(), secret) {
				t.Errorf("logs leak the secret:\n%s", logger.dump())
			}
			if srv.scimRequests.Load() != 0 {
				t.Errorf("SCIM request sent without a token")
			}
		})
	}
}

func TestOAuth2WrongSecretNotRetried(t *testing.T) {
	srv := newOAuthServer(t, "client-a", "right-secret")
	c := newTestClient(t, srv.URL+"/scim/v2", func(c *Config) {
		c.Auth = OAuth2ClientCredentials(srv.URL+"/oauth/token", "client-a", "wrong-secret", nil, nil)
	})
	_, err := c.Users().Get(context.Background(), "u1", ReadOptions{})
	var ae *authError
	if !errors.As(err, &ae) || ae.Code != "invalid_client" {
		t.Fatalf("want authError invalid_client, got %v", err)
	}
	// oauth2 auto-detects the auth style: header first, then form.
	if n := srv.tokenRequests.Load(); n > 2 {
		t.Errorf("token endpoint called %d times; token errors must not be retried", n)
	}
}

// The client credentials' basic header to the token endpoint is scrubbed
// wherever it turns up, like a basic-auth header to the SCIM API: header
// redaction is the first line of defence, this the second.
func TestOAuth2BasicHeaderScrubbed(t *testing.T) {
	const id, secret = "client a", "s3cr3t+/="
	c := newTestClient(t, "https://scim.example.com/scim/v2", func(c *Config) {
		c.Auth = OAuth2ClientCredentials("https://scim.example.com/oauth/token", id, secret, nil, nil)
	})
	for _, v := range []string{
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))),
		base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)),
	} {
		if got := c.scrub("Authorization: Basic " + v); strings.Contains(got, v) {
			t.Errorf("scrub kept %q: %s", v, got)
		}
	}
}
