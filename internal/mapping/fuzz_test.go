package mapping

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// The fuzz targets below run their seeds (f.Add and testdata/fuzz/<name>/)
// as ordinary tests in `go test ./...`; `make fuzz` explores further.

// Rule kinds FuzzEvaluate combines, as bits of its kind argument. More than
// one of the first three, or none, makes an invalid rule on purpose.
const (
	fuzzSource     = 1 << iota // the rule reads a profile field
	fuzzValue                  // the rule is a constant
	fuzzTemplate               // the rule is a template
	fuzzNoUserName             // leave out the userName rule
	fuzzSecondRule             // add a second rule, a template on displayName
	fuzzWithSchema             // evaluate against rfcSchemas (else no schema)
)

// FuzzEvaluate: whatever the rule and the profile, the mapping engine never
// panics; a mapping that evaluates builds a document from which the same
// values are read back, and a diff of those values against themselves, or
// against what was read back, is empty. That is the provider's promise of
// "no diff right after a create".
func FuzzEvaluate(f *testing.F) {
	f.Add("name.givenName", "given_name", "", "", uint8(fuzzSource), "", "", "given_name", "Ann", "ann@example.com")
	f.Add(`emails[type eq "work"].value`, "email", "", "", uint8(fuzzSource|fuzzWithSchema), "trim+lower", "", "x", "y", " Ann@Example.COM ")
	f.Add("displayName", "", "{given_name} {family_name}", "", uint8(fuzzTemplate|fuzzWithSchema), "upper", "error", "family_name", "Ng", "ann@example.com")
	f.Add(enterprise+":department", "", "", "R&D", uint8(fuzzValue|fuzzWithSchema), "", "omit", "", "", "ann@example.com")
	f.Add(custom+":seniority", "years", "", "", uint8(fuzzSource|fuzzWithSchema), "trim", "", "years", " 007 ", "ann@example.com")
	f.Add(custom+":fte", "", "", "0.50", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	f.Add(custom+":fte", "", "", "1e400", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	f.Add(custom+":contractor", "c", "", "", uint8(fuzzSource|fuzzWithSchema), "lower", "error", "c", "TRUE", "ann@example.com")
	f.Add(custom+":startDate", "d", "", "", uint8(fuzzSource|fuzzWithSchema), "", "", "d", "2026-01-02T03:04:05+01:00", "ann@example.com")
	f.Add(`emails[type eq "work" and primary eq true].value`, "", "{{{email}}}", "", uint8(fuzzTemplate|fuzzSecondRule), "", "", "", "", "ann@example.com")
	f.Add(`Emails[Type eq "Work"].Display`, "email", "", "", uint8(fuzzSource|fuzzWithSchema), "upper", "", "", "", "ann@example.com")
	f.Add("userName", "email", "", "", uint8(fuzzSource|fuzzNoUserName|fuzzWithSchema), "trim", "error", "", "", "  ")
	f.Add("urn:ietf:params:scim:schemas:core:2.0:User:title", "t", "", "", uint8(fuzzSource), "", "", "t", "Boss", "ann@example.com")
	f.Add("name", "", "", "x", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	f.Add("emails.value", "", "", "x", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	f.Add(`emails[type eq "w\"x"].value`, "", "", "v", uint8(fuzzValue), "", "", "", "", "ann@example.com")
	f.Add(`emails[value eq "x"].value`, "a", "{a}", "c", uint8(fuzzSource|fuzzValue|fuzzTemplate), "shout", "maybe", "", "", "")
	f.Add("id", "", "{", "", uint8(fuzzTemplate|fuzzSecondRule), "", "", "", "", "ann@example.com")
	f.Add(custom+":clearance", "", "", "", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	// A filter that compares one sub-attribute with two values selects no
	// element; it used to build an element the read-back could not find
	// (with a schema) or one the app's filter never matches.
	f.Add(`emails[Type eq "work" and type eq "home"].value`, "", "", "v", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	// Filter numbers used to pass through float64: rounded or overflowed.
	f.Add(`emails[display eq 123456789012345678901234].value`, "", "", "v", uint8(fuzzValue), "", "", "", "", "ann@example.com")
	f.Add(`emails[display eq 9007199254740993].value`, "", "", "v", uint8(fuzzValue|fuzzWithSchema), "", "", "", "", "ann@example.com")
	f.Fuzz(func(t *testing.T, target, source, template, constant string, kind uint8, transform, ifMissing, profileKey, profileValue, email string) {
		r := Rule{Target: target, Transform: transform, IfMissing: ifMissing}
		if kind&fuzzSource != 0 {
			r.Source = source
		}
		if kind&fuzzValue != 0 {
			r.Value = &constant
		}
		if kind&fuzzTemplate != 0 {
			r.Template = template
		}
		var rules []Rule
		if kind&fuzzNoUserName == 0 {
			rules = append(rules, Rule{Target: "userName", Source: "email"})
		}
		rules = append(rules, r)
		if kind&fuzzSecondRule != 0 {
			rules = append(rules, Rule{Target: "displayName", Template: template, IfMissing: ifMissing})
		}
		var s Schemas
		if kind&fuzzWithSchema != 0 {
			s = rfcSchemas
		}
		profile := map[string]string{"email": email, "given_name": "Ann", profileKey: profileValue}

		_ = ValidateRules(rules)
		_ = CheckSchema(rules, s)
		_ = SchemaWarnings(rules, s)
		paths := ManagedPaths(rules)
		_ = UnreadablePaths(paths, s)
		_ = ReadAttributes(rules)
		_, _ = Canonical(target)
		_ = SamePath(target, "userName")

		values, err := Evaluate(rules, profile, s)
		if err != nil {
			_ = Issues(err)
			return
		}
		for path, v := range values {
			if v == "" {
				t.Fatalf("Evaluate returned an empty value for %q", path)
			}
			if c, err := Canonical(path); err != nil || c != path {
				t.Fatalf("Evaluate key %q is not canonical (%q, %v)", path, c, err)
			}
		}

		res, err := BuildResource(values, true, s)
		if err != nil {
			t.Fatalf("values from Evaluate do not build a resource: %v\nvalues: %q", err, values)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatalf("built resource does not marshal: %v", err)
		}
		checkReadBack(t, "built document", values, ExtractValues(res, paths), s)

		// As the app would send it back: through JSON, numbers kept exact.
		// JSON carries only valid UTF-8 (Terraform strings are), so the
		// read-back is compared only for valid input.
		if allValidUTF8(values) {
			var decoded scim.Resource
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&decoded); err != nil {
				t.Fatalf("built resource does not decode: %v", err)
			}
			checkReadBack(t, "document sent through JSON", values, ExtractValues(decoded, paths), s)
		}

		ops, err := Diff(values, values, s)
		if err != nil || len(ops) != 0 {
			t.Fatalf("Diff(values, values) = %v, %v; want no operations\nvalues: %q", ops, err, values)
		}
		ops, err = DiffExact(values, values, s)
		if err != nil || len(ops) != 0 {
			t.Fatalf("DiffExact(values, values) = %v, %v; want no operations\nvalues: %q", ops, err, values)
		}
	})
}

// checkReadBack asserts that the values read from a document are the values
// it was built from: the same paths, and values ValuesEqual deems equal. A
// diff of the two must then be empty too.
func checkReadBack(t *testing.T, what string, want, got map[string]string, s Schemas) {
	t.Helper()
	for path, v := range want {
		g, ok := got[path]
		if !ok {
			t.Fatalf("%s: %q not read back\nwant %q\ngot  %q", what, path, want, got)
		}
		if !ValuesEqual(path, v, g, s) {
			t.Fatalf("%s: %q read back as %q, want %q", what, path, g, v)
		}
	}
	for path := range got {
		if _, ok := want[path]; !ok {
			t.Fatalf("%s: %q read back but never set\nwant %q\ngot  %q", what, path, want, got)
		}
	}
	ops, err := Diff(got, want, s)
	if err != nil || len(ops) != 0 {
		t.Fatalf("%s: Diff(read back, desired) = %v, %v; want no operations\nwant %q\ngot  %q", what, ops, err, want, got)
	}
}

func allValidUTF8(values map[string]string) bool {
	for k, v := range values {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// FuzzTemplate: template parsing never panics; a template that parses
// renders without missing fields when every field it names is in the
// profile; and any text, with its braces doubled, is a template that renders
// to exactly that text.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"{given_name} {family_name}",
		"{ given_name }",
		"{{literal}} and {field}",
		"}}{{",
		"{",
		"}",
		"{}",
		"{ }",
		"{a{b}",
		"{a}}",
		"{{{a}}}",
		"{a}{a}{b}",
		"prefix-{é}-suffix",
		"\xff{\xfe}",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		parts, err := parseTemplate(tmpl)
		fields, ferr := TemplateFields(tmpl)
		if (err == nil) != (ferr == nil) {
			t.Fatalf("parseTemplate and TemplateFields disagree on %q: %v / %v", tmpl, err, ferr)
		}
		if err == nil {
			profile := map[string]string{}
			for _, name := range fields {
				if name == "" || strings.TrimSpace(name) != name {
					t.Fatalf("%q yields the field name %q", tmpl, name)
				}
				profile[name] = "v"
			}
			if _, missing := renderTemplate(parts, profile); len(missing) > 0 {
				t.Fatalf("%q with every field set still misses %q", tmpl, missing)
			}
			_, _ = renderTemplate(parts, nil)
		}

		escaped := strings.NewReplacer("{", "{{", "}", "}}").Replace(tmpl)
		lit, err := parseTemplate(escaped)
		if err != nil {
			t.Fatalf("escaped text %q does not parse: %v", escaped, err)
		}
		out, missing := renderTemplate(lit, nil)
		if out != tmpl || len(missing) > 0 {
			t.Fatalf("escaped text %q renders as %q (missing %q), want %q", escaped, out, missing, tmpl)
		}
	})
}
