package scimtarget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"
)

// decodeObject parses a JSON object keeping numbers as json.Number, so that
// integer attributes survive without a float64 round trip.
func decodeObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest(errInvalidSyntax, "request body is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest(errInvalidSyntax, "request body has data after the JSON object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest(errInvalidSyntax, "request body must be a JSON object")
	}
	return m, nil
}

// normalizeGo turns values built in Go ([]string, map[string]string, int,
// structs) into the shapes JSON decoding produces, so the Go control API and
// the HTTP API go through the same validation.
func normalizeGo(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// coerceValue validates v against attribute a and converts it to the stored
// representation. A nil result means "unassigned": null, empty arrays and
// empty complex values are all treated as absent (RFC 7644 §3.5.2 treats
// null and [] as clearing an attribute). admin relaxes mutability so that
// out-of-band edits may set readOnly attributes such as groups.
func coerceValue(a *attribute, v any, admin bool, where string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if !a.MultiValued {
		return coerceSingle(a, v, admin, where)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, badRequest(errInvalidValue, "attribute %q is multi-valued and must be a JSON array", where)
	}
	out := make([]any, 0, len(list))
	for i, item := range list {
		c, err := coerceSingle(a, item, admin, fmt.Sprintf("%s[%d]", where, i))
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// coerceSingle validates one value (an element of a multi-valued attribute,
// or a single-valued attribute).
func coerceSingle(a *attribute, v any, admin bool, where string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch a.Type {
	case typeComplex:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest(errInvalidValue, "attribute %q must be a JSON object", where)
		}
		out := map[string]any{}
		for k, sv := range m {
			sa := a.sub(k)
			if sa == nil {
				return nil, badRequest(errInvalidSyntax, "unknown sub-attribute %q of %q", k, where)
			}
			if _, dup := out[sa.Name]; dup {
				return nil, badRequest(errInvalidSyntax, "sub-attribute %q of %q given twice", sa.Name, where)
			}
			if sa.Mutability == mutReadOnly && !admin {
				// RFC 7643 §7: readOnly values in requests are ignored.
				continue
			}
			c, err := coerceValue(sa, sv, admin, where+"."+sa.Name)
			if err != nil {
				return nil, err
			}
			if c != nil {
				out[sa.Name] = c
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case typeString, typeReference, typeBinary:
		s, ok := v.(string)
		if !ok {
			return nil, badRequest(errInvalidValue, "attribute %q must be a string, got %s", where, jsonKind(v))
		}
		return s, nil
	case typeDateTime:
		s, ok := v.(string)
		if !ok {
			return nil, badRequest(errInvalidValue, "attribute %q must be a dateTime string, got %s", where, jsonKind(v))
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return nil, badRequest(errInvalidValue, "attribute %q is not an xsd:dateTime: %q", where, s)
		}
		return s, nil
	case typeBoolean:
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			// Some clients (and servers) send booleans as strings; accept
			// them but store a real boolean so responses are always typed.
			switch strings.ToLower(b) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
		}
		return nil, badRequest(errInvalidValue, "attribute %q must be a boolean, got %s", where, jsonKind(v))
	case typeInteger:
		f, ok := toFloat(v)
		if !ok || f != math.Trunc(f) {
			return nil, badRequest(errInvalidValue, "attribute %q must be an integer", where)
		}
		return int64(f), nil
	case typeDecimal:
		f, ok := toFloat(v)
		if !ok {
			return nil, badRequest(errInvalidValue, "attribute %q must be a number", where)
		}
		return f, nil
	}
	return nil, badRequest(errInvalidValue, "attribute %q has unsupported type %q", where, a.Type)
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// deepCopy copies the JSON-shaped values the store holds.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

func copyDoc(doc map[string]any) map[string]any {
	return deepCopy(doc).(map[string]any)
}

func equalValues(a, b any) bool { return reflect.DeepEqual(a, b) }

// canonicalJSON is a key under which equal values (by equalValues) are
// equal: encoding/json writes map keys sorted.
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// parseResourceDoc validates a POST/PUT body (or an out-of-band document) and
// returns it in stored form: canonical attribute names, extension attributes
// nested under their URN, readOnly attributes dropped unless admin. The id, if
// any and admin, is returned separately.
func parseResourceDoc(rt *resourceType, in map[string]any, admin bool) (doc map[string]any, id string, err error) {
	listed := map[string]bool{}
	var schemasSeen bool
	for k, v := range in {
		if !strings.EqualFold(k, "schemas") {
			continue
		}
		schemasSeen = true
		list, ok := v.([]any)
		if !ok {
			return nil, "", badRequest(errInvalidSyntax, `"schemas" must be an array of schema URNs`)
		}
		for _, u := range list {
			s, ok := u.(string)
			if !ok {
				return nil, "", badRequest(errInvalidSyntax, `"schemas" must be an array of schema URNs`)
			}
			switch {
			case strings.EqualFold(s, rt.Schema):
				listed[rt.Schema] = true
			case rt.extension(s) != nil:
				listed[rt.extension(s).ID] = true
			default:
				return nil, "", badRequest(errInvalidSyntax, "schema %q is not supported by resource type %s", s, rt.Name)
			}
		}
	}
	if !admin {
		if !schemasSeen {
			return nil, "", badRequest(errInvalidSyntax, `"schemas" is required and must include %q`, rt.Schema)
		}
		if !listed[rt.Schema] {
			return nil, "", badRequest(errInvalidSyntax, `"schemas" must include %q`, rt.Schema)
		}
	}
	doc = map[string]any{}
	for k, v := range in {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		if ext := rt.extension(k); ext != nil {
			if !admin && !listed[ext.ID] {
				return nil, "", badRequest(errInvalidSyntax, "extension %q is used but not listed in \"schemas\"", ext.ID)
			}
			if _, dup := doc[ext.ID]; dup {
				return nil, "", badRequest(errInvalidSyntax, "extension %q given twice", ext.ID)
			}
			ev, err := parseExtension(ext, v, admin)
			if err != nil {
				return nil, "", err
			}
			if ev != nil {
				doc[ext.ID] = ev
			}
			continue
		}
		a := rt.topAttr(k)
		if a == nil {
			return nil, "", badRequest(errInvalidSyntax, "unknown attribute %q for resource type %s", k, rt.Name)
		}
		if _, dup := doc[a.Name]; dup {
			return nil, "", badRequest(errInvalidSyntax, "attribute %q given twice", a.Name)
		}
		switch a.Name {
		case "meta":
			continue
		case "id":
			if admin {
				s, ok := v.(string)
				if !ok || s == "" {
					return nil, "", badRequest(errInvalidValue, `"id" must be a non-empty string`)
				}
				id = s
			}
			continue
		}
		if a.Mutability == mutReadOnly && !admin {
			continue
		}
		c, err := coerceValue(a, v, admin, a.Name)
		if err != nil {
			return nil, "", err
		}
		if c != nil {
			doc[a.Name] = c
		}
	}
	return doc, id, nil
}

func parseExtension(ext *schema, v any, admin bool) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest(errInvalidValue, "extension %q must be a JSON object", ext.ID)
	}
	out := map[string]any{}
	for k, sv := range m {
		a := ext.attr(k)
		if a == nil {
			return nil, badRequest(errInvalidSyntax, "unknown attribute %q in extension %q", k, ext.ID)
		}
		if _, dup := out[a.Name]; dup {
			return nil, badRequest(errInvalidSyntax, "attribute %q given twice", a.Name)
		}
		if a.Mutability == mutReadOnly && !admin {
			continue
		}
		c, err := coerceValue(a, sv, admin, ext.ID+":"+a.Name)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out[a.Name] = c
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// validateDoc checks the constraints that only make sense on the whole
// resource: required attributes and at most one primary value per
// multi-valued attribute (RFC 7643 §2.4).
func validateDoc(rt *resourceType, doc map[string]any) error {
	check := func(attrs []*attribute, container map[string]any, prefix string) error {
		for _, a := range attrs {
			v, present := container[a.Name]
			if a.Required && a.Mutability != mutReadOnly {
				if !present {
					return badRequest(errInvalidValue, "required attribute %q is missing", prefix+a.Name)
				}
				if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
					return badRequest(errInvalidValue, "required attribute %q is empty", prefix+a.Name)
				}
			}
			if !present || !a.isComplex() {
				continue
			}
			values := []any{v}
			if a.MultiValued {
				values, _ = v.([]any)
			}
			primaries := 0
			for _, e := range values {
				m, _ := e.(map[string]any)
				for _, sa := range a.SubAttributes {
					if sa.Required && sa.Mutability != mutReadOnly {
						if _, ok := m[sa.Name]; !ok {
							return badRequest(errInvalidValue, "required sub-attribute %q is missing", prefix+a.Name+"."+sa.Name)
						}
					}
				}
				if p, _ := m["primary"].(bool); p {
					primaries++
				}
			}
			if primaries > 1 {
				return badRequest(errInvalidValue, "attribute %q has more than one primary value", prefix+a.Name)
			}
		}
		return nil
	}
	if err := check(rt.core.Attributes, doc, ""); err != nil {
		return err
	}
	for i, ext := range rt.extensions {
		m, present := doc[ext.ID].(map[string]any)
		if !present {
			if rt.SchemaExtensions[i].Required {
				return badRequest(errInvalidValue, "required extension %q is missing", ext.ID)
			}
			continue
		}
		if err := check(ext.Attributes, m, ext.ID+":"); err != nil {
			return err
		}
	}
	return nil
}

// normalizeUser fills the attributes a typical application derives itself:
// name.formatted from the name parts and displayName from given and family
// name. Clients must therefore treat both as server-computed when they do not
// set them.
func normalizeUser(doc map[string]any) {
	name, _ := doc["name"].(map[string]any)
	if name == nil {
		return
	}
	str := func(k string) string { s, _ := name[k].(string); return strings.TrimSpace(s) }
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " ")
	}
	if _, ok := name["formatted"]; !ok {
		if f := join(str("honorificPrefix"), str("givenName"), str("middleName"), str("familyName"), str("honorificSuffix")); f != "" {
			name["formatted"] = f
		}
	}
	if _, ok := doc["displayName"]; !ok {
		if d := join(str("givenName"), str("familyName")); d != "" {
			doc["displayName"] = d
		}
	}
}
