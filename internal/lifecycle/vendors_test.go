package lifecycle

import (
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
	"testing"
)

func TestDetectVendor(t *testing.T) {
	for url, want := range map[string]string{
		"https://scim.us-east-1.amazonaws.com/a1b2c3d4-5678/scim/v2":               "aws_identity_center",
		"https://scim.eu-west-2.amazonaws.com/a1b2c3d4-5678/scim/v2/":              "aws_identity_center",
		"https://SCIM.cn-north-1.amazonaws.com.cn/tenant/scim/v2":                  "aws_identity_center",
		"http://scim.us-east-1.amazonaws.com/a1b2c3d4-5678/scim/v2":                "",
		"https://scim.us-east-1.amazonaws.com.evil.example/t/scim/v2":              "",
		"https://example.com/scim/v2":                                              "",
		"http://127.0.0.1:8484/scim/v2":                                            "",
		"https://cloudidentityscim.googleapis.com/v1/customers/C01234abc/v2":       "google_cloud_identity",
		"https://api.github.com/scim/v2/enterprises/acme":                          "github_emu",
		"https://api.acme.ghe.com/scim/v2/enterprises/acme":                        "github_emu",
		"https://api.github.com/scim/v2/organizations/acme":                        "",
		"https://api.slack.com/scim/v2":                                            "slack",
		"https://api.slack.com/scim/v1":                                            "",
		"https://acme.my.salesforce.com/services/scim/v2":                          "salesforce",
		"https://acme--dev.sandbox.my.salesforce.com/services/scim/v2":             "salesforce",
		"https://accounts.cloud.databricks.com/api/2.0/accounts/1234-abcd/scim/v2": "databricks",
		"https://adb-123.4.azuredatabricks.net/api/2.0/preview/scim/v2":            "databricks",
		"https://api.zoom.us/scim2":                                                "zoom",
		"https://api.atlassian.com/scim/directory/abcdeg1234":                      "atlassian",
		"https://miro.com/api/v1/scim":                                             "miro",
	} {
		if got := DetectVendor(url); got != want {
			t.Errorf("DetectVendor(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestVendorDefaultsYieldToExplicitSettings(t *testing.T) {
	v, _ := VendorNamed("aws_identity_center")
	on := true
	if got := v.Under(Overrides{AttributesParameter: &on}); got.AttributesParameter == nil || !*got.AttributesParameter {
		t.Errorf("an explicit attributes_parameter = true was overridden by the profile: %v", got.AttributesParameter)
	}
	if got := v.Under(Overrides{}); got.AttributesParameter == nil || *got.AttributesParameter {
		t.Errorf("the profile's attributes_parameter = false did not apply: %v", got.AttributesParameter)
	}
}

func TestVendorChecksAccounts(t *testing.T) {
	v, _ := VendorNamed("aws_identity_center")
	good := map[string]string{"userName": "a@example.com", "name.givenName": "A", "name.familyName": "B", "displayName": "A B",
		`emails[type eq "work"].value`: "a@example.com", `emails[type eq "work"].primary`: "true"}
	if errs := v.CheckAccount(good); len(errs) != 0 {
		t.Errorf("a complete account with one email was refused: %v", errs)
	}
	bad := map[string]string{"userName": "a@example.com", "name.givenName": "A", "displayName": "",
		`emails[type eq "work"].value`: "a@example.com", `emails[type eq "home"].value`: "a@home.example", "password": "x"}
	errs := v.CheckAccount(bad)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	for _, want := range []string{"requires name.familyName", "requires displayName", "keeps one value of emails", "does not keep password"} {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, want)
		}
		if !found {
			t.Errorf("no error says %q: %v", want, got)
		}
	}
	if len(errs) != 4 {
		t.Errorf("%d errors, want 4: %v", len(errs), got)
	}
}

// AWS IAM Identity Center refuses an email not marked primary: the one
// email sent is marked, in a create and in a PATCH, and nothing else is.
func TestVendorMarksTheOneEmailPrimary(t *testing.T) {
	v, _ := VendorNamed("aws_identity_center")
	doc := scim.Resource{"userName": "a", "emails": []any{map[string]any{"type": "work", "value": "a@example.com"}}}
	shaped := v.Shape(doc)
	if e := shaped["emails"].([]any)[0].(map[string]any); e["primary"] != true {
		t.Errorf("the email is not marked primary: %v", shaped)
	}
	if _, marked := doc["emails"].([]any)[0].(map[string]any)["primary"]; marked {
		t.Error("Shape modified its input")
	}
	ops := v.ShapeOps([]scim.PatchOp{
		{Op: "add", Path: "emails", Value: []any{map[string]any{"type": "work", "value": "b@example.com"}}},
		{Op: "replace", Path: "title", Value: "x"},
	})
	if e := ops[0].Value.([]any)[0].(map[string]any); e["primary"] != true || ops[1].Value != "x" {
		t.Errorf("ops %+v", ops)
	}
	var none *Vendor
	if got := none.Shape(doc); got["emails"].([]any)[0].(map[string]any)["primary"] != nil {
		t.Error("no vendor, yet the email was marked")
	}
}

// An attribute the app's own User schema marks required (and writable) is
// checked at plan time like a vendor's: a value for it, or an error that
// says which rule to add. userName, read-only and unserved schemas ask for
// nothing more.
func TestRequiredByApp(t *testing.T) {
	d := &scim.Discovery{Schemas: []scim.Schema{{ID: scim.SchemaUser, Attributes: []scim.Attribute{
		{Name: "userName", Required: true},
		{Name: "displayName", Required: true},
		{Name: "emails", Required: true, MultiValued: true},
		{Name: "nickName", Required: true, Mutability: "readOnly"},
		{Name: "title"},
	}}}}
	errs := RequiredByApp(map[string]string{"userName": "a", `emails[type eq "work"].value`: "a@example.com"}, d)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "marks displayName required") {
		t.Errorf("errors %v, want one for displayName", errs)
	}
	if errs := RequiredByApp(map[string]string{"userName": "a", "displayName": "A", "emails[type eq \"work\"].value": "x"}, d); len(errs) != 0 {
		t.Errorf("a complete account was refused: %v", errs)
	}
	if errs := RequiredByApp(map[string]string{"userName": "a"}, &scim.Discovery{}); len(errs) != 0 {
		t.Errorf("the RFC's own schema asked for more than userName: %v", errs)
	}
}
