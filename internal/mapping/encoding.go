package mapping

import (
	"fmt"
	"strings"
)

// EncodingVersion starts every encoded rule list, so a later encoding can be
// told apart from this one.
const EncodingVersion = "v1:"

// Encode renders rules as one line of text that Decode turns back into the
// same rules: how scim_attribute_mapping hands its rules to every account
// (its `encoded` attribute), so that a changed mapping costs each account's
// plan one line instead of the rule list again, and each account's state a
// short string instead of a list of objects.
//
//	v1: userName=email|lower; displayName=template('{given_name} {family_name}'); title=title if_missing(error)
//
// A rule is `target=expression`, rules are separated by "; ". The
// expression is the source field, `value(text)` or `template(text)`,
// followed by `|transform` and ` if_missing(mode)` when set. A word is
// written as it is when it holds none of the characters ` ;=|'()&` and is
// not empty, otherwise in single quotes, a quote inside doubled ('it”s').
// The text contains no double quotes of its own and no line breaks, so
// Terraform prints it on one line with nothing escaped but the quotes of
// filters (`'emails[type eq \"work\"].value'`). Every Rule encodes, invalid
// ones too (a rule with no source, or two, joins its parts with `&`), so
// checks run on the decoded rules report what the user wrote.
func Encode(rules []Rule) string {
	var b strings.Builder
	b.WriteString(EncodingVersion)
	for i, r := range rules {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteByte(' ')
		writeWord(&b, r.Target)
		b.WriteByte('=')
		var parts []string
		if r.Source != "" {
			parts = append(parts, quoteWord(r.Source))
		}
		if r.Value != nil {
			parts = append(parts, "value("+quoteWord(*r.Value)+")")
		}
		if r.Template != "" {
			parts = append(parts, "template("+quoteWord(r.Template)+")")
		}
		b.WriteString(strings.Join(parts, "&"))
		if r.Transform != "" {
			b.WriteByte('|')
			writeWord(&b, r.Transform)
		}
		if r.IfMissing != "" {
			b.WriteString(" if_missing(")
			writeWord(&b, r.IfMissing)
			b.WriteByte(')')
		}
	}
	return b.String()
}

// Decode parses what Encode wrote. The error says where the text stops
// making sense; text that was not written by Encode (typed by hand, or cut)
// is refused rather than guessed at.
func Decode(s string) ([]Rule, error) {
	rest, ok := strings.CutPrefix(s, EncodingVersion)
	if !ok {
		return nil, fmt.Errorf("an encoded attribute mapping starts with %q; set it to the `encoded` attribute of a scim_attribute_mapping", EncodingVersion)
	}
	d := &decoder{s: rest, offset: len(EncodingVersion)}
	var rules []Rule
	for !d.done() {
		if len(rules) > 0 && !d.take(";") {
			return nil, d.fail("expected \";\" between rules")
		}
		if !d.take(" ") {
			return nil, d.fail("expected a space before a rule")
		}
		r, err := d.rule()
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

const specialChars = " ;=|'()&"

func quoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, specialChars) && !strings.ContainsAny(w, "\r\n\t") {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", "''") + "'"
}

func writeWord(b *strings.Builder, w string) { b.WriteString(quoteWord(w)) }

type decoder struct {
	s      string
	pos    int
	offset int // of s in the whole text, for error positions
}

func (d *decoder) done() bool { return d.pos >= len(d.s) }

func (d *decoder) take(prefix string) bool {
	if strings.HasPrefix(d.s[d.pos:], prefix) {
		d.pos += len(prefix)
		return true
	}
	return false
}

func (d *decoder) fail(what string) error {
	return fmt.Errorf("the encoded attribute mapping is not valid at character %d: %s; set it to the `encoded` attribute of a scim_attribute_mapping", d.offset+d.pos+1, what)
}

// word reads a bare or quoted word.
func (d *decoder) word() (string, error) {
	if d.take("'") {
		var b strings.Builder
		for {
			i := strings.IndexByte(d.s[d.pos:], '\'')
			if i < 0 {
				return "", d.fail("unterminated quote")
			}
			b.WriteString(d.s[d.pos : d.pos+i])
			d.pos += i + 1
			if !d.take("'") {
				return b.String(), nil
			}
			b.WriteByte('\'')
		}
	}
	start := d.pos
	for !d.done() && !strings.ContainsRune(specialChars, rune(d.s[d.pos])) {
		d.pos++
	}
	if d.pos == start {
		return "", d.fail("expected a word")
	}
	return d.s[start:d.pos], nil
}

// call reads `name(word)` when the text continues with name, reporting
// whether it did.
func (d *decoder) call(name string) (string, bool, error) {
	if !d.take(name + "(") {
		return "", false, nil
	}
	w, err := d.word()
	if err != nil {
		return "", true, err
	}
	if !d.take(")") {
		return "", true, d.fail("expected \")\"")
	}
	return w, true, nil
}

func (d *decoder) rule() (Rule, error) {
	var r Rule
	var err error
	if r.Target, err = d.word(); err != nil {
		return r, err
	}
	if !d.take("=") {
		return r, d.fail("expected \"=\" after the target")
	}
	for first := true; ; first = false {
		if !first && !d.take("&") {
			break
		}
		if d.done() || strings.ContainsRune(";| ", rune(d.s[d.pos])) {
			if first {
				break // a rule without source, value or template
			}
			return r, d.fail("expected a source, value(...) or template(...) after \"&\"")
		}
		if v, ok, err := d.call("value"); ok {
			if err != nil {
				return r, err
			}
			if r.Value != nil {
				return r, d.fail("value(...) given twice")
			}
			r.Value = &v
			continue
		}
		if t, ok, err := d.call("template"); ok {
			if err != nil {
				return r, err
			}
			if r.Template != "" || t == "" {
				return r, d.fail("template(...) given twice or empty")
			}
			r.Template = t
			continue
		}
		src, err := d.word()
		if err != nil {
			return r, err
		}
		if r.Source != "" {
			return r, d.fail("two source fields")
		}
		r.Source = src
	}
	if d.take("|") {
		if r.Transform, err = d.word(); err != nil {
			return r, err
		}
	}
	if d.take(" ") {
		m, ok, err := d.call("if_missing")
		if err != nil {
			return r, err
		}
		if !ok || m == "" {
			return r, d.fail("expected if_missing(...)")
		}
		r.IfMissing = m
	}
	return r, nil
}
