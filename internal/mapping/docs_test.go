package mapping

import (
	"strings"
	"testing"
)

// The docs and the checks read the same slices, so every accepted value is
// documented and every documented value is accepted.
func TestRuleFieldDescriptions(t *testing.T) {
	for _, field := range []string{"target", "source", "value", "template", "transform", "if_missing"} {
		if RuleFieldDescriptions[field] == "" {
			t.Errorf("no description for %q", field)
		}
	}
	for _, tr := range Transforms {
		if !strings.Contains(RuleFieldDescriptions["transform"], "`"+tr+"`") {
			t.Errorf("transform %q is not documented", tr)
		}
		if _, err := ParseTransform(tr); err != nil {
			t.Errorf("documented transform %q is refused: %v", tr, err)
		}
	}
	for _, mode := range IfMissingModes {
		if !strings.Contains(RuleFieldDescriptions["if_missing"], "`"+mode+"`") {
			t.Errorf("if_missing %q is not documented", mode)
		}
		if errs := ValidateRules([]Rule{{Target: "userName", Source: "email", IfMissing: mode}}); len(errs) > 0 {
			t.Errorf("documented if_missing %q is refused: %v", mode, errs)
		}
	}
}
