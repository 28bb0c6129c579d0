package mapping

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// asJSON decodes a JSON document, or re-decodes a value through JSON, so
// that documents compare regardless of Go types (int64 vs float64).
func asJSON(t *testing.T, v any) any {
	t.Helper()
	raw, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	var out any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("bad JSON %s: %v", raw, err)
	}
	return out
}

func TestBuildResource(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]string
		active bool
		nilS   bool
		want   string // JSON
		err    string
	}{
		{name: "full account", active: true, values: map[string]string{
			"userName":                             "alice@example.com",
			"name.givenName":                       "Alice",
			"name.familyName":                      "Ng",
			`emails[type eq "work"].value`:         "alice@example.com",
			`emails[type eq "work"].primary`:       "true",
			`emails[type eq "home"].value`:         "alice@home.example",
			`phoneNumbers[type eq "mobile"].value`: "+44 7700 900000",
			enterprise + ":department":             "R&D",
			enterprise + ":manager.value":          "2819c223",
			custom + ":seniority":                  "7",
			custom + ":fte":                        "0.5",
			custom + ":contractor":                 "false",
		}, want: `{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "` + custom + `", "` + enterprise + `"],
			"active": true,
			"userName": "alice@example.com",
			"name": {"givenName": "Alice", "familyName": "Ng"},
			"emails": [
				{"type": "home", "value": "alice@home.example"},
				{"type": "work", "value": "alice@example.com", "primary": true}
			],
			"phoneNumbers": [{"type": "mobile", "value": "+44 7700 900000"}],
			"` + enterprise + `": {"department": "R&D", "manager": {"value": "2819c223"}},
			"` + custom + `": {"seniority": 7, "fte": 0.5, "contractor": false}
		}`},
		{name: "no values still has schemas and active", values: nil, active: false,
			want: `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "active": false}`},
		{name: "schema spelling wins over the rule's", active: true, values: map[string]string{
			"USERNAME":                     "a",
			"Name.GivenName":               "Alice",
			`Emails[Type eq "work"].Value`: "a@example.com",
		}, want: `{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "active": true,
			"userName": "a", "name": {"givenName": "Alice"},
			"emails": [{"type": "work", "value": "a@example.com"}]
		}`},
		{name: "without schema everything is text, spelled as written", nilS: true, active: true, values: map[string]string{
			"userName":             "a",
			"name.givenName":       "Alice",
			"NAME.familyName":      "Ng",
			custom + ":seniority":  "7",
			custom + ":contractor": "true",
		}, want: `{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "` + custom + `"], "active": true,
			"userName": "a", "NAME": {"familyName": "Ng", "givenName": "Alice"},
			"` + custom + `": {"seniority": "7", "contractor": "true"}
		}`},
		{name: "filter with and", active: true, values: map[string]string{
			"userName": "a",
			`emails[type eq "work" and primary eq true].value`:   "a@example.com",
			`emails[primary eq true and type eq "work"].display`: "Work",
		}, want: `{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "active": true, "userName": "a",
			"emails": [{"type": "work", "primary": true, "value": "a@example.com", "display": "Work"}]
		}`},
		{name: "extension URN in two spellings is one object", active: true, values: map[string]string{
			"userName":                             "a",
			custom + ":tier":                       "gold",
			strings.ToUpper(custom) + ":seniority": "7",
		}, want: `{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "` + strings.ToUpper(custom) + `"], "active": true, "userName": "a",
			"` + strings.ToUpper(custom) + `": {"tier": "gold", "seniority": 7}
		}`},
		{name: "enterprise URN spelled canonically", active: true, values: map[string]string{
			"userName": "a",
			strings.ToLower(enterprise) + ":department": "R&D",
		}, want: `{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "` + enterprise + `"], "active": true, "userName": "a",
			"` + enterprise + `": {"department": "R&D"}
		}`},
		{name: "core URN prefix is top level", active: true, values: map[string]string{
			"urn:ietf:params:scim:schemas:core:2.0:User:userName": "a",
		}, want: `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "active": true, "userName": "a"}`},
		{name: "complex attribute and its sub-attribute collide", nilS: true, values: map[string]string{
			"name": "Alice", "name.givenName": "Alice",
		}, err: "name.givenName collides with another value"},
		{name: "same attribute spelled twice", nilS: true, values: map[string]string{
			"title": "a", "Title": "b",
		}, err: "title collides"},
		{name: "value that does not fit the type", values: map[string]string{
			custom + ":seniority": "seven",
		}, err: custom + `:seniority: value "seven" does not fit: the app's schema types this attribute as integer`},
		{name: "active is the resource's own", nilS: true, values: map[string]string{"active": "true"},
			err: "active collides"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Schemas = rfcSchemas
			if tt.nilS {
				s = nil
			}
			got, err := BuildResource(tt.values, tt.active, s)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if g, w := asJSON(t, got), asJSON(t, tt.want); !reflect.DeepEqual(g, w) {
				gb, _ := json.MarshalIndent(got, "", "  ")
				t.Errorf("BuildResource =\n%s\nwant\n%s", gb, tt.want)
			}
		})
	}
}

