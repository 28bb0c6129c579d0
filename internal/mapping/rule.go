package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Rule maps one SCIM attribute path to a source profile field, a constant or
// a template. Exactly one of Source, Value and Template is set.
type Rule struct {
	// Target is the SCIM attribute path the rule writes: userName,
	// name.givenName, emails[type eq "work"].value,
	// urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department.
	Target string
	// Source is the profile field whose value is copied, "" when not used.
	Source string
	// Value is a constant, nil when not used. "" is a valid constant: it
	// yields no value, so the attribute is kept unset in the app.
	Value *string
	// Template interpolates profile fields: "{given_name} {family_name}".
	// "{{" and "}}" stand for literal braces. "" when not used.
	Template string
	// Transform is "" or one or more of Transforms joined by "+"
	// ("trim+lower"), applied left to right after templating.
	Transform string
	// IfMissing says what a rule that yields no value means (a missing or
	// empty source field, any template field missing, an empty result):
	// "omit" (the default, when "") leaves the attribute unset, "error" fails.
	IfMissing string
}

// Transform names.
const (
	TransformLower = "lower"
	TransformUpper = "upper"
	TransformTrim  = "trim"
)

// TransformSeparator chains transforms in Rule.Transform: "trim+lower".
const TransformSeparator = "+"

// Transforms lists the transform names. One slice feeds both the validator
// and the docs. Rule.Transform may chain them with TransformSeparator, so
// validate it with ParseTransform rather than a one-of validator.
var Transforms = []string{TransformLower, TransformUpper, TransformTrim}

// IfMissing modes.
const (
	IfMissingOmit  = "omit"
	IfMissingError = "error"
)

// IfMissingModes lists the values Rule.IfMissing accepts ("" means omit).
var IfMissingModes = []string{IfMissingOmit, IfMissingError}

// ParseTransform splits a Rule.Transform into its steps, in application
// order, and rejects unknown names. "" yields no steps.
func ParseTransform(transform string) ([]string, error) {
	if strings.TrimSpace(transform) == "" {
		return nil, nil
	}
	var steps []string
	for _, part := range strings.Split(transform, TransformSeparator) {
		step := strings.TrimSpace(part)
		if !slices.Contains(Transforms, step) {
			return nil, errors.New(msgUnknownTransform(transform, step))
		}
		steps = append(steps, step)
	}
	return steps, nil
}

func applyTransforms(s string, steps []string) string {
	for _, step := range steps {
		switch step {
		case TransformLower:
			s = strings.ToLower(s)
		case TransformUpper:
			s = strings.ToUpper(s)
		case TransformTrim:
			s = strings.TrimSpace(s)
		}
	}
	return s
}

// Canonical returns the canonical spelling of a SCIM attribute path: the
// parser's normalised form (filter whitespace and quoting), with a core User
// schema URN prefix dropped (`urn:...:core:2.0:User:userName` is `userName`)
// and the Enterprise User URN spelled as RFC 7643 does. Attribute-name case
// is kept as written; compare paths with SamePath.
func Canonical(path string) (string, error) {
	p, err := parsePath(path)
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

// SamePath reports whether two paths designate the same attribute: equal
// canonical forms, ignoring case (RFC 7643 §2.1 makes attribute names and
// schema URIs case-insensitive, and filter values such as type are
// caseExact=false). Unparseable paths are the same only when equal.
func SamePath(a, b string) bool {
	if a == b {
		return true
	}
	pa, errA := parsePath(a)
	pb, errB := parsePath(b)
	return errA == nil && errB == nil && pathKey(pa) == pathKey(pb)
}

// parsePath parses a path, drops a core User schema prefix (optional for
// core attributes) and spells the Enterprise User URN canonically.
func parsePath(s string) (scim.Path, error) {
	p, err := scim.ParsePath(s)
	if err != nil {
		return scim.Path{}, err
	}
	switch {
	case strings.EqualFold(p.Schema, scim.SchemaUser):
		p.Schema = ""
	case strings.EqualFold(p.Schema, scim.SchemaEnterpriseUser):
		p.Schema = scim.SchemaEnterpriseUser
	}
	return p, nil
}

// pathKey is the identity of a path: its canonical form folded to lower
// case, with the filter's eq pairs in a fixed order.
func pathKey(p scim.Path) string {
	if !p.IsFiltered() {
		return strings.ToLower(p.String())
	}
	key := elementKey(p)
	if p.SubAttribute != "" {
		key += "." + strings.ToLower(p.SubAttribute)
	}
	return key
}

// elementKey identifies the element of a multi-valued attribute that a
// filtered path selects: its attribute and its eq pairs, regardless of order
// and case, so `emails[type eq "work" and primary eq true]` and
// `emails[primary eq true and type eq "Work"]` are one element.
func elementKey(p scim.Path) string {
	pairs, ok := p.FilterEquals()
	if !ok {
		return strings.ToLower(elementPath(p))
	}
	terms := make([]string, 0, len(pairs))
	for k, v := range pairs {
		terms = append(terms, strings.ToLower(k)+" eq "+filterValueKey(v))
	}
	slices.Sort(terms)
	return strings.ToLower(topName(p)) + "[" + strings.Join(terms, " and ") + "]"
}

// filterValueKey renders a filter comparison value for identity: strings
// case-folded (sub-attributes like type are caseExact=false), others as is.
func filterValueKey(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(strings.ToLower(s))
	}
	return fmt.Sprint(v)
}

// topName is the top-level attribute a path belongs to, with its schema
// prefix for extensions: "emails", "urn:...:enterprise:2.0:User:manager".
func topName(p scim.Path) string {
	if p.Schema != "" {
		return p.Schema + ":" + p.Attribute
	}
	return p.Attribute
}

// elementPath is a filtered path without its sub-attribute: the path of the
// multi-valued element itself, `emails[type eq "work"]`.
func elementPath(p scim.Path) string {
	return topName(p) + "[" + p.Filter + "]"
}

func isUserName(p scim.Path) bool {
	return p.Schema == "" && !p.IsFiltered() && p.SubAttribute == "" && strings.EqualFold(p.Attribute, "userName")
}

// ManagedPaths returns the canonical paths the rules target, without
// duplicates and sorted. Rules whose target does not parse are skipped
// (ValidateRules reports them).
func ManagedPaths(rules []Rule) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rules {
		p, err := parsePath(r.Target)
		if err != nil || seen[pathKey(p)] {
			continue
		}
		seen[pathKey(p)] = true
		out = append(out, p.String())
	}
	slices.Sort(out)
	return out
}

// ReadAttributes returns the top-level attribute names to request with
// `attributes=` when reading an account: "userName", "name", "emails",
// "urn:...:enterprise:2.0:User:department", "urn:...:enterprise:2.0:User:manager".
// It always includes "active" and "userName". Sorted case-insensitively.
func ReadAttributes(rules []Rule) []string {
	out := []string{"active", "userName"}
	seen := map[string]bool{"active": true, "username": true}
	for _, r := range rules {
		p, err := parsePath(r.Target)
		if err != nil {
			continue
		}
		name := topName(p)
		if k := strings.ToLower(name); !seen[k] {
			seen[k] = true
			out = append(out, name)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return strings.Compare(strings.ToLower(a), strings.ToLower(b))
	})
	return out
}
