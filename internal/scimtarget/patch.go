package scimtarget

import (
	"sort"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// patchOp is one entry of a PatchOp request's Operations (RFC 7644 §3.5.2).
type patchOp struct {
	op       string // lower-cased: add, replace, remove
	path     string
	value    any
	hasValue bool
}

// parsePatchRequest validates the PatchOp envelope. Operation names are
// case-insensitive because Azure AD sends "Add"/"Replace".
func parsePatchRequest(body []byte) ([]patchOp, error) {
	in, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	var ops []any
	var hasSchema, hasOps bool
	for k, v := range in {
		switch strings.ToLower(k) {
		case "schemas":
			list, _ := v.([]any)
			for _, s := range list {
				if str, ok := s.(string); ok && strings.EqualFold(str, urnPatchOp) {
					hasSchema = true
				}
			}
		case "operations":
			hasOps = true
			list, ok := v.([]any)
			if !ok {
				return nil, badRequest(errInvalidSyntax, `"Operations" must be an array`)
			}
			ops = list
		default:
			return nil, badRequest(errInvalidSyntax, "unexpected member %q in PatchOp request", k)
		}
	}
	if !hasSchema {
		return nil, badRequest(errInvalidSyntax, `"schemas" must be [%q]`, urnPatchOp)
	}
	if !hasOps || len(ops) == 0 {
		return nil, badRequest(errInvalidSyntax, `"Operations" must contain at least one operation`)
	}
	out := make([]patchOp, 0, len(ops))
	for i, raw := range ops {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, badRequest(errInvalidSyntax, "operation %d is not an object", i)
		}
		var op patchOp
		for k, v := range m {
			switch strings.ToLower(k) {
			case "op":
				s, _ := v.(string)
				op.op = strings.ToLower(s)
			case "path":
				s, ok := v.(string)
				if !ok {
					return nil, badRequest(errInvalidPath, "operation %d: path must be a string", i)
				}
				op.path = strings.TrimSpace(s)
			case "value":
				op.value, op.hasValue = v, true
			default:
				return nil, badRequest(errInvalidSyntax, "operation %d: unexpected member %q", i, k)
			}
		}
		switch op.op {
		case "add", "replace":
			if !op.hasValue {
				return nil, badRequest(errInvalidSyntax, "operation %d (%s): value is required", i, op.op)
			}
		case "remove":
		default:
			return nil, badRequest(errInvalidSyntax, "operation %d: op must be add, replace or remove", i)
		}
		out = append(out, op)
	}
	return out, nil
}

// patcher applies operations to a working copy of a stored document. Callers
// apply all operations to a copy and commit only if every one succeeded, which
// gives PATCH the all-or-nothing semantics RFC 7644 §3.5.2 requires.
type patcher struct {
	rt     *resourceType
	doc    map[string]any
	admin  bool // out-of-band edit: readOnly attributes (but not id/meta) may change
	quirks Quirks
}

// patchTarget is a resolved PATCH path.
type patchTarget struct {
	ref        attrRef
	match      matcher           // value filter, nil when the path has none
	filterExpr filter.Expression // the filter, to construct a missing element
	sub        *attribute        // sub-attribute after a value filter
}

func (p *patcher) apply(op patchOp) error {
	if op.path == "" {
		if op.op == "remove" {
			return badRequest(errNoTarget, "remove requires a path")
		}
		return p.applyNoPath(op.op, op.value)
	}
	t, err := p.resolve(op.path)
	if err != nil {
		return err
	}
	if op.op == "remove" {
		return p.remove(t, op.value)
	}
	return p.set(op.op, t, op.value)
}

