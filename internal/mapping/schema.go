package mapping

import (
	"slices"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Schemas is the schema knowledge the mapping engine needs from an app's
// discovery (`/Schemas`). The SCIM client's discovery type satisfies it.
type Schemas interface {
	// LookupUserAttribute returns the definition of the attribute a path
	// designates (the sub-attribute's definition when the path has one) and
	// its parent complex attribute (nil for top-level), or an error saying
	// the path names no attribute. Core User attributes may be addressed
	// without URN; extension attributes need their URN prefix.
	LookupUserAttribute(p scim.Path) (attr *scim.Attribute, parent *scim.Attribute, err error)
}

// target is an attribute definition resolved from a path.
type target struct {
	attr   *scim.Attribute
	parent *scim.Attribute // nil for a top-level attribute
}

// resolve looks a path up; ok is false when s is nil or knows no such path.
func resolve(p scim.Path, s Schemas) (t target, ok bool) {
	if s == nil {
		return target{}, false
	}
	attr, parent, err := s.LookupUserAttribute(p)
	if err != nil || attr == nil {
		return target{}, false
	}
	return target{attr: attr, parent: parent}, true
}

func (t target) mutability(m string) bool {
	return t.attr.Mutability == m || (t.parent != nil && t.parent.Mutability == m)
}

// required reports whether leaving the attribute unset would break the
// account: userName always, and any top-level attribute the schema marks
// required. (A required sub-attribute is required only in an element that
// exists, so it does not count.)
func required(p scim.Path, s Schemas) bool {
	if isUserName(p) {
		return true
	}
	t, ok := resolve(p, s)
	return ok && t.parent == nil && t.attr.Required
}

// CheckSchema checks rules against the app's schema: each target exists (an
// unqualified name that only an extension has gets a did-you-mean), is not
// readOnly, is a single value (not a complex attribute as a whole, not a
// multi-valued attribute without a filter, not a multi-valued simple
// attribute), uses a filter only on a multi-valued attribute and only on its
// sub-attributes with values of their type, and, for constants and
// placeholder-free templates, has a value of the attribute's type.
// canonicalValues are not enforced (see SchemaWarnings). Rules whose target
// does not parse are skipped: ValidateRules reports them. Every error is an
// *Issue.
func CheckSchema(rules []Rule, s Schemas) []error {
	if s == nil {
		return nil
	}
	var errs []error
	for i, r := range rules {
		p, err := parsePath(r.Target)
		if err != nil {
			continue
		}
		t, msg := checkTarget(p, s)
		if msg != "" {
			errs = append(errs, ruleIssue(summarySchemaMismatch, i, r, "target", msg))
			continue
		}
		if v, field, ok := literalValue(r); ok {
			msg := ""
			if v == "" && required(p, s) {
				msg = msgRequiredEmpty(p)
			} else if v != "" {
				if _, err := normalize(t.attr.Type, v); err != nil {
					msg = msgWrongType(t.attr.Type, v)
				}
			}
			if msg != "" {
				errs = append(errs, ruleIssue(summarySchemaMismatch, i, r, field, msg))
			}
		}
	}
	return errs
}

// checkTarget resolves a parsed path in the schema (s is not nil) and says
// why it cannot be a rule target, "" when it can.
func checkTarget(p scim.Path, s Schemas) (t target, problem string) {
	attr, parent, err := s.LookupUserAttribute(p)
	if err != nil || attr == nil {
		if p.Schema == "" {
			ext := p
			ext.Schema = scim.SchemaEnterpriseUser
			if _, _, extErr := s.LookupUserAttribute(ext); extErr == nil {
				return t, msgNoSuchAttribute(p, err, ext.String())
			}
		}
		return t, msgNoSuchAttribute(p, err, "")
	}
	t = target{attr: attr, parent: parent}
	switch {
	case t.mutability(scim.MutabilityReadOnly):
		return t, msgReadOnly(p)
	case p.IsFiltered() && (parent == nil || !parent.MultiValued):
		return t, msgFilterOnSingleValued(p)
	case attr.Type == scim.TypeComplex && attr.MultiValued:
		return t, msgMultiValuedWhole(p, attr)
	case attr.Type == scim.TypeComplex:
		return t, msgComplexWhole(p, attr)
	case attr.MultiValued:
		return t, msgMultiValuedSimple(p)
	case parent != nil && parent.MultiValued && !p.IsFiltered():
		return t, msgAmbiguousMultiValued(p, parent)
	}
	if p.IsFiltered() {
		pairs, _ := p.FilterEquals()
		for _, k := range sortedKeys(pairs) {
			sub := subAttribute(parent, k)
			if sub == nil {
				return t, msgFilterUnknownSubAttribute(p, k, parent)
			}
			if !filterValueFits(sub.Type, pairs[k]) {
				return t, msgFilterWrongType(p, k, sub.Type, pairs[k])
			}
		}
	}
	return t, ""
}

// SchemaWarnings returns notes about rules that fit the schema but deserve a
// second look: an immutable target (set at creation only), a target the app
// never returns (writeOnly or returned=never: drift cannot be seen), and a
// constant or filter value outside the attribute's canonicalValues (apps
// often extend them, so this is not an error). Rules CheckSchema rejects are
// skipped. Every element is an *Issue with Warning set.
func SchemaWarnings(rules []Rule, s Schemas) []error {
	if s == nil {
		return nil
	}
	var notes []error
	for i, r := range rules {
		p, err := parsePath(r.Target)
		if err != nil {
			continue
		}
		t, problem := checkTarget(p, s)
		if problem != "" {
			continue
		}
		if t.mutability(scim.MutabilityImmutable) {
			notes = append(notes, ruleWarning(i, r, "target", msgImmutable(p)))
		}
		if unreadable(t) {
			notes = append(notes, ruleWarning(i, r, "target", msgUnreadable(p)))
		}
		if v, field, ok := literalValue(r); ok && v != "" && !canonicalValue(t.attr, v) {
			notes = append(notes, ruleWarning(i, r, field, msgNotCanonical(p, v, t.attr.CanonicalValues)))
		}
		pairs, _ := p.FilterEquals()
		for _, k := range sortedKeys(pairs) {
			v, isString := pairs[k].(string)
			if sub := subAttribute(t.parent, k); isString && sub != nil && !canonicalValue(sub, v) {
				notes = append(notes, ruleWarning(i, r, "target", msgNotCanonical(p, v, sub.CanonicalValues)))
			}
		}
	}
	return notes
}

// UnreadablePaths returns those of paths (canonically spelled) whose values
// the app never returns: writeOnly attributes such as password, and
// returned=never. ExtractValues cannot see them, so the provider should
// carry their last sent value from state into Diff's actual values; Diff
// then sends them only when the desired value changes.
func UnreadablePaths(paths []string, s Schemas) []string {
	var out []string
	for _, raw := range paths {
		p, err := parsePath(raw)
		if err != nil {
			continue
		}
		if t, ok := resolve(p, s); ok && unreadable(t) {
			out = append(out, p.String())
		}
	}
	slices.Sort(out)
	return out
}

func unreadable(t target) bool {
	return t.mutability(scim.MutabilityWriteOnly) || strings.EqualFold(t.attr.Returned, "never") ||
		(t.parent != nil && strings.EqualFold(t.parent.Returned, "never"))
}

// literalValue is the value a rule always yields, when it does not depend on
// the profile: a constant, or a template without placeholders, transformed.
// field names the rule field it comes from.
func literalValue(r Rule) (v, field string, ok bool) {
	steps, err := ParseTransform(r.Transform)
	if err != nil {
		return "", "", false
	}
	switch {
	case r.Value != nil && r.Source == "" && r.Template == "":
		return applyTransforms(*r.Value, steps), "value", true
	case r.Template != "" && r.Source == "" && r.Value == nil:
		parts, err := parseTemplate(r.Template)
		if err != nil {
			return "", "", false
		}
		out, missing := renderTemplate(parts, nil)
		if len(missing) > 0 {
			return "", "", false
		}
		return applyTransforms(out, steps), "template", true
	}
	return "", "", false
}

func canonicalValue(attr *scim.Attribute, v string) bool {
	if len(attr.CanonicalValues) == 0 {
		return true
	}
	return slices.ContainsFunc(attr.CanonicalValues, func(c string) bool { return strings.EqualFold(c, v) })
}

// subAttribute finds a sub-attribute of a complex attribute by name,
// case-insensitively; nil when absent.
func subAttribute(parent *scim.Attribute, name string) *scim.Attribute {
	if parent == nil {
		return nil
	}
	for i := range parent.SubAttributes {
		if strings.EqualFold(parent.SubAttributes[i].Name, name) {
			return &parent.SubAttributes[i]
		}
	}
	return nil
}

// filterValueFits reports whether a filter comparison value (as the filter
// parser typed it) suits an attribute type.
func filterValueFits(attrType string, v any) bool {
	switch v.(type) {
	case bool:
		return attrType == scim.TypeBoolean
	case string:
		return attrType != scim.TypeBoolean && attrType != scim.TypeInteger && attrType != scim.TypeDecimal && attrType != scim.TypeComplex
	case int, int64, float64:
		if attrType == scim.TypeInteger {
			_, isFloat := v.(float64)
			return !isFloat
		}
		return attrType == scim.TypeDecimal
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
