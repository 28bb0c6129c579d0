package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// validateOps checks every operation: known op name, a path that parses,
// a path on remove, a value on add/replace, and an object value when
// add/replace has no path. It catches malformed paths before they reach a
// server, whose 400 answers rarely say which operation was wrong.
func validateOps(ops []PatchOp) error {
	for i, op := range ops {
		n := i + 1
		name := strings.ToLower(op.Op)
		switch name {
		case PatchAdd, PatchReplace, PatchRemove:
		default:
			return fmt.Errorf("PATCH operation %d: unknown op %q (expected add, replace or remove)", n, op.Op)
		}
		path := strings.TrimSpace(op.Path)
		if path != "" {
			if _, err := ParsePath(path); err != nil {
				return fmt.Errorf("PATCH operation %d (%s): %w", n, name, err)
			}
		}
		switch {
		case name == PatchRemove && path == "":
			return fmt.Errorf("PATCH operation %d: remove needs a path naming what to remove (RFC 7644 §3.5.2.2)", n)
		case name != PatchRemove && path == "" && !isObject(op.Value):
			return fmt.Errorf("PATCH operation %d (%s) has no path, so its value must be an object of attributes, got %s", n, name, describeValue(op.Value))
		case name != PatchRemove && op.Value == nil:
			return fmt.Errorf("PATCH operation %d (%s %s) has no value; use remove to clear an attribute", n, name, path)
		}
	}
	return nil
}

func describeValue(v any) string {
	if v == nil {
		return "no value"
	}
	return fmt.Sprintf("%T", v)
}

// isObject reports whether v marshals to a JSON object.
func isObject(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case json.RawMessage:
		t := bytes.TrimSpace(x)
		return len(t) > 0 && t[0] == '{'
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return false
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Map:
		return rv.Type().Key().Kind() == reflect.String && !rv.IsNil()
	case reflect.Struct:
		return true
	}
	return false
}

// ExpandFilteredOps rewrites operations on value-filtered paths
// (`emails[type eq "work"].value`) into a replace of the whole attribute
// (`emails`), computed from current, for service providers that reject
// filtered paths. Matching elements are found with Path.Matches; when none
// matches, add/replace creates one carrying the filter's eq pairs, so the
// same filter selects it next time. remove deletes the sub-attribute (and
// the element, when nothing but its filter keys is left) or the matching
// elements; an attribute left empty is removed rather than replaced with [],
// which several servers reject.
//
// Operations are applied in order, so several filtered operations on one
// attribute compose (consecutive ones collapse into one replace), and
// unfiltered whole-attribute operations before them are taken into account.
// Only filters made of eq comparisons joined by "and" can be expanded; other
// filters, or an unfiltered sub-attribute operation (`emails.value`)
// followed by a filtered one on the same attribute, are reported as errors.
func ExpandFilteredOps(ops []PatchOp, current Resource) ([]PatchOp, error) {
	type attrState struct {
		list   []any
		opaque bool // changed in a way we cannot replay
	}
	state := map[string]*attrState{}
	get := func(p Path) (*attrState, error) {
		k := attrKey(p.Schema, p.Attribute)
		if s, ok := state[k]; ok {
			return s, nil
		}
		list, err := currentList(current, p.Schema, p.Attribute)
		if err != nil {
			return nil, err
		}
		s := &attrState{list: list}
		state[k] = s
		return s, nil
	}
	var out []PatchOp
	lastKey := ""
	for i, op := range ops {
		n := i + 1
		name := strings.ToLower(op.Op)
		if strings.TrimSpace(op.Path) == "" {
			// Track attributes set by pathless add/replace objects.
			if m, ok := toObject(op.Value); ok && name != PatchRemove {
				for k, v := range m {
					if strings.HasPrefix(strings.ToLower(k), "urn:") {
						if ext, ok := v.(map[string]any); ok {
							for ek, ev := range ext {
								s, err := get(Path{Schema: k, Attribute: ek})
								if err != nil {
									s = &attrState{}
									state[attrKey(k, ek)] = s
								}
								s.list = applyWhole(s.list, name, ev)
							}
							continue
						}
					}
					s, err := get(Path{Attribute: k})
					if err != nil {
						s = &attrState{}
						state[attrKey("", k)] = s
					}
					s.list = applyWhole(s.list, name, v)
				}
			}
			out = append(out, op)
			lastKey = ""
			continue
		}
		p, err := ParsePath(op.Path)
		if err != nil {
			return nil, fmt.Errorf("PATCH operation %d: %w", n, err)
		}
		key := attrKey(p.Schema, p.Attribute)
		if !p.IsFiltered() {
			s, err := get(p)
			if err != nil {
				// Not a list (a single-valued attribute): nothing a
				// filtered operation could build on.
				s = &attrState{opaque: true}
				state[key] = s
			}
			if p.SubAttribute != "" {
				s.opaque = true
			} else {
				s.list = applyWhole(s.list, name, op.Value)
			}
			out = append(out, op)
			lastKey = ""
			continue
		}
		pairs, ok := p.FilterEquals()
		if !ok {
			return nil, fmt.Errorf("PATCH operation %d (%s %s): only filters of eq comparisons joined by \"and\", each sub-attribute compared with one value, can be expanded for this service provider", n, name, op.Path)
		}
		s, err := get(p)
		if err != nil {
			return nil, fmt.Errorf("PATCH operation %d (%s %s): %w", n, name, op.Path, err)
		}
		if s.opaque {
			return nil, fmt.Errorf("PATCH operation %d (%s %s): an earlier operation changes %q in a way that cannot be combined with an expanded filter; order filtered operations first", n, name, op.Path, p.Attribute)
		}
		list, err := applyFiltered(s.list, name, p, pairs, op.Value)
		if err != nil {
			return nil, fmt.Errorf("PATCH operation %d (%s %s): %w", n, name, op.Path, err)
		}
		s.list = list
		target := p.Attribute
		if p.Schema != "" {
			target = p.Schema + ":" + p.Attribute
		}
		newOp := PatchOp{Op: PatchReplace, Path: target, Value: deepCopy(list)}
		if len(list) == 0 {
			newOp = PatchOp{Op: PatchRemove, Path: target}
		}
		if lastKey == key && len(out) > 0 {
			out[len(out)-1] = newOp
		} else {
			out = append(out, newOp)
		}
		lastKey = key
	}
	return out, nil
}

