package scim

import "testing"

func TestEqFilter(t *testing.T) {
	tests := []struct {
		attr, value, want string
	}{
		{"userName", "alice", `userName eq "alice"`},
		{"userName", `a"b`, `userName eq "a\"b"`},
		{"userName", `back\slash`, `userName eq "back\\slash"`},
		{"userName", "tab\there\nnl", `userName eq "tab\there\nnl"`},
		{"userName", "ctl\x01", `userName eq "ctl\u0001"`},
		{"userName", "<html>&", `userName eq "<html>&"`},
		{"emails.value", "José@example.com", `emails.value eq "José@example.com"`},
		{"externalId", "", `externalId eq ""`},
		{"userName", `x" or userName pr or "`, `userName eq "x\" or userName pr or \""`},
	}
	for _, tt := range tests {
		if got := EqFilter(tt.attr, tt.value); got != tt.want {
			t.Errorf("EqFilter(%q, %q) = %s, want %s", tt.attr, tt.value, got, tt.want)
		}
	}
}

// TestEqFilterRoundTripsThroughParser checks that the escaping is what the
// SCIM filter grammar expects: the parsed literal is the original value.
func TestEqFilterRoundTripsThroughParser(t *testing.T) {
	for _, v := range []string{"alice", `a"b`, `c\d`, `x" or userName pr or "`} {
		p, err := ParsePath("emails[value eq " + quoteFilterValue(v) + "]")
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		pairs, ok := p.FilterEquals()
		if !ok || pairs["value"] != v {
			t.Errorf("%q parsed back as %#v", v, pairs)
		}
	}
}

func TestValidateFilter(t *testing.T) {
	for _, ok := range []string{
		`userName eq "alice@example.com"`,
		`active eq false and userName sw "a"`,
		`emails[type eq "work" and value co "@example.com"]`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D"`,
		`meta.lastModified gt "2026-01-01T00:00:00Z"`,
		`title pr`,
	} {
		if err := ValidateFilter(ok); err != nil {
			t.Errorf("ValidateFilter(%s) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{`userName = "a"`, `userName eq`, `(active eq true`, `userName eq "a" and`} {
		if err := ValidateFilter(bad); err == nil {
			t.Errorf("ValidateFilter(%s) = nil, want an error", bad)
		}
	}
}
