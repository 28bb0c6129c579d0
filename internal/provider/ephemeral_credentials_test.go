package provider

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/openscim/terraform-provider-scim/internal/clitest"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// A token passed as an ephemeral input variable (Terraform 1.10 and later,
// OpenTofu 1.11 and later) reaches the provider, and a saved plan holds it
// nowhere: not in the plan file, not in `terraform show -json` of it. The
// apply of the saved plan takes the token again, as Terraform asks of
// ephemeral variables, and works. (An ordinary sensitive variable would be
// in the plan file: that is Terraform's, and why the README shows
// credentials this way.)
func TestAccEphemeralCredentials_savedPlanHoldsNoSecret(t *testing.T) {
	t.Parallel()
	const token = "ephemeral-SECRET-Wd3Pq8Ls"
	tf := clitest.New(t, cliAtLeastEach(t, version.Must(version.NewVersion("1.10.0")), version.Must(version.NewVersion("1.11.0"))))
	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) { o.BearerTokens = []string{token} })
	tf.Write("main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    scim = { source = "openscim/scim" }
  }
}

variable "scim_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "scim" {
  credentials = [{ url = %q, bearer_token = var.scim_token }]
}
`, baseURL)+peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": threePeople()["alice"]}}.resources())

	main := tf.Read("main.tf")
	// The control: with an ordinary sensitive variable, Terraform keeps
	// the token in the plan file, so the scan below can see one.
	tf.Write("main.tf", strings.Replace(main, "  ephemeral = true\n", "", 1))
	tf.Exec([]int{0}, "plan", "-input=false", "-out=ordinary.tfplan", "-var", "scim_token="+token)
	if !planFileHolds(t, filepath.Join(tf.Dir, "ordinary.tfplan"), token) {
		t.Fatal("a plan saved with an ordinary variable does not hold the token either: the scan proves nothing")
	}
	tf.Write("main.tf", main)

	tf.Exec([]int{0}, "plan", "-input=false", "-out=saved.tfplan", "-var", "scim_token="+token)
	if planFileHolds(t, filepath.Join(tf.Dir, "saved.tfplan"), token) {
		t.Error("the token is in the plan file saved with an ephemeral variable")
	}
	shown := tf.Output("show", "-json", "saved.tfplan")
	if !bytes.Contains(shown, []byte("scim_provisioned_user")) {
		t.Fatalf("the saved plan shows no scim_provisioned_user, so the check would prove nothing: %.300s", shown)
	}
	if bytes.Contains(shown, []byte(token)) {
		t.Error("the token is in terraform show -json of the saved plan")
	}

	out, _ := tf.Exec([]int{0}, "apply", "-input=false", "-var", "scim_token="+token, "saved.tfplan")
	if strings.Contains(out, token) {
		t.Error("the token is in the apply's output")
	}
	if _, ok := target.FindUserByUserName("alice@example.com"); !ok {
		t.Fatalf("the apply of the saved plan created no account:\n%s", out)
	}
	tf.Exec([]int{0}, "destroy", "-auto-approve", "-input=false", "-var", "scim_token="+token)
}

// planFileHolds reports whether a saved plan (a zip) holds s in any of its
// files, decompressed.
func planFileHolds(t *testing.T, path, s string) bool {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("reading the plan file: %v", err)
	}
	defer func() { _ = z.Close() }()
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}
