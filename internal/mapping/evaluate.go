package mapping

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Evaluate computes the desired SCIM values of one account: canonical path ->
// value as text. It first runs ValidateRules and fails on any of its errors.
//
// A rule yields no value when its source field is absent or empty, when any
// field its template uses is, or when the result is empty after transforms (a
// constant "" included). Such a path is left out of the result with
// if_missing "omit", and is an error with "error". userName, and any
// top-level attribute the schema marks required, cannot be omitted: leaving
// it out is an error too. Transforms apply after templating.
//
// With a schema, values are normalised to the attribute's type so they
// compare with what ExtractValues reads back: booleans accept true/false in
// any case (and surrounding spaces) and become "true"/"false"; integers
// become their decimal form ("007" -> "7"); decimals their shortest form
// without exponent ("1.50" -> "1.5"). A value that does not fit is an error
// naming the rule. Targets the schema does not know, and all targets when s
// is nil, are left as text (CheckSchema reports unknown targets).
//
// All problems are reported at once, as an errors.Join of *Issue values.
func Evaluate(rules []Rule, profile map[string]string, s Schemas) (map[string]string, error) {
	if errs := ValidateRules(rules); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make(map[string]string, len(rules))
	var errs []error
	for i, r := range rules {
		p, _ := parsePath(r.Target) // ValidateRules parsed it
		v, field, missing := ruleValue(r, profile)
		if v == "" {
			switch {
			case r.IfMissing == IfMissingError:
				errs = append(errs, ruleIssue(summaryEvaluate, i, r, field, msgNoValue(r, missing, profile)+msgNoValueIfMissingError))
			case required(p, s):
				errs = append(errs, ruleIssue(summaryEvaluate, i, r, field, msgNoValue(r, missing, profile)+msgNoValueRequired(p)))
			}
			continue
		}
		if t, ok := resolve(p, s); ok {
			n, err := normalize(t.attr.Type, v)
			if err != nil {
				errs = append(errs, ruleIssue(summaryEvaluate, i, r, field, msgWrongType(t.attr.Type, v)))
				continue
			}
			v = n
		}
		out[p.String()] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ruleValue computes a rule's value before type normalisation. v is "" when
// the rule yields nothing; missing then lists the profile fields at fault
// (none when the result was empty after transforms). field names the rule
// field the value came from.
func ruleValue(r Rule, profile map[string]string) (v, field string, missing []string) {
	steps, _ := ParseTransform(r.Transform) // ValidateRules checked it
	switch {
	case r.Source != "":
		field = "source"
		v = profile[r.Source]
		if v == "" {
			return "", field, []string{r.Source}
		}
	case r.Value != nil:
		field = "value"
		v = *r.Value
	default:
		field = "template"
		parts, _ := parseTemplate(r.Template) // ValidateRules checked it
		v, missing = renderTemplate(parts, profile)
		if len(missing) > 0 {
			return "", field, missing
		}
	}
	return applyTransforms(v, steps), field, nil
}

// numberPattern is the JSON number grammar (with an optional leading +), so
// that hex floats, "Inf", "NaN" and digit separators, which strconv accepts,
// are not taken for decimals.
var numberPattern = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// normalize renders a text value in the canonical form of a SCIM type, or
// fails when it does not fit. Types carried as text are returned unchanged.
func normalize(attrType, v string) (string, error) {
	switch attrType {
	case scim.TypeBoolean:
		b, err := parseBool(v)
		if err != nil {
			return "", err
		}
		return strconv.FormatBool(b), nil
	case scim.TypeInteger:
		n, err := parseInteger(v)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(n, 10), nil
	case scim.TypeDecimal:
		f, err := parseDecimal(v)
		if err != nil {
			return "", err
		}
		return formatDecimal(f), nil
	}
	return v, nil
}

// parseBool accepts true and false in any case, nothing else: "1", "yes" and
// "on" are too easy to get wrong silently.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", v)
}

// parseInteger accepts a base-10 64-bit integer, with surrounding spaces
// and leading zeros: "007" is 7.
func parseInteger(v string) (int64, error) {
	return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
}

func parseDecimal(v string) (float64, error) {
	t := strings.TrimSpace(v)
	if !numberPattern.MatchString(t) {
		return 0, fmt.Errorf("%q is not a decimal number", v)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a decimal number in range", v)
	}
	return f, nil
}

// formatDecimal renders a number in its shortest exact form without
// exponent: 1.5, 7, 0.001. Negative zero is 0.
func formatDecimal(f float64) string {
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
