package provider

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// terraform114Version is the Terraform CLI the tests of resource identity
// in import blocks, list resources and `terraform query` run under; the
// rest run under the terraform on PATH.
const terraform114Version = "1.14.3"

// terraform114 is the path of that CLI: $SCIM_TERRAFORM_1_14 when set (make
// test and .ci/run set it), else what tools/get-cli.sh prints, which builds
// it from the Go module proxy the first time (a few minutes) and caches it.
var terraform114 = sync.OnceValues(func() (string, error) {
	if p := os.Getenv("SCIM_TERRAFORM_1_14"); p != "" {
		return p, nil
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", filepath.Join("..", "..", "tools", "get-cli.sh"), "terraform", terraform114Version)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &cliError{err: err, stderr: stderr.String()}
	}
	return strings.TrimSpace(stdout.String()), nil
})

type cliError struct {
	err    error
	stderr string
}

func (e *cliError) Error() string { return e.err.Error() + ": " + e.stderr }

// useTerraform114 makes terraform-plugin-testing run this test under
// Terraform 1.14 and returns the CLI's path. The test fails, never skips,
// when the CLI cannot be had.
func useTerraform114(t *testing.T) string {
	t.Helper()
	path, err := terraform114()
	if err != nil {
		t.Fatalf("this test needs Terraform %s (tools/get-cli.sh terraform %s): %v", terraform114Version, terraform114Version, err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", path)
	// It is Terraform, whatever CLI the rest of the suite runs under (make
	// testmatrix sets registry.opentofu.org for OpenTofu).
	t.Setenv("TF_ACC_PROVIDER_HOST", "")
	return path
}
