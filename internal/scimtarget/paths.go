package scimtarget

import (
	"regexp"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// attrRef is an attribute path resolved against a resource type: a top-level
// attribute of the core schema or of an extension, optionally narrowed to a
// sub-attribute. attr == nil designates a whole extension.
type attrRef struct {
	ext  *schema
	attr *attribute
	sub  *attribute
}

// String renders the path the way the RFC spells it, for error details.
func (r attrRef) String() string {
	s := ""
	if r.ext != nil {
		s = r.ext.ID
		if r.attr != nil {
			s += ":"
		}
	}
	if r.attr != nil {
		s += r.attr.Name
	}
	if r.sub != nil {
		s += "." + r.sub.Name
	}
	return s
}

// containerKey is where the top-level attribute lives in a stored document:
// "" for the core level, the extension URN otherwise.
func (r attrRef) containerKey() string {
	if r.ext != nil {
		return r.ext.ID
	}
	return ""
}

// container returns the map holding the top-level attribute, creating an
// extension object when create is set.
func (r attrRef) container(doc map[string]any, create bool) map[string]any {
	if r.ext == nil {
		return doc
	}
	m, _ := doc[r.ext.ID].(map[string]any)
	if m == nil && create {
		m = map[string]any{}
		doc[r.ext.ID] = m
	}
	return m
}

// values returns the leaf values the path designates, one per element for
// multi-valued attributes.
func (r attrRef) values(doc map[string]any) []any {
	c := r.container(doc, false)
	if c == nil || r.attr == nil {
		return nil
	}
	v, ok := c[r.attr.Name]
	if !ok || v == nil {
		return nil
	}
	var elems []any
	if r.attr.MultiValued {
		elems, _ = v.([]any)
	} else {
		elems = []any{v}
	}
	if r.sub == nil {
		return elems
	}
	var out []any
	for _, e := range elems {
		if m, ok := e.(map[string]any); ok {
			if sv, ok := m[r.sub.Name]; ok && sv != nil {
				out = append(out, sv)
			}
		}
	}
	return out
}

// leaf is the definition that governs comparisons on the path.
func (r attrRef) leaf() *attribute {
	if r.sub != nil {
		return r.sub
	}
	return r.attr
}

// resolveAttrPath resolves a parsed attribute path. The filter parser splits
// a bare extension URN ("urn:...:enterprise:2.0:User") into URI "...:2.0" and
// attribute "User", so that shape is recognised as the whole extension.
func resolveAttrPath(rt *resourceType, ap filter.AttributePath) (attrRef, bool) {
	uri := ap.URI()
	var ref attrRef
	switch {
	case uri == "" || strings.EqualFold(uri, rt.Schema):
		ref.attr = rt.topAttr(ap.AttributeName)
	case rt.extension(uri) != nil:
		ref.ext = rt.extension(uri)
		ref.attr = ref.ext.attr(ap.AttributeName)
	case rt.extension(uri+":"+ap.AttributeName) != nil && ap.SubAttribute == nil:
		return attrRef{ext: rt.extension(uri + ":" + ap.AttributeName)}, true
	}
	if ref.attr == nil {
		return attrRef{}, false
	}
	if ap.SubAttribute != nil {
		if !ref.attr.isComplex() {
			return attrRef{}, false
		}
		ref.sub = ref.attr.sub(*ap.SubAttribute)
		if ref.sub == nil {
			return attrRef{}, false
		}
	}
	return ref, true
}

// parseAttrPathString parses and resolves "name", "name.sub", "urn:...:name"
// or a bare extension URN.
func parseAttrPathString(rt *resourceType, s string) (attrRef, bool) {
	s = strings.TrimSpace(s)
	if ext := rt.extension(s); ext != nil {
		return attrRef{ext: ext}, true
	}
	ap, err := filter.ParseAttrPath([]byte(s))
	if err != nil {
		return attrRef{}, false
	}
	return resolveAttrPath(rt, ap)
}

var lowerHexEscape = regexp.MustCompile(`\\u[0-9a-fA-F]{4}`)

// fixUnicodeEscapes uppercases the hex digits of \uXXXX escapes, because the
// filter parser only accepts uppercase ones while JSON and RFC 7644 allow
// both.
func fixUnicodeEscapes(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	return lowerHexEscape.ReplaceAllStringFunc(s, func(m string) string {
		return `\u` + strings.ToUpper(m[2:])
	})
}
