package appcheck

import (
	"fmt"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// signature is the behaviour of a vendor the provider has a profile for,
// as the read-only probes see it.
type signature struct {
	vendor string
	match  func(o observations) bool
	// why says what matched, for the recommendation.
	why string
}

// signatures: a vendor is recommended from behaviour only when every trait
// of its signature was observed, never from a partial match.
var signatures = []signature{{
	vendor: "aws_identity_center",
	match: func(o observations) bool {
		return o.startIndexIgnored && o.cursorPaging == yes && o.groupsNoMembers == yes && o.memberFilter == yes
	},
	why: "the app ignores startIndex, pages by cursor, shows groups without members and answers members filters on /Groups, as",
}, {
	// https://docs.cloud.google.com/identity/docs/scim/reference/rest and
	// its customers.v2.Users/list and customers.v2.Groups/list: lists need
	// a filter, do not page, answer {"schemas", "resources",
	// "totalResults"}, filter users by userName eq alone and groups by
	// displayName or externalId eq alone; members are never returned.
	// No other documented app spells "resources" in lower case.
	vendor: "google_cloud_identity",
	match: func(o observations) bool {
		return o.listing == no && o.groupsListing == no && o.resourcesLower == yes && o.noPagingFields == yes &&
			o.onlyEq() && o.memberFilter == no
	},
	why: "the app lists users and groups only with a filter, answers lists with \"resources\" in lower case and no startIndex or itemsPerPage, " +
		"filters users by eq alone and refuses members filters on /Groups (so memberships cannot be read), as",
}}

// vendorURLs are the base URLs each vendor serves its SCIM API at, as
// its documentation gives them (see lifecycle's profiles): the provider
// applies the vendor's profile to a base URL of that form.
var vendorURLs = map[string]string{
	"aws_identity_center":   "https://scim.<region>.amazonaws.com/<tenant id>/scim/v2",
	"google_cloud_identity": "https://cloudidentityscim.googleapis.com/v1/customers/<customer id>/v2",
	"github_emu":            "https://api.github.com/scim/v2/enterprises/<enterprise>",
	"slack":                 "https://api.slack.com/scim/v2",
	"salesforce":            "https://<my domain>.my.salesforce.com/services/scim/v2",
	"databricks":            "https://accounts.cloud.databricks.com/api/2.0/accounts/<account id>/scim/v2",
	"zoom":                  "https://api.zoom.us/scim2",
	"atlassian":             "https://api.atlassian.com/scim/directory/<directory id>",
	"miro":                  "https://miro.com/api/v1/scim",
}

// hint is behaviour that a vendor's profile covers but that does not tell
// the vendor for certain (another app may do the same): it is named in a
// note, never recommended.
type hint struct {
	vendors []string
	// seen says what the app was seen to do ("refuses ..."), "" when
	// nothing was.
	seen func(o observations, w *WriteReport) string
}

var hints = []hint{{
	vendors: []string{"google_cloud_identity"},
	seen: func(o observations, _ *WriteReport) string {
		if o.listing == no && o.onlyEq() {
			return "lists users only with a filter and filters them by eq alone"
		}
		return ""
	},
}, {
	vendors: []string{"zoom"},
	seen: func(o observations, w *WriteReport) string {
		var s []string
		if len(o.listingLacks) > 0 {
			s = append(s, "lists users without attributes a read of them returns")
		}
		if w != nil && w.patch == no && w.patchRefused {
			s = append(s, "refuses a PATCH whose change it takes by PUT")
		}
		return strings.Join(s, " and ")
	},
}, {
	vendors: []string{"github_emu"},
	seen: func(_ observations, w *WriteReport) string {
		if w != nil && w.filteredPaths == no {
			return "refuses PATCH paths with value filters"
		}
		return ""
	},
}, {
	vendors: []string{"slack", "salesforce"},
	seen: func(_ observations, w *WriteReport) string {
		if w != nil && w.deleteDeactivates == yes {
			return "deactivates an account it is sent a DELETE for, instead of deleting it"
		}
		return ""
	},
}, {
	vendors: []string{"databricks"},
	seen: func(o observations, _ *WriteReport) string {
		for _, op := range []string{"eq", "and", "or", "sw", "co"} {
			if o.filters[op] != yes {
				return ""
			}
		}
		if o.filters["pr"] == no {
			return "takes the filter operators eq, and, or, sw and co but not pr"
		}
		return ""
	},
}}

// vendorNote says, when neither the URL nor the behaviour names a
// vendor, which vendors' profiles the behaviour seen suggests and the base
// URL that would make the provider apply each.
func vendorNote(o observations, w *WriteReport) string {
	var parts []string
	for _, h := range hints {
		seen := h.seen(o, w)
		if seen == "" {
			continue
		}
		var names []string
		for _, n := range h.vendors {
			v, ok := lifecycle.VendorNamed(n)
			if !ok {
				continue
			}
			names = append(names, fmt.Sprintf("%s (vendor = %q, base URL %s)", v.Title, n, vendorURLs[n]))
		}
		if len(names) > 0 {
			parts = append(parts, seen+", as "+strings.Join(names, " or ")+" does")
		}
	}
	if len(parts) == 0 {
		return "vendor: the behaviour names no vendor for certain and the base URL is none the provider knows a vendor by; " +
			"if the app is one of " + strings.Join(lifecycle.VendorNames(), ", ") + ", set vendor to it"
	}
	return "vendor: none recommended, as the behaviour does not tell the vendor for certain: the app " + strings.Join(parts, "; it ") +
		". The provider applies a vendor's profile when the base URL is the vendor's, as above; behind another URL, set vendor if the app is that vendor's"
}

// compatibilityFields are the recommendable fields of `compatibility`, in
// the order they are printed.
var compatibilityFields = []string{"vendor", "patch", "put", "filtered_patch_paths", "etag", "attributes_parameter", "batch_reads"}

// recommend derives the compatibility settings that differ from what the
// provider would use for the app on its own: the settings it derives from
// discovery (lifecycle.SettingsFor) under the vendor profile it detects
// from the base URL (lifecycle.DetectVendor). A vendor recommended from
// behaviour counts as set: its defaults are not recommended again.
func recommend(baseURL string, o observations, w *WriteReport) (recs []Recommendation, notes []string) {
	vendor := lifecycle.DetectVendor(baseURL)
	if vendor != "" {
		v, _ := lifecycle.VendorNamed(vendor)
		recs = append(recs, Recommendation{Field: "vendor", Value: vendor,
			Reason: fmt.Sprintf("the base URL is %s's; the provider detects that from the URL too, and setting it keeps the profile if the URL changes (a proxy)", v.Title)})
	} else {
		for _, s := range signatures {
			v, known := lifecycle.VendorNamed(s.vendor)
			if known && s.match(o) {
				vendor = s.vendor
				recs = append(recs, Recommendation{Field: "vendor", Value: s.vendor, Reason: s.why + " " + v.Title + " does"})
				break
			}
		}
		if vendor == "" {
			notes = append(notes, vendorNote(o, w))
		}
	}

	disc := &scim.Discovery{ServiceProviderConfig: scim.ServiceProviderConfig{
		Patch: scim.Supported{Supported: o.spc.patch},
		ETag:  scim.Supported{Supported: o.spc.etag},
	}}
	var ov lifecycle.Overrides
	if v, ok := lifecycle.VendorNamed(vendor); ok {
		ov = v.Under(ov)
	}
	base := lifecycle.SettingsFor(disc, ov)
	from := "discovery"
	if vendor != "" {
		from = "discovery and the " + vendor + " profile"
	}
	set := func(field string, want, have bool, reason string) {
		if want != have {
			recs = append(recs, Recommendation{Field: field, Value: want, Reason: reason})
		}
	}

	// patch, put and filtered_patch_paths: only a write shows whether
	// they work.
	if w != nil {
		switch {
		case w.patch == no && w.patchRefused:
			set("patch", false, base.UsePatch, "the app refused a PATCH of the test account's title and applied the same change by PUT ("+
				w.patchEvidence+"); updates then PUT the whole account")
		case w.patch == no:
			set("patch", false, base.UsePatch, "the app refused a PATCH of the test account ("+w.patchEvidence+"); updates then PUT the whole account")
		case w.patch == yes:
			set("patch", true, base.UsePatch, "the app applied a PATCH of the test account although "+from+" says it has none ("+w.patchEvidence+")")
		}
		if w.put == no {
			set("put", false, base.CanPut, "the app refused a PUT of the test account ("+w.putEvidence+")")
		}
		if w.filteredPaths == no {
			set("filtered_patch_paths", false, base.FilteredPaths, "the app refused a PATCH whose path has a value filter ("+
				w.filteredEvidence+"); such changes then go as operations on the whole attribute")
		}
		if w.patch == no && w.put == no {
			notes = append(notes, "patch and put: the app took neither a PATCH nor a PUT of the test account, so the provider cannot update accounts")
		}
		if w.deleteDeactivates == yes {
			notes = append(notes, "delete: the app answered the DELETE of the test account with success but keeps it, deactivated: "+
				"deprovision = \"delete\" would leave accounts inactive rather than remove them (Slack and Salesforce document this)")
		}
	} else if base.UsePatch && !o.spcServed {
		notes = append(notes, "patch: without /ServiceProviderConfig the provider assumes PATCH works; -write tests it on a test account")
	}

	// etag: versions seen on a read of a listed user or, when the app lists
	// none, of the test account.
	versions, noVersions := o.metaVersion == yes || o.etagHeader == yes, o.metaVersion == no && o.etagHeader == no
	if o.metaVersion == unknown && o.etagHeader == unknown && w != nil {
		versions, noVersions = w.versions == yes, w.versions == no
	}
	switch {
	case w != nil && w.ifMatch == no:
		set("etag", false, base.UseETags, "the app refused a PATCH whose If-Match carried the version it had just given (412)")
	case base.UseETags && noVersions:
		set("etag", false, base.UseETags, "a read of a user has neither meta.version nor an ETag header, so there is no version to send in If-Match")
	case !base.UseETags && versions && w != nil && w.ifMatch == yes:
		set("etag", true, base.UseETags, "reads carry versions and the app accepted a PATCH with If-Match, although "+from+" says it has no ETags")
	case !base.UseETags && versions:
		notes = append(notes, "etag: the app gives versions although "+from+" says it has no ETags; -write tests If-Match before you set etag = true")
	}

	// attributes_parameter
	switch {
	case o.attributes == attrsRefused:
		set("attributes_parameter", false, base.AttributesParam, "the app refuses the attributes parameter (attributes=userName is answered with an error)")
	case o.attributesExtension == no:
		set("attributes_parameter", false, base.AttributesParam, "the app refuses reads whose attributes parameter names an extension attribute")
	case o.attributes == attrsIgnored && base.AttributesParam:
		notes = append(notes, "attributes_parameter: the app ignores attributes=; harmless, the provider drops what it did not ask for")
	}

	// batch_reads
	switch {
	case o.listing == no:
		set("batch_reads", false, base.BatchReads, "the app refuses listings without a filter, so refreshes cannot be read from a listing")
	case len(o.listingLacks) > 0:
		set("batch_reads", false, base.BatchReads, "a listed user lacks "+strings.Join(limit(o.listingLacks, 6), ", ")+", which a read of that user returns")
	}

	switch {
	case !o.startIndexIgnored || vendor != "":
	case o.cursorPaging == yes:
		notes = append(notes, "paging: the app ignores startIndex but pages by cursor; the provider turns to cursors once it sees a page repeated")
	default:
		notes = append(notes, "paging: the app ignores startIndex and offers no cursor; listings of more than one page cannot be read whole")
	}
	if o.indexPaging == yes && o.cursorPaging == yes {
		notes = append(notes, "paging: the app pages both by index and by cursor; the provider pages by index")
	}
	return recs, notes
}

// HCL renders the recommendations as the `compatibility` argument of
// scim_connected_app; "" when there are none.
func HCL(recs []Recommendation) string {
	if len(recs) == 0 {
		return ""
	}
	byField := map[string]Recommendation{}
	width := 0
	for _, r := range recs {
		byField[r.Field] = r
		width = max(width, len(r.Field))
	}
	var b strings.Builder
	b.WriteString("compatibility = {\n")
	for _, f := range compatibilityFields {
		r, ok := byField[f]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "  %-*s = %s\n", width, f, hclValue(r.Value))
	}
	b.WriteString("}\n")
	return b.String()
}

func hclValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
