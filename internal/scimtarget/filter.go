package scimtarget

import (
	"encoding/json"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"
)

// matcher evaluates a compiled filter against a rendered resource (or, inside
// a value path, against one element of a multi-valued attribute).
type matcher func(doc map[string]any) bool

// filterCompiler turns a parsed filter into a matcher, checking every
// attribute against the schema first. Doing the checks at compile time means
// an invalid filter is rejected even when there is no resource to evaluate it
// on, which is what a client needs to notice its bug.
type filterCompiler struct {
	rt     *resourceType
	quirks Quirks
}

// parseFilterExpr parses a filter query parameter.
func parseFilterExpr(src string) (filter.Expression, error) {
	expr, err := filter.ParseFilter([]byte(fixUnicodeEscapes(strings.TrimSpace(src))))
	if err != nil {
		return nil, badRequest(errInvalidFilter, "cannot parse filter %q: %v", src, err)
	}
	return expr, nil
}

// compileFilterExpr checks a parsed filter against the quirks that
// restrict filters (OnlyEqFilters, AllowedFilters) and compiles it.
func compileFilterExpr(rt *resourceType, q Quirks, expr filter.Expression, src string) (matcher, error) {
	if err := checkFilterShape(rt, q, expr, src); err != nil {
		return nil, err
	}
	if err := checkFilterLimits(q, expr, src); err != nil {
		return nil, err
	}
	if q.OnlyEqFilters {
		ae, ok := expr.(*filter.AttributeExpression)
		if !ok || !strings.EqualFold(string(ae.Operator), string(filter.EQ)) {
			return nil, badRequest(errInvalidFilter, "only filters of the form 'attribute eq \"value\"' are supported")
		}
	}
	c := &filterCompiler{rt: rt, quirks: q}
	return c.compile(expr, nil)
}

// compile compiles e; scope is the complex attribute whose sub-attributes the
// names refer to inside a value path ("emails[type eq "work"]"), nil at the
// top level.
func (c *filterCompiler) compile(e filter.Expression, scope *attribute) (matcher, error) {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		l, err := c.compile(x.Left, scope)
		if err != nil {
			return nil, err
		}
		r, err := c.compile(x.Right, scope)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(string(x.Operator), string(filter.OR)) {
			return func(d map[string]any) bool { return l(d) || r(d) }, nil
		}
		return func(d map[string]any) bool { return l(d) && r(d) }, nil
	case *filter.NotExpression:
		inner, err := c.compile(x.Expression, scope)
		if err != nil {
			return nil, err
		}
		return func(d map[string]any) bool { return !inner(d) }, nil
	case *filter.ValuePath:
		if scope != nil {
			return nil, badRequest(errInvalidFilter, "value paths cannot be nested")
		}
		ref, ok := resolveAttrPath(c.rt, x.AttributePath)
		if !ok || ref.attr == nil || ref.sub != nil || !ref.attr.isComplex() {
			return nil, badRequest(errInvalidFilter, "%q is not a complex attribute", x.AttributePath.String())
		}
		inner, err := c.compile(x.ValueFilter, ref.attr)
		if err != nil {
			return nil, err
		}
		return func(d map[string]any) bool {
			for _, el := range ref.values(d) {
				if m, ok := el.(map[string]any); ok && inner(m) {
					return true
				}
			}
			return false
		}, nil
	case *filter.AttributeExpression:
		return c.compileAttrExp(x, scope)
	}
	return nil, badRequest(errInvalidFilter, "unsupported filter expression %v", e)
}

func (c *filterCompiler) compileAttrExp(x *filter.AttributeExpression, scope *attribute) (matcher, error) {
	var (
		get  func(map[string]any) []any
		leaf *attribute
		// whole is the complex attribute itself when the path names one
		// without a sub-attribute; only "pr" applies to it directly.
		whole bool
	)
	path := x.AttributePath.String()
	if scope != nil {
		if x.AttributePath.URIPrefix != nil || x.AttributePath.SubAttribute != nil {
			return nil, badRequest(errInvalidFilter, "%q is not a sub-attribute of %q", path, scope.Name)
		}
		sa := scope.sub(x.AttributePath.AttributeName)
		if sa == nil {
			return nil, badRequest(errInvalidFilter, "%q has no sub-attribute %q", scope.Name, path)
		}
		leaf = sa
		get = func(d map[string]any) []any {
			v, ok := d[sa.Name]
			if !ok || v == nil {
				return nil
			}
			if l, ok := v.([]any); ok {
				return l
			}
			return []any{v}
		}
	} else {
		ref, ok := resolveAttrPath(c.rt, x.AttributePath)
		if !ok || ref.attr == nil {
			return nil, badRequest(errInvalidFilter, "unknown attribute %q in filter", path)
		}
		// RFC 7644 §3.4.2.2: a complex multi-valued attribute without a
		// sub-attribute is compared through its "value" sub-attribute.
		if ref.sub == nil && ref.attr.isComplex() {
			if v := ref.attr.sub("value"); v != nil && ref.attr.MultiValued && !strings.EqualFold(string(x.Operator), "pr") {
				ref.sub = v
			} else {
				whole = true
			}
		}
		leaf = ref.leaf()
		get = ref.values
	}
	op := strings.ToLower(string(x.Operator))
	cmp := x.CompareValue
	if s, ok := cmp.(string); ok {
		cmp = unescapeFilterString(s)
	}
	if op == "pr" {
		return func(d map[string]any) bool { return anyPresent(get(d)) }, nil
	}
	if whole {
		return nil, badRequest(errInvalidFilter, "operator %q cannot be applied to complex attribute %q", op, path)
	}
	if cmp == nil {
		switch op {
		case "eq":
			return func(d map[string]any) bool { return !anyPresent(get(d)) }, nil
		case "ne":
			return func(d map[string]any) bool { return anyPresent(get(d)) }, nil
		}
		return nil, badRequest(errInvalidFilter, "null can only be compared with eq or ne")
	}
	caseExact := leaf.CaseExact
	if c.quirks.CaseSensitiveUserName && scope == nil && leaf.Name == "userName" && x.AttributePath.SubAttribute == nil && op == "eq" {
		caseExact = true
	}
	pred, err := comparison(leaf, op, cmp, caseExact, path)
	if err != nil {
		return nil, err
	}
	if op == "ne" {
		// "ne" holds when no value equals, which includes the attribute
		// being absent.
		return func(d map[string]any) bool {
			for _, v := range get(d) {
				if pred(v) {
					return false
				}
			}
			return true
		}, nil
	}
	return func(d map[string]any) bool {
		for _, v := range get(d) {
			if pred(v) {
				return true
			}
		}
		return false
	}, nil
}

