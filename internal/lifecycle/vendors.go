package lifecycle

import (
	"fmt"
	"net/url"
	"regexp"
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
	// Unsupported are user attributes the app does not keep.
	Unsupported []string
	// MaxMemberChanges caps the member values one group request carries
	// (0: scim.MaxMemberChangesPerRequest).
	MaxMemberChanges int
	// hosts detects the vendor from a base URL: a host and path pattern
	// that only the vendor serves.
	hosts *regexp.Regexp
}

// vendors are the profiles the provider knows, by name.
var vendors = map[string]Vendor{
	"aws_identity_center": {
		Name:  "aws_identity_center",
		Title: "AWS IAM Identity Center",
		// https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html,
		// listgroups.html: listings ignore startIndex, attributes and
		// excludedAttributes, and page by cursor ("Including the cursor
		// parameter changes the default response format from non-paginated
		// ... to cursor-based paginated results"), at most 100 a page.
		// getgroup.html: "GetGroup and ListGroups return an empty member
		// list. To see group info for a certain member, call ListGroups
		// with a member filter."
		Defaults: Overrides{AttributesParameter: ptr(false)},
		Client:   scim.VendorBehaviour{CursorPaging: true, GroupMembersByFilter: true, MaxPageSize: 100},
		// https://docs.aws.amazon.com/singlesignon/latest/developerguide/createuser.html
		// (constraints of CreateUser).
		RequiredUserAttributes: []string{"userName", "name.givenName", "name.familyName", "displayName"},
		// https://docs.aws.amazon.com/singlesignon/latest/developerguide/limitations.html:
		// "IAM Identity Center currently does not support multi-valued
		// attributes in general for users. Examples include multiple
		// emails, addresses, and phone numbers." password, ims, photos,
		// entitlements and x509Certificates are not supported.
		SingleValued: []string{"emails", "phoneNumbers", "addresses"},
		Unsupported:  []string{"password", "ims", "photos", "entitlements", "x509Certificates"},
		// The documentation's requests go to
		// https://scim.us-east-1.amazonaws.com/{tenant_id}/scim/v2/...
		// (https://docs.aws.amazon.com/singlesignon/latest/developerguide/getgroup.html).
		hosts: regexp.MustCompile(`^scim\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[^/]+/scim/v2$`),
	},
}

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
		if strings.TrimSpace(values[p]) == "" && !hasValueFold(values, p) {
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

// hasValueFold reports a non-empty value at a path spelt in another case.
func hasValueFold(values map[string]string, p string) bool {
	for k, v := range values {
		if strings.EqualFold(k, p) && strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}
