package provider

import (
	"strings"
	"testing"
)

func TestNormalizeBaseURL(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "https://API.Example.com/scim/v2/", want: "https://api.example.com/scim/v2"},
		{in: "https://api.example.com:443/scim/v2", want: "https://api.example.com/scim/v2"},
		{in: "http://127.0.0.1:8484/scim/v2", want: "http://127.0.0.1:8484/scim/v2"},
		{in: "http://localhost:80/scim", want: "http://localhost/scim"},
		{in: "https://api.example.com/SCIM/v2", want: "https://api.example.com/SCIM/v2"},
		{in: "http://[::1]:9000/scim/v2", want: "http://[::1]:9000/scim/v2"},
		{in: "ftp://example.com/scim", err: "not an absolute http(s) URL"},
		{in: "/scim/v2", err: "not an absolute http(s) URL"},
		{in: "https://example.com/scim?x=1", err: "query string"},
		{in: "https://user:secret@example.com/scim", err: "must not embed a user name or password"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := normalizeBaseURL(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("normalizeBaseURL(%q) error = %v, want it to contain %q", tt.in, err, tt.err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("error leaks the embedded password: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("normalizeBaseURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCredentialMatchingLongestPrefixWins(t *testing.T) {
	creds := mergeCredentials([]credential{
		{url: "https://api.example.com", bearerToken: "host-wide"},
		{url: "https://api.example.com/scim/v2", bearerToken: "scim-specific"},
		{url: "https://api.example.com/scim", basicUsername: "u", basicPassword: "p"},
	}, nil)
	f := newClientFactory(creds, clientSettings{}, "test")
	tests := []struct {
		base, want string
		found      bool
	}{
		{base: "https://api.example.com/scim/v2", want: "scim-specific", found: true},
		{base: "https://api.example.com/scim/v2/tenant-a", want: "scim-specific", found: true},
		{base: "https://api.example.com/scim/v3", want: "HTTP basic", found: true},
		{base: "https://api.example.com/scimx", want: "host-wide", found: true}, // whole path segments only
		{base: "https://other.example.com/scim/v2", found: false},
	}
	for _, tt := range tests {
		c, ok := f.credentialFor(tt.base)
		if ok != tt.found {
			t.Fatalf("credentialFor(%q) found = %v, want %v", tt.base, ok, tt.found)
		}
		if !ok {
			continue
		}
		got := c.bearerToken
		if got == "" {
			got = c.kind()
		}
		if got != tt.want {
			t.Errorf("credentialFor(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestMergeCredentialsConfigurationWins(t *testing.T) {
	cfg := []credential{{url: "https://a.example.com/scim", bearerToken: "from-config", source: "configuration"}}
	env := []credential{
		{url: "https://a.example.com/scim", bearerToken: "from-env", source: EnvCredentials},
		{url: "https://b.example.com/scim", bearerToken: "env-only", source: EnvCredentials},
	}
	got := mergeCredentials(cfg, env)
	if len(got) != 2 {
		t.Fatalf("got %d credentials, want 2", len(got))
	}
	for _, c := range got {
		if c.url == "https://a.example.com/scim" && c.bearerToken != "from-config" {
			t.Errorf("configuration entry should win, got %q", c.bearerToken)
		}
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	tests := []struct {
		name, raw, err string
		want           int
	}{
		{name: "empty", raw: "  ", want: 0},
		{name: "bearer", raw: `[{"url": "https://a.example.com/scim/v2", "bearer_token": "s3cr3t-env"}]`, want: 1},
		{name: "basic and oauth2", raw: `[
			{"url": "https://a.example.com/scim", "basic": {"username": "u", "password": "s3cr3t-env"}},
			{"url": "https://b.example.com/scim", "oauth2": {"token_url": "https://b.example.com/token", "client_id": "c", "client_secret": "s3cr3t-env", "scopes": ["scim"]}}
		]`, want: 2},
		{name: "not json", raw: `url=https://a.example.com token=s3cr3t-env`, err: "must be a JSON list"},
		{name: "unknown field", raw: `[{"url": "https://a.example.com", "token": "s3cr3t-env"}]`, err: "unknown field"},
		{name: "two kinds", raw: `[{"url": "https://a.example.com", "bearer_token": "s3cr3t-env", "basic": {"username": "u", "password": "p"}}]`, err: "exactly one of"},
		{name: "no kind", raw: `[{"url": "https://a.example.com"}]`, err: "exactly one of"},
		{name: "bad url", raw: `[{"url": "a.example.com", "bearer_token": "s3cr3t-env"}]`, err: "not an absolute"},
		{name: "oauth2 incomplete", raw: `[{"url": "https://a.example.com", "oauth2": {"client_id": "c", "client_secret": "s3cr3t-env"}}]`, err: "needs token_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := credentialsFromEnv(tt.raw)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "s3cr3t-env") {
					t.Fatalf("error quotes the secret: %v", err)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("got %d credentials, err %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

func TestDescribeCredentialsNeverShowsSecret(t *testing.T) {
	f := newClientFactory(mergeCredentials([]credential{
		{url: "https://a.example.com/scim", bearerToken: "s3cr3t-token", source: "configuration"},
	}, nil), clientSettings{}, "test")
	got := f.describeCredentials("https://a.example.com/scim/v2")
	if strings.Contains(got, "s3cr3t-token") || !strings.Contains(got, "bearer token") {
		t.Fatalf("describeCredentials = %q", got)
	}
	if got := f.describeCredentials("https://b.example.com/scim"); !strings.Contains(got, "no credentials") {
		t.Fatalf("describeCredentials for an unmatched URL = %q", got)
	}
}
