package scim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string // exact, when set
		mustNot  []string
		mustHave []string
	}{
		{
			name: "top level password",
			in:   `{"userName":"alice","password":"hunter2"}`,
			want: `{"password":"[REDACTED]","userName":"alice"}`,
		},
		{
			name:     "nested any case",
			in:       `{"a":{"B":[{"Client_Secret":"cs1","x":1},{"ACCESS_TOKEN":"at1"}]},"id_token":"it1","refresh_token":"rt1","secret":"s1","token":"t1"}`,
			mustNot:  []string{"cs1", "at1", "it1", "rt1", `"s1"`, `"t1"`},
			mustHave: []string{`"x":1`},
		},
		{
			name:     "patch op on password path",
			in:       `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"hunter2"},{"op":"replace","path":"displayName","value":"Alice"}]}`,
			mustNot:  []string{"hunter2"},
			mustHave: []string{"Alice"},
		},
		{
			name:    "patch op on URN-qualified password",
			in:      `{"Operations":[{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:password","value":"hunter2"}]}`,
			mustNot: []string{"hunter2"},
		},
		{
			name:    "pathless patch value",
			in:      `{"Operations":[{"op":"replace","value":{"password":"hunter2","active":false}}]}`,
			mustNot: []string{"hunter2"},
		},
		{
			name:     "non-string secret",
			in:       `{"token":12345678,"n":1.50}`,
			mustNot:  []string{"12345678"},
			mustHave: []string{"1.50"}, // numbers keep their text
		},
		{
			name:    "truncated json falls back to text",
			in:      `{"userName":"a","password":"hunter2","access_token":"abc`,
			mustNot: []string{"hunter2", "abc"},
		},
		{
			name: "not json at all",
			in:   `hello`,
			want: `hello`,
		},
		{
			name: "no secrets: original text kept",
			in:   `{"b":"<x>","a":[1,2]}`,
			want: `{"b":"<x>","a":[1,2]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(redactJSON([]byte(tt.in)))
			if tt.want != "" && got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			for _, s := range tt.mustNot {
				if strings.Contains(got, s) {
					t.Errorf("%q still in %s", s, got)
				}
			}
			for _, s := range tt.mustHave {
				if !strings.Contains(got, s) {
					t.Errorf("%q missing from %s", s, got)
				}
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer abc")
	h.Set("Proxy-Authorization", "Basic xyz")
	h.Add("Cookie", "session=1")
	h.Add("Set-Cookie", "session=2")
	h.Set("X-Api-Key", "k")
	h.Set("Content-Type", "application/json")
	got := redactHeaders(h)
	for _, k := range []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"} {
		if v := got.Values(k); len(v) != 1 || v[0] != redacted {
			t.Errorf("%s = %v", k, v)
		}
	}
	if got.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type changed")
	}
	if h.Get("Authorization") != "Bearer abc" {
		t.Errorf("input was modified")
	}
	if len(redactHeaders(nil)) != 0 {
		t.Errorf("nil header")
	}
}

func TestRedactBodyForms(t *testing.T) {
	got := string(redactBody([]byte("grant_type=client_credentials&client_id=abc&client_secret=s%2F3&scope=a+b"), "application/x-www-form-urlencoded"))
	if strings.Contains(got, "s%2F3") || strings.Contains(got, "s/3") {
		t.Errorf("secret in %s", got)
	}
	if !strings.Contains(got, "client_secret=[REDACTED]") || !strings.Contains(got, "client_id=abc") {
		t.Errorf("got %s", got)
	}
	got = string(redactBody([]byte(`{"password":"x1"}`), "text/plain"))
	if strings.Contains(got, "x1") {
		t.Errorf("JSON-looking body with other content type not redacted: %s", got)
	}
}

func TestTruncateForLog(t *testing.T) {
	short := strings.Repeat("a", maxLoggedBody)
	if truncateForLog([]byte(short)) != short {
		t.Error("body at the limit was truncated")
	}
	long := strings.Repeat("é", maxLoggedBody) // 2 bytes each
	got := truncateForLog([]byte(long))
	if !strings.Contains(got, "…[truncated") || len(got) > maxLoggedBody+40 {
		t.Errorf("len %d: %q", len(got), got[len(got)-40:])
	}
	if !strings.HasPrefix(got, "éé") || strings.Contains(got, "\uFFFD") {
		t.Error("cut inside a rune")
	}
}

// TestLogsNeverContainSecrets runs a create and a password PATCH through
// each auth scheme with a logger that records everything at trace level,
// then checks that no credential appears anywhere in the logged fields.
func TestLogsNeverContainSecrets(t *testing.T) {
	const (
		bearer      = "bearer-tok-9f8e7d"
		basicUser   = "svc-user"
		basicPass   = "basic-pass-5a4b3c"
		clientSec   = "client-secret-1q2w3e"
		accessTok   = "access-token-0o9i8u"
		userPass    = "P@ssw0rd-user-77"
		newUserPass = "N3w-P@ss-88"
	)
	basicEncoded := base64.StdEncoding.EncodeToString([]byte(basicUser + ":" + basicPass))
	secrets := []string{bearer, basicPass, basicEncoded, clientSec, accessTok, userPass, newUserPass}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.URL.Path == "/token":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Set-Cookie", "sid="+accessTok)
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600,"refresh_token":%q}`, accessTok, accessTok+"-r")
		case r.Method == http.MethodPost:
			// A careless server echoing the password back.
			var u map[string]any
			_ = json.Unmarshal(body, &u)
			u["id"] = "u1"
			writeJSON(w, 201, u)
		case r.Method == http.MethodPatch:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, 200, map[string]any{"id": "u1", "userName": "alice", "password": newUserPass})
		}
	}))
	defer srv.Close()

	tests := []struct {
		name string
		auth Authenticator
	}{
		{"bearer", BearerToken(bearer)},
		{"basic", BasicAuth(basicUser, basicPass)},
		{"oauth2", OAuth2ClientCredentials(srv.URL+"/token", "client-id", clientSec, []string{"scim"}, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger := &recordingLogger{}
			c := newTestClient(t, srv.URL, func(c *Config) { c.Auth = tt.auth; c.Logger = logger })
			ctx := context.Background()
			if _, err := c.Users().Create(ctx, Resource{"userName": "alice", "password": userPass}); err != nil {
				t.Fatal(err)
			}
			ops := []PatchOp{{Op: PatchReplace, Path: "password", Value: newUserPass}, {Op: PatchReplace, Value: map[string]any{"password": newUserPass}}}
			if _, err := c.Users().Patch(ctx, "u1", ops, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			dump := logger.dump()
			for _, s := range secrets {
				if strings.Contains(dump, s) {
					t.Errorf("secret %q found in logs:\n%s", s, dump)
				}
			}
			// The test must be able to fail: bodies and headers are logged.
			var sawReqBody, sawAuthHeader, sawDebug bool
			for _, e := range logger.all() {
				if e.Level == LogTrace {
					if b, _ := e.Fields["body"].(string); strings.Contains(b, `"userName":"alice"`) {
						sawReqBody = true
					}
					if h, ok := e.Fields["headers"].(http.Header); ok && h.Get("Authorization") == redacted {
						sawAuthHeader = true
					}
				}
				if e.Level == LogDebug && e.Fields["status"] != nil && e.Fields["duration"] != nil && e.Fields["attempt"] != nil {
					sawDebug = true
				}
			}
			if !sawReqBody || !sawAuthHeader || !sawDebug {
				t.Errorf("expected trace bodies (%v), redacted auth headers (%v) and debug records (%v):\n%s", sawReqBody, sawAuthHeader, sawDebug, dump)
			}
		})
	}
}

type levelLogger struct {
	recordingLogger
	min LogLevel
}

func (l *levelLogger) Enabled(_ context.Context, level LogLevel) bool { return level >= l.min }

func TestLevelEnablerSkipsTrace(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(okUser))
	defer srv.Close()
	logger := &levelLogger{min: LogDebug}
	c := newTestClient(t, srv.URL, func(c *Config) { c.Logger = logger })
	if _, err := c.Users().Get(context.Background(), "u1", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, e := range logger.all() {
		if e.Level == LogTrace {
			t.Errorf("trace record logged although disabled: %v", e)
		}
	}
	if len(logger.all()) == 0 {
		t.Error("no debug record")
	}
}

func TestLogLevelString(t *testing.T) {
	for l, want := range map[LogLevel]string{LogTrace: "trace", LogDebug: "debug", LogInfo: "info", LogWarn: "warn", LogError: "error", 42: "unknown"} {
		if l.String() != want {
			t.Errorf("%d: %s", l, l.String())
		}
	}
}
