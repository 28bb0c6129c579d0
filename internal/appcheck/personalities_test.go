package appcheck

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// seedUsers is how many users seedPersonality puts in the target: more
// than the largest page of every personality but Slack's (1,000), so that
// the page size each caps lists at shows.
const seedUsers = 205

// seedPersonality starts the target with the named personality and the
// test token, and fills it through the Go control methods (which write
// directly, past the attributes a personality requires of HTTP writes):
// three people with the enterprise attributes an HR-fed directory has
// (department, organization, costCenter, a manager), fillers up to
// seedUsers, and a group whose member is the first person.
func seedPersonality(t *testing.T, name string) (*scimtarget.Target, string) {
	t.Helper()
	target, srv := scimtarget.NewTestServer(t, scimtarget.Options{Personality: name, BearerTokens: []string{testToken}})
	var ids []string
	for _, n := range []string{"ada", "grace", "edsger"} {
		id, err := target.AddUser(map[string]any{
			"userName":    n + "@example.com",
			"externalId":  "hr-" + n,
			"displayName": n,
			"name":        map[string]any{"givenName": n, "familyName": "Test"},
			"emails":      []any{map[string]any{"value": n + "@example.com", "type": "work", "primary": true}},
			"title":       "Engineer",
			"active":      true,
			schemaEnterpriseUser: map[string]any{
				"employeeNumber": "1",
				"department":     "Research",
				"organization":   "Example",
				"costCenter":     "R-1",
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := target.SetUserAttribute(ids[0], schemaEnterpriseUser+":manager", map[string]any{"value": ids[1]}); err != nil {
		t.Fatal(err)
	}
	for i := len(ids); i < seedUsers; i++ {
		n := fmt.Sprintf("filler%03d", i)
		if _, err := target.AddUser(map[string]any{
			"userName":    n + "@example.com",
			"displayName": n,
			"name":        map[string]any{"givenName": n, "familyName": "Test"},
			"emails":      []any{map[string]any{"value": n + "@example.com", "type": "work", "primary": true}},
			"active":      true,
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := target.AddGroup(map[string]any{
		"displayName": "Engineers",
		"externalId":  "hr-engineers",
		"members":     []any{map[string]any{"value": ids[0]}},
	}); err != nil {
		t.Fatal(err)
	}
	target.ResetRequests()
	return target, scimtarget.BaseURL(srv)
}

// onlyEqFilters are the findings of an app whose user filters take eq
// alone.
var onlyEqFilters = map[string]string{
	"users.filter_eq":  "accepted",
	"users.filter_and": "refused",
	"users.filter_or":  "refused",
	"users.filter_sw":  "refused",
	"users.filter_co":  "refused",
	"users.filter_pr":  "refused",
}

// allFilters are the findings of an app whose user filters take every
// operator tried.
var allFilters = map[string]string{
	"users.filter_eq":  "accepted",
	"users.filter_and": "accepted",
	"users.filter_or":  "accepted",
	"users.filter_sw":  "accepted",
	"users.filter_co":  "accepted",
	"users.filter_pr":  "accepted",
}

// standardListing are the findings of an app that lists and pages by
// index as RFC 7644 has it.
var standardListing = map[string]string{
	"discovery.service_provider_config": "served",
	"users.listing":                     "served",
	"users.paging_index":                "works",
	"users.paging_cursor":               "not offered",
	"users.list_form":                   "standard",
	"users.attributes":                  "honoured",
	"users.attributes_extension":        "accepted",
	"groups.members":                    "yes",
	"groups.member_filter":              "not checked",
}

func merged(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// personalityCase is what the check is to report of one personality.
type personalityCase struct {
	// results are findings of the read-only check (ID to Result).
	results map[string]string
	// recs are the read-only check's recommendations, exactly.
	recs map[string]any
	// note, when set, is in the read-only check's notes.
	note string
	// writeRecs are the recommendations with -write, exactly;
	// writeNote, when set, is in its notes.
	writeRecs map[string]any
	writeNote string
	// steps is the write probe's summary of its steps.
	steps string
	// deactivates: the app's DELETE of a user deactivates it, so the
	// test account is left in the app, inactive.
	deactivates bool
	// more checks what the table does not say.
	more func(t *testing.T, rep *Report, target *scimtarget.Target)
}

var personalityCases = map[string]personalityCase{
	"aws_identity_center": {
		results: merged(onlyEqFilters, map[string]string{
			"advertised.etag":       "not supported",
			"users.listing":         "served",
			"users.paging_index":    "ignored",
			"users.paging_cursor":   "works",
			"users.page_size":       "count=1000 refused",
			"users.list_form":       "standard",
			"users.attributes":      "ignored",
			"users.etag":            "absent",
			"users.listing_vs_read": "yes",
			"groups.members":        "none shown",
			"groups.member_filter":  "works",
		}),
		recs:      map[string]any{"vendor": "aws_identity_center"},
		writeRecs: map[string]any{"vendor": "aws_identity_center"},
		steps:     "create, patch, read, patch-filtered, put, read, delete, verify",
		more: func(t *testing.T, rep *Report, _ *scimtarget.Target) {
			if f, _ := rep.Finding("groups.member_filter"); !strings.Contains(f.Detail, "the app hides members") {
				t.Errorf("member filter %+v", f)
			}
			if f, _ := rep.Finding("users.page_size"); !strings.Contains(f.Detail, "count=100 (the advertised filter.maxResults) is served") {
				t.Errorf("page size %+v", f)
			}
		},
	},
	"google_cloud_identity": {
		results: merged(onlyEqFilters, map[string]string{
			"advertised.etag":       "not supported",
			"users.listing":         "refused",
			"users.paging_index":    "not checked",
			"users.paging_cursor":   "not checked",
			"users.page_size":       "not checked",
			"users.list_form":       "non-standard",
			"users.etag":            "not checked",
			"users.listing_vs_read": "not checked",
			"groups.members":        "refused",
			"groups.member_filter":  "refused",
		}),
		recs:      map[string]any{"vendor": "google_cloud_identity"},
		writeRecs: map[string]any{"vendor": "google_cloud_identity"},
		// No PUT: refused, which the profile's put = false covers.
		steps: "create, patch, read, patch-filtered, put (failed), delete, verify",
		more: func(t *testing.T, rep *Report, _ *scimtarget.Target) {
			if f, _ := rep.Finding("users.list_form"); f.Detail != `"resources" for Resources; no startIndex or itemsPerPage` {
				t.Errorf("list form %+v", f)
			}
			if f, _ := rep.Finding("users.listing"); !strings.Contains(f.Detail, "only with a filter (tooMany)") {
				t.Errorf("listing %+v", f)
			}
			if w := rep.Write; w != nil && (w.put != no || w.patch != yes) {
				t.Errorf("write: put %v, patch %v", w.put, w.patch)
			}
		},
	},
	"github_emu": {
		results: merged(standardListing, onlyEqFilters, map[string]string{
			"users.page_size":       "at most 200",
			"users.etag":            "present",
			"users.listing_vs_read": "yes",
		}),
		recs:      map[string]any{},
		note:      "if the app is one of atlassian, aws_identity_center",
		writeRecs: map[string]any{"filtered_patch_paths": false},
		writeNote: `refuses PATCH paths with value filters, as GitHub Enterprise Managed Users (vendor = "github_emu", base URL https://api.github.com/scim/v2/enterprises/<enterprise>)`,
		// The first create lacks the externalId GitHub requires.
		steps: "create (failed), create, patch, read, patch-filtered (failed), put, read, delete, verify",
		more: func(t *testing.T, rep *Report, target *scimtarget.Target) {
			// GitHub refuses requests without a User-Agent: every
			// request carried the check's.
			for _, r := range target.Requests() {
				if ua := r.Header.Get("User-Agent"); ua != "scim-app-check/test" {
					t.Errorf("%s %s: User-Agent %q", r.Method, r.Path, ua)
				}
			}
			if w := rep.Write; w != nil && (!strings.HasSuffix(w.Steps[1].Evidence, "(with externalId): 201") || w.filteredPaths != no) {
				t.Errorf("write steps %+v", w.Steps)
			}
		},
	},
	"slack": {
		results: merged(standardListing, allFilters, map[string]string{
			"advertised.filter":     "supported",
			"users.page_size":       "no limit seen",
			"users.etag":            "present",
			"users.listing_vs_read": "yes",
		}),
		recs:        map[string]any{},
		writeRecs:   map[string]any{},
		writeNote:   `deactivates an account it is sent a DELETE for, instead of deleting it, as Slack (vendor = "slack"`,
		steps:       "create, patch, read, patch-filtered, put, read, delete, verify (failed)",
		deactivates: true,
		more: func(t *testing.T, rep *Report, _ *scimtarget.Target) {
			if f, _ := rep.Finding("advertised.filter"); f.Detail != "maxResults 1000" {
				t.Errorf("filter %+v", f)
			}
		},
	},
	"salesforce": {
		results: merged(standardListing, allFilters, map[string]string{
			"advertised.etag":            "not supported",
			"advertised.change_password": "supported",
			"advertised.sort":            "not supported",
			"users.page_size":            "at most 200",
			"users.etag":                 "absent",
			"users.listing_vs_read":      "yes",
		}),
		recs:        map[string]any{},
		writeRecs:   map[string]any{},
		writeNote:   `or Salesforce (vendor = "salesforce"`,
		steps:       "create, patch, read, patch-filtered, put, read, delete, verify (failed)",
		deactivates: true,
	},
	"databricks": {
		results: merged(standardListing, allFilters, map[string]string{
			"users.filter_pr":       "refused",
			"users.page_size":       "at most 100",
			"users.etag":            "present",
			"users.listing_vs_read": "yes",
		}),
		recs:      map[string]any{},
		note:      "takes the filter operators eq, and, or, sw and co but not pr, as Databricks",
		writeRecs: map[string]any{},
		steps:     "create, patch, read, patch-filtered, put, read, delete, verify",
		more: func(t *testing.T, rep *Report, _ *scimtarget.Target) {
			if f, _ := rep.Finding("users.page_size"); f.Detail != fmt.Sprintf("asked for 1000 of %d users, the app served 100", seedUsers) {
				t.Errorf("page size %+v", f)
			}
		},
	},
	"zoom": {
		results: merged(standardListing, onlyEqFilters, map[string]string{
			"users.page_size":       "at most 200",
			"users.etag":            "present",
			"users.listing_vs_read": "no",
		}),
		recs:      map[string]any{"batch_reads": false},
		note:      `lists users without attributes a read of them returns, as Zoom (vendor = "zoom", base URL https://api.zoom.us/scim2)`,
		writeRecs: map[string]any{"batch_reads": false, "patch": false},
		writeNote: "lists users without attributes a read of them returns and refuses a PATCH whose change it takes by PUT, as Zoom",
		steps:     "create, patch (failed), read, put, read, delete, verify",
		more: func(t *testing.T, rep *Report, _ *scimtarget.Target) {
			f, _ := rep.Finding("users.listing_vs_read")
			for _, a := range []string{"manager", "organization", "costCenter"} {
				if !strings.Contains(f.Evidence, schemaEnterpriseUser+":"+a) {
					t.Errorf("listing vs read lacks no %s: %s", a, f.Evidence)
				}
			}
			if strings.Contains(f.Evidence, "department") {
				t.Errorf("listing vs read: %s", f.Evidence)
			}
		},
	},
	"atlassian": {
		results: merged(standardListing, onlyEqFilters, map[string]string{
			"advertised.sort":       "not supported",
			"users.page_size":       "at most 200",
			"users.etag":            "present",
			"users.listing_vs_read": "yes",
		}),
		recs:      map[string]any{},
		note:      "the behaviour names no vendor for certain",
		writeRecs: map[string]any{},
		steps:     "create, patch, read, patch-filtered, put, read, delete, verify",
	},
	"miro": {
		results: merged(standardListing, allFilters, map[string]string{
			"users.page_size":       "at most 200",
			"users.etag":            "present",
			"users.listing_vs_read": "yes",
		}),
		recs:      map[string]any{},
		note:      "the behaviour names no vendor for certain",
		writeRecs: map[string]any{},
		steps:     "create, patch, read, patch-filtered, put, read, delete, verify",
	},
}

// The check against each personality of the local target: the findings
// that characterise the vendor, the settings it recommends (read-only and
// with -write), that these never contradict the vendor's profile and,
// with -write, give every setting the profile sets, and that -write
// leaves nothing behind, or says truthfully what it leaves.
func TestPersonalities(t *testing.T) {
	names := scimtarget.PersonalityNames()
	if len(names) != len(personalityCases) {
		t.Errorf("personalities %v, cases for %d", names, len(personalityCases))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			c, ok := personalityCases[name]
			if !ok {
				t.Fatalf("no case for the personality %s", name)
			}
			profile, ok := lifecycle.VendorNamed(name)
			if !ok {
				t.Fatalf("no vendor profile %s", name)
			}
			target, base := seedPersonality(t, name)
			if lifecycle.DetectVendor(base) != "" {
				t.Fatalf("the vendor shows in the URL %s", base)
			}

			rep := check(t, base, Config{})
			wantResults(t, rep, c.results)
			wantRecs(t, "read-only", rep, c.recs)
			agreesWithProfile(t, "read-only", rep, profile, false)
			if c.note != "" && !strings.Contains(strings.Join(rep.Notes, "\n"), c.note) {
				t.Errorf("notes lack %q:\n%s", c.note, strings.Join(rep.Notes, "\n"))
			}
			if out := text(t, rep); strings.Contains(out, testToken) {
				t.Error("the token reached the output")
			}
			noWrites(t, target)
			for _, r := range target.Requests() {
				if !r.HasAuthorization || r.Header.Get("User-Agent") != "scim-app-check/test" {
					t.Errorf("%s %s: Authorization %v, User-Agent %q", r.Method, r.Path, r.HasAuthorization, r.Header.Get("User-Agent"))
				}
			}
			if c.more != nil {
				c.more(t, rep, target)
			}

			before := len(target.Users())
			var progress bytes.Buffer
			rep = check(t, base, Config{Write: true, Progress: &progress})
			w := rep.Write
			if w == nil || w.ID == "" {
				t.Fatalf("write report %+v", w)
			}
			wantRecs(t, "-write", rep, c.writeRecs)
			agreesWithProfile(t, "-write", rep, profile, true)
			if c.writeNote != "" && !strings.Contains(strings.Join(rep.Notes, "\n"), c.writeNote) {
				t.Errorf("-write notes lack %q:\n%s", c.writeNote, strings.Join(rep.Notes, "\n"))
			}
			if got := strings.TrimPrefix(w.Summary(), "test account "+w.UserName+": "); !strings.HasPrefix(got, c.steps+"; ") {
				t.Errorf("write steps: %s, want %s", got, c.steps)
			}
			left, there := target.FindUserByUserName(w.UserName)
			if c.deactivates {
				if w.Gone || w.deleteDeactivates != yes || !there || left["active"] != false {
					t.Errorf("gone %v, deactivates %v, left in the app %v %v", w.Gone, w.deleteDeactivates, there, left)
				}
				for _, want := range []string{"deactivated", "its DELETE deactivates", w.ID} {
					if !strings.Contains(w.Left, want) {
						t.Errorf("left %q lacks %q", w.Left, want)
					}
				}
				if !strings.Contains(progress.String(), "LEFT IN THE APP: the test account is still in the app, deactivated") ||
					!strings.Contains(strings.Join(rep.Notes, "\n"), `delete: the app answered the DELETE of the test account with success but keeps it, deactivated`) {
					t.Errorf("progress:\n%s\nnotes: %q", progress.String(), rep.Notes)
				}
				if n := len(target.Users()); n != before+1 {
					t.Errorf("%d users after -write, %d before", n, before)
				}
			} else {
				if !w.Gone || w.Left != "" || there || w.deleteDeactivates != unknown {
					t.Errorf("gone %v, left %q, still in the app %v", w.Gone, w.Left, there)
				}
				if n := len(target.Users()); n != before {
					t.Errorf("%d users after -write, %d before", n, before)
				}
				if !strings.Contains(progress.String(), "is gone") {
					t.Errorf("progress:\n%s", progress.String())
				}
			}
			if n := len(target.Groups()); n != 1 {
				t.Errorf("%d groups", n)
			}
			if c.more != nil {
				c.more(t, rep, target)
			}
		})
	}
}

// wantRecs checks the recommendations are exactly want.
func wantRecs(t *testing.T, what string, rep *Report, want map[string]any) {
	t.Helper()
	got := recommended(rep)
	if len(got) != len(want) {
		t.Errorf("%s: recommendations %+v, want %v", what, rep.Recommendations, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %v, want %v (%+v)", what, k, got[k], v, rep.Recommendations)
		}
	}
}

// agreesWithProfile checks that no recommendation contradicts the
// vendor's profile (a vendor recommended is the profile's, a switch is
// never the opposite of one of its Defaults) and, when complete (with
// -write, which tries every setting), that following the recommendations
// gives every setting the profile's Defaults set.
func agreesWithProfile(t *testing.T, what string, rep *Report, profile lifecycle.Vendor, complete bool) {
	t.Helper()
	var ov lifecycle.Overrides
	fields := map[string]**bool{
		"patch": &ov.Patch, "put": &ov.Put, "filtered_patch_paths": &ov.FilteredPatchPaths, "etag": &ov.ETag,
		"attributes_parameter": &ov.AttributesParameter, "batch_reads": &ov.BatchReads,
	}
	defaults := map[string]*bool{
		"patch": profile.Defaults.Patch, "put": profile.Defaults.Put, "filtered_patch_paths": profile.Defaults.FilteredPatchPaths,
		"etag": profile.Defaults.ETag, "attributes_parameter": profile.Defaults.AttributesParameter, "batch_reads": profile.Defaults.BatchReads,
	}
	vendor := ""
	for _, r := range rep.Recommendations {
		if r.Field == "vendor" {
			vendor, _ = r.Value.(string)
			if vendor != profile.Name {
				t.Errorf("%s: vendor = %q recommended for %s", what, vendor, profile.Name)
			}
			continue
		}
		dst, ok := fields[r.Field]
		b, isBool := r.Value.(bool)
		if !ok || !isBool {
			t.Errorf("%s: recommendation %+v", what, r)
			continue
		}
		*dst = &b
		if d := defaults[r.Field]; d != nil && *d != b {
			t.Errorf("%s: %s = %v contradicts the %s profile's %v", what, r.Field, b, profile.Name, *d)
		}
	}
	if !complete {
		return
	}
	if v, ok := lifecycle.VendorNamed(vendor); ok {
		ov = v.Under(ov)
	}
	s := rep.obs.spc
	disc := &scim.Discovery{ServiceProviderConfig: scim.ServiceProviderConfig{
		Patch: scim.Supported{Supported: s.patch}, ETag: scim.Supported{Supported: s.etag},
	}}
	got := lifecycle.SettingsFor(disc, ov)
	want := lifecycle.SettingsFor(disc, profile.Under(lifecycle.Overrides{}))
	for _, f := range []struct {
		name      string
		got, want bool
		set       *bool
	}{
		{"patch", got.UsePatch, want.UsePatch, profile.Defaults.Patch},
		{"put", got.CanPut, want.CanPut, profile.Defaults.Put},
		{"filtered_patch_paths", got.FilteredPaths, want.FilteredPaths, profile.Defaults.FilteredPatchPaths},
		{"etag", got.UseETags, want.UseETags, profile.Defaults.ETag},
		{"attributes_parameter", got.AttributesParam, want.AttributesParam, profile.Defaults.AttributesParameter},
		{"batch_reads", got.BatchReads, want.BatchReads, profile.Defaults.BatchReads},
	} {
		if f.set != nil && f.got != f.want {
			t.Errorf("%s: following the recommendations gives %s = %v, the %s profile sets %v", what, f.name, f.got, profile.Name, f.want)
		}
	}
}

// Salesforce documents /ServiceProviderConfigs, the SCIM 1.1 name; where
// the SCIM 2.0 name is missing, the check reads it there, as the provider
// does, instead of assuming what the provider assumes without one.
func TestServiceProviderConfigsAlias(t *testing.T) {
	target, _ := seedPersonality(t, "salesforce")
	h := target.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep := check(t, srv.URL+scimtarget.BasePath, Config{})
	wantResults(t, rep, map[string]string{
		"discovery.service_provider_config": "served",
		"advertised.etag":                   "not supported",
		"advertised.change_password":        "supported",
		"users.etag":                        "absent",
	})
	f, _ := rep.Finding("discovery.service_provider_config")
	if !strings.Contains(f.Detail, "/ServiceProviderConfigs") ||
		!strings.Contains(f.Evidence, "GET /ServiceProviderConfig: 404; GET /ServiceProviderConfigs: 200") {
		t.Errorf("finding %+v", f)
	}
	if f, _ := rep.Finding("advertised.etag"); f.Evidence != "/ServiceProviderConfig etag.supported = false" {
		t.Errorf("etag %+v", f)
	}
	if len(rep.Recommendations) != 0 {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}

	// Neither name: missing, and what the provider assumes.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/ServiceProviderConfig") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv2.Close)
	rep = check(t, srv2.URL+scimtarget.BasePath, Config{})
	wantResults(t, rep, map[string]string{"discovery.service_provider_config": "missing", "advertised.etag": "not supported"})
	if f, _ := rep.Finding("discovery.service_provider_config"); !strings.Contains(f.Evidence, "GET /ServiceProviderConfigs: 404") {
		t.Errorf("finding %+v", f)
	}
}

// The base URLs the notes give for each vendor are ones the provider
// detects the vendor by.
func TestVendorURLs(t *testing.T) {
	if len(vendorURLs) != len(lifecycle.VendorNames()) {
		t.Errorf("URLs for %d vendors, %d profiles", len(vendorURLs), len(lifecycle.VendorNames()))
	}
	for _, name := range lifecycle.VendorNames() {
		u, ok := vendorURLs[name]
		if !ok {
			t.Errorf("no URL for %s", name)
			continue
		}
		r := strings.NewReplacer("<region>", "eu-west-1", "<tenant id>", "d-123", "<customer id>", "C0abc", "<enterprise>", "acme",
			"<my domain>", "acme", "<account id>", "1234", "<directory id>", "abcd")
		if got := lifecycle.DetectVendor(r.Replace(u)); got != name {
			t.Errorf("%s: %s is detected as %q", name, u, got)
		}
	}
}
