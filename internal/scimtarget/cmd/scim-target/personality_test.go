package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// startRun runs the command with args on a free port and returns its SCIM
// base URL; the command is stopped when the test ends.
func startRun(t *testing.T, args ...string) string {
	t.Helper()
	portFile := filepath.Join(t.TempDir(), "port")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0", "-port-file", portFile, "-quiet"}, args...), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("no clean shutdown")
		}
	})
	for deadline := time.Now().Add(5 * time.Second); ; {
		if b, err := os.ReadFile(portFile); err == nil && len(b) > 0 {
			return "http://" + strings.TrimSpace(string(b)) + "/scim/v2"
		}
		select {
		case err := <-done:
			t.Fatalf("run ended: %v; stderr: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no port file; stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
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
	return resp.StatusCode, resp.Header, body
}

func TestRunPersonality(t *testing.T) {
	base := startRun(t, "-personality", "aws_identity_center", "-token", "tok")
	if code, _, _ := getJSON(t, base+"/Users", ""); code != http.StatusUnauthorized {
		t.Errorf("unauthenticated: %d", code)
	}
	code, h, body := getJSON(t, base+"/Users?cursor", "tok")
	if code != http.StatusOK || body["totalResults"] != nil || body["itemsPerPage"] != float64(0) || h.Get("Content-Type") != "application/json" {
		t.Errorf("cursor list: %d %s %v", code, h.Get("Content-Type"), body)
	}
	if _, _, q := getJSON(t, base+"/_control/quirks", ""); q["cursor_paging"] != true || q["hidden_group_members"] != true {
		t.Errorf("quirks: %v", q)
	}
	// Defaults of flags not given do not override the preset.
	if _, _, caps := getJSON(t, base+"/_control/capabilities", ""); caps["filter_max_results"] != float64(100) || caps["etag"] != false || caps["patch"] != true {
		t.Errorf("capabilities: %v", caps)
	}
}

// Flags given explicitly apply on top of the preset, also to switch
// something off; -quirk adds to its quirks.
func TestRunPersonalityWithFlags(t *testing.T) {
	base := startRun(t, "-personality", "aws_identity_center", "-max-results", "20", "-no-patch", "-quirk", "no-location", "-rate-limit", "50")
	_, _, caps := getJSON(t, base+"/_control/capabilities", "")
	if caps["filter_max_results"] != float64(20) || caps["patch"] != false || caps["bulk"] != false {
		t.Errorf("capabilities: %v", caps)
	}
	_, _, q := getJSON(t, base+"/_control/quirks", "")
	if q["no_location_header"] != true || q["cursor_paging"] != true {
		t.Errorf("quirks: %v", q)
	}
	if _, h, _ := getJSON(t, base+"/Users", ""); h.Get("X-RateLimit-Limit") != "50" {
		t.Errorf("rate limit header %q", h.Get("X-RateLimit-Limit"))
	}
}

func TestRunPersonalityList(t *testing.T) {
	var out, errb syncBuffer
	if err := run(context.Background(), []string{"-personality", "list"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "aws_identity_center\n") || !strings.Contains(s, "https://docs.aws.amazon.com/singlesignon/latest/developerguide/listgroups.html") {
		t.Errorf("list output:\n%s", s)
	}
}

func TestRunUnknownPersonality(t *testing.T) {
	var out, errb syncBuffer
	err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-personality", "nope"}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), `unknown personality "nope"`) || !strings.Contains(err.Error(), "aws_identity_center") {
		t.Errorf("err = %v", err)
	}
	if out.String() != "" {
		t.Errorf("started anyway: %s", out.String())
	}
}

// The new boolean quirks are reachable by name.
func TestRunNewQuirkNames(t *testing.T) {
	base := startRun(t, "-quirk", "cursor-paging", "-quirk", "group-patch-204", "-quirk", "no-group-put", "-quirk", "json-content-type")
	_, _, q := getJSON(t, base+"/_control/quirks", "")
	if q["cursor_paging"] != true || q["json_content_type"] != true {
		t.Errorf("quirks: %v", q)
	}
	if on, _ := q["patch_no_content_on"].([]any); len(on) != 1 || on[0] != "Group" {
		t.Errorf("patch_no_content_on: %v", q["patch_no_content_on"])
	}
	if on, _ := q["no_put_on"].([]any); len(on) != 1 || on[0] != "Group" {
		t.Errorf("no_put_on: %v", q["no_put_on"])
	}
	// Every name switches something on.
	for name, set := range quirkSetters {
		var q scimtarget.Quirks
		set(&q)
		if reflect.DeepEqual(q, scimtarget.Quirks{}) {
			t.Errorf("quirk %s changes nothing", name)
		}
	}
}

// Every personality starts; -no-endpoint-limits drops a preset's
// per-endpoint rate limits.
func TestRunVendorPersonalities(t *testing.T) {
	for _, name := range []string{"slack", "miro"} {
		base := startRun(t, "-personality", name)
		_, _, body := getJSON(t, base+"/_control/rate-limits", "")
		if rules, _ := body["rules"].([]any); len(rules) == 0 {
			t.Errorf("%s: no rate limits: %v", name, body)
		}
		base = startRun(t, "-personality", name, "-no-endpoint-limits")
		_, _, body = getJSON(t, base+"/_control/rate-limits", "")
		if rules, _ := body["rules"].([]any); len(rules) != 0 {
			t.Errorf("%s -no-endpoint-limits: %v", name, body)
		}
	}
	base := startRun(t, "-personality", "google_cloud_identity", "-quirk", "require-user-agent")
	if code, _, body := getJSON(t, base+"/Users", ""); code != http.StatusBadRequest || body["scimType"] != "tooMany" {
		t.Errorf("google list without filter: %d %v", code, body)
	}
	_, _, q := getJSON(t, base+"/_control/quirks", "")
	if q["require_user_agent"] != true || q["list_needs_filter"] != true || q["no_paging"] != true {
		t.Errorf("quirks: %v", q)
	}
	var out, errb syncBuffer
	if err := run(context.Background(), []string{"-personality", "list"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, name := range scimtarget.PersonalityNames() {
		if !strings.Contains(out.String(), name+"\n") {
			t.Errorf("%s not listed", name)
		}
	}
}
