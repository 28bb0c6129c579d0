package mapping

import (
	"errors"
	"slices"
	"strings"
)

// templatePart is a literal run of text or one {field} placeholder.
type templatePart struct {
	text    string // the literal text, or the field name
	isField bool
}

// parseTemplate splits a template into literals and placeholders. `{field}`
// is a placeholder (surrounding spaces inside the braces are ignored), `{{`
// and `}}` are literal braces; an unclosed `{`, a lone `}`, an empty `{}` and
// a `{` inside a placeholder are errors that say where.
func parseTemplate(t string) ([]templatePart, error) {
	var parts []templatePart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, templatePart{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '{' && strings.HasPrefix(t[i:], "{{"):
			lit.WriteByte('{')
			i++
		case c == '}' && strings.HasPrefix(t[i:], "}}"):
			lit.WriteByte('}')
			i++
		case c == '}':
			return nil, errors.New(msgTemplateLoneClose(t, i))
		case c == '{':
			end := strings.IndexByte(t[i+1:], '}')
			if end < 0 {
				return nil, errors.New(msgTemplateUnclosed(t, i))
			}
			inner := t[i+1 : i+1+end]
			if strings.Contains(inner, "{") {
				return nil, errors.New(msgTemplateNested(t, i))
			}
			name := strings.TrimSpace(inner)
			if name == "" {
				return nil, errors.New(msgTemplateEmpty(t, i))
			}
			flush()
			parts = append(parts, templatePart{text: name, isField: true})
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}

// TemplateFields returns the profile fields a template refers to, in order
// of first use, or the error that makes the template invalid.
func TemplateFields(t string) ([]string, error) {
	parts, err := parseTemplate(t)
	if err != nil {
		return nil, err
	}
	var fields []string
	seen := map[string]bool{}
	for _, p := range parts {
		if p.isField && !seen[p.text] {
			seen[p.text] = true
			fields = append(fields, p.text)
		}
	}
	return fields, nil
}

// renderTemplate fills the placeholders from the profile. missing lists the
// fields that are absent or empty (each once); the output is then unusable.
func renderTemplate(parts []templatePart, profile map[string]string) (out string, missing []string) {
	var b strings.Builder
	for _, p := range parts {
		if !p.isField {
			b.WriteString(p.text)
			continue
		}
		v := profile[p.text]
		if v == "" {
			if !slices.Contains(missing, p.text) {
				missing = append(missing, p.text)
			}
			continue
		}
		b.WriteString(v)
	}
	return b.String(), missing
}