func TestBuildResourceTypes(t *testing.T) {
	res, err := BuildResource(map[string]string{
		custom + ":seniority":  "7",
		custom + ":fte":        "0.5",
		custom + ":contractor": "true",
		"title":                "7",
	}, true, rfcSchemas)
	if err != nil {
		t.Fatal(err)
	}
	ext := res[custom].(map[string]any)
	if _, ok := ext["seniority"].(int64); !ok {
		t.Errorf("seniority is %T, want int64", ext["seniority"])
	}
	if _, ok := ext["fte"].(float64); !ok {
		t.Errorf("fte is %T, want float64", ext["fte"])
	}
	if _, ok := ext["contractor"].(bool); !ok {
		t.Errorf("contractor is %T, want bool", ext["contractor"])
	}
	if _, ok := res["title"].(string); !ok {
		t.Errorf("title is %T, want string", res["title"])
	}
	if _, ok := res["active"].(bool); !ok {
		t.Errorf("active is %T, want bool", res["active"])
	}
}

// A server's response to the account of TestBuildResource, with the
// liberties real apps take: other spellings, extra attributes, server-filled
// values, numbers as JSON numbers.
const served = `{
	"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
	"id": "2819c223-7f76-453a-919d-413861904646",
	"meta": {"resourceType": "User", "location": "https://example.com/v2/Users/2819c223"},
	"UserName": "ALICE@example.com",
	"name": {"givenName": "Alice", "familyName": "Ng", "formatted": "Alice Ng"},
	"displayName": "Alice Ng",
	"nickName": "",
	"title": null,
	"active": true,
	"emails": [
		{"type": "Home", "value": "alice@home.example"},
		{"Type": "work", "Value": "alice@example.com", "primary": true},
		{"type": "work", "value": "second@example.com"}
	],
	"groups": [{"value": "g1", "display": "Admins"}],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {
		"department": "R&D",
		"manager": {"value": "2819c223", "displayName": "Bob"}
	},
	"` + custom + `": {"seniority": 7, "fte": 0.50, "contractor": false, "startDate": "2024-01-01T00:00:00Z"}
}`

func TestExtractValues(t *testing.T) {
	var res scim.Resource
	if err := json.Unmarshal([]byte(served), &res); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"userName",
		"name.givenName",
		"name.middleName",
		"displayName",
		"nickName",
		"title",
		"active",
		`emails[type eq "work"].value`,
		`emails[type eq "work"].primary`,
		`Emails[Type eq "HOME"].Value`,
		`emails[type eq "other"].value`,
		`emails[type eq "home"].primary`,
		enterprise + ":department",
		enterprise + ":manager.value",
		enterprise + ":costCenter",
		custom + ":seniority",
		custom + ":fte",
		custom + ":contractor",
		"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName",
		"name",         // complex: not a scalar
		"emails.value", // ambiguous: not read
		"not a path!",
	}
	want := map[string]string{
		"userName":                       "ALICE@example.com",
		"name.givenName":                 "Alice",
		"displayName":                    "Alice Ng",
		"active":                         "true",
		`emails[type eq "work"].value`:   "alice@example.com",
		`emails[type eq "work"].primary`: "true",
		`Emails[Type eq "HOME"].Value`:   "alice@home.example",
		enterprise + ":department":       "R&D",
		enterprise + ":manager.value":    "2819c223",
		custom + ":seniority":            "7",
		custom + ":fte":                  "0.5",
		custom + ":contractor":           "false",
		"name.familyName":                "Ng",
	}
	if got := ExtractValues(res, paths); !reflect.DeepEqual(got, want) {
		t.Errorf("ExtractValues =\n%v\nwant\n%v", got, want)
	}
}

func TestExtractValuesScalars(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  string
		found bool
	}{
		{"string", "x", "x", true},
		{"empty string", "", "", false},
		{"null", nil, "", false},
		{"true", true, "true", true},
		{"false", false, "false", true},
		{"float integer", float64(7), "7", true},
		{"float fraction", 0.25, "0.25", true},
		{"large float without exponent", 1e21, "1000000000000000000000", true},
		{"negative zero", math.Copysign(0, -1), "0", true},
		{"int64", int64(42), "42", true},
		{"int", 42, "42", true},
		{"json.Number integer", json.Number("007"), "7", true},
		{"json.Number decimal", json.Number("1.50"), "1.5", true},
		{"json.Number exponent", json.Number("1E2"), "100", true},
		{"json.Number beyond int64 stays exact text", json.Number("123456789012345678901"), "123456789012345678901", true},
		{"object", map[string]any{"a": "b"}, "", false},
		{"array", []any{"a"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractValues(scim.Resource{"title": tt.value}, []string{"title"})
			v, found := got["title"]
			if found != tt.found || v != tt.want {
				t.Errorf("got %q (found %v), want %q (found %v)", v, found, tt.want, tt.found)
			}
		})
	}
}

