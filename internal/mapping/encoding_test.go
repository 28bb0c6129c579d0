package mapping

import (
	"reflect"
	"strings"
	"testing"
)

func strPtr(s string) *string { return &s }

func TestEncode(t *testing.T) {
	rules := []Rule{
		{Target: "userName", Source: "email", Transform: "trim+lower"},
		{Target: "displayName", Template: "{given_name} {family_name}"},
		{Target: `emails[type eq "work"].value`, Source: "email", IfMissing: "error"},
		{Target: enterprise + ":department", Value: strPtr("R&D")},
		{Target: "nickName", Value: strPtr("")},
		{Target: "title", Source: "job title", IfMissing: "omit"},
		{Target: "profileUrl", Value: strPtr("it's (here); a=b|c")},
	}
	want := "v1: userName=email|trim+lower; displayName=template('{given_name} {family_name}'); " +
		`'emails[type eq "work"].value'=email if_missing(error); ` + enterprise + ":department=value('R&D'); " +
		"nickName=value(''); title='job title' if_missing(omit); profileUrl=value('it''s (here); a=b|c')"
	got := Encode(rules)
	if got != want {
		t.Fatalf("Encode:\n got %s\nwant %s", got, want)
	}
	if strings.ContainsAny(got, "\"\n") && !strings.Contains(got, `type eq "work"`) {
		t.Fatalf("Encode wrote double quotes or a line break of its own: %s", got)
	}
	back, err := Decode(got)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !reflect.DeepEqual(back, rules) {
		t.Fatalf("Decode(Encode(rules)) = %#v, want %#v", back, rules)
	}
}

// Invalid rules encode too, so the checks run on the decoded rules report
// what the user wrote.
func TestEncodeInvalidRulesRoundTrip(t *testing.T) {
	for _, rules := range [][]Rule{
		nil,
		{{Target: "userName"}},
		{{Target: "", Source: "email"}},
		{{Target: "userName", Source: "email", Value: strPtr("x"), Template: "{a}"}},
		{{Target: "title", Transform: "shout", IfMissing: "sometimes"}},
	} {
		enc := Encode(rules)
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(%q): %v", enc, err)
		}
		if len(rules) == 0 && len(back) == 0 {
			continue
		}
		if !reflect.DeepEqual(back, rules) {
			t.Fatalf("Decode(%q) = %#v, want %#v", enc, back, rules)
		}
	}
}

func TestDecodeRefusesWhatEncodeDoesNotWrite(t *testing.T) {
	for _, tc := range []struct{ in, wantErr string }{
		{"", `starts with "v1:"`},
		{`[{"target":"userName"}]`, `starts with "v1:"`},
		{"v1:userName=email", "character 4: expected a space before a rule"},
		{"v1: userName", `expected "=" after the target`},
		{"v1: userName=email; ", "expected a word"},
		{"v1: userName=email|lower|upper", `expected ";" between rules`},
		{"v1: userName='email", "unterminated quote"},
		{"v1: userName=value('a'", `expected ")"`},
		{"v1: userName=email&", "after \"&\""},
		{"v1: userName=a&b", "two source fields"},
		{"v1: userName=email if_missing", "expected if_missing(...)"},
		{"v1: userName=email trailing", "expected if_missing(...)"},
	} {
		_, err := Decode(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("Decode(%q) = %v, want an error containing %q", tc.in, err, tc.wantErr)
		}
	}
}

// FuzzEncodeRoundTrip: any rule survives Encode and Decode unchanged, and the
// encoding is one line without double quotes of its own.
func FuzzEncodeRoundTrip(f *testing.F) {
	f.Add("userName", "email", "", false, "", "lower", "")
	f.Add(`emails[type eq "work"].value`, "", "{a} {b}", false, "", "", "error")
	f.Add("x", "", "", true, "it's; (odd) = | & ", "", "")
	f.Add("", "a b", "", true, "", "''", " ")
	f.Fuzz(func(t *testing.T, target, source, template string, hasValue bool, value, transform, ifMissing string) {
		r := Rule{Target: target, Source: source, Template: template, Transform: transform, IfMissing: ifMissing}
		if hasValue {
			r.Value = &value
		}
		rules := []Rule{r, {Target: "userName", Source: "email"}}
		enc := Encode(rules)
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(%q): %v", enc, err)
		}
		if !reflect.DeepEqual(back, rules) {
			t.Fatalf("Decode(%q) = %#v, want %#v", enc, back, rules)
		}
		if strings.ContainsAny(enc, "\r\n") && !strings.ContainsAny(target+source+template+value+transform+ifMissing, "\r\n") {
			t.Fatalf("Encode wrote a line break of its own: %q", enc)
		}
	})
}
