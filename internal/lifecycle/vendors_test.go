package lifecycle

import "testing"

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