func TestExtractValuesShapes(t *testing.T) {
	tests := []struct {
		name string
		res  scim.Resource
		path string
		want string
	}{
		{"lone object for a multi-valued attribute",
			scim.Resource{"emails": map[string]any{"type": "work", "value": "a@x"}}, `emails[type eq "work"].value`, "a@x"},
		{"core attribute under the core URN",
			scim.Resource{scim.SchemaUser: map[string]any{"title": "Boss"}}, "title", "Boss"},
		{"filter on a boolean",
			scim.Resource{"emails": []any{map[string]any{"value": "a@x"}, map[string]any{"value": "b@x", "primary": true}}}, `emails[primary eq true].value`, "b@x"},
		{"no element matches",
			scim.Resource{"emails": []any{map[string]any{"type": "home", "value": "a@x"}}}, `emails[type eq "work"].value`, ""},
		{"element that is not an object",
			scim.Resource{"emails": []any{"a@x"}}, `emails[type eq "work"].value`, ""},
		{"extension that is not an object",
			scim.Resource{enterprise: "x"}, enterprise + ":department", ""},
		{"sub-attribute of a string",
			scim.Resource{"name": "Alice"}, "name.givenName", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractValues(tt.res, []string{tt.path})
			if v := got[tt.path]; v != tt.want || (tt.want == "" && len(got) > 0) {
				t.Errorf("got %v, want %q", got, tt.want)
			}
		})
	}
}

// What BuildResource writes, ExtractValues reads back unchanged: the desired
// values and the read values compare without a diff right after a create.
func TestBuildThenExtractRoundTrip(t *testing.T) {
	values := map[string]string{
		"userName":                           "alice@example.com",
		"name.givenName":                     "Zoë",
		`emails[type eq "work"].value`:       "alice@example.com",
		`emails[type eq "work"].primary`:     "true",
		`phoneNumbers[type eq "work"].value`: "+1 555 0100",
		enterprise + ":manager.value":        "2819c223",
		custom + ":seniority":                "7",
		custom + ":fte":                      "0.125",
		custom + ":contractor":               "false",
	}
	for _, s := range []Schemas{rfcSchemas, nil} {
		res, err := BuildResource(values, true, s)
		if err != nil {
			t.Fatal(err)
		}
		var decoded scim.Resource
		if err := json.Unmarshal([]byte(asJSONString(t, res)), &decoded); err != nil {
			t.Fatal(err)
		}
		got := ExtractValues(decoded, ManagedPaths(rulesFor(values)))
		if !reflect.DeepEqual(got, values) {
			t.Errorf("schema %v: round trip =\n%v\nwant\n%v", s != nil, got, values)
		}
	}
}

func asJSONString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rulesFor makes one constant rule per path.
func rulesFor(values map[string]string) []Rule {
	var rules []Rule
	for _, p := range sortedKeys(values) {
		rules = append(rules, Rule{Target: p, Value: ptr(values[p])})
	}
	return rules
}

func TestWithoutServerDerived(t *testing.T) {
	actual := map[string]string{
		"userName":       "erin@example.com",
		"displayName":    "Oko",
		"name.formatted": "Erin Oko",
		"title":          "Counsel",
	}
	tests := []struct {
		name   string
		actual map[string]string
		sent   map[string]string
		want   map[string]string
	}{
		{
			name:   "derived values the client did not send are the app's own",
			actual: actual,
			sent:   map[string]string{"userName": "erin@example.com"},
			want:   map[string]string{"userName": "erin@example.com", "title": "Counsel"},
		},
		{
			name:   "a value the client sent is kept, so a change in the app shows",
			actual: actual,
			sent:   map[string]string{"displayName": "Erin Oko", "Name.Formatted": "Erin Oko"},
			want:   actual,
		},
		{
			name:   "an empty sent value means unset",
			actual: map[string]string{"displayName": "Oko"},
			sent:   map[string]string{"displayName": ""},
			want:   map[string]string{},
		},
		{
			name:   "paths match whatever their spelling",
			actual: map[string]string{"DISPLAYNAME": "Oko", "urn:ietf:params:scim:schemas:core:2.0:User:name.formatted": "Oko"},
			sent:   nil,
			want:   map[string]string{},
		},
		{
			name:   "other attributes are never dropped",
			actual: map[string]string{"title": "Counsel", "nickName": "E"},
			sent:   nil,
			want:   map[string]string{"title": "Counsel", "nickName": "E"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.actual)
			got := WithoutServerDerived(tt.actual, tt.sent)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if len(tt.actual) != before {
				t.Errorf("actual was modified")
			}
		})
	}
}
