package scim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	filter "github.com/scim2/filter-parser/v2"
)

// Path is a parsed SCIM attribute path (RFC 7644 §3.5.2 "PATH"), such as
// `userName`, `name.givenName`, `emails[type eq "work"].value` or
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
type Path struct {
	// Schema is the schema URN the path is qualified with, "" when none.
	Schema string
	// Attribute is the top-level attribute name (`emails`, `name`, `department`).
	Attribute string
	// SubAttribute is the sub-attribute name (`value`, `givenName`), "" when none.
	SubAttribute string
	// Filter is the value filter between brackets, "" when none.
	Filter string

	expr filter.Expression
}

// pathCache remembers parsed paths: the filter parser takes hundreds of
// microseconds per path, and a plan parses the same few mapping targets for
// every account. Parsed paths are never mutated, so sharing them is safe.
// The cache stops growing at pathCacheMax entries (fuzzing, odd inputs).
var (
	pathCache     sync.Map // string -> parsedPath
	pathCacheSize atomic.Int64
)

const pathCacheMax = 4096

type parsedPath struct {
	p   Path
	err error
}

// ParsePath parses a SCIM attribute path with the scim2 filter parser and
// returns it in a normalised form. The error names the path and says what a
// valid path looks like, since the parser's own messages are cryptic.
func ParsePath(s string) (Path, error) {
	if v, ok := pathCache.Load(s); ok {
		pp := v.(parsedPath)
		return pp.p, pp.err
	}
	p, err := parsePathUncached(s)
	if pathCacheSize.Load() < pathCacheMax {
		if _, loaded := pathCache.LoadOrStore(s, parsedPath{p, err}); !loaded {
			pathCacheSize.Add(1)
		}
	}
	return p, err
}

func parsePathUncached(s string) (Path, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Path{}, fmt.Errorf("empty SCIM attribute path")
	}
	// Numbers are taken as written (json.Number) and converted by
	// exactNumbers: the parser's own conversion goes through float64, so
	// `[n eq 9007199254740993]` would silently become ...992 and an integer
	// beyond 64 bits an arbitrary one.
	p, err := filter.ParsePathNumber([]byte(raw))
	if err != nil {
		return Path{}, fmt.Errorf("%q is not a valid SCIM attribute path (expected forms: userName, name.givenName, emails[type eq \"work\"].value, or a schema URN followed by :attribute): %v", s, err)
	}
	if err := exactNumbers(p.ValueExpression); err != nil {
		return Path{}, fmt.Errorf("%q is not a valid SCIM attribute path: %v", s, err)
	}
	out := Path{
		Schema:    p.AttributePath.URI(),
		Attribute: p.AttributePath.AttributeName,
		expr:      p.ValueExpression,
	}
	if p.ValueExpression != nil {
		out.Filter = renderFilter(p.ValueExpression)
		if p.AttributePath.SubAttribute != nil {
			return Path{}, fmt.Errorf("%q is not a valid SCIM attribute path: a value filter applies to a top-level attribute, not to %q", s, p.AttributePath.String())
		}
		out.SubAttribute = p.SubAttributeName()
	} else {
		out.SubAttribute = p.AttributePath.SubAttributeName()
	}
	return out, nil
}

// mustParsePath is ParsePath for constants in code and tests; it panics on error.
func mustParsePath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String renders the path canonically, e.g. `emails[type eq "work"].value`.
func (p Path) String() string {
	var b strings.Builder
	if p.Schema != "" {
		b.WriteString(p.Schema)
		b.WriteByte(':')
	}
	b.WriteString(p.Attribute)
	if p.Filter != "" {
		b.WriteByte('[')
		b.WriteString(p.Filter)
		b.WriteByte(']')
	}
	if p.SubAttribute != "" {
		b.WriteByte('.')
		b.WriteString(p.SubAttribute)
	}
	return b.String()
}

// IsFiltered reports whether the path selects elements of a multi-valued
// attribute with a value filter.
func (p Path) IsFiltered() bool { return p.Filter != "" }

// FilterEquals returns the attribute/value pairs of a value filter that is a
// conjunction of `eq` comparisons on sub-attributes (`type eq "work"`,
// `type eq "work" and primary eq true`). Those are the filters a client can
// materialise: the element it creates carries the pairs, so the filter selects
// it afterwards. ok is false for any other filter, for one that compares a
// sub-attribute with two different values (no element satisfies it), or when
// there is none. A sub-attribute compared twice with the same value appears
// once, spelled as first written.
func (p Path) FilterEquals() (pairs map[string]any, ok bool) {
	if p.expr == nil {
		return nil, false
	}
	pairs = map[string]any{}
	if !collectEquals(p.expr, pairs) {
		return nil, false
	}
	return pairs, true
}

