package mapping

// All user-facing text of the package lives here, so wording stays
// consistent and reviewable in one place. Messages say what is wrong and
// what to do; Issue.Error prefixes them with the rule they concern.

import (
	"fmt"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Diagnostic summaries (Title Case, short).
const (
	summaryInvalidRule    = "Invalid Attribute Mapping Rule"
	summaryInvalidMapping = "Invalid Attribute Mapping"
	summarySchemaMismatch = "Attribute Mapping Does Not Fit the App's Schema"
	summaryEvaluate       = "Cannot Compute SCIM Attributes"
	summaryNote           = "Attribute Mapping Note"
)

// Rule checks (ValidateRules).
const (
	msgTargetRequired  = `target is required: a SCIM attribute path such as userName, name.givenName or emails[type eq "work"].value`
	msgNoValueSource   = "set one of source, value or template"
	msgReservedSchemas = `"schemas" is filled in by the provider from the attributes the rules target`
	msgReservedActive  = "active is not set by a mapping rule: use the account's own active argument"
	msgNoUserName      = `no rule maps userName, which every SCIM account needs; add one, e.g. { target = "userName", source = "email" }`
)

func msgReservedByApp(name string) string {
	return fmt.Sprintf("%s is set by the app, not by a mapping rule", name)
}

func msgManyValueSources(kinds []string) string {
	return fmt.Sprintf("set only one of source, value or template (this rule sets %s)", strings.Join(kinds, " and "))
}

func msgUnknownTransform(transform, step string) string {
	return fmt.Sprintf("transform %q: %q is not one of %s (chain several with %q, e.g. \"trim+lower\")",
		transform, step, strings.Join(Transforms, ", "), TransformSeparator)
}

func msgUnknownIfMissing(v string) string {
	return fmt.Sprintf("if_missing %q is not one of %s", v, strings.Join(IfMissingModes, ", "))
}

func msgDuplicateTarget(other int, otherTarget string) string {
	return fmt.Sprintf("targets the same attribute as rule %d (target %q); keep one of them", other+1, otherTarget)
}

func msgWholeAndPart(other int, otherTarget string) string {
	return fmt.Sprintf("overlaps rule %d (target %q): one sets the attribute as a whole, the other one of its sub-attributes; map the sub-attributes only", other+1, otherTarget)
}

func msgOverlappingFilters(filter string, other int, otherTarget string) string {
	return fmt.Sprintf("its filter [%s] and that of rule %d (target %q) can select the same element; use one identical filter for all sub-attributes of an element, and filters that exclude each other (type eq \"work\", type eq \"home\") for different elements", filter, other+1, otherTarget)
}

func msgFilterNotEq(p scim.Path) string {
	return fmt.Sprintf("the filter [%s] cannot be written: a mapped element must be created so that the filter selects it, which needs eq comparisons joined by and, each sub-attribute compared with one value, e.g. %s[type eq \"work\"]", p.Filter, topName(p))
}

func msgFilterNull(p scim.Path, key string) string {
	return fmt.Sprintf("the filter [%s] compares %s with null, which cannot be written into an element; compare with a value", p.Filter, key)
}

func msgFilterNoSubAttribute(p scim.Path) string {
	return fmt.Sprintf("%s selects a whole element; target one of its sub-attributes, e.g. %s.value", elementPath(p), elementPath(p))
}

func msgFilterFixesSubAttribute(p scim.Path) string {
	return fmt.Sprintf("the filter [%s] already fixes %s; target another sub-attribute, e.g. %s.value", p.Filter, p.SubAttribute, elementPath(p))
}

// Templates.

func msgTemplateLoneClose(t string, at int) string {
	return fmt.Sprintf("template %q: unmatched \"}\" at offset %d; write \"}}\" for a literal brace", t, at)
}

func msgTemplateUnclosed(t string, at int) string {
	return fmt.Sprintf("template %q: \"{\" at offset %d is never closed; write {field} for a profile field or \"{{\" for a literal brace", t, at)
}

func msgTemplateNested(t string, at int) string {
	return fmt.Sprintf("template %q: the placeholder at offset %d contains \"{\"; placeholders hold a profile field name only", t, at)
}

func msgTemplateEmpty(t string, at int) string {
	return fmt.Sprintf("template %q: empty placeholder \"{}\" at offset %d; name a profile field, e.g. {given_name}", t, at)
}

// Schema checks (CheckSchema, SchemaWarnings).

func msgNoSuchAttribute(p scim.Path, err error, suggestion string) string {
	msg := fmt.Sprintf("the app's schema has no attribute %s", p)
	if err != nil {
		msg = fmt.Sprintf("the app's schema does not describe %s: %v", p, err)
	}
	if suggestion != "" && (err == nil || !strings.Contains(err.Error(), suggestion)) {
		msg += fmt.Sprintf("; did you mean %s? Extension attributes need their schema URN prefix", suggestion)
	}
	return msg
}

func msgReadOnly(p scim.Path) string {
	return fmt.Sprintf("%s is readOnly in the app's schema: the app sets it and ignores or rejects writes; remove the rule", p)
}

func msgFilterOnSingleValued(p scim.Path) string {
	return fmt.Sprintf("%s is not multi-valued, so a value filter cannot select an element of it; drop the filter", topName(p))
}

func msgComplexWhole(p scim.Path, attr *scim.Attribute) string {
	return fmt.Sprintf("%s is a complex attribute; target its sub-attributes instead: %s", p, strings.Join(writableSubPaths(topName(p), attr), ", "))
}

func msgMultiValuedWhole(p scim.Path, attr *scim.Attribute) string {
	return fmt.Sprintf("%s holds several values; target one sub-attribute of one element with a value filter, e.g. %s", p, exampleFiltered(topName(p), attr, ""))
}

func msgMultiValuedSimple(p scim.Path) string {
	return fmt.Sprintf("%s is a multi-valued attribute of simple values, which a rule (one value) cannot set", p)
}

func msgAmbiguousMultiValued(p scim.Path, parent *scim.Attribute) string {
	return fmt.Sprintf("%s is ambiguous: %s holds several values; select one with a value filter, e.g. %s", p, topName(p), exampleFiltered(topName(p), parent, p.SubAttribute))
}

func msgFilterUnknownSubAttribute(p scim.Path, key string, parent *scim.Attribute) string {
	var subs []string
	for _, s := range parent.SubAttributes {
		subs = append(subs, s.Name)
	}
	return fmt.Sprintf("the filter [%s] compares %s, which is not a sub-attribute of %s (it has %s)", p.Filter, key, topName(p), strings.Join(subs, ", "))
}

func msgFilterWrongType(p scim.Path, key, attrType string, v any) string {
	shown := fmt.Sprint(v)
	if text, isString := v.(string); isString {
		shown = fmt.Sprintf("%q", text)
	}
	return fmt.Sprintf("the filter [%s] compares %s, a %s, with %s; %s", p.Filter, key, attrType, shown, filterTypeHint(attrType))
}

func msgWrongType(attrType, v string) string {
	return fmt.Sprintf("value %q does not fit: the app's schema types this attribute as %s; %s", v, attrType, typeHint(attrType))
}

func msgWrongTypePath(p scim.Path, attrType, v string) string {
	return fmt.Sprintf("%s: %s", p, msgWrongType(attrType, v))
}

func msgRequiredEmpty(p scim.Path) string {
	return fmt.Sprintf("this rule always yields an empty value, and %s is required", p)
}

func msgImmutable(p scim.Path) string {
	return fmt.Sprintf("%s is immutable in the app's schema: it is set when the account is created, and changing it later (a new rule value or source value) will fail for existing accounts", p)
}

func msgUnreadable(p scim.Path) string {
	return fmt.Sprintf("the app never returns %s, so changes made to it in the app cannot be detected; it is sent when the account is created and whenever the desired value changes", p)
}

func msgNotCanonical(p scim.Path, v string, canonical []string) string {
	return fmt.Sprintf("%q is not one of the canonical values the app lists for %s (%s); apps often accept others, so check the app's documentation", v, p, strings.Join(canonical, ", "))
}

// Evaluation.

const msgNoValueIfMissingError = ` (if_missing = "error"); set the field in the profile, or use if_missing = "omit" to leave the attribute unset`

func msgNoValueRequired(p scim.Path) string {
	return fmt.Sprintf(", and %s is required, so it cannot be left out; set the field in the profile", p)
}

// msgNoValue says why a rule yields no value.
func msgNoValue(r Rule, missing []string, profile map[string]string) string {
	if len(missing) == 0 {
		if r.Transform != "" {
			return fmt.Sprintf("the value is empty after transform %q", r.Transform)
		}
		return "the value is empty"
	}
	quoted := make([]string, len(missing))
	var hints []string
	for i, f := range missing {
		quoted[i] = fmt.Sprintf("%q", f)
		if near := nearField(f, profile); near != "" {
			hints = append(hints, fmt.Sprintf("%q", near))
		}
	}
	msg := fmt.Sprintf("source field %s is missing or empty in the profile", quoted[0])
	if r.Source == "" {
		msg = fmt.Sprintf("template field %s is missing or empty in the profile", quoted[0])
		if len(missing) > 1 {
			msg = fmt.Sprintf("template fields %s are missing or empty in the profile", strings.Join(quoted, ", "))
		}
	}
	if len(hints) > 0 {
		msg += fmt.Sprintf(" (field names are case-sensitive; the profile has %s)", strings.Join(hints, ", "))
	}
	return msg
}

// nearField finds a non-empty profile field that differs from name only in
// case, the usual cause of a "missing" field.
func nearField(name string, profile map[string]string) string {
	for _, k := range sortedKeys(profile) {
		if k != name && strings.EqualFold(k, name) && profile[k] != "" {
			return k
		}
	}
	return ""
}

// Rendering and diffing.

func msgConflictingValues(p scim.Path) string {
	return fmt.Sprintf("%s collides with another value written to the same attribute", p)
}

func msgDuplicatePath(first scim.Path, second string) string {
	return fmt.Sprintf("%s and %s are the same attribute spelled twice", first, second)
}

func msgImmutableChange(p scim.Path, from, to string) string {
	change := fmt.Sprintf("change it from %q to %q", from, to)
	if to == "" {
		change = fmt.Sprintf("remove its value %q", from)
	}
	return fmt.Sprintf("%s is immutable in the app's schema, so the provider cannot %s; replace the account or keep the value", p, change)
}

func msgRemoveRequired(p scim.Path) string {
	return fmt.Sprintf("%s is required and cannot be removed from the account", p)
}

// typeHint says what text a SCIM type accepts.
func typeHint(attrType string) string {
	switch attrType {
	case scim.TypeBoolean:
		return `use "true" or "false"`
	case scim.TypeInteger:
		return "use a whole number such as 42"
	case scim.TypeDecimal:
		return "use a number such as 1.5"
	}
	return "use a quoted string"
}

// filterTypeHint says how a filter writes a value of a SCIM type.
func filterTypeHint(attrType string) string {
	switch attrType {
	case scim.TypeBoolean:
		return "write true or false, without quotes"
	case scim.TypeInteger, scim.TypeDecimal:
		return "write a number, without quotes"
	}
	return `write a quoted string, e.g. "work"`
}

// writableSubPaths lists the sub-attribute paths of a complex attribute that
// a rule may target.
func writableSubPaths(prefix string, attr *scim.Attribute) []string {
	var out []string
	for _, s := range attr.SubAttributes {
		if s.Mutability != scim.MutabilityReadOnly {
			out = append(out, prefix+"."+s.Name)
		}
	}
	return out
}

// exampleFiltered builds an example filtered path for a multi-valued complex
// attribute: its "type" sub-attribute with the first canonical value (or
// "work") selects the element, sub (or "value") is the target.
func exampleFiltered(prefix string, attr *scim.Attribute, sub string) string {
	if sub == "" {
		sub = "value"
	}
	kind := "work"
	if t := subAttribute(attr, "type"); t != nil && len(t.CanonicalValues) > 0 {
		kind = t.CanonicalValues[0]
	}
	return fmt.Sprintf("%s[type eq %q].%s", prefix, kind, sub)
}