// resolve parses and resolves a PATCH path and checks mutability.
func (p *patcher) resolve(path string) (patchTarget, error) {
	if ext := p.rt.extension(path); ext != nil {
		return patchTarget{ref: attrRef{ext: ext}}, nil
	}
	pp, err := filter.ParsePath([]byte(fixUnicodeEscapes(path)))
	if err != nil {
		return patchTarget{}, badRequest(errInvalidPath, "cannot parse path %q: %v", path, err)
	}
	ref, ok := resolveAttrPath(p.rt, pp.AttributePath)
	if !ok {
		return patchTarget{}, badRequest(errInvalidPath, "path %q does not name an attribute of %s", path, p.rt.Name)
	}
	t := patchTarget{ref: ref}
	if pp.ValueExpression != nil {
		if p.quirks.NoFilteredPatchPaths {
			return patchTarget{}, badRequest(errInvalidPath, "value filters in PATCH paths are not supported")
		}
		if ref.attr == nil || ref.sub != nil || !ref.attr.isComplex() || !ref.attr.MultiValued {
			return patchTarget{}, badRequest(errInvalidPath, "a value filter needs a multi-valued complex attribute, not %q", ref.String())
		}
		c := &filterCompiler{rt: p.rt, quirks: p.quirks}
		m, err := c.compile(pp.ValueExpression, ref.attr)
		if err != nil {
			return patchTarget{}, err
		}
		t.match, t.filterExpr = m, pp.ValueExpression
		if pp.SubAttribute != nil {
			t.sub = ref.attr.sub(*pp.SubAttribute)
			if t.sub == nil {
				return patchTarget{}, badRequest(errInvalidPath, "%q has no sub-attribute %q", ref.attr.Name, *pp.SubAttribute)
			}
		}
	} else {
		t.sub = ref.sub
	}
	if ref.attr != nil {
		if ref.ext == nil && (ref.attr.Name == "id" || ref.attr.Name == "meta") {
			return patchTarget{}, newError(400, errMutability, "attribute %q is readOnly", ref.attr.Name)
		}
		if !p.admin {
			if ref.attr.Mutability == mutReadOnly || (t.sub != nil && t.sub.Mutability == mutReadOnly) {
				return patchTarget{}, newError(400, errMutability, "attribute %q is readOnly", path)
			}
		}
	}
	return t, nil
}

// applyNoPath handles add/replace without a path: the value is a partial
// resource. Keys may also be extension URNs, URN-qualified attribute names or
// even full paths; Azure AD sends all three.
func (p *patcher) applyNoPath(op string, value any) error {
	m, ok := value.(map[string]any)
	if !ok {
		return badRequest(errInvalidValue, "%s without a path needs an object value", op)
	}
	for _, k := range sortedKeys(m) {
		v := m[k]
		if strings.EqualFold(k, "schemas") {
			continue
		}
		if ext := p.rt.extension(k); ext != nil {
			if err := p.set(op, patchTarget{ref: attrRef{ext: ext}}, v); err != nil {
				return err
			}
			continue
		}
		if a := p.rt.topAttr(k); a != nil {
			if a.Name == "id" || a.Name == "meta" || (a.Mutability == mutReadOnly && !p.admin) {
				// As in PUT, readOnly values in a partial resource are ignored.
				continue
			}
			if err := p.set(op, patchTarget{ref: attrRef{attr: a}}, v); err != nil {
				return err
			}
			continue
		}
		t, err := p.resolve(k)
		if err != nil {
			return badRequest(errInvalidSyntax, "unknown attribute %q in %s value", k, op)
		}
		if err := p.set(op, t, v); err != nil {
			return err
		}
	}
	return nil
}

// set implements add and replace on a resolved target.
func (p *patcher) set(op string, t patchTarget, value any) error {
	ref := t.ref
	if ref.attr == nil {
		// A whole extension: merge its attributes one by one.
		m, ok := value.(map[string]any)
		if !ok {
			return badRequest(errInvalidValue, "value for extension %q must be an object", ref.ext.ID)
		}
		for _, k := range sortedKeys(m) {
			a := ref.ext.attr(k)
			if a == nil {
				return badRequest(errInvalidSyntax, "unknown attribute %q in extension %q", k, ref.ext.ID)
			}
			if a.Mutability == mutReadOnly && !p.admin {
				continue
			}
			if err := p.set(op, patchTarget{ref: attrRef{ext: ref.ext, attr: a}}, m[k]); err != nil {
				return err
			}
		}
		return nil
	}
	a := ref.attr
	where := ref.String()
	defer p.cleanup(ref)

	if t.match != nil {
		return p.setFiltered(op, t, value)
	}
	c := ref.container(p.doc, true)
	if t.sub != nil {
		if a.MultiValued {
			return badRequest(errInvalidPath, "select elements of %q with a value filter, e.g. %s[type eq \"work\"].%s", a.Name, a.Name, t.sub.Name)
		}
		cv, err := coerceValue(t.sub, value, p.admin, where)
		if err != nil {
			return err
		}
		parent, _ := c[a.Name].(map[string]any)
		if parent == nil {
			parent = map[string]any{}
			c[a.Name] = parent
		}
		setOrDelete(parent, t.sub.Name, cv)
		return nil
	}
	if a.MultiValued {
		items, ok := value.([]any)
		if !ok {
			items = []any{value}
		}
		cv, err := coerceValue(a, items, p.admin, where)
		if err != nil {
			return err
		}
		newItems, _ := cv.([]any)
		if op == "replace" {
			setOrDelete(c, a.Name, cv)
			return nil
		}
		existing, _ := c[a.Name].([]any)
		if a.isComplex() && hasPrimary(newItems) {
			clearPrimary(existing, nil)
		}
		// Indexed by canonical JSON (sorted keys), so adding members to a
		// group of 10,000 is linear rather than one comparison per pair.
		seen := make(map[string]bool, len(existing))
		for _, e := range existing {
			seen[canonicalJSON(e)] = true
		}
		for _, it := range newItems {
			if k := canonicalJSON(it); !seen[k] {
				seen[k] = true
				existing = append(existing, it)
			}
		}
		setOrDelete(c, a.Name, listOrNil(existing))
		return nil
	}
	cv, err := coerceValue(a, value, p.admin, where)
	if err != nil {
		return err
	}
	if a.isComplex() && value != nil {
		// RFC 7644 §3.5.2.1/3: sub-attributes not mentioned are left as they
		// are, for add and replace alike.
		parent, _ := c[a.Name].(map[string]any)
		if parent == nil {
			parent = map[string]any{}
		}
		if nm, ok := cv.(map[string]any); ok {
			for k, v := range nm {
				parent[k] = v
			}
		}
		setOrDelete(c, a.Name, mapOrNil(parent))
		return nil
	}
	setOrDelete(c, a.Name, cv)
	return nil
}