func collectEquals(e filter.Expression, into map[string]any) bool {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		if x.Operator != filter.EQ || x.AttributePath.URIPrefix != nil || x.AttributePath.SubAttribute != nil {
			return false
		}
		name, v := x.AttributePath.AttributeName, filterLiteral(x.CompareValue)
		// Sub-attribute names are case-insensitive: `type eq "work" and
		// Type eq "home"` compares one sub-attribute with two values, which
		// no element satisfies, so no element can be created for it; the
		// same value twice is one pair.
		if prev, seen := lookupFold(into, name); seen {
			return valuesEqualFold(prev, v)
		}
		into[name] = v
		return true
	case *filter.LogicalExpression:
		if x.Operator != filter.AND {
			return false
		}
		return collectEquals(x.Left, into) && collectEquals(x.Right, into)
	default:
		return false
	}
}

// Matches reports whether one element of a multi-valued complex attribute is
// selected by the path's value filter. Only the filters FilterEquals accepts
// are evaluated; string comparison is case-insensitive, as RFC 7643 makes
// sub-attributes such as `type` caseExact=false.
func (p Path) Matches(element map[string]any) bool {
	pairs, ok := p.FilterEquals()
	if !ok {
		return false
	}
	for k, want := range pairs {
		got, present := lookupFold(element, k)
		if !present || !valuesEqualFold(got, want) {
			return false
		}
	}
	return true
}

func lookupFold(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func valuesEqualFold(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		return strings.EqualFold(as, bs)
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// filterLiteral decodes a string compare value. The filter parser keeps the
// text between the quotes as written, escapes included (`w\"x`), while the
// element it is compared with holds the decoded string (`w"x`).
func filterLiteral(v any) any {
	s, ok := v.(string)
	if !ok || !strings.Contains(s, `\`) {
		return v
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return v
	}
	return out
}

// renderFilter prints a value filter so that ParsePath(p.String()) yields
// the same path. The parser's own String() re-quotes string literals with
// Go's %q, which escapes the already escaped text a second time and uses
// escapes (\x01) that are not valid in SCIM filters.
func renderFilter(e filter.Expression) string {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		s := x.AttributePath.String() + " " + string(x.Operator)
		switch v := x.CompareValue.(type) {
		case nil:
			// The parser holds both `pr` and a `null` literal as nil.
			if x.Operator != filter.PR {
				s += " null"
			}
		case string:
			s += ` "` + v + `"`
		default:
			s += " " + fmt.Sprint(v)
		}
		return s
	case *filter.LogicalExpression:
		side := func(sub filter.Expression) string {
			r := renderFilter(sub)
			if l, ok := sub.(*filter.LogicalExpression); ok && x.Operator == filter.AND && l.Operator == filter.OR {
				return "(" + r + ")"
			}
			return r
		}
		return side(x.Left) + " " + string(x.Operator) + " " + side(x.Right)
	case *filter.NotExpression:
		return "not(" + renderFilter(x.Expression) + ")"
	case *filter.ValuePath:
		return x.AttributePath.String() + "[" + renderFilter(x.ValueFilter) + "]"
	default:
		return fmt.Sprint(e)
	}
}

// exactNumbers replaces the json.Number literals of a filter with int (a
// whole number without fraction or exponent, RFC 7643 §2.3.4) or float64,
// and rejects numbers these cannot hold exactly enough: integers beyond 64
// bits, and decimals beyond float64's range.
func exactNumbers(e filter.Expression) error {
	switch x := e.(type) {
	case nil:
		return nil
	case *filter.AttributeExpression:
		n, ok := x.CompareValue.(json.Number)
		if !ok {
			return nil
		}
		text := n.String()
		if !strings.ContainsAny(text, ".eE") {
			i, err := strconv.ParseInt(text, 10, 64)
			if err != nil || int64(int(i)) != i {
				return fmt.Errorf("the integer %s in the filter is out of range (64-bit integers only)", text)
			}
			x.CompareValue = int(i)
			return nil
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("the number %s in the filter is out of range", text)
		}
		x.CompareValue = f
		return nil
	case *filter.LogicalExpression:
		if err := exactNumbers(x.Left); err != nil {
			return err
		}
		return exactNumbers(x.Right)
	case *filter.NotExpression:
		return exactNumbers(x.Expression)
	case *filter.ValuePath:
		return exactNumbers(x.ValueFilter)
	default:
		return nil
	}
}
