package mapping

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func TestCheckSchema(t *testing.T) {
	tests := []struct {
		name string
		rule Rule // checked after userNameRule, so it is rule 2 (index 1)
		want []wantIssue
	}{
		{"plain string", Rule{Target: "title", Source: "title"}, nil},
		{"sub-attribute", Rule{Target: "name.givenName", Source: "g"}, nil},
		{"names are case-insensitive", Rule{Target: `Emails[Type eq "work"].Value`, Source: "e"}, nil},
		{"core URN prefix", Rule{Target: "urn:ietf:params:scim:schemas:core:2.0:User:nickName", Source: "n"}, nil},
		{"enterprise attribute", Rule{Target: enterprise + ":department", Source: "d"}, nil},
		{"enterprise manager.value", Rule{Target: enterprise + ":manager.value", Source: "m"}, nil},
		{"immutable is allowed", Rule{Target: custom + ":badge", Source: "b"}, nil},
		{"writeOnly is allowed", Rule{Target: "password", Source: "p"}, nil},
		{"filter value outside canonicalValues is allowed", Rule{Target: `emails[type eq "office"].value`, Source: "e"}, nil},
		{"filter with boolean", Rule{Target: `emails[type eq "work" and primary eq true].value`, Source: "e"}, nil},

		{"unknown attribute", Rule{Target: "shoeSize", Source: "s"},
			[]wantIssue{{1, "target", `the app's schema does not describe shoeSize: no attribute "shoeSize" in schema`}}},
		{"extension attribute without URN", Rule{Target: "department", Source: "d"},
			[]wantIssue{{1, "target", "did you mean " + enterprise + ":department?"}}},
		{"unknown sub-attribute", Rule{Target: "name.nickname", Source: "n"},
			[]wantIssue{{1, "target", "does not describe name.nickname"}}},
		{"readOnly", Rule{Target: "id", Source: "i"},
			[]wantIssue{{1, "target", "id is readOnly"}}},
		{"readOnly parent", Rule{Target: `groups[type eq "direct"].value`, Source: "g"},
			[]wantIssue{{1, "target", "is readOnly"}}},
		{"readOnly sub-attribute", Rule{Target: enterprise + ":manager.displayName", Source: "m"},
			[]wantIssue{{1, "target", "manager.displayName is readOnly"}}},
		{"complex attribute as a whole", Rule{Target: "name", Source: "n"},
			[]wantIssue{{1, "target", "name is a complex attribute; target its sub-attributes instead: name.formatted, name.familyName, name.givenName, name.middleName"}}},
		{"extension complex attribute as a whole", Rule{Target: enterprise + ":manager", Source: "m"},
			[]wantIssue{{1, "target", "target its sub-attributes instead: " + enterprise + ":manager.value, " + enterprise + ":manager.$ref"}}},
		{"multi-valued complex as a whole", Rule{Target: "phoneNumbers", Source: "p"},
			[]wantIssue{{1, "target", `phoneNumbers holds several values; target one sub-attribute of one element with a value filter, e.g. phoneNumbers[type eq "work"].value`}}},
		{"bare sub-attribute of a multi-valued attribute", Rule{Target: "emails.value", Source: "e"},
			[]wantIssue{{1, "target", `emails.value is ambiguous: emails holds several values; select one with a value filter, e.g. emails[type eq "work"].value`}}},
		{"multi-valued simple attribute", Rule{Target: custom + ":tags", Source: "t"},
			[]wantIssue{{1, "target", "multi-valued attribute of simple values"}}},
		{"filter on a single-valued attribute", Rule{Target: `name[givenName eq "x"].familyName`, Source: "f"},
			[]wantIssue{{1, "target", "name is not multi-valued"}}},
		{"filter on an unknown sub-attribute", Rule{Target: `emails[kind eq "work"].value`, Source: "e"},
			[]wantIssue{{1, "target", "compares kind, which is not a sub-attribute of emails (it has value, display, type, primary)"}}},
		{"filter compares a boolean with a string", Rule{Target: `emails[primary eq "true"].value`, Source: "e"},
			[]wantIssue{{1, "target", `compares primary, a boolean, with "true"; write true or false, without quotes`}}},
		{"filter compares a string with a boolean", Rule{Target: `emails[type eq true].value`, Source: "e"},
			[]wantIssue{{1, "target", `compares type, a string, with true; write a quoted string`}}},

		{"boolean constant in capitals", Rule{Target: custom + ":contractor", Value: ptr("TRUE")}, nil},
		{"boolean constant transformed", Rule{Target: custom + ":contractor", Value: ptr(" false "), Transform: "trim"}, nil},
		{"boolean constant that is not", Rule{Target: custom + ":contractor", Value: ptr("yes")},
			[]wantIssue{{1, "value", `value "yes" does not fit: the app's schema types this attribute as boolean; use "true" or "false"`}}},
		{"boolean filter sub-attribute constant", Rule{Target: `emails[type eq "work"].primary`, Value: ptr("1")},
			[]wantIssue{{1, "value", "as boolean"}}},
		{"boolean literal template", Rule{Target: custom + ":contractor", Template: "maybe"},
			[]wantIssue{{1, "template", `value "maybe" does not fit`}}},
		{"boolean from a source is checked later", Rule{Target: custom + ":contractor", Source: "c"}, nil},
		{"integer constant with leading zeros", Rule{Target: custom + ":seniority", Value: ptr("007")}, nil},
		{"integer constant with a fraction", Rule{Target: custom + ":seniority", Value: ptr("7.5")},
			[]wantIssue{{1, "value", "as integer; use a whole number"}}},
		{"decimal constant", Rule{Target: custom + ":fte", Value: ptr("0.80")}, nil},
		{"decimal constant that is not", Rule{Target: custom + ":fte", Value: ptr("0,8")},
			[]wantIssue{{1, "value", "as decimal"}}},
		{"decimal constant NaN", Rule{Target: custom + ":fte", Value: ptr("NaN")},
			[]wantIssue{{1, "value", "as decimal"}}},
		{"string takes any text", Rule{Target: enterprise + ":employeeNumber", Value: ptr("007")}, nil},
		{"empty constant clears an optional attribute", Rule{Target: custom + ":seniority", Value: ptr("")}, nil},
		{"empty constant on a required attribute", Rule{Target: custom + ":clearance", Value: ptr(" "), Transform: "trim"},
			[]wantIssue{{1, "value", "always yields an empty value, and " + custom + ":clearance is required"}}},
		{"unparseable target is left to ValidateRules", Rule{Target: "a b", Source: "x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkIssues(t, CheckSchema([]Rule{userNameRule, tt.rule}, rfcSchemas), tt.want)
		})
	}
}

