package provider

import (
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
)

// The docs and the checks read the same slices, so every accepted value is
// documented and every documented value is accepted.
func TestRuleFieldDescriptions(t *testing.T) {
	for _, field := range []string{"target", "source", "value", "template", "transform", "if_missing"} {
		if ruleFieldDescriptions[field] == "" {
			t.Errorf("no description for %q", field)
		}
	}
	for _, tr := range mapping.Transforms {
		if !strings.Contains(ruleFieldDescriptions["transform"], "`"+tr+"`") {
			t.Errorf("transform %q is not documented", tr)
		}
		if _, err := mapping.ParseTransform(tr); err != nil {
			t.Errorf("documented transform %q is refused: %v", tr, err)
		}
	}
	for _, mode := range mapping.IfMissingModes {
		if !strings.Contains(ruleFieldDescriptions["if_missing"], "`"+mode+"`") {
			t.Errorf("if_missing %q is not documented", mode)
		}
		if errs := mapping.ValidateRules([]mapping.Rule{{Target: "userName", Source: "email", IfMissing: mode}}); len(errs) > 0 {
			t.Errorf("documented if_missing %q is refused: %v", mode, errs)
		}
	}
}

func TestCodeList(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   string
	}{
		{nil, ""},
		{[]string{"a"}, "`a`"},
		{[]string{"a", "b c"}, "`a`, `b c`"},
	} {
		if got := codeList(tc.values); got != tc.want {
			t.Errorf("codeList(%q) = %q, want %q", tc.values, got, tc.want)
		}
	}
}
