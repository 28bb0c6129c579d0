package lifecycle

import (
	"strings"
	"testing"
)

func TestDetectVendor(t *testing.T) {
	for url, want := range map[string]string{
		"https://scim.us-east-1.amazonaws.com/a1b2c3d4-5678/scim/v2":  "aws_identity_center",
		"https://scim.eu-west-2.amazonaws.com/a1b2c3d4-5678/scim/v2/": "aws_identity_center",
		"https://SCIM.cn-north-1.amazonaws.com.cn/tenant/scim/v2":     "aws_identity_center",
		"http://scim.us-east-1.amazonaws.com/a1b2c3d4-5678/scim/v2":   "",
		"https://scim.us-east-1.amazonaws.com.evil.example/t/scim/v2": "",
		"https://example.com/scim/v2":                                 "",
		"http://127.0.0.1:8484/scim/v2":                               "",
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
