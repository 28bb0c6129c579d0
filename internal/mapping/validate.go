package mapping

import (
	"slices"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// ValidateRules runs the checks that need no schema, so they can run at plan
// time before the app is known: each rule has exactly one of source, value
// and template; its target parses, is not an attribute the app or the
// resource owns (id, meta, schemas, active), and if filtered uses a filter
// the provider can materialise (eq comparisons joined by and) and names a
// sub-attribute the filter does not fix; its template is well formed; its
// transform and if_missing are known. Across rules: no two rules target the
// same attribute (canonical paths, case-insensitive), no rule targets a
// complex attribute whole while another targets its sub-attributes, filters
// on one multi-valued attribute exclude each other or are identical, and
// some rule maps userName. Every error is an *Issue.
func ValidateRules(rules []Rule) []error {
	var errs []error
	byKey := map[string]int{}          // path key -> first rule targeting it
	whole := map[string]int{}          // top-level attribute key -> rule targeting it whole
	parts := map[string]int{}          // top-level attribute key -> first rule targeting a part of it
	filters := map[string][]filterAt{} // top-level attribute key -> filtered rules on it
	userName := false
	for i, r := range rules {
		p, ok, ruleErrs := validateRule(i, r)
		errs = append(errs, ruleErrs...)
		if !ok {
			continue
		}
		key := pathKey(p)
		if isUserName(p) {
			userName = true
		}
		if j, dup := byKey[key]; dup {
			errs = append(errs, ruleIssue(summaryInvalidRule, i, r, "target", msgDuplicateTarget(j, rules[j].Target)))
			continue
		}
		byKey[key] = i
		top := strings.ToLower(topName(p))
		if p.SubAttribute == "" && !p.IsFiltered() {
			if j, seen := parts[top]; seen {
				errs = append(errs, ruleIssue(summaryInvalidRule, i, r, "target", msgWholeAndPart(j, rules[j].Target)))
				continue
			}
			whole[top] = i
		} else {
			if j, seen := whole[top]; seen {
				errs = append(errs, ruleIssue(summaryInvalidRule, i, r, "target", msgWholeAndPart(j, rules[j].Target)))
				continue
			}
			if _, seen := parts[top]; !seen {
				parts[top] = i
			}
		}
		if p.IsFiltered() {
			if other, clash := overlappingFilter(filters[top], p); clash {
				errs = append(errs, ruleIssue(summaryInvalidRule, i, r, "target", msgOverlappingFilters(p.Filter, other.rule, rules[other.rule].Target)))
				continue
			}
			filters[top] = append(filters[top], filterAt{rule: i, path: p})
		}
	}
	if !userName {
		errs = append(errs, &Issue{Index: -1, Summary: summaryInvalidMapping, Message: msgNoUserName})
	}
	return errs
}

// filterAt is a filtered path used by a rule.
type filterAt struct {
	rule int
	path scim.Path
}

// overlappingFilter finds a filter already used on the same multi-valued
// attribute that could select the same element as p's filter without being
// the same filter: the two would fight over one element.
func overlappingFilter(used []filterAt, p scim.Path) (filterAt, bool) {
	pairs, _ := p.FilterEquals()
	for _, f := range used {
		if elementKey(f.path) == elementKey(p) {
			continue
		}
		if other, _ := f.path.FilterEquals(); filtersOverlap(other, pairs) {
			return f, true
		}
	}
	return filterAt{}, false
}

// filtersOverlap reports whether some element could match both eq-filters:
// they do not contradict each other on any sub-attribute they share.
func filtersOverlap(a, b map[string]any) bool {
	for ka, va := range a {
		for kb, vb := range b {
			if strings.EqualFold(ka, kb) && filterValueKey(va) != filterValueKey(vb) {
				return false
			}
		}
	}
	return true
}

// reservedTargets are attributes no rule may write, with the reason.
var reservedTargets = map[string]string{
	"id":      msgReservedByApp("id"),
	"meta":    msgReservedByApp("meta"),
	"schemas": msgReservedSchemas,
	"active":  msgReservedActive,
}

// validateRule checks one rule on its own. ok says whether the target parsed
// (and is usable for cross-rule checks); p is then the parsed target.
func validateRule(i int, r Rule) (p scim.Path, ok bool, errs []error) {
	bad := func(field, msg string) {
		errs = append(errs, ruleIssue(summaryInvalidRule, i, r, field, msg))
	}

	if strings.TrimSpace(r.Target) == "" {
		bad("target", msgTargetRequired)
	} else if parsed, err := parsePath(r.Target); err != nil {
		bad("target", err.Error())
	} else {
		p, ok = parsed, true
		if why, reserved := reservedTargets[strings.ToLower(p.Attribute)]; reserved && p.Schema == "" {
			bad("target", why)
			ok = false
		} else if p.IsFiltered() {
			if msg := checkFilter(p); msg != "" {
				bad("target", msg)
				ok = false
			}
		}
	}

	var kinds []string
	if r.Source != "" {
		kinds = append(kinds, "source")
	}
	if r.Value != nil {
		kinds = append(kinds, "value")
	}
	if r.Template != "" {
		kinds = append(kinds, "template")
	}
	switch len(kinds) {
	case 0:
		bad("", msgNoValueSource)
	case 1:
	default:
		bad(kinds[1], msgManyValueSources(kinds))
	}

	if r.Template != "" {
		if _, err := parseTemplate(r.Template); err != nil {
			bad("template", err.Error())
		}
	}
	if _, err := ParseTransform(r.Transform); err != nil {
		bad("transform", err.Error())
	}
	if r.IfMissing != "" && !slices.Contains(IfMissingModes, r.IfMissing) {
		bad("if_missing", msgUnknownIfMissing(r.IfMissing))
	}
	return p, ok, errs
}

// checkFilter returns why a filtered target cannot be written, or "".
func checkFilter(p scim.Path) string {
	pairs, ok := p.FilterEquals()
	if !ok {
		return msgFilterNotEq(p)
	}
	for k, v := range pairs {
		if v == nil {
			return msgFilterNull(p, k)
		}
	}
	if p.SubAttribute == "" {
		return msgFilterNoSubAttribute(p)
	}
	for k := range pairs {
		if strings.EqualFold(k, p.SubAttribute) {
			return msgFilterFixesSubAttribute(p)
		}
	}
	return ""
}
