package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func TestValuesEqual(t *testing.T) {
	tests := []struct {
		path, desired, actual string
		nilS                  bool
		want                  bool
	}{
		{"userName", "alice@example.com", "Alice@Example.com", true, true},
		{"userName", "alice@example.com", "Alice@Example.com", false, true},
		{"urn:ietf:params:scim:schemas:core:2.0:User:UserName", "a@x", "A@X", true, true},
		{"userName", "alice@example.com", "alice@example.org", false, false},
		{"title", "alice@example.com", "Alice@Example.com", true, false},
		{"title", "Engineer", "engineer", false, true}, // RFC 7643: title is caseExact=false
		{"title", "Engineer", "Engineer ", false, false},
		{"externalId", "abc", "ABC", false, false}, // caseExact=true
		{custom + ":badge", "abc", "ABC", false, false},
		{`emails[type eq "work"].value`, "a@x.com", "A@X.com", false, true},
		{"name.givenName", "Zoë", "ZOË", false, true},
		{custom + ":contractor", "true", "True", false, true},
		{custom + ":contractor", "true", "false", false, false},
		{custom + ":seniority", "7", "007", false, true},
		{custom + ":seniority", "7", "8", false, false},
		{custom + ":fte", "0.5", "0.50", false, true},
		{custom + ":fte", "0.5", "5e-1", false, true},
		{custom + ":fte", "0.5", "0.51", false, false},
		{custom + ":startDate", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", false, true},
		{custom + ":startDate", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", false, true},
		{custom + ":startDate", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", false, false},
		{"shoeSize", "a", "A", false, false}, // unknown to the schema: exact
		{"not a path!", "a", "a", false, true},
		{"not a path!", "a", "A", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.desired+" vs "+tt.actual, func(t *testing.T) {
			var s Schemas = rfcSchemas
			if tt.nilS {
				s = nil
			}
			if got := ValuesEqual(tt.path, tt.desired, tt.actual, s); got != tt.want {
				t.Errorf("ValuesEqual = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name            string
		actual, desired map[string]string
		nilS            bool
		want            []scim.PatchOp
		err             string
	}{
		{name: "nothing to do",
			actual:  map[string]string{"userName": "a@x", "title": "Engineer"},
			desired: map[string]string{"userName": "a@x", "title": "Engineer"}},
		{name: "both empty", actual: nil, desired: map[string]string{}},
		{name: "userName differs only in case",
			actual:  map[string]string{"userName": "Alice@Example.com"},
			desired: map[string]string{"userName": "alice@example.com"}, nilS: true},
		{name: "title differs only in case without schema",
			actual:  map[string]string{"title": "Engineer"},
			desired: map[string]string{"title": "engineer"}, nilS: true,
			want: []scim.PatchOp{{Op: "replace", Path: "title", Value: "engineer"}}},
		{name: "changed, added and removed",
			actual:  map[string]string{"userName": "a@x", "title": "Manager", "nickName": "Al"},
			desired: map[string]string{"userName": "a@x", "title": "Engineer", "displayName": "Alice Ng"},
			want: []scim.PatchOp{
				{Op: "add", Path: "displayName", Value: "Alice Ng"},
				{Op: "remove", Path: "nickName"},
				{Op: "replace", Path: "title", Value: "Engineer"},
			}},
		{name: "paths compare canonically",
			actual:  map[string]string{`Emails[Type eq "Work"].Value`: "a@x", "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:TITLE": "T"},
			desired: map[string]string{`emails[type eq "work"].value`: "a@x", "title": "T"}},
		{name: "filter terms in another order",
			actual:  map[string]string{`emails[primary eq true and type eq "work"].value`: "a@x"},
			desired: map[string]string{`emails[type eq "work" and primary eq true].value`: "b@x"},
			want:    []scim.PatchOp{{Op: "replace", Path: `emails[type eq "work" and primary eq true].value`, Value: "b@x"}}},
		{name: "values typed per schema",
			actual: map[string]string{custom + ":seniority": "6", custom + ":fte": "1"},
			desired: map[string]string{custom + ":seniority": "7", custom + ":fte": "0.5", custom + ":contractor": "true",
				enterprise + ":employeeNumber": "007"},
			want: []scim.PatchOp{
				{Op: "add", Path: custom + ":contractor", Value: true},
				{Op: "replace", Path: custom + ":fte", Value: 0.5},
				{Op: "replace", Path: custom + ":seniority", Value: int64(7)},
				{Op: "add", Path: enterprise + ":employeeNumber", Value: "007"},
			}},
		{name: "values are text without schema",
			desired: map[string]string{custom + ":seniority": "7"}, nilS: true,
			want: []scim.PatchOp{{Op: "add", Path: custom + ":seniority", Value: "7"}}},
		{name: "equal as values",
			actual:  map[string]string{custom + ":seniority": "007", custom + ":contractor": "TRUE", custom + ":fte": "0.50"},
			desired: map[string]string{custom + ":seniority": "7", custom + ":contractor": "true", custom + ":fte": "0.5"}},
		{name: "false is sent, not dropped",
			actual:  map[string]string{`emails[type eq "work"].value`: "a@x", `emails[type eq "work"].primary`: "true"},
			desired: map[string]string{`emails[type eq "work"].value`: "a@x", `emails[type eq "work"].primary`: "false"},
			want:    []scim.PatchOp{{Op: "replace", Path: `emails[type eq "work"].primary`, Value: false}}},
		{name: "new element is added whole",
			actual: map[string]string{`emails[type eq "home"].value`: "h@x"},
			desired: map[string]string{`emails[type eq "home"].value`: "h@x",
				`emails[type eq "work"].value`: "a@x", `emails[type eq "work"].primary`: "true"},
			want: []scim.PatchOp{{Op: "add", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "a@x", "primary": true},
			}}}},
		{name: "new element spelled per schema",
			desired: map[string]string{`Emails[Type eq "work" and Primary eq true].Value`: "a@x"},
			want: []scim.PatchOp{{Op: "add", Path: "Emails", Value: []any{
				map[string]any{"type": "work", "primary": true, "value": "a@x"},
			}}}},
		{name: "element present: sub-attribute added in place",
			actual:  map[string]string{`emails[type eq "work"].value`: "a@x"},
			desired: map[string]string{`emails[type eq "work"].value`: "a@x", `emails[type eq "work"].primary`: "true"},
			want:    []scim.PatchOp{{Op: "add", Path: `emails[type eq "work"].primary`, Value: true}}},
		{name: "element present: one sub-attribute dropped",
			actual:  map[string]string{`emails[type eq "work"].value`: "a@x", `emails[type eq "work"].display`: "Work"},
			desired: map[string]string{`emails[type eq "work"].value`: "a@x"},
			want:    []scim.PatchOp{{Op: "remove", Path: `emails[type eq "work"].display`}}},
		{name: "element no longer desired is removed whole",
			actual:  map[string]string{"userName": "a@x", `emails[type eq "work"].value`: "a@x", `emails[type eq "work"].primary`: "true"},
			desired: map[string]string{"userName": "a@x"},
			want:    []scim.PatchOp{{Op: "remove", Path: `emails[type eq "work"]`}}},
		{name: "extension sub-attribute",
			actual:  map[string]string{enterprise + ":manager.value": "old", enterprise + ":department": "Sales"},
			desired: map[string]string{enterprise + ":manager.value": "new"},
			want: []scim.PatchOp{
				{Op: "remove", Path: enterprise + ":department"},
				{Op: "replace", Path: enterprise + ":manager.value", Value: "new"},
			}},
		{name: "empty values mean unset",
			actual:  map[string]string{"title": ""},
			desired: map[string]string{"nickName": ""}},
		{name: "immutable attribute may be set once",
			desired: map[string]string{custom + ":badge": "B1"},
			want:    []scim.PatchOp{{Op: "add", Path: custom + ":badge", Value: "B1"}}},
		{name: "immutable attribute cannot change",
			actual: map[string]string{custom + ":badge": "B1"}, desired: map[string]string{custom + ":badge": "B2"},
			err: custom + `:badge is immutable in the app's schema, so the provider cannot change it from "B1" to "B2"`},
		{name: "immutable attribute cannot be removed",
			actual: map[string]string{custom + ":badge": "B1"}, desired: map[string]string{},
			err: `cannot remove its value "B1"`},
		{name: "userName cannot be removed",
			actual: map[string]string{"userName": "a@x"}, desired: map[string]string{}, nilS: true,
			err: "userName is required and cannot be removed"},
		{name: "one path spelled twice",
			desired: map[string]string{"title": "a", "Title": "b"},
			err:     "Title and title are the same attribute spelled twice"},
		{name: "unparseable path",
			desired: map[string]string{"not a path!": "a"},
			err:     "is not a valid SCIM attribute path"},
		{name: "value that does not fit",
			desired: map[string]string{custom + ":seniority": "seven"},
			err:     `value "seven" does not fit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Schemas = rfcSchemas
			if tt.nilS {
				s = nil
			}
			got, err := Diff(tt.actual, tt.desired, s)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("Diff =\n%s\nwant\n%s", opsJSON(got), opsJSON(tt.want))
			}
		})
	}
}

// DiffExact sends every textual change, so a change of case the
// configuration asks for reaches the app; otherwise it is Diff.
func TestDiffExact(t *testing.T) {
	tests := []struct {
		name            string
		actual, desired map[string]string
		want            []scim.PatchOp
		err             string
	}{
		{name: "case-only change of a caseExact=false attribute is sent",
			actual:  map[string]string{"userName": "a@x", "title": "Engineer"},
			desired: map[string]string{"userName": "a@x", "title": "ENGINEER"},
			want:    []scim.PatchOp{{Op: "replace", Path: "title", Value: "ENGINEER"}}},
		{name: "case-only change of userName is sent",
			actual:  map[string]string{"userName": "Alice@Example.com"},
			desired: map[string]string{"userName": "alice@example.com"},
			want:    []scim.PatchOp{{Op: "replace", Path: "userName", Value: "alice@example.com"}}},
		{name: "case-only change in a filtered element is a replace in place",
			actual:  map[string]string{`emails[type eq "work"].value`: "A@X"},
			desired: map[string]string{`emails[type eq "work"].value`: "a@x"},
			want:    []scim.PatchOp{{Op: "replace", Path: `emails[type eq "work"].value`, Value: "a@x"}}},
		{name: "equal text is no change",
			actual:  map[string]string{"userName": "a@x", custom + ":seniority": "7"},
			desired: map[string]string{"userName": "a@x", custom + ":seniority": "7"}},
		{name: "paths still compare canonically",
			actual:  map[string]string{"Title": "T"},
			desired: map[string]string{"title": "T"}},
		{name: "added and removed as Diff",
			actual:  map[string]string{"userName": "a@x", "nickName": "Al"},
			desired: map[string]string{"userName": "a@x", custom + ":seniority": "7"},
			want: []scim.PatchOp{
				{Op: "remove", Path: "nickName"},
				{Op: "add", Path: custom + ":seniority", Value: int64(7)},
			}},
		{name: "immutable attributes still refuse changes",
			actual: map[string]string{custom + ":badge": "b1"}, desired: map[string]string{custom + ":badge": "B1"},
			err: "is immutable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DiffExact(tt.actual, tt.desired, rfcSchemas)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("DiffExact =\n%s\nwant\n%s", opsJSON(got), opsJSON(tt.want))
			}
		})
	}
}

func opsJSON(ops []scim.PatchOp) string {
	b, _ := json.MarshalIndent(ops, "", "  ")
	return string(b)
}

// The provider's whole cycle for one account: evaluate the mapping, create
// the account, read it back as the app returns it, and diff.
func TestEvaluateBuildExtractDiff(t *testing.T) {
	rules := []Rule{
		{Target: "userName", Source: "email", Transform: "trim"},
		{Target: "name.givenName", Source: "given_name"},
		{Target: "name.familyName", Source: "family_name"},
		{Target: "displayName", Template: "{given_name} {family_name}"},
		{Target: `emails[type eq "work"].value`, Source: "email", Transform: "trim+lower"},
		{Target: `emails[type eq "work"].primary`, Value: ptr("TRUE")},
		{Target: "title", Source: "title"},
		{Target: enterprise + ":department", Source: "department"},
		{Target: enterprise + ":manager.value", Source: "manager_id"},
		{Target: custom + ":seniority", Source: "seniority"},
	}
	profile := map[string]string{
		"email": "Alice@Example.com ", "given_name": "Alice", "family_name": "Ng",
		"title": "Engineer", "department": "R&D", "manager_id": "bob", "seniority": "007",
	}
	desired, err := Evaluate(rules, profile, rfcSchemas)
	if err != nil {
		t.Fatal(err)
	}
	res, err := BuildResource(desired, true, rfcSchemas)
	if err != nil {
		t.Fatal(err)
	}

	// The app stores the account its own way: it lowercases userName,
	// capitalises a key, fills in server attributes.
	var stored scim.Resource
	if err := json.Unmarshal([]byte(asJSONString(t, res)), &stored); err != nil {
		t.Fatal(err)
	}
	delete(stored, "userName")
	stored["UserName"] = "alice@example.com"
	stored["id"] = "42"
	stored["meta"] = map[string]any{"version": `W/"1"`}
	stored["groups"] = []any{map[string]any{"value": "g"}}

	actual := ExtractValues(stored, ManagedPaths(rules))
	if ops, err := Diff(actual, desired, rfcSchemas); err != nil || len(ops) != 0 {
		t.Fatalf("right after create: ops %s, err %v; want none", opsJSON(ops), err)
	}

	// Someone edits the title in the app; the person's title and
	// department leave the source profile.
	stored["title"] = "Manager"
	delete(profile, "department")
	actual = ExtractValues(stored, ManagedPaths(rules))
	desired, err = Evaluate(rules, profile, rfcSchemas)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Diff(actual, desired, rfcSchemas)
	if err != nil {
		t.Fatal(err)
	}
	want := []scim.PatchOp{
		{Op: "replace", Path: "title", Value: "Engineer"},
		{Op: "remove", Path: enterprise + ":department"},
	}
	if !reflect.DeepEqual(ops, want) {
		t.Errorf("ops =\n%s\nwant\n%s", opsJSON(ops), opsJSON(want))
	}
}
