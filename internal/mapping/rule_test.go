package mapping

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseTransform(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"", nil, ""},
		{"lower", []string{"lower"}, ""},
		{"trim+lower", []string{"trim", "lower"}, ""},
		{" trim + upper ", []string{"trim", "upper"}, ""},
		{"lowr", nil, `"lowr" is not one of lower, upper, trim`},
		{"Lower", nil, `"Lower" is not one of`},
		{"trim,lower", nil, `"trim,lower" is not one of`},
		{"+", nil, `"" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTransform(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseTransform(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestApplyTransforms(t *testing.T) {
	tests := []struct {
		in, transform, want string
	}{
		{"  Alice@Example.COM \t", "trim+lower", "alice@example.com"},
		{"  Alice@Example.COM ", "lower", "  alice@example.com "},
		{"\u00a0Zoë\u00a0", "trim", "Zoë"}, // no-break spaces, common in HR exports
		{"émilie", "upper", "ÉMILIE"},
		{"ÅSA", "lower", "åsa"},
		{"İstanbul", "lower", "istanbul"}, // simple Unicode case mapping, no locale rules
		{"MiXeD", "upper+lower", "mixed"},
		{"x", "", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.transform+"/"+tt.in, func(t *testing.T) {
			steps, err := ParseTransform(tt.transform)
			if err != nil {
				t.Fatal(err)
			}
			if got := applyTransforms(tt.in, steps); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"userName", "userName", false},
		{" userName ", "userName", false},
		{`Emails[Type eq "work"].Value`, `Emails[Type eq "work"].Value`, false},
		{`emails[type   eq "work"   and primary eq true].value`, `emails[type eq "work" and primary eq true].value`, false},
		{"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", "name.givenName", false},
		{"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:userName", "userName", false},
		{enterprise + ":manager.value", enterprise + ":manager.value", false},
		{strings.ToLower(enterprise) + ":department", enterprise + ":department", false},
		{strings.ToLower(custom) + ":fte", strings.ToLower(custom) + ":fte", false},
		{"name.givenName.x", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("Canonical(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestSamePath(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`Emails[Type eq "work"].Value`, `emails[type eq "work"].value`, true},
		{`emails[type eq "Work"].value`, `emails[type eq "work"].value`, true},
		{`emails[type eq "work" and primary eq true].value`, `emails[primary eq true and type eq "work"].value`, true},
		{"urn:ietf:params:scim:schemas:core:2.0:User:userName", "USERNAME", true},
		{enterprise + ":Department", strings.ToUpper(enterprise) + ":department", true},
		{`emails[type eq "work"].value`, `emails[type eq "home"].value`, false},
		{`emails[type eq "work"].value`, `emails[type eq "work"].display`, false},
		{`emails[type eq "work" and primary eq true].value`, `emails[type eq "work"].value`, false},
		{"name.givenName", "name.familyName", false},
		{"department", enterprise + ":department", false},
		{"bad path!", "bad path!", true},
		{"bad path!", "userName", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			if got := SamePath(tt.a, tt.b); got != tt.want {
				t.Errorf("SamePath = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestManagedPathsAndReadAttributes(t *testing.T) {
	rules := []Rule{
		{Target: "userName", Source: "email"},
		{Target: "name.givenName", Source: "given_name"},
		{Target: "name.familyName", Source: "family_name"},
		{Target: `Emails[Type eq  "work"].Value`, Source: "email"},
		{Target: `emails[type eq "work"].primary`, Value: ptr("true")},
		{Target: enterprise + ":department", Source: "department"},
		{Target: enterprise + ":manager.value", Source: "manager_id"},
		{Target: "urn:ietf:params:scim:schemas:core:2.0:User:title", Source: "title"},
		{Target: "TITLE", Source: "title"},   // duplicate: listed once
		{Target: "not a path!", Source: "x"}, // skipped
	}
	wantPaths := []string{
		`Emails[Type eq "work"].Value`,
		"emails[type eq \"work\"].primary",
		"name.familyName",
		"name.givenName",
		"title",
		enterprise + ":department",
		enterprise + ":manager.value",
		"userName",
	}
	if got := ManagedPaths(rules); !reflect.DeepEqual(got, wantPaths) {
		t.Errorf("ManagedPaths =\n%q\nwant\n%q", got, wantPaths)
	}
	wantAttrs := []string{"active", "Emails", "name", "title", enterprise + ":department", enterprise + ":manager", "userName"}
	if got := ReadAttributes(rules); !reflect.DeepEqual(got, wantAttrs) {
		t.Errorf("ReadAttributes =\n%q\nwant\n%q", got, wantAttrs)
	}
	if got := ReadAttributes(nil); !reflect.DeepEqual(got, []string{"active", "userName"}) {
		t.Errorf("ReadAttributes(nil) = %q", got)
	}
}

func TestIssues(t *testing.T) {
	a := &Issue{Index: 0, Target: "title", Message: "a"}
	b := &Issue{Index: -1, Message: "b"}
	c := &Issue{Index: 2, Target: "x", Message: "c"}
	joined := errors.Join(a, errors.New("not an issue"), errors.Join(b, fmt.Errorf("wrapped: %w", c)))
	got := Issues(joined)
	if len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Errorf("Issues = %v", got)
	}
	if a.Error() != `rule 1 (target "title"): a` || b.Error() != "b" {
		t.Errorf("Error() = %q, %q", a.Error(), b.Error())
	}
	if Issues(nil) != nil {
		t.Error("Issues(nil) is not nil")
	}
}
