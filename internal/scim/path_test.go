package scim

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	tests := []struct {
		in      string
		want    Path // expr ignored
		str     string
		wantErr string
	}{
		{in: "userName", want: Path{Attribute: "userName"}, str: "userName"},
		{in: "  userName ", want: Path{Attribute: "userName"}, str: "userName"},
		{in: "name.givenName", want: Path{Attribute: "name", SubAttribute: "givenName"}, str: "name.givenName"},
		{in: `emails[type eq "work"].value`, want: Path{Attribute: "emails", SubAttribute: "value", Filter: `type eq "work"`}, str: `emails[type eq "work"].value`},
		{in: `emails[type eq "work"]`, want: Path{Attribute: "emails", Filter: `type eq "work"`}, str: `emails[type eq "work"]`},
		{in: `emails[type eq "work" and primary eq true].value`, want: Path{Attribute: "emails", SubAttribute: "value", Filter: `type eq "work" and primary eq true`}, str: `emails[type eq "work" and primary eq true].value`},
		{in: ent + ":department", want: Path{Schema: ent, Attribute: "department"}, str: ent + ":department"},
		{in: ent + ":manager.value", want: Path{Schema: ent, Attribute: "manager", SubAttribute: "value"}, str: ent + ":manager.value"},
		{in: SchemaUser + ":name.givenName", want: Path{Schema: SchemaUser, Attribute: "name", SubAttribute: "givenName"}, str: SchemaUser + ":name.givenName"},
		{in: `emails[type eq "w\"x"].value`, want: Path{Attribute: "emails", SubAttribute: "value", Filter: `type eq "w\"x"`}, str: `emails[type eq "w\"x"].value`},
		{in: `members[value eq "1" or value eq "2"]`, want: Path{Attribute: "members", Filter: `value eq "1" or value eq "2"`}, str: `members[value eq "1" or value eq "2"]`},
		{in: `emails[not (type eq "work")]`, want: Path{Attribute: "emails", Filter: `not(type eq "work")`}, str: `emails[not(type eq "work")]`},
		// Found by FuzzParsePath: a null literal printed as nothing.
		{in: `x[y eq null]`, want: Path{Attribute: "x", Filter: `y eq null`}, str: `x[y eq null]`},
		{in: `emails[type pr].value`, want: Path{Attribute: "emails", SubAttribute: "value", Filter: `type pr`}, str: `emails[type pr].value`},
		// Numbers are kept exactly (the parser's float64 detour rounded them).
		{in: `x[n eq 9007199254740993]`, want: Path{Attribute: "x", Filter: `n eq 9007199254740993`}, str: `x[n eq 9007199254740993]`},
		{in: `x[n eq 1.5e3]`, want: Path{Attribute: "x", Filter: `n eq 1500`}, str: `x[n eq 1500]`},
		{in: "", wantErr: "empty SCIM attribute path"},
		{in: "   ", wantErr: "empty SCIM attribute path"},
		{in: "user name", wantErr: "is not a valid SCIM attribute path"},
		{in: `emails[type eq "work"].value.x`, wantErr: "is not a valid SCIM attribute path"},
		{in: `emails[type eq "work"`, wantErr: "is not a valid SCIM attribute path"},
		{in: `x[n eq 123456789012345678901234]`, wantErr: "out of range"},
		{in: `x[n eq 1e999]`, wantErr: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePath(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.TrimSpace(tt.in) != "" && tt.wantErr != "out of range" && !strings.Contains(err.Error(), "expected forms") {
					t.Errorf("error should explain valid forms: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := p
			got.expr = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if p.String() != tt.str {
				t.Errorf("String() = %s, want %s", p.String(), tt.str)
			}
			if p.IsFiltered() != (tt.want.Filter != "") {
				t.Errorf("IsFiltered = %v", p.IsFiltered())
			}
			// String must round-trip.
			again, err := ParsePath(p.String())
			if err != nil || again.String() != p.String() {
				t.Errorf("round trip: %v %q", err, again.String())
			}
		})
	}
}

func TestMustParsePathPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	mustParsePath("a b")
}

func TestFilterEquals(t *testing.T) {
	tests := []struct {
		in     string
		want   map[string]any
		wantOK bool
	}{
		{`emails[type eq "work"].value`, map[string]any{"type": "work"}, true},
		{`emails[type eq "work" and primary eq true]`, map[string]any{"type": "work", "primary": true}, true},
		{`emails[type eq "a\"b"]`, map[string]any{"type": `a"b`}, true},
		{`emails[type eq "work" or type eq "home"]`, nil, false},
		// One sub-attribute, two values: no element satisfies it.
		{`emails[type eq "work" and type eq "home"]`, nil, false},
		{`emails[type eq "work" and Type eq "home"]`, nil, false},
		// The same pair twice is one pair, spelled as first written.
		{`emails[type eq "work" and Type eq "WORK"]`, map[string]any{"type": "work"}, true},
		{`x[n eq 9007199254740993]`, map[string]any{"n": 9007199254740993}, true},
		{`emails[value co "example"]`, nil, false},
		{`emails[type ne "work"]`, nil, false},
		{`emails[not (type eq "work")]`, nil, false},
		{`userName`, nil, false},
	}
	for _, tt := range tests {
		p := mustParsePath(tt.in)
		got, ok := p.FilterEquals()
		if ok != tt.wantOK || (ok && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: got %#v %v, want %#v %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		path string
		el   map[string]any
		want bool
	}{
		{`emails[type eq "work"]`, map[string]any{"type": "work", "value": "a"}, true},
		{`emails[type eq "work"]`, map[string]any{"type": "WORK"}, true},
		{`emails[type eq "work"]`, map[string]any{"Type": "work"}, true},
		{`emails[type eq "work"]`, map[string]any{"type": "home"}, false},
		{`emails[type eq "work"]`, map[string]any{"value": "a"}, false},
		{`emails[type eq "work" and primary eq true]`, map[string]any{"type": "work", "primary": true}, true},
		{`emails[type eq "work" and primary eq true]`, map[string]any{"type": "work", "primary": false}, false},
		{`emails[type eq "work" and primary eq true]`, map[string]any{"type": "work"}, false},
		{`x[n eq 1]`, map[string]any{"n": float64(1)}, true},
		{`emails[type eq "a\"b"]`, map[string]any{"type": `a"b`}, true},
		{`emails[value co "a"]`, map[string]any{"value": "a"}, false}, // not evaluable
		{`userName`, map[string]any{"type": "work"}, false},
	}
	for _, tt := range tests {
		if got := mustParsePath(tt.path).Matches(tt.el); got != tt.want {
			t.Errorf("%s on %v = %v, want %v", tt.path, tt.el, got, tt.want)
		}
	}
}