// comparison returns a predicate on one attribute value. For "ne" it returns
// the equality predicate; the caller negates it over all values.
func comparison(a *attribute, op string, cmp any, caseExact bool, path string) (func(any) bool, error) {
	switch op {
	case "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le":
	default:
		return nil, badRequest(errInvalidFilter, "unknown operator %q", op)
	}
	switch a.Type {
	case typeBoolean:
		b, ok := cmp.(bool)
		if !ok {
			return nil, badRequest(errInvalidFilter, "attribute %q is boolean; compare it with true or false", path)
		}
		if op != "eq" && op != "ne" {
			return nil, badRequest(errInvalidFilter, "operator %q is not defined for boolean attribute %q", op, path)
		}
		return func(v any) bool { vb, ok := v.(bool); return ok && vb == b }, nil
	case typeInteger, typeDecimal:
		f, ok := toFloat(cmp)
		if !ok {
			return nil, badRequest(errInvalidFilter, "attribute %q is numeric; compare it with a number", path)
		}
		switch op {
		case "co", "sw", "ew":
			return nil, badRequest(errInvalidFilter, "operator %q is not defined for numeric attribute %q", op, path)
		}
		return func(v any) bool {
			vf, ok := toFloat(v)
			return ok && ordered(op, compareFloat(vf, f))
		}, nil
	case typeDateTime:
		s, ok := cmp.(string)
		if !ok {
			return nil, badRequest(errInvalidFilter, "attribute %q is a dateTime; compare it with a string", path)
		}
		switch op {
		case "co", "sw", "ew":
			return stringPredicate(op, s, false), nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, badRequest(errInvalidFilter, "%q is not an xsd:dateTime", s)
		}
		return func(v any) bool {
			vs, _ := v.(string)
			vt, err := time.Parse(time.RFC3339Nano, vs)
			if err != nil {
				return false
			}
			return ordered(op, vt.Compare(t))
		}, nil
	case typeBinary:
		if op != "eq" && op != "ne" && op != "pr" {
			return nil, badRequest(errInvalidFilter, "operator %q is not defined for binary attribute %q", op, path)
		}
		fallthrough
	case typeString, typeReference:
		s, ok := cmp.(string)
		if !ok {
			return nil, badRequest(errInvalidFilter, "attribute %q is a string; compare it with a quoted string", path)
		}
		return stringPredicate(op, s, caseExact), nil
	}
	return nil, badRequest(errInvalidFilter, "attribute %q cannot be compared", path)
}

func stringPredicate(op, s string, caseExact bool) func(any) bool {
	norm := func(x string) string { return x }
	if !caseExact {
		norm = strings.ToLower
	}
	want := norm(s)
	return func(v any) bool {
		vs, ok := v.(string)
		if !ok {
			return false
		}
		got := norm(vs)
		switch op {
		case "eq", "ne":
			return got == want
		case "co":
			return strings.Contains(got, want)
		case "sw":
			return strings.HasPrefix(got, want)
		case "ew":
			return strings.HasSuffix(got, want)
		}
		return ordered(op, strings.Compare(got, want))
	}
}

// ordered interprets a three-way comparison result for an operator.
func ordered(op string, c int) bool {
	switch op {
	case "eq", "ne":
		return c == 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// anyPresent implements "pr": a value that is null, "", [] or {} is not
// present (RFC 7644 §3.4.2.2).
func anyPresent(vals []any) bool {
	for _, v := range vals {
		if isPresent(v) {
			return true
		}
	}
	return false
}

func isPresent(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return anyPresent(x)
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// unescapeFilterString applies JSON string escapes, which the filter parser
// leaves in place.
func unescapeFilterString(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}
