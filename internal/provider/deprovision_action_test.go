package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/clitest"
)

// The action deactivates the orphans (accounts no resource manages) the
// scim_users data source lists, reports each, and sends nothing when
// invoked again; an account the configuration manages, or one that cannot
// be found, stops it before anything is touched; the deprovisioning guard
// holds it as it holds a plan, until approved. With the Terraform 1.14
// CLI: `terraform apply -invoke=action.scim_deprovision_accounts.NAME`.
func TestAccDeprovisionAction(t *testing.T) {
	t.Parallel()
	tf := clitest.New(t, cliAtLeast(t, terraform114))
	target, baseURL := newTestTarget(t)
	var orphans []string
	for i := range 12 {
		orphans = append(orphans, fmt.Sprintf("leaver%02d@example.com", i))
	}
	addAccounts(t, target, orphans...)
	config := func(guard string, action string) string {
		c := peopleConfig{baseURL: baseURL, people: map[string]map[string]string{"alice": threePeople()["alice"]}}
		if guard != "" {
			c.providerArgs = []string{guard}
		}
		return `
terraform {
  required_providers {
    scim = { source = "openscim/scim" }
  }
}
` + c.String() + `
data "scim_users" "orphans" {
  connected_app_id = scim_connected_app.app.id
  exclude_ids      = [scim_provisioned_user.alice.id]
}
` + action
	}
	orphansAction := `
action "scim_deprovision_accounts" "orphans" {
  config {
    connected_app_id = scim_connected_app.app.id
    ids              = data.scim_users.orphans.ids
    managed_ids      = [scim_provisioned_user.alice.id]
  }
}
`
	invoke := func(name string, ok ...int) string {
		if len(ok) == 0 {
			ok = []int{0}
		}
		out, _ := tf.Exec(ok, "apply", "-auto-approve", "-input=false", "-invoke=action.scim_deprovision_accounts."+name)
		return out
	}
	writes := func() int { return len(writeRequests(target)) }
	inactive := func() int {
		n := 0
		for _, un := range orphans {
			if u, _ := target.FindUserByUserName(un); u["active"] == false {
				n++
			}
		}
		return n
	}

	tf.Write("main.tf", config("", orphansAction))
	tf.Exec([]int{0}, "apply", "-auto-approve", "-input=false")

	// 12 of the app's 13 active accounts: the guard holds it.
	before := writes()
	if out := invoke("orphans", 1); !strings.Contains(out, "Mass Deprovisioning Refused") {
		t.Fatalf("the guard did not hold 12 deactivations:\n%s", out)
	}
	if w := writes(); w != before || inactive() != 0 {
		t.Fatalf("the refused action sent %d writes, deactivated %d", w-before, inactive())
	}

	// Approved for this app: each orphan deactivated, and said so.
	tf.Write("main.tf", config(fmt.Sprintf("deprovision_guard = { approve = { %q = 12 } }", baseURL), orphansAction))
	out := invoke("orphans")
	if inactive() != 12 {
		t.Fatalf("%d of 12 orphans deactivated:\n%s", inactive(), out)
	}
	if !strings.Contains(out, "leaver03@example.com") || !strings.Contains(out, "deactivated") {
		t.Errorf("the action did not report what it did per account:\n%s", out)
	}
	if u, _ := target.FindUserByUserName("alice@example.com"); u["active"] != true {
		t.Error("the managed account was deactivated")
	}

	// Again: nothing to do, nothing sent.
	before = target.Count(http.MethodPatch, "/Users/*") + target.Count(http.MethodDelete, "/Users/*")
	out = invoke("orphans")
	if n := target.Count(http.MethodPatch, "/Users/*") + target.Count(http.MethodDelete, "/Users/*"); n != before {
		t.Errorf("the second invocation sent %d writes:\n%s", n-before, out)
	}
	if !strings.Contains(out, "already inactive, skipped") {
		t.Errorf("the second invocation did not say it skipped the inactive accounts:\n%s", out)
	}

	// A managed account, or one that is not there, stops it first.
	stops := `
action "scim_deprovision_accounts" "managed" {
  config {
    connected_app_id = scim_connected_app.app.id
    ids              = [scim_provisioned_user.alice.id]
    managed_ids      = [scim_provisioned_user.alice.id]
  }
}

action "scim_deprovision_accounts" "unknown" {
  config {
    connected_app_id = scim_connected_app.app.id
    user_names       = ["nobody@example.com"]
    mode             = "delete"
  }
}
`
	tf.Write("main.tf", config("", orphansAction+stops))
	before = writes()
	if out := invoke("managed", 1); !strings.Contains(out, "Account Managed by This Configuration") {
		t.Errorf("a managed account did not stop the action:\n%s", out)
	}
	if out := invoke("unknown", 1); !strings.Contains(out, "Account Not Found Exactly Once") {
		t.Errorf("an unknown userName did not stop the action:\n%s", out)
	}
	if w := writes(); w != before {
		t.Errorf("the stopped actions sent %d writes", w-before)
	}
	tf.Exec([]int{0}, "destroy", "-auto-approve", "-input=false")
}