// setFiltered handles add/replace on attr[filter] and attr[filter].sub.
func (p *patcher) setFiltered(op string, t patchTarget, value any) error {
	a := t.ref.attr
	c := t.ref.container(p.doc, true)
	elems, _ := c[a.Name].([]any)
	var matched []int
	for i, e := range elems {
		if m, ok := e.(map[string]any); ok && t.match(m) {
			matched = append(matched, i)
		}
	}
	where := t.ref.String()
	var newValue any // sub-attribute value or whole element
	if t.sub == nil && value == nil {
		return badRequest(errInvalidValue, "value for %q must be a non-empty object", where)
	}
	if t.sub != nil {
		cv, err := coerceValue(t.sub, value, p.admin, where+"."+t.sub.Name)
		if err != nil {
			return err
		}
		newValue = cv
	} else {
		cv, err := coerceSingle(a, value, p.admin, where)
		if err != nil {
			return err
		}
		if cv == nil {
			return badRequest(errInvalidValue, "value for %q must be a non-empty object", where)
		}
		newValue = cv
	}
	if len(matched) == 0 && newValue == nil {
		return nil
	}
	if len(matched) == 0 {
		// No element matches: create one when the filter fully determines it
		// (a conjunction of eq comparisons), otherwise there is no target.
		eqs, ok := eqConstraints(t.filterExpr, a)
		if !ok {
			return badRequest(errNoTarget, "no value of %q matches the filter", where)
		}
		elem, err := coerceSingle(a, eqs, p.admin, where)
		if err != nil {
			return err
		}
		em, _ := elem.(map[string]any)
		if em == nil {
			em = map[string]any{}
		}
		if t.sub != nil {
			setOrDelete(em, t.sub.Name, newValue)
		} else {
			for k, v := range newValue.(map[string]any) {
				em[k] = v
			}
		}
		if p, _ := em["primary"].(bool); p {
			clearPrimary(elems, nil)
		}
		elems = append(elems, em)
		c[a.Name] = elems
		return nil
	}
	setsPrimary := false
	for _, i := range matched {
		em := elems[i].(map[string]any)
		switch {
		case t.sub != nil:
			setOrDelete(em, t.sub.Name, newValue)
		case op == "replace":
			em = copyDoc(newValue.(map[string]any))
			elems[i] = em
		default:
			for k, v := range newValue.(map[string]any) {
				em[k] = deepCopy(v)
			}
		}
		if pr, _ := em["primary"].(bool); pr {
			setsPrimary = true
		}
	}
	if setsPrimary {
		// RFC 7644 §3.5.2: making a value primary un-primaries the others.
		clearPrimary(elems, matched)
	}
	c[a.Name] = elems
	return nil
}

