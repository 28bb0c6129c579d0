package driftreport_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/clitest"
	"github.com/openscim/terraform-provider-scim/internal/driftreport"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/ from this run")

const token = "drift-token-9c2e"

// goldenConfig is a small organisation in one app: three accounts, a group
// of two, a membership of a group made by hand, and the orphans report.
func goldenConfig(baseURL, allStaffID string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    scim = { source = "openscim/scim" }
  }
}

variable "scim_token" {
  type      = string
  sensitive = true
}

provider "scim" {
  credentials         = [{ url = %[1]q, bearer_token = var.scim_token }]
  requests_per_second = 0
}

resource "scim_connected_app" "app" {
  name     = "Local target"
  base_url = %[1]q
}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "title", source = "title" },
  ]
}

locals {
  people = {
    alice = { email = "alice@example.com", given_name = "Alice", family_name = "Ng", title = "Engineer" }
    bob   = { email = "bob@example.com", given_name = "Bob", family_name = "Diaz", title = "Account Executive" }
    carol = { email = "carol@example.com", given_name = "Carol", family_name = "Ito", title = "Controller" }
  }
}

resource "scim_provisioned_user" "person" {
  for_each          = local.people
  connected_app_id  = scim_connected_app.app.id
  attribute_mapping = scim_attribute_mapping.app.encoded
  profile           = each.value
}

resource "scim_provisioned_group" "eng" {
  connected_app_id = scim_connected_app.app.id
  display_name     = "Engineering"
  members          = [scim_provisioned_user.person["alice"].id, scim_provisioned_user.person["bob"].id]
}

resource "scim_group_member" "carol_all_staff" {
  connected_app_id = scim_connected_app.app.id
  group_id         = %[2]q
  member_id        = scim_provisioned_user.person["carol"].id
}

data "scim_users" "orphans" {
  connected_app_id   = %[1]q
  exclude_user_names = [for p in local.people : p.email]
}
`, baseURL, allStaffID)
}

// The drift report of plans made by the real terraform CLI against the
// local target: nothing drifted after the apply; then an attribute edited,
// an account deactivated, one deleted, a group's members and name changed,
// a membership removed, an account made by hand (an orphan) and a changed
// capability, all behind Terraform's back. Each report is compared with
// its golden file (ids and the port replaced by names), and the command's
// exit status with 0 and 2.
func TestAccReport_golden(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	// The CLI the acceptance tests run under: TF_ACC_TERRAFORM_PATH (make
	// testmatrix), else terraform on PATH.
	tfBin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfBin == "" {
		var err error
		if tfBin, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform is not on PATH")
		}
	}
	target, srv := scimtarget.NewTestServer(t, scimtarget.Options{BearerTokens: []string{token}})
	baseURL := scimtarget.BaseURL(srv)
	allStaff, err := target.AddGroup(map[string]any{"displayName": "All staff"})
	if err != nil {
		t.Fatal(err)
	}
	tf := clitest.New(t, tfBin)
	tf.Write("main.tf", goldenConfig(baseURL, allStaff))
	tf.Write("terraform.tfvars", fmt.Sprintf("scim_token = %q\n", token))
	tf.Exec([]int{0}, "apply", "-auto-approve", "-input=false")

	ids := map[string]string{allStaff: "<All staff>"}
	for _, u := range target.Users() {
		ids[u["id"].(string)] = "<" + strings.TrimSuffix(u["userName"].(string), "@example.com") + ">"
	}
	for _, g := range target.Groups() {
		ids[g["id"].(string)] = "<" + g["displayName"].(string) + ">"
	}
	idOf := func(name string) string {
		for id, n := range ids {
			if n == "<"+name+">" {
				return id
			}
		}
		t.Fatalf("no id for %s", name)
		return ""
	}

	check := func(name string, wantStatus int) {
		t.Helper()
		tf.Exec([]int{0, 2}, "plan", "-input=false", "-out="+name+".tfplan")
		planJSON := tf.Output("show", "-json", name+".tfplan")
		if bytes.Contains(planJSON, []byte(token)) {
			t.Logf("(the plan JSON holds the token, as Terraform writes variables; the report must not)")
		}
		rep, err := driftreport.Build(bytes.NewReader(planJSON))
		if err != nil {
			t.Fatal(err)
		}
		var md, js bytes.Buffer
		if err := rep.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		for ext, got := range map[string]string{"md": md.String(), "json": js.String()} {
			if strings.Contains(got, token) {
				t.Errorf("the %s report holds the bearer token:\n%s", ext, got)
			}
			normal := normalize(got, baseURL, ids, rep.TerraformVersion)
			file := filepath.Join("testdata", "golden", name+"."+ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(normal), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run the test with -update to write it)", err)
			}
			if normal != string(want) {
				t.Errorf("%s differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", name+"."+ext, file, normal, want)
			}
		}
		if status := runCommand(t, tf, name+".tfplan", tfBin); status != wantStatus {
			t.Errorf("scim-drift-report %s.tfplan exited %d, want %d", name, status, wantStatus)
		}
	}

	check("nothing-drifted", 0)

	// Behind Terraform's back.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(target.SetUserAttribute(idOf("alice"), "title", "Engineering Manager"))
	must(target.DeactivateUser(idOf("bob")))
	must(target.RemoveGroupMember(allStaff, idOf("carol")))
	must(target.RemoveGroupMember(idOf("Engineering"), idOf("bob")))
	must(target.RenameGroup(idOf("Engineering"), "Eng"))
	must(target.DeleteUser(idOf("carol")))
	dana, err := target.AddUser(map[string]any{"userName": "dana@example.com", "name": map[string]any{"givenName": "Dana"}})
	must(err)
	ids[dana] = "<dana>"
	target.SetCapabilities(func(c *scimtarget.Capabilities) { c.Sort = !c.Sort })

	check("drifted", 2)
}

// runCommand builds the command and runs it on a saved plan file, as a CI
// job would, and returns its exit status.
func runCommand(t *testing.T, tf *clitest.Run, planFile, tfBin string) int {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "scim-drift-report")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/scim-drift-report").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-terraform", tfBin, planFile)
	cmd.Dir, cmd.Env = tf.Dir, tf.Env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		if exit.ExitCode() == 1 {
			t.Errorf("scim-drift-report failed:\n%s", out.String())
		}
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "## SCIM drift report") {
		t.Errorf("scim-drift-report printed no report:\n%s", out.String())
	}
	return 0
}

// normalize replaces what changes from run to run: the target's address,
// the ids it assigned and the CLI's version.
func normalize(s, baseURL string, ids map[string]string, tfVersion string) string {
	s = strings.ReplaceAll(s, baseURL, "http://127.0.0.1:PORT/scim/v2")
	for id, name := range ids {
		s = strings.ReplaceAll(s, id, name)
	}
	if tfVersion != "" {
		s = strings.ReplaceAll(s, `"terraform_version": "`+tfVersion+`"`, `"terraform_version": "X"`)
	}
	return s
}
