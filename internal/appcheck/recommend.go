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
}}

// compatibilityFields are the recommendable fields of `compatibility`, in
// the order they are printed.
var compatibilityFields = []string{"vendor", "patch", "etag", "attributes_parameter", "batch_reads"}

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

	// patch: only a write shows whether PATCH works.
	if w != nil {
		switch w.patch {
		case no:
			set("patch", false, base.UsePatch, "the app refused a PATCH of the test account ("+w.patchEvidence+"); updates then PUT the whole account")
		case yes:
			set("patch", true, base.UsePatch, "the app applied a PATCH of the test account although "+from+" says it has none ("+w.patchEvidence+")")
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
