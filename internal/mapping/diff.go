package mapping

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// ValuesEqual compares a desired and an actual value of one path. userName
// always compares case-insensitively (apps commonly lowercase it). With a
// schema: booleans, integers and decimals compare as values ("True" equals
// "true", "7.0" equals "7"), dateTimes as instants when both parse as RFC
// 3339, and other attributes case-insensitively when the schema says
// caseExact=false. Everything else, and everything when s is nil, compares
// exactly.
func ValuesEqual(path, desired, actual string, s Schemas) bool {
	if desired == actual {
		return true
	}
	p, err := parsePath(path)
	if err != nil {
		return false
	}
	if isUserName(p) {
		return strings.EqualFold(desired, actual)
	}
	t, ok := resolve(p, s)
	if !ok {
		return false
	}
	switch t.attr.Type {
	case scim.TypeBoolean, scim.TypeInteger:
		d, errD := normalize(t.attr.Type, desired)
		a, errA := normalize(t.attr.Type, actual)
		if errD == nil && errA == nil {
			return d == a
		}
	case scim.TypeDecimal:
		d, errD := parseDecimal(desired)
		a, errA := parseDecimal(actual)
		if errD == nil && errA == nil {
			return d == a
		}
	case scim.TypeDateTime:
		d, errD := time.Parse(time.RFC3339Nano, desired)
		a, errA := time.Parse(time.RFC3339Nano, actual)
		if errD == nil && errA == nil {
			return d.Equal(a)
		}
	}
	return !t.attr.CaseExact && strings.EqualFold(desired, actual)
}

// Diff computes the minimal PATCH that takes an account from the values the
// app holds (actual, as ExtractValues returns them) to the desired values (as
// Evaluate returns them). Paths compare canonically; values per ValuesEqual.
// Only paths whose value changes get an operation:
//
//   - desired, not actual: "add" of the typed value at the path;
//   - both, different: "replace" of the typed value at the path;
//   - actual, not desired (dropped from the mapping, or a source now missing
//     with if_missing "omit"): "remove" of the path.
//
// Filtered paths are handled per element, because a filtered path that
// matches no element is an error on RFC 7644 servers (noTarget): when the
// app holds none of the managed sub-attributes of an element
// (emails[type eq "work"]), one "add" on the attribute ("emails") carries the
// whole new element with its filter pairs; when none of them stays desired,
// one "remove" of the element path (emails[type eq "work"]) drops it.
//
// Attributes the app never returns (see UnreadablePaths) are absent from
// what ExtractValues reads, so Diff would add them on every run; put their
// last sent values into actual to send them only when they change.
//
// Values are typed as in BuildResource. Changing or removing an attribute the
// schema marks immutable, and removing userName or another required
// attribute, are errors: the app would reject them. Operations are sorted by
// path. Equal inputs give no operations.
func Diff(actual, desired map[string]string, s Schemas) ([]scim.PatchOp, error) {
	return diff(actual, desired, s, ValuesEqual)
}

// DiffExact is Diff for actual values that are Terraform's own record of
// the account (state) rather than what the app returned just now: a refresh
// already kept the recorded spelling of every value the app holds in an
// equal form (ValuesEqual), so any textual difference left is a change the
// configuration asks for, and is sent, a change of case included (a new
// "upper" transform on a caseExact=false attribute such as title). Diff
// would take such a change for the app's normalisation and drop it.
func DiffExact(actual, desired map[string]string, s Schemas) ([]scim.PatchOp, error) {
	return diff(actual, desired, s, func(_, desired, actual string, _ Schemas) bool { return desired == actual })
}

