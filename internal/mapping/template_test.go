package mapping

import (
	"reflect"
	"strings"
	"testing"
)

func TestTemplateFields(t *testing.T) {
	tests := []struct {
		template string
		want     []string
		err      string
	}{
		{"{given_name} {family_name}", []string{"given_name", "family_name"}, ""},
		{"plain text", nil, ""},
		{"{a}{a}{b}", []string{"a", "b"}, ""},
		{"{ given_name }", []string{"given_name"}, ""},
		{"{{literal}}", nil, ""},
		{"{{{a}}}", []string{"a"}, ""},
		{"{país}", []string{"país"}, ""},
		{"{given_name", nil, `"{" at offset 0 is never closed`},
		{"a}", nil, `unmatched "}" at offset 1`},
		{"{}", nil, `empty placeholder "{}" at offset 0`},
		{"x { }", nil, `empty placeholder "{}" at offset 2`},
		{"{a{b}", nil, `placeholder at offset 0 contains "{"`},
		{"{a}}", nil, `unmatched "}" at offset 3`},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			got, err := TemplateFields(tt.template)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderTemplate(t *testing.T) {
	profile := map[string]string{"given_name": "Zoë", "family_name": "Ng", "empty": ""}
	tests := []struct {
		template string
		want     string
		missing  []string
	}{
		{"{given_name} {family_name}", "Zoë Ng", nil},
		{"{{{given_name}}} {{x}}", "{Zoë} {x}", nil},
		{"{family_name}, {given_name} ({given_name})", "Ng, Zoë (Zoë)", nil},
		{"{given_name} {middle} {nick} {middle}", "", []string{"middle", "nick"}},
		{"{empty}", "", []string{"empty"}},
		{"constant", "constant", nil},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			parts, err := parseTemplate(tt.template)
			if err != nil {
				t.Fatal(err)
			}
			got, missing := renderTemplate(parts, profile)
			if !reflect.DeepEqual(missing, tt.missing) {
				t.Fatalf("missing = %q, want %q", missing, tt.missing)
			}
			if tt.missing == nil && got != tt.want {
				t.Errorf("rendered %q, want %q", got, tt.want)
			}
		})
	}
}
