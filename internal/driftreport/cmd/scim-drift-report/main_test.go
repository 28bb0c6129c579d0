package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const noDrift = `{"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": [], "resource_drift": []}`

const drift = `{"format_version": "1.2", "terraform_version": "1.11.4", "variables": {"t": {"value": "hunter2"}},
 "resource_drift": [{"address": "scim_provisioned_user.a", "mode": "managed", "type": "scim_provisioned_user",
   "provider_name": "registry.terraform.io/openscim/scim", "change": {"actions": ["update"],
   "before": {"id": "1", "connected_app_id": "https://x.example/scim", "active": true, "attributes": {"title": "A"}},
   "after": {"id": "1", "connected_app_id": "https://x.example/scim", "active": true, "attributes": {"title": "B"}}}}],
 "resource_changes": []}`

// massDeactivation is a plan that deactivates all 12 accounts of an app.
var massDeactivation = func() string {
	var changes []string
	for i := range 12 {
		changes = append(changes, fmt.Sprintf(`{"address": "scim_provisioned_user.p[%d]", "mode": "managed", "type": "scim_provisioned_user",
   "provider_name": "registry.terraform.io/openscim/scim", "change": {"actions": ["update"],
   "before": {"id": "%d", "connected_app_id": "https://x.example/scim", "active": true, "attributes": {}},
   "after": {"id": "%d", "connected_app_id": "https://x.example/scim", "active": false, "attributes": {}}}}`, i, i, i))
	}
	return `{"format_version": "1.2", "terraform_version": "1.11.4", "resource_drift": [], "resource_changes": [` + strings.Join(changes, ",") + `]}`
}()

// The exit status a CI job gates on: 0 nothing drifted, 2 drifted, 3 mass
// deprovisioning held, 1 error.
func TestRunExitStatus(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planFile, []byte(drift), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonOut, mdOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md")
	cases := []struct {
		name   string
		args   []string
		stdin  string
		status int
		out    string
	}{
		{"no drift from stdin", nil, noDrift, 0, "**No drift.**"},
		{"drift from a file, JSON out", []string{"-format", "json", "-json", jsonOut, "-markdown", mdOut, planFile}, "", 2, `"drifted": true`},
		{"dash is stdin", []string{"-"}, drift, 2, "`title`: `A` → `B`"},
		{"not a plan", nil, "hello", 1, ""},
		{"bad format", []string{"-format", "html"}, noDrift, 1, ""},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, "", 1, ""},
		{"two files", []string{planFile, planFile}, "", 1, ""},
		{"mass deprovisioning", nil, massDeactivation, 3, "**Mass deprovisioning.**"},
		{"mass deprovisioning approved", []string{"-approve", "https://x.example/scim=12"}, massDeactivation, 0, "No drift"},
		{"mass deprovisioning under a higher limit", []string{"-max-deprovisions", "12"}, massDeactivation, 0, "No drift"},
		{"bad approval", []string{"-approve", "https://x.example/scim"}, massDeactivation, 1, ""},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		status := run(c.args, strings.NewReader(c.stdin), &stdout, &stderr)
		if status != c.status {
			t.Errorf("%s: status %d, want %d (stderr %s)", c.name, status, c.status, stderr.String())
		}
		if !strings.Contains(stdout.String(), c.out) {
			t.Errorf("%s: output lacks %q:\n%s", c.name, c.out, stdout.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), "hunter2") {
			t.Errorf("%s: a variable's value reached the output", c.name)
		}
	}
	var rep map[string]any
	raw, err := os.ReadFile(jsonOut)
	if err != nil || json.Unmarshal(raw, &rep) != nil || rep["report_version"] != "1" {
		t.Errorf("-json file: %v %s", err, raw)
	}
	if md, err := os.ReadFile(mdOut); err != nil || !strings.Contains(string(md), "## SCIM drift report") {
		t.Errorf("-markdown file: %v %s", err, md)
	}
}
