package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

const token = "cli-s3cret-token"

func newTarget(t *testing.T) (*scimtarget.Target, string) {
	t.Helper()
	target, srv := scimtarget.NewTestServer(t, scimtarget.Options{BearerTokens: []string{token}})
	for _, n := range []string{"ada", "grace"} {
		if _, err := target.AddUser(map[string]any{"userName": n + "@example.com", "displayName": n}); err != nil {
			t.Fatal(err)
		}
	}
	return target, scimtarget.BaseURL(srv)
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func runCLI(args []string, vars map[string]string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, env(vars), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// Exit status: 0 checked, 1 could not check, 2 usage error; the token is
// never in the output.
func TestExitStatus(t *testing.T) {
	target, base := newTarget(t)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(emptyFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/scim/v2"
	closed.Close()
	good := map[string]string{"SCIM_TOKEN": token}
	cases := []struct {
		name   string
		args   []string
		env    map[string]string
		status int
		stdout string
		stderr string
	}{
		{"checked", []string{"-url", base}, good, 0, "paging by index: works", ""},
		{"token from a file", []string{"-url", base, "-token-file", tokenFile}, nil, 0, "Recommended settings", ""},
		{"the file wins over the environment", []string{"-url", base, "-token-file", tokenFile}, map[string]string{"SCIM_TOKEN": "wrong"}, 0, "", ""},
		{"token refused", []string{"-url", base}, map[string]string{"SCIM_TOKEN": "wrong-" + token}, 1, "", "the app refuses the token"},
		{"token refused, JSON", []string{"-url", base, "-json"}, map[string]string{"SCIM_TOKEN": "wrong-" + token}, 1, `"checked": false`, "check the token in SCIM_TOKEN"},
		{"unreachable", []string{"-url", closedURL}, good, 1, "", "cannot be reached"},
		{"help", []string{"-help"}, nil, 0, "", "read from the environment variable SCIM_TOKEN"},
		{"no url", nil, good, 2, "", "-url is required"},
		{"bad url", []string{"-url", "ftp://example.com/scim"}, good, 2, "", "must start with https://"},
		{"unknown flag", []string{"-url", base, "-frobnicate"}, good, 2, "", "flag provided but not defined"},
		{"extra argument", []string{"-url", base, "more"}, good, 2, "", "unexpected argument"},
		{"bad timeout", []string{"-url", base, "-timeout", "0s"}, good, 2, "", "-timeout must be positive"},
		{"no token", []string{"-url", base}, nil, 2, "", "set the environment variable SCIM_TOKEN"},
		{"empty token file", []string{"-url", base, "-token-file", emptyFile}, good, 2, "", "is empty"},
		{"missing token file", []string{"-url", base, "-token-file", filepath.Join(dir, "nope")}, good, 2, "", "-token-file"},
	}
	for _, c := range cases {
		code, stdout, stderr := runCLI(c.args, c.env)
		if code != c.status {
			t.Errorf("%s: status %d, want %d (stderr %s)", c.name, code, c.status, stderr)
		}
		if !strings.Contains(stdout, c.stdout) {
			t.Errorf("%s: stdout lacks %q:\n%s", c.name, c.stdout, stdout)
		}
		if !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, c.stderr, stderr)
		}
		if strings.Contains(stdout+stderr, token) {
			t.Errorf("%s: the token reached the output", c.name)
		}
	}
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if n := target.Count(m, ""); n != 0 {
			t.Errorf("read-only runs sent %d %s", n, m)
		}
	}
}

func TestJSONOutput(t *testing.T) {
	_, base := newTarget(t)
	code, stdout, stderr := runCLI([]string{"-url", base, "-json"}, map[string]string{"SCIM_TOKEN": token})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	var rep struct {
		Checked   bool   `json:"checked"`
		UserAgent string `json:"user_agent"`
		Findings  []struct {
			ID, Result, Evidence string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if !rep.Checked || !strings.HasPrefix(rep.UserAgent, "scim-app-check/") || len(rep.Findings) == 0 {
		t.Errorf("%s", stdout)
	}
}

// -write announces itself before its first write, and the account is
// gone after; with -json the progress goes to stderr and stdout stays JSON.
func TestWrite(t *testing.T) {
	target, base := newTarget(t)
	code, stdout, stderr := runCLI([]string{"-url", base, "-write"}, map[string]string{"SCIM_TOKEN": token})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	announce := strings.Index(stdout, "-write: creating the test account scim-app-check-")
	create := strings.Index(stdout, "-write: create: POST /Users: 201")
	report := strings.Index(stdout, "Write probe: test account scim-app-check-")
	if announce < 0 || create < announce || report < create || !strings.Contains(stdout, "the account is gone") {
		t.Errorf("output:\n%s", stdout)
	}
	for _, u := range target.Users() {
		if strings.HasPrefix(u["userName"].(string), "scim-app-check-") {
			t.Errorf("left behind: %v", u["userName"])
		}
	}
	if target.Count("POST", "/Users") != 1 || target.Count("DELETE", "/Users/*") != 1 {
		t.Errorf("POST %d, DELETE %d", target.Count("POST", "/Users"), target.Count("DELETE", "/Users/*"))
	}

	code, stdout, stderr = runCLI([]string{"-url", base, "-write", "-json"}, map[string]string{"SCIM_TOKEN": token})
	var rep struct {
		Write struct {
			Gone bool `json:"gone"`
		} `json:"write"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || !rep.Write.Gone || !strings.Contains(stderr, "-write: creating the test account") {
		t.Errorf("status %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}
