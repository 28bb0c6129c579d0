package mapping

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// TypedValue turns the text value of a path into the JSON value to send, per
// the schema: boolean -> bool, integer -> int64, decimal -> float64, any other
// type -> string. Without a schema, or for a path the schema does not know,
// the text is sent as a string.
func TypedValue(path, text string, s Schemas) (any, error) {
	p, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	return typedValue(p, text, s)
}

func typedValue(p scim.Path, text string, s Schemas) (any, error) {
	t, ok := resolve(p, s)
	if !ok {
		return text, nil
	}
	bad := func() error { return errors.New(msgWrongTypePath(p, t.attr.Type, text)) }
	switch t.attr.Type {
	case scim.TypeBoolean:
		b, err := parseBool(text)
		if err != nil {
			return nil, bad()
		}
		return b, nil
	case scim.TypeInteger:
		n, err := parseInteger(text)
		if err != nil {
			return nil, bad()
		}
		return n, nil
	case scim.TypeDecimal:
		f, err := parseDecimal(text)
		if err != nil {
			return nil, bad()
		}
		return f, nil
	}
	return text, nil
}

// names returns the spelling of a path's top-level attribute and
// sub-attribute to use in a document: the schema's where it knows them, the
// path's otherwise.
func names(p scim.Path, s Schemas) (top, sub string) {
	top, sub = p.Attribute, p.SubAttribute
	if t, ok := resolve(p, s); ok {
		if t.parent != nil {
			top, sub = t.parent.Name, t.attr.Name
		} else {
			top = t.attr.Name
		}
	}
	return top, sub
}

// newElement starts the element of a multi-valued attribute that a filtered
// path selects: it carries the filter's eq pairs (spelled as the schema
// spells the sub-attributes), so that the filter selects it afterwards.
func newElement(p scim.Path, s Schemas) (map[string]any, error) {
	pairs, ok := p.FilterEquals()
	if !ok {
		return nil, errors.New(msgFilterNotEq(p))
	}
	var parent *scim.Attribute
	if t, found := resolve(p, s); found {
		parent = t.parent
	}
	el := make(map[string]any, len(pairs)+1)
	for k, v := range pairs {
		if sub := subAttribute(parent, k); sub != nil {
			k = sub.Name
		}
		el[k] = v
	}
	return el, nil
}