func TestCheckSchemaEmptyUserName(t *testing.T) {
	rules := []Rule{{Target: "userName", Value: ptr("")}}
	checkIssues(t, CheckSchema(rules, rfcSchemas), []wantIssue{{0, "value", "userName is required"}})
	if errs := CheckSchema(rules, nil); errs != nil {
		t.Errorf("CheckSchema without schema = %v, want nil", errs)
	}
}

func TestSchemaWarnings(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		want []wantIssue
	}{
		{"nothing to note", Rule{Target: "title", Source: "t"}, nil},
		{"immutable", Rule{Target: custom + ":badge", Source: "b"},
			[]wantIssue{{1, "target", "badge is immutable in the app's schema: it is set when the account is created"}}},
		{"never returned", Rule{Target: "password", Source: "p"},
			[]wantIssue{{1, "target", "the app never returns password"}}},
		{"filter value outside canonicalValues", Rule{Target: `emails[type eq "office"].value`, Source: "e"},
			[]wantIssue{{1, "target", `"office" is not one of the canonical values the app lists for emails[type eq "office"].value (work, home, other)`}}},
		{"filter value in canonicalValues, other case", Rule{Target: `emails[type eq "Work"].value`, Source: "e"}, nil},
		{"constant outside canonicalValues", Rule{Target: custom + ":tier", Value: ptr("platinum")},
			[]wantIssue{{1, "value", `"platinum" is not one of the canonical values`}}},
		{"constant in canonicalValues after transform", Rule{Target: custom + ":tier", Value: ptr("GOLD "), Transform: "trim+lower"}, nil},
		{"source values are not known yet", Rule{Target: custom + ":tier", Source: "tier"}, nil},
		{"rejected rules get no notes", Rule{Target: "id", Source: "i"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes := SchemaWarnings([]Rule{userNameRule, tt.rule}, rfcSchemas)
			checkIssues(t, notes, tt.want)
			for _, n := range notes {
				if !n.(*Issue).Warning {
					t.Errorf("%v is not marked as a warning", n)
				}
			}
		})
	}
	if notes := SchemaWarnings([]Rule{{Target: "password", Source: "p"}}, nil); notes != nil {
		t.Errorf("SchemaWarnings without schema = %v", notes)
	}
}

func TestUnreadablePaths(t *testing.T) {
	paths := []string{"userName", "Password", custom + ":badge", "nope", "a b"}
	if got, want := UnreadablePaths(paths, rfcSchemas), []string{"Password"}; !reflect.DeepEqual(got, want) {
		t.Errorf("UnreadablePaths = %q, want %q", got, want)
	}
	if got := UnreadablePaths(paths, nil); got != nil {
		t.Errorf("UnreadablePaths without schema = %q", got)
	}
}

// hintingSchemas is a discovery whose lookup errors already suggest the
// extension attribute, as the SCIM client's does.
type hintingSchemas struct{ fakeSchemas }

func (h hintingSchemas) LookupUserAttribute(p scim.Path) (*scim.Attribute, *scim.Attribute, error) {
	attr, parent, err := h.fakeSchemas.LookupUserAttribute(p)
	if err != nil && p.Schema == "" {
		err = fmt.Errorf("no attribute %q; it is an extension attribute, write it as %q", p.Attribute, enterprise+":"+p.Attribute)
	}
	return attr, parent, err
}

func TestCheckSchemaDoesNotRepeatTheSchemasHint(t *testing.T) {
	errs := CheckSchema([]Rule{userNameRule, {Target: "department", Source: "d"}}, hintingSchemas{rfcSchemas})
	if len(errs) != 1 {
		t.Fatalf("errs = %v", errs)
	}
	if msg := errs[0].Error(); strings.Count(msg, enterprise+":department") != 1 || strings.Contains(msg, "did you mean") {
		t.Errorf("message repeats or misses the hint: %s", msg)
	}
}
