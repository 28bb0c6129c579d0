package provider

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Every acceptance test runs under one CLI: the one terraform-plugin-testing
// picks, TF_ACC_TERRAFORM_PATH or else the terraform on PATH. make test
// sets TF_ACC_TERRAFORM_PATH to Terraform 1.14 (tools/get-cli.sh builds
// it), so all of them run there; make testmatrix runs the suite under older
// Terraform and OpenTofu CLIs too, which skip the tests of what only
// Terraform 1.14 has.

// terraform114 is the first Terraform with resource identity in import
// blocks, list resources and `terraform query`.
var terraform114 = version.Must(version.NewVersion("1.14.0"))

// needsTerraform114 gates a test case on that CLI.
var needsTerraform114 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(terraform114)}

// acceptanceCLI is the path and version of the CLI the acceptance tests run
// under, found as terraform-plugin-testing finds it.
var acceptanceCLI = sync.OnceValues(func() (cliVersion, error) {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		var err error
		if path, err = exec.LookPath("terraform"); err != nil {
			return cliVersion{}, err
		}
	}
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		return cliVersion{}, err
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return cliVersion{}, err
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		return cliVersion{}, err
	}
	// `version -json` does not say which CLI it is (OpenTofu keeps
	// Terraform's keys); the text form begins with its name.
	text, err := exec.Command(path, "version").Output()
	if err != nil {
		return cliVersion{}, err
	}
	return cliVersion{path: path, version: parsed, openTofu: bytes.HasPrefix(text, []byte("OpenTofu"))}, nil
})

type cliVersion struct {
	path     string
	version  *version.Version
	openTofu bool
}

// cliAtLeast returns the path of the acceptance tests' CLI for a test that
// runs it itself (internal/clitest), skipping the test as
// tfversion.SkipBelow(minimum) would when the CLI is older.
func cliAtLeast(t *testing.T, minimum *version.Version) string {
	t.Helper()
	cli := theCLI(t)
	if cli.version.Core().LessThan(minimum) {
		name := "Terraform"
		if cli.openTofu {
			name = "OpenTofu"
		}
		t.Skipf("%s CLI version %s is below minimum version %s: skipping test", name, cli.version, minimum)
	}
	return cli.path
}

// cliAtLeastEach is cliAtLeast for a feature Terraform and OpenTofu added
// in different versions (OpenTofu numbers its own releases: its 1.10 has
// no ephemeral variables, which came in its 1.11).
func cliAtLeastEach(t *testing.T, terraform, openTofu *version.Version) string {
	t.Helper()
	if theCLI(t).openTofu {
		return cliAtLeast(t, openTofu)
	}
	return cliAtLeast(t, terraform)
}

// theCLI is the acceptance tests' CLI, failing the test when there is none.
func theCLI(t *testing.T) cliVersion {
	t.Helper()
	cli, err := acceptanceCLI()
	if err != nil {
		t.Fatalf("finding the terraform CLI (TF_ACC_TERRAFORM_PATH or terraform on PATH): %v", err)
	}
	return cli
}
