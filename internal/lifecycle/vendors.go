package lifecycle

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Vendor is what one SaaS app's SCIM implementation needs beyond what its
// discovery documents tell: compatibility defaults (an explicit
// `compatibility` switch always wins over them) and client behaviour
// (cursor paging, page size, how group members are read). Each deviation
// names the vendor documentation it comes from.
type Vendor struct {
	// Name is the `vendor` value, e.g. "aws_identity_center".
	Name string
	// Title is the product's name, for messages.
	Title string
	// Defaults are compatibility settings the vendor needs, applied
	// under the explicit ones.
	Defaults Overrides
	// Client is what the vendor switches on in the app's client.
	Client scim.VendorBehaviour
	// RequiredUserAttributes are attribute paths every account must have
	// (the app refuses a create without them), checked at plan time.
	RequiredUserAttributes []string
	// SingleValued are multi-valued attributes the app keeps one value
	// of: a mapping that gives two elements (two emails) is refused at
	// plan time instead of by the app.
	SingleValued []string
	// MarkPrimary are multi-valued attributes whose value the app refuses
	// unless it is marked primary: the provider marks the one value it
	// sends primary (SingleValued keeps it to one).
	MarkPrimary []string
	// Unsupported are user attributes the app does not keep.
	Unsupported []string
	// MaxMemberChanges caps the member values one group request carries
	// (0: scim.MaxMemberChangesPerRequest).
	MaxMemberChanges int
	// DeleteMeans is what the app's DELETE of a user does when it is not
	// a plain deletion: DeleteDeactivates or DeleteIrreversible, with
	// DeleteNote saying it in the vendor's words and where.
	DeleteMeans string
	DeleteNote  string
	// MaxPatchOperations caps the operations of one user PATCH; a longer
	// change is sent in several (0: no cap).
	MaxPatchOperations int
	// MaxGroupPatchOperations caps the operations of one group PATCH: a
	// rename is then sent apart from the member changes (0: no cap).
	MaxGroupPatchOperations int
	// ConflictDetail, when set, makes a 400 whose detail holds it a
	// conflict with an existing account, as a 409 is (Miro answers a
	// duplicate userName 400 "... 'not unique'").
	ConflictDetail string
	// GroupMemberAddWrapped sends a member addition as
	// {"members": [...]} under "value", the form the vendor documents
	// (Salesforce), instead of RFC 7644's list.
	GroupMemberAddWrapped bool
	// GroupMembersUnreadable: the app never tells a group's members (not
	// in the group, not by filter), so the provider keeps the members it
	// last wrote and cannot see a change made in the app.
	GroupMembersUnreadable bool
	// UserFilters are the attributes the app looks accounts up by (nil:
	// any). A lookup by another (adopt_by) fails at plan time, and the
	// lookups after a conflict skip it.
	UserFilters []string
	// KeptOnUpdate are attributes the app sets on create and then keeps
	// whatever an update sends (Zoom's PUT ignores displayName and
	// userName): a plan that changes one fails, saying so, instead of an
	// apply that reports values not kept.
	KeptOnUpdate     []string
	KeptOnUpdateNote string
	// GroupCreateRefused, when set, says why a group cannot be created in
	// the app (only adopted or imported): a planned create without
	// adoption fails at plan time with it.
	GroupCreateRefused string
	// GroupExternalIDRequired: the app refuses a group without an
	// externalId; a group without external_id fails at plan time.
	GroupExternalIDRequired bool
	// GroupDeleteRefused, when set, says why a group cannot be deleted in
	// the app: a group with deprovision = "delete" fails at plan time.
	GroupDeleteRefused string
	// ListingNeedsFilter: the app refuses to list accounts without a
	// filter, so nothing is read from its listing (batched refresh off)
	// and a data source that lists says why it cannot.
	ListingNeedsFilter bool
	// hosts detects the vendor from a base URL: a host and path pattern
	// that only the vendor serves.
	hosts *regexp.Regexp
}

// What a vendor's DELETE of a user does, when it is not a plain deletion.
const (
	// DeleteDeactivates: the account is deactivated, not deleted (Slack,
	// Salesforce).
	DeleteDeactivates = "deactivates"
	// DeleteIrreversible: the account is gone for good, where the app
	// offers a reversible deactivation (GitHub Enterprise Managed Users).
	DeleteIrreversible = "irreversible"
)

func ptr[T any](v T) *T { return &v }

// VendorNamed returns the profile called name.
func VendorNamed(name string) (Vendor, bool) {
	v, ok := vendors[name]
	return v, ok
}

