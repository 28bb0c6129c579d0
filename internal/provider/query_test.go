package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/openscim/terraform-provider-scim/internal/clitest"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// queryMainConfig is the configuration of an app managed by hand until
// now, as a user writes it: the app and its mapping, nothing else.
func queryMainConfig(baseURL string) string {
	return `terraform {
  required_providers {
    scim = { source = "openscim/scim" }
  }
}
` + appAndMappingConfig(baseURL)
}

// appAndMappingConfig is the provider, the app and its mapping (the one the
// other tests use), with the encoded mapping as an output.
func appAndMappingConfig(baseURL string) string {
	return providerConfig(baseURL, testToken) + fmt.Sprintf(`
resource "scim_connected_app" "app" {
  name     = "Local target"
  base_url = %q
%s}

resource "scim_attribute_mapping" "app" {
  connected_app_id = scim_connected_app.app.id
  rules = [
    { target = "userName", source = "email", transform = "lower" },
    { target = "name.givenName", source = "given_name" },
    { target = "name.familyName", source = "family_name" },
    { target = "displayName", template = "{given_name} {family_name}" },
    { target = "emails[type eq \"work\"].value", source = "email", transform = "lower" },
    { target = "title", source = "title" },
    { target = "%s:department", source = "department" },
  ]
}

output "mapping" {
  value = scim_attribute_mapping.app.encoded
}
`, baseURL, vendorArgs(baseURL, ""), enterpriseURN)
}

// appListBlocks lists the app's accounts and groups, naming the app and
// its mapping by reference, as the README shows.
const appListBlocks = `
list "scim_provisioned_user" "app" {
  provider = scim
  config {
    connected_app_id  = scim_connected_app.app.id
    attribute_mapping = scim_attribute_mapping.app.encoded
  }
}

list "scim_provisioned_group" "app" {
  provider = scim
  config {
    connected_app_id = scim_connected_app.app.id
    include_members  = true
  }
}
`

// handMadeApp fills target with what an administrator made by hand: Dana
// (active) and Erin (inactive, no title), and the group Sales with Dana in
// it. It returns their ids.
func handMadeApp(t *testing.T, target *scimtarget.Target) (danaID, erinID, salesID string) {
	t.Helper()
	danaID, err := target.AddUser(danaAccount())
	if err != nil {
		t.Fatal(err)
	}
	erin := danaAccount()
	erin["userName"], erin["displayName"] = "erin@example.com", "Erin Kim"
	erin["name"] = map[string]any{"givenName": "Erin", "familyName": "Kim"}
	erin["emails"] = []any{map[string]any{"type": "work", "value": "erin@example.com"}}
	erin["active"] = false
	delete(erin, "title")
	if erinID, err = target.AddUser(erin); err != nil {
		t.Fatal(err)
	}
	if salesID, err = target.AddGroup(map[string]any{"displayName": "Sales", "externalId": "sales", "members": []any{map[string]any{"value": danaID}}}); err != nil {
		t.Fatal(err)
	}
	return danaID, erinID, salesID
}

// The list resources list the app's accounts and groups for `terraform
// query`, each by its name and identity, on the local target and on its
// AWS IAM Identity Center personality (cursor paging, startIndex
// ignored). Under Terraform 1.14.
func TestAccQuery_listAccountsAndGroups(t *testing.T) {
	for _, vendor := range []string{"", "aws_identity_center"} {
		t.Run("vendor="+vendor, func(t *testing.T) { testListAccountsAndGroups(t, vendor) })
	}
}

func testListAccountsAndGroups(t *testing.T, vendor string) {
	var (
		target  *scimtarget.Target
		baseURL string
	)
	if vendor == "" {
		target, baseURL = newTestTarget(t)
	} else {
		target, baseURL = newVendorTarget(t, vendor)
	}
	danaID, erinID, salesID := handMadeApp(t, target)
	listed := func(list, id, name string) querycheck.QueryResultCheck {
		return querycheck.ExpectResourceDisplayName(list,
			queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"base_url": knownvalue.StringExact(baseURL), "id": knownvalue.StringExact(id)}),
			knownvalue.StringExact(name))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsTerraform114,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: appAndMappingConfig(baseURL)},
			{
				Query:  true,
				Config: appListBlocks,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("scim_provisioned_user.app", 2),
					listed("scim_provisioned_user.app", danaID, "dana@example.com"),
					listed("scim_provisioned_user.app", erinID, "erin@example.com"),
					querycheck.ExpectLength("scim_provisioned_group.app", 1),
					listed("scim_provisioned_group.app", salesID, "Sales"),
				},
			},
		},
	})
}