// BuildResource renders desired values (as Evaluate returns them) into a
// SCIM User document for POST or PUT. "schemas" lists the core User URN and
// each extension URN used. name.givenName nests into {"name": {...}};
// emails[type eq "work"].value becomes an element {"type": "work", "value":
// ...} of "emails", and every path with the same filter fills the same
// element; extension attributes sit under their URN. Values are typed per
// schema (see TypedValue). active is the account's own flag and is always
// included as a JSON boolean. Objects are map[string]any and arrays []any,
// like a decoded response, so ExtractValues reads the document back.
func BuildResource(values map[string]string, active bool, s Schemas) (scim.Resource, error) {
	res := scim.Resource{"active": active}
	extensions := map[string]bool{} // folded URNs of the extensions used
	elements := map[string]map[string]any{}
	var errs []error
	for _, path := range sortedKeys(values) {
		p, err := parsePath(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		v, err := typedValue(p, values[path], s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		container := map[string]any(res)
		if p.Schema != "" {
			if container, err = object(res, p.Schema, p); err != nil {
				errs = append(errs, err)
				continue
			}
			extensions[strings.ToLower(p.Schema)] = true
		}
		top, sub := names(p, s)
		switch {
		case p.IsFiltered():
			err = setInElement(container, top, sub, v, p, s, elements)
		case sub != "":
			var obj map[string]any
			if obj, err = object(container, top, p); err == nil {
				err = setLeaf(obj, sub, v, p)
			}
		default:
			err = setLeaf(container, top, v, p)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	schemas := []any{scim.SchemaUser}
	for _, k := range sortedKeys(res) {
		if extensions[strings.ToLower(k)] {
			schemas = append(schemas, k) // spelled as the extension's key
		}
	}
	res["schemas"] = schemas
	return res, nil
}

// setInElement sets a sub-attribute in the element of a multi-valued
// attribute that p's filter selects, creating the element on first use.
func setInElement(container map[string]any, top, sub string, v any, p scim.Path, s Schemas, elements map[string]map[string]any) error {
	key := elementKey(p)
	el, seen := elements[key]
	if !seen {
		var err error
		if el, err = newElement(p, s); err != nil {
			return err
		}
		name, existing, found := lookupFold(container, top)
		if !found {
			name = top
		}
		arr, isArray := existing.([]any)
		if found && !isArray {
			return errors.New(msgConflictingValues(p))
		}
		container[name] = append(arr, el)
		elements[key] = el
	}
	return setLeaf(el, sub, v, p)
}

// object returns the object under name in m (matched case-insensitively),
// creating it when absent.
func object(m map[string]any, name string, p scim.Path) (map[string]any, error) {
	if _, existing, found := lookupFold(m, name); found {
		obj, ok := existing.(map[string]any)
		if !ok {
			return nil, errors.New(msgConflictingValues(p))
		}
		return obj, nil
	}
	obj := map[string]any{}
	m[name] = obj
	return obj, nil
}

// setLeaf sets a value that no other path may have set already.
func setLeaf(m map[string]any, name string, v any, p scim.Path) error {
	if _, _, found := lookupFold(m, name); found {
		return errors.New(msgConflictingValues(p))
	}
	m[name] = v
	return nil
}

// lookupFold finds a key case-insensitively (RFC 7643 §2.1), preferring an
// exact match, and returns the key as spelled in m.
func lookupFold(m map[string]any, name string) (key string, v any, found bool) {
	if v, ok := m[name]; ok {
		return name, v, true
	}
	for _, k := range sortedKeys(m) {
		if strings.EqualFold(k, name) {
			return k, m[k], true
		}
	}
	return "", nil, false
}

// ExtractValues reads the values of the given paths from a resource the app
// returned, as text in the form Evaluate produces (booleans "true"/"false",
// numbers in their shortest form without exponent), keyed by canonical path,
// so the two compare. Absent, null and empty-string values are left out, as
// are non-scalar values and paths that do not parse. Attribute names and
// extension URN keys match case-insensitively; a filtered path reads the
// first element its filter matches (Path.Matches). Decode the response with
// json.Decoder.UseNumber to keep integers beyond 2^53 exact.
func ExtractValues(res scim.Resource, paths []string) map[string]string {
	out := map[string]string{}
	for _, raw := range paths {
		p, err := parsePath(raw)
		if err != nil {
			continue
		}
		if text, ok := scalarText(extract(res, p)); ok && text != "" {
			out[p.String()] = text
		}
	}
	return out
}

// serverDerived are the attributes apps commonly fill in themselves when a
// client leaves them unset: displayName from the name parts, name.formatted
// from the name components (RFC 7643 §4.1.1 lets the service provider build
// both).
var serverDerived = []string{"displayName", "name.formatted"}

// WithoutServerDerived returns actual (as ExtractValues reads it) without
// the values of attributes the app derives itself (displayName,
// name.formatted) when sent, the values the client sent or wants, has none
// for them: such a value is the app's own, not drift, and must not be
// compared or removed. A value of one of them that sent has is kept, so a
// change made in the app to a value the client set still shows. actual is
// not modified.
func WithoutServerDerived(actual, sent map[string]string) map[string]string {
	out := make(map[string]string, len(actual))
	for p, v := range actual {
		out[p] = v
	}
	for _, derived := range serverDerived {
		if hasPath(sent, derived) {
			continue
		}
		for p := range out {
			if SamePath(p, derived) {
				delete(out, p)
			}
		}
	}
	return out
}

// hasPath reports whether values has a non-empty value at path, however
// the key is spelled.
func hasPath(values map[string]string, path string) bool {
	for p, v := range values {
		if v != "" && SamePath(p, path) {
			return true
		}
	}
	return false
}

// extract finds the raw value a path designates in a resource, nil if none.
func extract(res scim.Resource, p scim.Path) any {
	container := map[string]any(res)
	if p.Schema != "" {
		_, ext, _ := lookupFold(res, p.Schema)
		if container, _ = ext.(map[string]any); container == nil {
			return nil
		}
	}
	_, v, found := lookupFold(container, p.Attribute)
	if !found && p.Schema == "" {
		// Some servers nest core attributes under the core schema URN.
		_, core, _ := lookupFold(res, scim.SchemaUser)
		if coreObj, ok := core.(map[string]any); ok {
			_, v, _ = lookupFold(coreObj, p.Attribute)
		}
	}
	if p.IsFiltered() {
		v = matchingElement(v, p)
	}
	if p.SubAttribute == "" {
		return v
	}
	obj, _ := v.(map[string]any)
	if obj == nil {
		return nil
	}
	_, sub, _ := lookupFold(obj, p.SubAttribute)
	return sub
}

// matchingElement returns the first element of a multi-valued value that
// the path's filter selects. A lone object is taken as a one-element array,
// as some servers send one.
func matchingElement(v any, p scim.Path) map[string]any {
	var elements []any
	switch x := v.(type) {
	case []any:
		elements = x
	case map[string]any:
		elements = []any{x}
	}
	for _, e := range elements {
		if el, ok := e.(map[string]any); ok && p.Matches(el) {
			return el
		}
	}
	return nil
}

// scalarText renders a decoded JSON scalar as text; ok is false for null,
// objects and arrays.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", false
		}
		return formatDecimal(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case json.Number:
		if n, ok := new(big.Int).SetString(x.String(), 10); ok {
			return n.String(), true // exact, even beyond 64 bits
		}
		if f, err := parseDecimal(x.String()); err == nil {
			return formatDecimal(f), true
		}
		return x.String(), true
	}
	return "", false
}
