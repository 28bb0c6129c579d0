package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Write-only arguments need Terraform 1.11: older CLIs refuse the
// configuration, so the test does not run under them (make test runs
// Terraform 1.14).
var needsWriteOnly = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version.Must(version.NewVersion("1.11.0")))}

// Two passwords no log, plan or state may hold.
const (
	leakPassword1 = "pw1-SECRET-Tq8Lm2Zc"
	leakPassword2 = "pw2-SECRET-Rw4Hn7Jd"
)

// notIn fails when one of the passwords is in b.
func notIn(where string, b []byte) error {
	for _, pw := range []string{leakPassword1, leakPassword2} {
		if bytes.Contains(b, []byte(pw)) {
			return fmt.Errorf("a password is in the %s", where)
		}
	}
	return nil
}

// password_wo reaches the app on create, is not sent again while
// password_wo_version stays, is sent anew when it changes, and is in no
// plan, no state and no trace log (it comes from an ephemeral variable, so
// Terraform stores it nowhere either). An app whose User schema has no
// password refuses it at plan.
func TestAccProvisionedUser_writeOnlyPassword(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG_PATH_MASK", "")
	t.Setenv("TF_LOG_CORE", "")
	t.Setenv("TF_LOG_PROVIDER", "")

	target, baseURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.Capabilities = scimtarget.DefaultCapabilities()
		o.Capabilities.ChangePassword = true
	})
	cfg := func(version int) string {
		c := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": threePeople()["alice"]}}
		c.userArgs = func(string) string {
			return fmt.Sprintf("  password_wo         = var.password\n  password_wo_version = %d", version)
		}
		return `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + c.String()
	}
	with := func(pw string) config.Variables { return config.Variables{"password": config.StringVariable(pw)} }
	password := func(want string) func(*terraform.State) error {
		return checkTarget(func() error {
			u, ok := target.FindUserByUserName("alice@example.com")
			if !ok || u["password"] != want {
				return fmt.Errorf("the app holds password %v for alice, want the one configured", u["password"] != nil)
			}
			return nil
		})
	}
	passwordWrites := func() int { return target.Count("PATCH", "/Users/*") }
	patches := 0
	checks := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecretsInPlan{find: notIn}}, PostApplyPostRefresh: []plancheck.PlanCheck{noSecretsInPlan{find: notIn}}}

	noPassword, noPasswordURL := newTestTarget(t)
	must(t, noPassword.RemoveSchemaAttribute("urn:ietf:params:scim:schemas:core:2.0:User", "password"))
	refused := peopleConfig{baseURL: noPasswordURL, people: map[string]map[string]string{"bob": threePeople()["bob"]},
		userArgs: func(string) string { return "  password_wo = var.password" }}

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsWriteOnly,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(1), ConfigVariables: with(leakPassword1), ConfigPlanChecks: checks,
				ConfigStateChecks: []statecheck.StateCheck{noSecretsInState{find: notIn}},
				Check:             resource.ComposeAggregateTestCheckFunc(password(leakPassword1), func(*terraform.State) error { patches = passwordWrites(); return nil }),
			},
			// Another password, the same version: nothing is sent.
			{
				Config: cfg(1), ConfigVariables: with(leakPassword2), ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecretsInPlan{find: notIn}},
				},
				Check: resource.ComposeAggregateTestCheckFunc(password(leakPassword1), func(*terraform.State) error {
					if n := passwordWrites(); n != patches {
						return fmt.Errorf("%d PATCHes sent with the version unchanged", n-patches)
					}
					return nil
				}),
			},
			// A new version sends the password again.
			{
				Config: cfg(2), ConfigVariables: with(leakPassword2), ConfigPlanChecks: checks,
				ConfigStateChecks: []statecheck.StateCheck{noSecretsInState{find: notIn}},
				Check:             password(leakPassword2),
			},
			// An app that does not change passwords refuses a new version
			// at plan.
			{
				PreConfig: func() { target.SetCapabilities(func(c *scimtarget.Capabilities) { c.ChangePassword = false }) },
				Config:    cfg(3), ConfigVariables: with(leakPassword1),
				ExpectError: regexpParts(`The App Does Not Change Passwords .* changePassword.supported = false`),
			},
		},
	})
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsWriteOnly,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          `variable "password" {` + "\n  type = string\n  sensitive = true\n  ephemeral = true\n}\n" + refused.String(),
			ConfigVariables: with(leakPassword1),
			ExpectError:     regexpParts(`The App Takes No Password .* the app's User schema (/Schemas) has no password attribute`),
		}},
	})

	// The attribute is write-only, not sensitive (the state of every
	// account would carry a sensitive path for nothing): from a plain
	// variable, neither sensitive nor ephemeral, the password still reaches
	// the app and is in no plan (but for the variable the user put in it)
	// and no state.
	plainTarget, plainURL := newTestTarget(t)
	plain := peopleConfig{baseURL: plainURL, people: map[string]map[string]string{"carol": threePeople()["carol"]},
		userArgs: func(string) string { return "  password_wo         = var.password\n  password_wo_version = 1" }}
	plainChecks := []plancheck.PlanCheck{noSecretsInPlan{find: notIn, inputs: with(leakPassword2)}}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsWriteOnly,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            `variable "password" {` + "\n  type = string\n}\n" + plain.String(),
			ConfigVariables:   with(leakPassword2),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: plainChecks, PostApplyPostRefresh: plainChecks},
			ConfigStateChecks: []statecheck.StateCheck{noSecretsInState{find: notIn}},
			Check: checkTarget(func() error {
				if u, ok := plainTarget.FindUserByUserName("carol@example.com"); !ok || u["password"] != leakPassword2 {
					return fmt.Errorf("the app does not hold carol's configured password")
				}
				return nil
			}),
		}},
	})

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	if !logHasLine(logData, "[TRACE]", "SCIM request", "POST", baseURL+"/Users") ||
		!logHasLine(logData, "[TRACE]", "SCIM request", "PATCH", baseURL+"/Users/", "password") {
		t.Errorf("the trace log (%d bytes) holds no traced POST and password PATCH: the check would prove nothing", len(logData))
	}
	if err := notIn("trace log", logData); err != nil {
		t.Error(err)
	}
}