// Bringing an app managed by hand under management, as the README tells:
// `terraform query -generate-config-out` writes import blocks (by
// identity) and resource blocks for the app's accounts and groups, with
// each account's profile read back through the mapping; the plan with them
// imports everything and changes nothing in the app, the apply sends no
// write, and the next plan is empty. Under Terraform 1.14.
//
// It runs the CLI itself (internal/clitest): terraform-plugin-testing's
// query steps check the listing (TestAccQuery_listAccountsAndGroups) but do
// not write the generated configuration.
func TestAccQuery_bringAppUnderManagement(t *testing.T) {
	t.Parallel()
	tf := clitest.New(t, cliAtLeast(t, terraform114))
	target, baseURL := newTestTarget(t)
	danaID, erinID, salesID := handMadeApp(t, target)

	tf.Write("main.tf", queryMainConfig(baseURL))
	tf.Exec([]int{0}, "apply", "-auto-approve", "-input=false")
	encoded, _ := tf.Exec([]int{0}, "output", "-raw", "mapping")
	tf.Write("app.tfquery.hcl", appListBlocks)
	tf.Exec([]int{0}, "query", "-generate-config-out=generated.tf")
	generated := tf.Read("generated.tf")
	t.Logf("generated.tf:\n%s", generated)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?s)import \{\s+to\s+= scim_provisioned_user\.app_0.*?base_url = "` + regexp.QuoteMeta(baseURL) + `"\s+id\s+= "` + danaID + `"`),
		regexp.MustCompile(`(?s)resource "scim_provisioned_user" "app_0" \{.*?profile\s+= \{.*?email\s+= "dana@example.com".*?given_name\s+= "Dana".*?title\s+= "Engineer"`),
		regexp.MustCompile(`(?s)resource "scim_provisioned_user" "app_1" \{.*?active\s+= false`),
		regexp.MustCompile(`(?s)resource "scim_provisioned_group" "app_0" \{.*?display_name\s+= "Sales".*?members\s+= \["` + danaID + `"\]`),
		regexp.MustCompile(`id\s+= "` + erinID + `"`),
		regexp.MustCompile(`id\s+= "` + salesID + `"`),
	} {
		if !want.MatchString(generated) {
			t.Errorf("generated.tf does not match %s:\n%s", want, generated)
		}
	}
	if strings.Contains(generated, testToken) {
		t.Errorf("generated.tf holds the bearer token:\n%s", generated)
	}
	// The README's next step: the literals become references.
	// (As the README's sed does it, whatever the alignment terraform fmt
	// gives the generated blocks.)
	literal := func(attr, value string) *regexp.Regexp {
		return regexp.MustCompile(`(` + attr + ` *= )` + regexp.QuoteMeta(fmt.Sprintf("%q", value)))
	}
	if !literal("attribute_mapping", encoded).MatchString(generated) {
		t.Errorf("generated.tf does not carry the mapping %s", encoded)
	}
	generated = literal("attribute_mapping", encoded).ReplaceAllString(generated, "${1}scim_attribute_mapping.app.encoded")
	generated = literal("connected_app_id", baseURL).ReplaceAllString(generated, "${1}scim_connected_app.app.id")
	if n := strings.Count(generated, "= scim_connected_app.app.id"); n != 3 {
		t.Fatalf("%d resources name the app by reference after the edit, want 3:\n%s", n, generated)
	}
	tf.Write("generated.tf", generated)

	target.ResetRequests()
	tf.Exec([]int{0}, "plan", "-input=false", "-out=import.tfplan")
	show, _ := tf.Exec([]int{0}, "show", "-json", "import.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
				Before    map[string]any  `json:"before"`
				After     map[string]any  `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(show), &plan); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	imported := 0
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Importing) == 0 {
			if a := rc.Change.Actions; len(a) != 1 || a[0] != "no-op" {
				t.Errorf("%s is planned without an import: %v", rc.Address, a)
			}
			continue
		}
		imported++
		if a := rc.Change.Actions; len(a) != 1 || (a[0] != "update" && a[0] != "no-op") {
			t.Errorf("%s: actions %v, want an import with at most an in-place update", rc.Address, a)
		}
		if strings.HasPrefix(rc.Address, "scim_provisioned_user.") && rc.Change.Before["active"] != rc.Change.After["active"] {
			t.Errorf("%s: active %v -> %v, want unchanged", rc.Address, rc.Change.Before["active"], rc.Change.After["active"])
		}
	}
	if imported != 3 {
		t.Errorf("the plan imports %d resources, want 3 (two accounts and a group):\n%s", imported, show)
	}
	out, _ := tf.Exec([]int{0}, "apply", "-input=false", "import.tfplan")
	if !strings.Contains(out, "3 imported") {
		t.Errorf("apply did not import 3 resources:\n%s", out)
	}
	if err := expectNoWrites(target); err != nil {
		t.Errorf("bringing the app under management changed it: %v", err)
	}
	if out, status := tf.Exec([]int{0, 2}, "plan", "-input=false", "-detailed-exitcode"); status != 0 {
		t.Errorf("the plan after the import is not empty:\n%s", out)
	}
}
