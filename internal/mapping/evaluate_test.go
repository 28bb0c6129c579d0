package mapping

import (
	"reflect"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	alice := map[string]string{
		"email":       "Alice@Example.com",
		"given_name":  "Alice",
		"family_name": "Ng",
		"title":       "Engineer",
		"department":  "R&D",
		"manager_id":  "2819c223",
		"padded":      "  Alice@Example.COM\u00a0",
		"blank":       "   ",
		"empty":       "",
		"unicode":     "émilie",
		"flag":        "TRUE",
		"one":         "1",
		"years":       "007",
		"fte":         "0.50",
	}
	tests := []struct {
		name    string
		rules   []Rule // userNameRule is prepended
		profile map[string]string
		nilS    bool
		want    map[string]string // userName is added when no error is expected
		errs    []string          // fragments, one per expected issue, in order
	}{
		{name: "design example", rules: []Rule{
			{Target: "name.givenName", Source: "given_name"},
			{Target: "name.familyName", Source: "family_name"},
			{Target: "displayName", Template: "{given_name} {family_name}"},
			{Target: `emails[type eq "work"].value`, Source: "email", Transform: "lower"},
			{Target: "title", Source: "title", IfMissing: "omit"},
			{Target: enterprise + ":department", Source: "department"},
			{Target: enterprise + ":manager.value", Source: "manager_id"},
		}, want: map[string]string{
			"name.givenName":               "Alice",
			"name.familyName":              "Ng",
			"displayName":                  "Alice Ng",
			`emails[type eq "work"].value`: "alice@example.com",
			"title":                        "Engineer",
			enterprise + ":department":     "R&D",
			enterprise + ":manager.value":  "2819c223",
		}},
		{name: "keys are canonical paths", rules: []Rule{
			{Target: `Emails[Type eq  "work"].Value`, Source: "email"},
			{Target: "urn:ietf:params:scim:schemas:core:2.0:User:title", Source: "title"},
		}, want: map[string]string{`Emails[Type eq "work"].Value`: "Alice@Example.com", "title": "Engineer"}},
		{name: "template with a missing field is omitted, not half-filled", rules: []Rule{
			{Target: "displayName", Template: "{given_name} {middle_name} {family_name}"},
		}, want: map[string]string{}},
		{name: "template with a missing field and if_missing error", rules: []Rule{
			{Target: "displayName", Template: "{given_name} {middle_name} {nick}", IfMissing: "error"},
		}, errs: []string{`rule 2 (target "displayName"): template fields "middle_name", "nick" are missing or empty in the profile (if_missing = "error")`}},
		{name: "template braces", rules: []Rule{
			{Target: "displayName", Template: "{{{family_name}}}"},
		}, want: map[string]string{"displayName": "{Ng}"}},
		{name: "missing source is omitted", rules: []Rule{
			{Target: "nickName", Source: "nick"},
			{Target: "title", Source: "empty"},
		}, want: map[string]string{}},
		{name: "missing source with if_missing error names rule and field", rules: []Rule{
			{Target: "nickName", Source: "nick", IfMissing: "error"},
		}, errs: []string{`rule 2 (target "nickName"): source field "nick" is missing or empty in the profile (if_missing = "error")`}},
		{name: "missing source hints at a field in another case", rules: []Rule{
			{Target: "title", Source: "Title", IfMissing: "error"},
		}, errs: []string{`field names are case-sensitive; the profile has "title"`}},
		{name: "missing userName cannot be omitted", rules: nil,
			profile: map[string]string{"given_name": "Alice"},
			errs:    []string{`rule 1 (target "userName"): source field "email" is missing or empty in the profile, and userName is required`}},
		{name: "missing required extension attribute cannot be omitted", rules: []Rule{
			{Target: custom + ":clearance", Source: "clearance"},
		}, errs: []string{custom + ":clearance is required"}},
		{name: "required attribute is not enforced without schema", nilS: true, rules: []Rule{
			{Target: custom + ":clearance", Source: "clearance"},
		}, want: map[string]string{}},
		{name: "trim and lower", rules: []Rule{
			{Target: `emails[type eq "work"].value`, Source: "padded", Transform: "trim+lower"},
		}, want: map[string]string{`emails[type eq "work"].value`: "alice@example.com"}},
		{name: "unicode upper", rules: []Rule{
			{Target: "nickName", Source: "unicode", Transform: "upper"},
		}, want: map[string]string{"nickName": "ÉMILIE"}},
		{name: "blank after trim is omitted", rules: []Rule{
			{Target: "nickName", Source: "blank", Transform: "trim"},
		}, want: map[string]string{}},
		{name: "blank after trim with if_missing error", rules: []Rule{
			{Target: "nickName", Source: "blank", Transform: "trim", IfMissing: "error"},
		}, errs: []string{`the value is empty after transform "trim" (if_missing = "error")`}},
		{name: "empty constant keeps the attribute unset", rules: []Rule{
			{Target: "nickName", Value: ptr("")},
		}, want: map[string]string{}},
		{name: "constant with transform", rules: []Rule{
			{Target: "userType", Value: ptr(" Employee "), Transform: "trim+upper"},
		}, want: map[string]string{"userType": "EMPLOYEE"}},
		{name: "boolean normalised", rules: []Rule{
			{Target: custom + ":contractor", Source: "flag"},
			{Target: `emails[type eq "work"].primary`, Value: ptr(" False ")},
		}, want: map[string]string{custom + ":contractor": "true", `emails[type eq "work"].primary`: "false"}},
		{name: "boolean not normalised without schema", nilS: true, rules: []Rule{
			{Target: custom + ":contractor", Source: "flag"},
		}, want: map[string]string{custom + ":contractor": "TRUE"}},
		{name: "boolean 1 is refused", rules: []Rule{
			{Target: custom + ":contractor", Source: "one"},
		}, errs: []string{`rule 2 (target "` + custom + `:contractor"): value "1" does not fit: the app's schema types this attribute as boolean`}},
		{name: "integer normalised", rules: []Rule{
			{Target: custom + ":seniority", Source: "years"},
		}, want: map[string]string{custom + ":seniority": "7"}},
		{name: "string keeps leading zeros", rules: []Rule{
			{Target: enterprise + ":employeeNumber", Source: "years"},
		}, want: map[string]string{enterprise + ":employeeNumber": "007"}},
		{name: "integer with a fraction is refused", rules: []Rule{
			{Target: custom + ":seniority", Source: "fte"},
		}, errs: []string{"as integer"}},
		{name: "decimal normalised", rules: []Rule{
			{Target: custom + ":fte", Source: "fte"},
		}, want: map[string]string{custom + ":fte": "0.5"}},
		{name: "decimal with exponent", rules: []Rule{
			{Target: custom + ":fte", Value: ptr("1e2")},
		}, want: map[string]string{custom + ":fte": "100"}},
		{name: "hex float is not a decimal", rules: []Rule{
			{Target: custom + ":fte", Value: ptr("0x1p-2")},
		}, errs: []string{"as decimal"}},
		{name: "unknown attribute left as text", rules: []Rule{
			{Target: "shoeSize", Value: ptr("TRUE")},
		}, want: map[string]string{"shoeSize": "TRUE"}},
		{name: "all problems at once", rules: []Rule{
			{Target: "nickName", Source: "nick", IfMissing: "error"},
			{Target: custom + ":seniority", Value: ptr("x")},
		}, errs: []string{`rule 2 (target "nickName")`, `rule 3 (target "` + custom + `:seniority")`}},
		{name: "invalid rules fail first", rules: []Rule{
			{Target: "title", Source: "title", Transform: "shout"},
		}, errs: []string{`transform "shout"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			profile := tt.profile
			if profile == nil {
				profile = alice
			}
			var s Schemas = rfcSchemas
			if tt.nilS {
				s = nil
			}
			got, err := Evaluate(append([]Rule{userNameRule}, tt.rules...), profile, s)
			if len(tt.errs) > 0 {
				issues := Issues(err)
				if got != nil || len(issues) != len(tt.errs) {
					t.Fatalf("got %v, %v; want %d issues", got, err, len(tt.errs))
				}
				for i, frag := range tt.errs {
					if !strings.Contains(issues[i].Error(), frag) {
						t.Errorf("issue %d = %q, want it to contain %q", i, issues[i], frag)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			want := map[string]string{"userName": profile["email"]}
			for k, v := range tt.want {
				want[k] = v
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Evaluate =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestEvaluateIssueFields(t *testing.T) {
	_, err := Evaluate([]Rule{userNameRule, {Target: "title", Template: "{t}", IfMissing: "error"}}, map[string]string{"email": "a@b"}, nil)
	issues := Issues(err)
	if len(issues) != 1 || issues[0].Index != 1 || issues[0].Field != "template" || issues[0].Summary != summaryEvaluate {
		t.Fatalf("issues = %+v", issues)
	}
}
