package mapping

import (
	"strings"
	"testing"
)

// userNameRule is the rule every valid mapping needs; tests add theirs after it.
var userNameRule = Rule{Target: "userName", Source: "email"}

// wantIssue describes one expected issue: its rule index (-1 for the
// mapping), the field at fault and a fragment of its text.
type wantIssue struct {
	index int
	field string
	text  string
}

// checkIssues asserts that errs are exactly the wanted issues, in order.
func checkIssues(t *testing.T, errs []error, want []wantIssue) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d issues, want %d:\n%s", len(errs), len(want), joinErrs(errs))
	}
	for i, err := range errs {
		is, ok := err.(*Issue)
		if !ok {
			t.Fatalf("issue %d is %T, want *Issue: %v", i, err, err)
		}
		w := want[i]
		if is.Index != w.index || is.Field != w.field || !strings.Contains(err.Error(), w.text) {
			t.Errorf("issue %d = {index %d, field %q} %q\nwant {index %d, field %q} containing %q", i, is.Index, is.Field, err, w.index, w.field, w.text)
		}
		if is.Summary == "" {
			t.Errorf("issue %d has no summary", i)
		}
	}
}

func joinErrs(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  " + e.Error() + "\n")
	}
	return b.String()
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		want  []wantIssue
	}{
		{"design example is valid", []Rule{
			{Target: "userName", Source: "email"},
			{Target: "name.givenName", Source: "given_name"},
			{Target: "name.familyName", Source: "family_name"},
			{Target: "displayName", Template: "{given_name} {family_name}"},
			{Target: `emails[type eq "work"].value`, Source: "email", Transform: "lower"},
			{Target: `emails[type eq "work"].primary`, Value: ptr("true")},
			{Target: `emails[type eq "home"].value`, Source: "home_email"},
			{Target: `phoneNumbers[type eq "work"].value`, Source: "phone"},
			{Target: "title", Source: "title", IfMissing: "omit"},
			{Target: "nickName", Value: ptr("")},
			{Target: "locale", Source: "locale", Transform: "trim+lower", IfMissing: "error"},
			{Target: enterprise + ":department", Source: "department"},
			{Target: enterprise + ":manager.value", Source: "manager_id"},
			{Target: custom + ":active", Value: ptr("yes")},
		}, nil},
		{"userName missing", []Rule{{Target: "title", Source: "title"}},
			[]wantIssue{{-1, "", "no rule maps userName"}}},
		{"userName in another case counts", []Rule{{Target: "UserName", Source: "email"}}, nil},
		{"userName with core URN counts", []Rule{{Target: "urn:ietf:params:scim:schemas:core:2.0:User:userName", Source: "email"}}, nil},
		{"userName as a sub-attribute does not count", []Rule{{Target: "name.userName", Source: "email"}},
			[]wantIssue{{-1, "", "no rule maps userName"}}},
		{"no value source", []Rule{userNameRule, {Target: "title"}},
			[]wantIssue{{1, "", `rule 2 (target "title"): set one of source, value or template`}}},
		{"source and template", []Rule{userNameRule, {Target: "title", Source: "t", Template: "{t}"}},
			[]wantIssue{{1, "template", "set only one of source, value or template (this rule sets source and template)"}}},
		{"all three", []Rule{userNameRule, {Target: "title", Source: "t", Value: ptr("x"), Template: "{t}"}},
			[]wantIssue{{1, "value", "source and value and template"}}},
		{"empty target", []Rule{userNameRule, {Target: " ", Source: "t"}},
			[]wantIssue{{1, "target", "target is required"}}},
		{"unparseable target", []Rule{userNameRule, {Target: "name.givenName.extra", Source: "t"}},
			[]wantIssue{{1, "target", "is not a valid SCIM attribute path"}}},
		{"bad template", []Rule{userNameRule, {Target: "displayName", Template: "{given_name"}},
			[]wantIssue{{1, "template", "is never closed"}}},
		{"empty placeholder", []Rule{userNameRule, {Target: "displayName", Template: "{ } x"}},
			[]wantIssue{{1, "template", "empty placeholder"}}},
		{"unknown transform", []Rule{userNameRule, {Target: "title", Source: "t", Transform: "lowr"}},
			[]wantIssue{{1, "transform", `"lowr" is not one of lower, upper, trim`}}},
		{"transform names are case-sensitive", []Rule{userNameRule, {Target: "title", Source: "t", Transform: "LOWER"}},
			[]wantIssue{{1, "transform", `"LOWER" is not one of`}}},
		{"dangling transform separator", []Rule{userNameRule, {Target: "title", Source: "t", Transform: "trim+"}},
			[]wantIssue{{1, "transform", `"" is not one of`}}},
		{"unknown if_missing", []Rule{userNameRule, {Target: "title", Source: "t", IfMissing: "skip"}},
			[]wantIssue{{1, "if_missing", `if_missing "skip" is not one of omit, error`}}},
		{"several problems in one rule", []Rule{userNameRule, {Target: "", Transform: "x", IfMissing: "y"}},
			[]wantIssue{{1, "target", "target is required"}, {1, "", "set one of"}, {1, "transform", "not one of"}, {1, "if_missing", "not one of"}}},
		{"duplicate target, canonical spelling differs", []Rule{
			userNameRule,
			{Target: `emails[type eq "work"].value`, Source: "email"},
			{Target: `Emails[Type eq  "Work"].Value`, Source: "email"},
		}, []wantIssue{{2, "target", `rule 3 (target "Emails[Type eq  \"Work\"].Value"): targets the same attribute as rule 2 (target "emails[type eq \"work\"].value")`}}},
		{"duplicate target, filter terms reordered", []Rule{
			userNameRule,
			{Target: `emails[type eq "work" and primary eq true].value`, Source: "email"},
			{Target: `emails[primary eq true and type eq "work"].value`, Source: "email"},
		}, []wantIssue{{2, "target", "targets the same attribute as rule 2"}}},
		{"duplicate userName through core URN", []Rule{
			userNameRule,
			{Target: "urn:ietf:params:scim:schemas:core:2.0:User:USERNAME", Source: "upn"},
		}, []wantIssue{{1, "target", "targets the same attribute as rule 1"}}},
		{"extension attribute is not the core one", []Rule{
			userNameRule,
			{Target: "title", Source: "t"},
			{Target: custom + ":title", Source: "t"},
		}, nil},
		{"whole complex attribute then a sub-attribute", []Rule{
			userNameRule,
			{Target: "name", Source: "n"},
			{Target: "name.givenName", Source: "g"},
		}, []wantIssue{{2, "target", `overlaps rule 2 (target "name")`}}},
		{"sub-attribute then the whole attribute", []Rule{
			userNameRule,
			{Target: "name.givenName", Source: "g"},
			{Target: "Name", Source: "n"},
		}, []wantIssue{{2, "target", `overlaps rule 2 (target "name.givenName")`}}},
		{"filters that exclude each other", []Rule{
			userNameRule,
			{Target: `emails[type eq "work"].value`, Source: "email"},
			{Target: `emails[type eq "home"].value`, Source: "home"},
			{Target: `emails[type eq "work"].primary`, Value: ptr("true")},
			{Target: `phoneNumbers[type eq "work"].value`, Source: "phone"},
		}, nil},
		{"filters that can select one element", []Rule{
			userNameRule,
			{Target: `emails[type eq "work"].value`, Source: "email"},
			{Target: `emails[primary eq true].display`, Source: "email"},
		}, []wantIssue{{2, "target", `its filter [primary eq true] and that of rule 2 (target "emails[type eq \"work\"].value") can select the same element`}}},
		{"narrower filter on the same element", []Rule{
			userNameRule,
			{Target: `emails[type eq "work"].value`, Source: "email"},
			{Target: `emails[type eq "work" and primary eq true].display`, Source: "email"},
		}, []wantIssue{{2, "target", "can select the same element"}}},
		{"filter values compare case-insensitively", []Rule{
			userNameRule,
			{Target: `emails[type eq "work" and primary eq true].value`, Source: "email"},
			{Target: `emails[type eq "WORK" and primary eq false].value`, Source: "email"},
		}, nil},
		{"reserved targets", []Rule{
			userNameRule,
			{Target: "active", Value: ptr("true")},
			{Target: "id", Source: "id"},
			{Target: "meta.created", Source: "c"},
			{Target: "schemas", Value: ptr("x")},
		}, []wantIssue{
			{1, "target", "use the account's own active argument"},
			{2, "target", "id is set by the app"},
			{3, "target", "meta is set by the app"},
			{4, "target", `"schemas" is filled in by the provider`},
		}},
		{"filter that is not eq", []Rule{userNameRule, {Target: `emails[type co "work"].value`, Source: "e"}},
			[]wantIssue{{1, "target", "needs eq comparisons joined by and"}}},
		{"filter with or", []Rule{userNameRule, {Target: `emails[type eq "work" or type eq "home"].value`, Source: "e"}},
			[]wantIssue{{1, "target", "needs eq comparisons joined by and"}}},
		{"filter without sub-attribute", []Rule{userNameRule, {Target: `emails[type eq "work"]`, Source: "e"}},
			[]wantIssue{{1, "target", `emails[type eq "work"] selects a whole element; target one of its sub-attributes, e.g. emails[type eq "work"].value`}}},
		{"sub-attribute fixed by the filter", []Rule{userNameRule, {Target: `emails[type eq "work"].Type`, Source: "e"}},
			[]wantIssue{{1, "target", "already fixes Type"}}},
		{"null in filter", []Rule{userNameRule, {Target: `emails[type eq null].value`, Source: "e"}},
			[]wantIssue{{1, "target", "compares type with null"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkIssues(t, ValidateRules(tt.rules), tt.want)
		})
	}
}