// VendorNames are the known profiles' names, sorted.
func VendorNames() []string {
	out := make([]string, 0, len(vendors))
	for n := range vendors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// DetectVendor names the vendor that serves baseURL, "" when the URL does
// not say unambiguously.
func DetectVendor(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "https" {
		return ""
	}
	hostPath := strings.ToLower(u.Hostname()) + strings.TrimRight(u.Path, "/")
	for _, n := range VendorNames() {
		if v := vendors[n]; v.hosts != nil && v.hosts.MatchString(hostPath) {
			return n
		}
	}
	return ""
}

// Under returns o with the vendor's defaults filling what o leaves unset.
func (v Vendor) Under(o Overrides) Overrides {
	fill := func(dst **bool, def *bool) {
		if *dst == nil {
			*dst = def
		}
	}
	fill(&o.Patch, v.Defaults.Patch)
	fill(&o.Put, v.Defaults.Put)
	fill(&o.FilteredPatchPaths, v.Defaults.FilteredPatchPaths)
	fill(&o.ETag, v.Defaults.ETag)
	fill(&o.AttributesParameter, v.Defaults.AttributesParameter)
	fill(&o.BatchReads, v.Defaults.BatchReads)
	return o
}

// CheckAccount checks an account's values (attribute path to value, as the
// mapping gives them) against what the vendor documents it refuses: a
// required attribute with no value, two elements of an attribute it keeps
// one of, an attribute it does not keep. Each error says what to change.
func (v Vendor) CheckAccount(values map[string]string) []error {
	var errs []error
	for _, p := range v.RequiredUserAttributes {
		if !hasValueFold(values, p) {
			errs = append(errs, fmt.Errorf("%s requires %s on every account, and the mapping gives this account none: "+
				"add a rule for %s, or give the person the value the rule reads", v.Title, p, p))
		}
	}
	elements := map[string]map[string]bool{}
	for p := range values {
		attr, filter, ok := strings.Cut(p, "[")
		if !ok {
			continue
		}
		attr = strings.ToLower(attr)
		if elements[attr] == nil {
			elements[attr] = map[string]bool{}
		}
		elements[attr][strings.ToLower(filter[:strings.IndexByte(filter+"]", ']')])] = true
	}
	for _, a := range v.SingleValued {
		if n := len(elements[strings.ToLower(a)]); n > 1 {
			errs = append(errs, fmt.Errorf("%s keeps one value of %s per account, and the mapping gives this account %d "+
				"(rules on %s with %d different filters): keep one of those rules", v.Title, a, n, a, n))
		}
	}
	for p := range values {
		base := strings.ToLower(strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' })[0])
		for _, u := range v.Unsupported {
			if base == strings.ToLower(u) {
				errs = append(errs, fmt.Errorf("%s does not keep %s: remove the rule for %s", v.Title, u, p))
			}
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// pathWithin reports whether the attribute path k is attr itself or lies
// within it ("emails[type eq \"work\"].value" within "emails"), in any
// letter case.
func pathWithin(k, attr string) bool {
	return strings.EqualFold(k, attr) ||
		(len(k) > len(attr) && strings.EqualFold(k[:len(attr)], attr) && (k[len(attr)] == '[' || k[len(attr)] == '.'))
}

// hasValueFold reports a non-empty value at the path p, in any letter
// case, or, for a multi-valued attribute ("emails"), in any element of it.
func hasValueFold(values map[string]string, p string) bool {
	for k, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if pathWithin(k, p) {
			return true
		}
	}
	return false
}

// Shape returns doc (a user to POST or PUT) with what the vendor needs
// that a mapping does not say: the one value of each MarkPrimary
// attribute marked primary. doc is not modified.
func (v *Vendor) Shape(doc scim.Resource) scim.Resource {
	if v == nil || len(v.MarkPrimary) == 0 {
		return doc
	}
	out := make(scim.Resource, len(doc))
	for k, val := range doc {
		out[k] = val
		for _, a := range v.MarkPrimary {
			if strings.EqualFold(k, a) {
				out[k] = markedPrimary(val)
			}
		}
	}
	return out
}

// ShapeOps is Shape for PATCH operations: an operation that sets the
// elements of a MarkPrimary attribute marks its one element primary.
func (v *Vendor) ShapeOps(ops []scim.PatchOp) []scim.PatchOp {
	if v == nil || len(v.MarkPrimary) == 0 {
		return ops
	}
	out := slices.Clone(ops)
	for i, op := range out {
		for _, a := range v.MarkPrimary {
			if strings.EqualFold(strings.TrimSpace(op.Path), a) && !strings.EqualFold(op.Op, scim.PatchRemove) {
				out[i].Value = markedPrimary(op.Value)
			}
		}
	}
	return out
}

// markedPrimary is a multi-valued attribute's value with its element
// marked primary when it has exactly one and that one says nothing.
func markedPrimary(val any) any {
	list, ok := val.([]any)
	if !ok || len(list) != 1 {
		return val
	}
	e, ok := list[0].(map[string]any)
	if !ok {
		return val
	}
	if _, set := e["primary"]; set {
		return val
	}
	marked := make(map[string]any, len(e)+1)
	for k, x := range e {
		marked[k] = x
	}
	marked["primary"] = true
	return []any{marked}
}

// RequiredByApp checks an account's values against the app's own User
// schema: each writable top-level attribute it marks required needs a
// value (userName, which every mapping must give, is checked by the
// mapping). A schema the app does not serve asks for nothing more.
func RequiredByApp(values map[string]string, d *scim.Discovery) []error {
	if d == nil {
		return nil
	}
	s, ok := d.Schema(scim.SchemaUser)
	if !ok {
		return nil
	}
	var errs []error
	for _, a := range s.Attributes {
		switch {
		case !a.Required, strings.EqualFold(a.Mutability, "readOnly"),
			strings.EqualFold(a.Name, "userName"), strings.EqualFold(a.Name, "id"), strings.EqualFold(a.Name, "schemas"),
			strings.EqualFold(a.Name, "password"), hasValueFold(values, a.Name):
			continue
		}
		errs = append(errs, fmt.Errorf("the app's User schema (/Schemas) marks %s required, and the mapping gives this account none: "+
			"add a rule for %s, or give the person the value the rule reads", a.Name, a.Name))
	}
	return errs
}

// IsConflict reports an answer that means an account or group with the
// same identity exists: a 409 or scimType uniqueness (scim.IsConflict),
// or what the app's vendor answers instead (ConflictDetail).
func (v *Vendor) IsConflict(err error) bool {
	if scim.IsConflict(err) {
		return true
	}
	e, ok := scim.AsError(err)
	return ok && v != nil && v.ConflictDetail != "" && e.Status == http.StatusBadRequest && strings.Contains(e.Detail, v.ConflictDetail)
}

// shapeMemberOps are group PATCH operations with member additions in the
// form the vendor documents (GroupMemberAddWrapped) or RFC 7644's.
func (v *Vendor) shapeMemberOps(ops []scim.PatchOp) []scim.PatchOp {
	if v == nil || !v.GroupMemberAddWrapped {
		return ops
	}
	out := slices.Clone(ops)
	for i, op := range out {
		if strings.EqualFold(op.Op, scim.PatchAdd) && strings.EqualFold(op.Path, "members") {
			out[i].Value = map[string]any{"members": op.Value}
		}
	}
	return out
}

// CanFilterUsersBy reports whether the app looks accounts up by attr.
func (v *Vendor) CanFilterUsersBy(attr string) bool {
	if v == nil || v.UserFilters == nil {
		return true
	}
	return slices.ContainsFunc(v.UserFilters, func(f string) bool { return strings.EqualFold(f, attr) })
}

// RefusedChanges are the changes from actual to desired (attribute path to
// value) of attributes the app keeps on update (KeptOnUpdate), as
// "path: \"old\" -> \"new\"".
func (v *Vendor) RefusedChanges(actual, desired map[string]string) []string {
	if v == nil || len(v.KeptOnUpdate) == 0 {
		return nil
	}
	var out []string
	for _, k := range sortedKeys(actual, desired) {
		kept := slices.ContainsFunc(v.KeptOnUpdate, func(a string) bool { return pathWithin(k, a) })
		if kept && actual[k] != desired[k] {
			out = append(out, fmt.Sprintf("%s: %q -> %q", k, actual[k], desired[k]))
		}
	}
	return out
}

// UnsupportedLookupError is a lookup by an attribute the app does not
// filter accounts by.
type UnsupportedLookupError struct {
	By      string
	Vendor  string
	Filters []string
}

func (e *UnsupportedLookupError) Error() string {
	return fmt.Sprintf("%s looks accounts up only by %s, not by %s: set adopt_by to one of those", e.Vendor,
		strings.Join(e.Filters, " or "), e.By)
}