// remove implements the remove operation.
func (p *patcher) remove(t patchTarget, value any) error {
	ref := t.ref
	if ref.attr == nil {
		delete(p.doc, ref.ext.ID)
		return nil
	}
	defer p.cleanup(ref)
	a := ref.attr
	c := ref.container(p.doc, false)
	if c == nil {
		return nil
	}
	elems, _ := c[a.Name].([]any)
	switch {
	case t.match != nil && t.sub != nil:
		for _, e := range elems {
			if m, ok := e.(map[string]any); ok && t.match(m) {
				delete(m, t.sub.Name)
			}
		}
	case t.match != nil:
		var keep []any
		for _, e := range elems {
			if m, ok := e.(map[string]any); ok && t.match(m) {
				continue
			}
			keep = append(keep, e)
		}
		setOrDelete(c, a.Name, listOrNil(keep))
	case t.sub != nil:
		if a.MultiValued {
			for _, e := range elems {
				if m, ok := e.(map[string]any); ok {
					delete(m, t.sub.Name)
				}
			}
		} else if m, ok := c[a.Name].(map[string]any); ok {
			delete(m, t.sub.Name)
		}
	case a.MultiValued && value != nil:
		// Azure AD style: remove the listed values, e.g.
		// {"op":"remove","path":"members","value":[{"value":"id"}]}.
		items, ok := value.([]any)
		if !ok {
			items = []any{value}
		}
		cv, err := coerceValue(a, items, true, ref.String())
		if err != nil {
			return err
		}
		doomed, _ := cv.([]any)
		var keep []any
		for _, e := range elems {
			if !containsValue(doomed, e) {
				keep = append(keep, e)
			}
		}
		setOrDelete(c, a.Name, listOrNil(keep))
	default:
		delete(c, a.Name)
	}
	return nil
}

// cleanup drops values that edits left empty: {} elements, [] lists and empty
// extension objects are "unassigned" in SCIM and must not be rendered.
func (p *patcher) cleanup(ref attrRef) {
	c := ref.container(p.doc, false)
	if c == nil || ref.attr == nil {
		return
	}
	switch v := c[ref.attr.Name].(type) {
	case []any:
		var keep []any
		for _, e := range v {
			if m, ok := e.(map[string]any); ok && len(m) == 0 {
				continue
			}
			keep = append(keep, e)
		}
		setOrDelete(c, ref.attr.Name, listOrNil(keep))
	case map[string]any:
		if len(v) == 0 {
			delete(c, ref.attr.Name)
		}
	}
	if ref.ext != nil && len(c) == 0 {
		delete(p.doc, ref.ext.ID)
	}
}

// eqConjuncts calls f with each comparison of a filter made only of "eq"
// comparisons (with a value) joined by "and"; false for any other filter,
// or when f refuses a comparison.
func eqConjuncts(e filter.Expression, f func(*filter.AttributeExpression) bool) bool {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		return strings.EqualFold(string(x.Operator), string(filter.AND)) && eqConjuncts(x.Left, f) && eqConjuncts(x.Right, f)
	case *filter.AttributeExpression:
		return strings.EqualFold(string(x.Operator), string(filter.EQ)) && x.CompareValue != nil && f(x)
	}
	return false
}

// eqConstraints extracts {subAttr: value} from a filter made only of "eq"
// comparisons joined by "and"; ok is false for anything else, since such a
// filter does not describe a single element that could be created.
func eqConstraints(e filter.Expression, scope *attribute) (map[string]any, bool) {
	out := map[string]any{}
	ok := eqConjuncts(e, func(x *filter.AttributeExpression) bool {
		if x.AttributePath.SubAttribute != nil {
			return false
		}
		sa := scope.sub(x.AttributePath.AttributeName)
		if sa == nil {
			return false
		}
		v := x.CompareValue
		if s, ok := v.(string); ok {
			v = unescapeFilterString(s)
		}
		out[sa.Name] = v
		return true
	})
	if !ok {
		return nil, false
	}
	return out, true
}

func containsValue(list []any, e any) bool {
	em, _ := e.(map[string]any)
	for _, d := range list {
		if equalValues(d, e) {
			return true
		}
		// Elements are identified by "value" when both have one.
		if dm, ok := d.(map[string]any); ok && em != nil {
			if dv, ok := dm["value"]; ok && equalValues(dv, em["value"]) {
				return true
			}
		}
	}
	return false
}

func hasPrimary(items []any) bool {
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			if p, _ := m["primary"].(bool); p {
				return true
			}
		}
	}
	return false
}

// clearPrimary sets primary=false on every element except those at the
// indexes in keep. Elements without a primary flag are left alone so that the
// representation does not grow "primary": false entries out of nowhere.
func clearPrimary(elems []any, keep []int) {
	for i, e := range elems {
		skip := false
		for _, k := range keep {
			if k == i {
				skip = true
			}
		}
		if m, ok := e.(map[string]any); ok && !skip {
			if p, _ := m["primary"].(bool); p {
				m["primary"] = false
			}
		}
	}
}

func setOrDelete(m map[string]any, k string, v any) {
	if v == nil {
		delete(m, k)
		return
	}
	m[k] = v
}

func listOrNil(l []any) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

func mapOrNil(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