// attrKey identifies a top-level attribute; the core User URN prefix is
// the same as none, and names compare case-insensitively.
func attrKey(schema, attr string) string {
	if strings.EqualFold(schema, SchemaUser) {
		schema = ""
	}
	return strings.ToLower(schema) + "|" + strings.ToLower(attr)
}

// currentList returns a deep copy of a multi-valued attribute of current.
func currentList(current Resource, schema, attr string) ([]any, error) {
	container := map[string]any(current)
	if schema != "" && !strings.EqualFold(schema, SchemaUser) {
		ext, _ := lookupFold(current, schema)
		container, _ = ext.(map[string]any)
	}
	v, _ := lookupFold(container, attr)
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return deepCopy(x).([]any), nil
	case []map[string]any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = deepCopy(el)
		}
		return out, nil
	case map[string]any:
		// Some servers return a one-element multi-valued attribute as
		// a bare object.
		return []any{deepCopy(x)}, nil
	default:
		return nil, fmt.Errorf("attribute %q holds %T in the current resource, not a list of values", attr, v)
	}
}

// applyWhole replays an unfiltered operation on a whole attribute.
func applyWhole(list []any, op string, value any) []any {
	switch op {
	case PatchRemove:
		return nil
	case PatchReplace:
		return toList(value)
	default:
		return append(list, toList(value)...)
	}
}

func toList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return deepCopy(x).([]any)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		out := make([]any, rv.Len())
		for i := range out {
			el := rv.Index(i).Interface()
			if m, ok := toObject(el); ok {
				out[i] = m
			} else {
				out[i] = el
			}
		}
		return out
	}
	if m, ok := toObject(v); ok {
		return []any{m}
	}
	return []any{v}
}

func applyFiltered(list []any, op string, p Path, pairs map[string]any, value any) ([]any, error) {
	var matches []int
	for i, el := range list {
		if m, ok := el.(map[string]any); ok && p.Matches(m) {
			matches = append(matches, i)
		}
	}
	newElement := func(base map[string]any) map[string]any {
		el := map[string]any{}
		for k, v := range base {
			el[k] = deepCopy(v)
		}
		for k, v := range pairs {
			if _, ok := lookupFold(el, k); !ok {
				el[k] = v
			}
		}
		return el
	}
	switch op {
	case PatchAdd, PatchReplace:
		if value == nil {
			return nil, fmt.Errorf("%s needs a value", op)
		}
		if p.SubAttribute != "" {
			if len(matches) == 0 {
				el := newElement(nil)
				el[p.SubAttribute] = deepCopy(value)
				return append(list, el), nil
			}
			for _, i := range matches {
				setFold(list[i].(map[string]any), p.SubAttribute, deepCopy(value))
			}
			return list, nil
		}
		obj, ok := toObject(value)
		if !ok {
			return nil, fmt.Errorf("a filtered path without sub-attribute needs an object value, got %T", value)
		}
		if len(matches) == 0 {
			return append(list, newElement(obj)), nil
		}
		for _, i := range matches {
			if op == PatchReplace {
				list[i] = newElement(obj)
				continue
			}
			el := list[i].(map[string]any)
			for k, v := range obj {
				setFold(el, k, deepCopy(v))
			}
		}
		return list, nil
	case PatchRemove:
		drop := map[int]bool{}
		for _, i := range matches {
			if p.SubAttribute == "" {
				drop[i] = true
				continue
			}
			el := list[i].(map[string]any)
			deleteFold(el, p.SubAttribute)
			if onlyKeys(el, pairs) {
				drop[i] = true
			}
		}
		out := list[:0:0]
		for i, el := range list {
			if !drop[i] {
				out = append(out, el)
			}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unknown op %q", op)
	}
}

// onlyKeys reports whether el has no member besides the filter's keys: such
// an element ({"type": "work"}) carries no information.
func onlyKeys(el map[string]any, pairs map[string]any) bool {
	for k := range el {
		if _, ok := lookupFold(pairs, k); !ok {
			return false
		}
	}
	return true
}

func setFold(m map[string]any, key string, v any) {
	for k := range m {
		if strings.EqualFold(k, key) {
			m[k] = v
			return
		}
	}
	m[key] = v
}

func deleteFold(m map[string]any, key string) {
	for k := range m {
		if strings.EqualFold(k, key) {
			delete(m, k)
		}
	}
}

// toObject converts an object-like value (map, Resource, struct) into a
// fresh map[string]any.
func toObject(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return deepCopy(x).(map[string]any), true
	case Resource:
		return deepCopy(map[string]any(x)).(map[string]any), true
	}
	if !isObject(v) {
		return nil, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, false
	}
	return m, true
}

// deepCopy copies decoded-JSON values so expansions never alias current.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = deepCopy(val)
		}
		return out
	case Resource:
		return deepCopy(map[string]any(x))
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = deepCopy(val)
		}
		return out
	default:
		return v
	}
}