func diff(actual, desired map[string]string, s Schemas, equal func(path, desired, actual string, s Schemas) bool) ([]scim.PatchOp, error) {
	act, errA := indexValues(actual)
	des, errD := indexValues(desired)
	if err := errors.Join(errA, errD); err != nil {
		return nil, err
	}

	var ops []scim.PatchOp
	var errs []error
	handled := map[string]bool{}

	for _, g := range elementGroups(act, des) {
		switch {
		case len(g.actual) == 0:
			op, err := addElement(g.desired, s)
			if err != nil {
				errs = append(errs, err)
			} else {
				ops = append(ops, op)
			}
			markHandled(handled, g.desired)
		case len(g.desired) == 0:
			for _, e := range g.actual {
				if immutable(e.path, s) {
					errs = append(errs, errors.New(msgImmutableChange(e.path, e.value, "")))
				}
			}
			ops = append(ops, scim.PatchOp{Op: scim.PatchRemove, Path: elementPath(g.actual[0].path)})
			markHandled(handled, g.actual)
		}
	}

	for _, key := range unionKeys(act, des) {
		if handled[key] {
			continue
		}
		a, inActual := act[key]
		d, inDesired := des[key]
		switch {
		case inActual && inDesired:
			if equal(d.path.String(), d.value, a.value, s) {
				continue
			}
			if immutable(d.path, s) {
				errs = append(errs, errors.New(msgImmutableChange(d.path, a.value, d.value)))
				continue
			}
			ops, errs = appendValueOp(ops, errs, scim.PatchReplace, d, s)
		case inDesired:
			ops, errs = appendValueOp(ops, errs, scim.PatchAdd, d, s)
		default:
			switch {
			case required(a.path, s):
				errs = append(errs, errors.New(msgRemoveRequired(a.path)))
			case immutable(a.path, s):
				errs = append(errs, errors.New(msgImmutableChange(a.path, a.value, "")))
			default:
				ops = append(ops, scim.PatchOp{Op: scim.PatchRemove, Path: a.path.String()})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(ops, func(x, y scim.PatchOp) int { return strings.Compare(x.Path, y.Path) })
	return ops, nil
}

// pathValue is one value of a Diff input with its parsed path.
type pathValue struct {
	path  scim.Path
	value string
}

// indexValues keys values by path identity, leaving out empty values (they
// mean "unset", as in ExtractValues). Two spellings of one path are an error.
func indexValues(values map[string]string) (map[string]pathValue, error) {
	out := make(map[string]pathValue, len(values))
	var errs []error
	for _, raw := range sortedKeys(values) {
		if values[raw] == "" {
			continue
		}
		p, err := parsePath(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		key := pathKey(p)
		if prev, dup := out[key]; dup {
			errs = append(errs, errors.New(msgDuplicatePath(prev.path, raw)))
			continue
		}
		out[key] = pathValue{path: p, value: values[raw]}
	}
	return out, errors.Join(errs...)
}

// elementGroup gathers the filtered values of one multi-valued element.
type elementGroup struct {
	actual, desired []pathValue
}

// elementGroups groups filtered paths by the element they select, in a
// stable order.
func elementGroups(act, des map[string]pathValue) []elementGroup {
	groups := map[string]*elementGroup{}
	group := func(p scim.Path) *elementGroup {
		k := elementKey(p)
		if groups[k] == nil {
			groups[k] = &elementGroup{}
		}
		return groups[k]
	}
	for _, k := range sortedKeys(act) {
		if e := act[k]; e.path.IsFiltered() {
			g := group(e.path)
			g.actual = append(g.actual, e)
		}
	}
	for _, k := range sortedKeys(des) {
		if e := des[k]; e.path.IsFiltered() {
			g := group(e.path)
			g.desired = append(g.desired, e)
		}
	}
	out := make([]elementGroup, 0, len(groups))
	for _, k := range sortedKeys(groups) {
		out = append(out, *groups[k])
	}
	return out
}

// addElement is the "add" of a whole new element of a multi-valued
// attribute: its filter pairs plus the desired sub-attributes.
func addElement(values []pathValue, s Schemas) (scim.PatchOp, error) {
	first := values[0].path
	el, err := newElement(first, s)
	if err != nil {
		return scim.PatchOp{}, err
	}
	for _, e := range values {
		v, err := typedValue(e.path, e.value, s)
		if err != nil {
			return scim.PatchOp{}, err
		}
		_, sub := names(e.path, s)
		if err := setLeaf(el, sub, v, e.path); err != nil {
			return scim.PatchOp{}, err
		}
	}
	return scim.PatchOp{Op: scim.PatchAdd, Path: topName(first), Value: []any{el}}, nil
}

func appendValueOp(ops []scim.PatchOp, errs []error, op string, e pathValue, s Schemas) ([]scim.PatchOp, []error) {
	v, err := typedValue(e.path, e.value, s)
	if err != nil {
		return ops, append(errs, err)
	}
	return append(ops, scim.PatchOp{Op: op, Path: e.path.String(), Value: v}), errs
}

func markHandled(handled map[string]bool, values []pathValue) {
	for _, e := range values {
		handled[pathKey(e.path)] = true
	}
}

func unionKeys(a, b map[string]pathValue) []string {
	keys := sortedKeys(a)
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func immutable(p scim.Path, s Schemas) bool {
	t, ok := resolve(p, s)
	return ok && t.mutability(scim.MutabilityImmutable)
}
