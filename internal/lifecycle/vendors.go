package lifecycle

import (
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
