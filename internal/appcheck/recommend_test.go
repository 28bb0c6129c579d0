package appcheck

import (
	"strings"
	"testing"
)

// wellBehaved are the observations of an app that does what it advertises.
func wellBehaved() observations {
	return observations{
		spcServed: true, spc: spcInfo{patch: true, filter: true, etag: true, maxResults: 200},
		listing: yes, indexPaging: yes, cursorPaging: no, attributes: attrsHonoured, attributesExtension: yes,
		listingCompared: true, metaVersion: yes, etagHeader: yes, groupsNoMembers: no,
	}
}

func TestRecommend(t *testing.T) {
	const plain = "https://app.example.com/scim/v2"
	const aws = "https://scim.eu-west-1.amazonaws.com/abc123/scim/v2"
	awsLike := func(o *observations) {
		o.indexPaging, o.startIndexIgnored, o.cursorPaging = no, true, yes
		o.groupsNoMembers, o.memberFilter = yes, yes
		o.attributes = attrsIgnored
		o.spc.etag, o.metaVersion, o.etagHeader = false, no, no
	}
	googleLike := func(o *observations) {
		o.listing, o.indexPaging, o.cursorPaging = no, unknown, unknown
		o.resourcesLower, o.noPagingFields = yes, yes
		o.filters = map[string]tri{"eq": yes, "and": no, "or": no, "sw": no, "co": no, "pr": no}
		o.groupsListing, o.groupsNoMembers, o.memberFilter = no, unknown, no
		o.spc.etag, o.metaVersion, o.etagHeader = false, unknown, unknown
		o.listingCompared = false
	}
	cases := []struct {
		name  string
		url   string
		edit  func(*observations)
		write *WriteReport
		want  map[string]any
		note  string
	}{
		{name: "well behaved", url: plain, edit: func(*observations) {}, want: map[string]any{}},
		{name: "etag advertised, no versions", url: plain, edit: func(o *observations) { o.metaVersion, o.etagHeader = no, no },
			want: map[string]any{"etag": false}},
		{name: "etag not advertised, versions, no write", url: plain, edit: func(o *observations) { o.spc.etag = false },
			want: map[string]any{}, note: "-write tests If-Match"},
		{name: "no user listed, the test account has no version", url: plain, edit: func(o *observations) { o.metaVersion, o.etagHeader = unknown, unknown },
			write: &WriteReport{patch: yes, versions: no}, want: map[string]any{"etag": false}},
		{name: "no user listed, no write", url: plain, edit: func(o *observations) { o.metaVersion, o.etagHeader = unknown, unknown },
			want: map[string]any{}},
		{name: "If-Match refused", url: plain, edit: func(*observations) {}, write: &WriteReport{patch: yes, ifMatch: no},
			want: map[string]any{"etag": false}},
		{name: "no PATCH although advertised", url: plain, edit: func(*observations) {}, write: &WriteReport{patch: no, patchEvidence: "PATCH /Users/1: 501"},
			want: map[string]any{"patch": false}},
		{name: "PATCH although not advertised", url: plain, edit: func(o *observations) { o.spc.patch = false }, write: &WriteReport{patch: yes},
			want: map[string]any{"patch": true}},
		{name: "attributes refused", url: plain, edit: func(o *observations) { o.attributes = attrsRefused },
			want: map[string]any{"attributes_parameter": false}},
		{name: "attributes ignored", url: plain, edit: func(o *observations) { o.attributes = attrsIgnored },
			want: map[string]any{}, note: "ignores attributes="},
		{name: "listing poorer than a read", url: plain, edit: func(o *observations) { o.listingLacks = []string{"emails", "groups"} },
			want: map[string]any{"batch_reads": false}},
		{name: "listing needs a filter", url: plain, edit: func(o *observations) { o.listing = no },
			want: map[string]any{"batch_reads": false}},
		{name: "AWS by behaviour", url: plain, edit: awsLike, want: map[string]any{"vendor": "aws_identity_center"}},
		{name: "AWS by behaviour, attributes refused too: the profile covers it", url: plain,
			edit: func(o *observations) { awsLike(o); o.attributes = attrsRefused }, want: map[string]any{"vendor": "aws_identity_center"}},
		{name: "AWS by URL", url: aws, edit: func(*observations) {}, want: map[string]any{"vendor": "aws_identity_center"}},
		{name: "partly AWS-like: no vendor", url: plain,
			edit: func(o *observations) { awsLike(o); o.memberFilter = no }, want: map[string]any{}, note: "ignores startIndex"},
		{name: "Google by behaviour", url: plain, edit: googleLike, want: map[string]any{"vendor": "google_cloud_identity"}},
		{name: "Google by behaviour, PUT refused: the profile covers it", url: plain, edit: googleLike,
			write: &WriteReport{patch: yes, put: no, putEvidence: "PUT /Users/1: 405"}, want: map[string]any{"vendor": "google_cloud_identity"}},
		{name: "partly Google-like (Resources): batch_reads only", url: plain,
			edit: func(o *observations) { googleLike(o); o.resourcesLower = no },
			want: map[string]any{"batch_reads": false}, note: "lists users only with a filter and filters them by eq alone, as Google Cloud Identity"},
		{name: "partly Google-like (members filter answered): batch_reads only", url: plain,
			edit: func(o *observations) { googleLike(o); o.memberFilter = yes }, want: map[string]any{"batch_reads": false}},
		{name: "partly Google-like (sw accepted): batch_reads only", url: plain,
			edit: func(o *observations) { googleLike(o); o.filters["sw"] = yes }, want: map[string]any{"batch_reads": false}},
		{name: "PUT refused", url: plain, edit: func(*observations) {},
			write: &WriteReport{patch: yes, put: no, putEvidence: "PUT /Users/1: 405"}, want: map[string]any{"put": false}},
		{name: "filtered PATCH paths refused", url: plain, edit: func(*observations) {},
			write: &WriteReport{patch: yes, put: yes, filteredPaths: no, filteredEvidence: "PATCH /Users/1: 400 invalidPath"},
			want:  map[string]any{"filtered_patch_paths": false}, note: `refuses PATCH paths with value filters, as GitHub Enterprise Managed Users (vendor = "github_emu"`},
		{name: "PATCH refused, PUT applied", url: plain, edit: func(*observations) {},
			write: &WriteReport{patch: no, patchRefused: true, put: yes, patchEvidence: "PATCH /Users/1: 400; PUT /Users/1: 200"},
			want:  map[string]any{"patch": false}, note: "refuses a PATCH whose change it takes by PUT, as Zoom"},
		{name: "PATCH refused, PUT too: nothing decided", url: plain, edit: func(*observations) {},
			write: &WriteReport{patch: unknown, patchRefused: true, put: unknown}, want: map[string]any{}},
		{name: "neither PATCH nor PUT", url: plain, edit: func(*observations) {},
			write: &WriteReport{patch: no, put: no}, want: map[string]any{"patch": false, "put": false}, note: "cannot update accounts"},
		{name: "DELETE deactivates", url: plain, edit: func(*observations) {},
			write: &WriteReport{patch: yes, put: yes, deleteDeactivates: yes}, want: map[string]any{},
			note: `deprovision = "delete" would leave accounts inactive`},
		{name: "Zoom by URL: its defaults are not recommended again", url: "https://api.zoom.us/scim2",
			edit:  func(o *observations) { o.listingLacks = []string{"urn:x:User:costCenter"} },
			write: &WriteReport{patch: no, patchRefused: true, put: yes}, want: map[string]any{"vendor": "zoom"}},
		{name: "pr alone refused: Databricks named in a note", url: plain,
			edit: func(o *observations) {
				o.filters = map[string]tri{"eq": yes, "and": yes, "or": yes, "sw": yes, "co": yes, "pr": no}
			}, want: map[string]any{}, note: "as Databricks"},
		{name: "nothing distinctive: the vendors are listed", url: plain, edit: func(*observations) {},
			want: map[string]any{}, note: "if the app is one of atlassian, aws_identity_center, databricks"},
	}
	for _, c := range cases {
		o := wellBehaved()
		o.filters = map[string]tri{"eq": yes, "and": yes, "or": yes, "sw": yes, "co": yes, "pr": yes}
		c.edit(&o)
		recs, notes := recommend(c.url, o, c.write)
		got := map[string]any{}
		for _, r := range recs {
			got[r.Field] = r.Value
			if r.Reason == "" || strings.Contains(r.Reason, "\n") {
				t.Errorf("%s: reason of %s %q is not one line", c.name, r.Field, r.Reason)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %+v, want %v", c.name, recs, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", c.name, k, got[k], v)
			}
		}
		if c.note != "" && !strings.Contains(strings.Join(notes, "\n"), c.note) {
			t.Errorf("%s: notes %q lack %q", c.name, notes, c.note)
		}
	}
}

func TestHCL(t *testing.T) {
	got := HCL([]Recommendation{
		{Field: "batch_reads", Value: false},
		{Field: "filtered_patch_paths", Value: false},
		{Field: "vendor", Value: "aws_identity_center"},
		{Field: "etag", Value: true},
		{Field: "put", Value: false},
	})
	want := "compatibility = {\n  vendor               = \"aws_identity_center\"\n  put                  = false\n  filtered_patch_paths = false\n" +
		"  etag                 = true\n  batch_reads          = false\n}\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if HCL(nil) != "" {
		t.Error("HCL of nothing")
	}
}

// A listed user compared with a read: top-level attributes, and the
// attributes of complex attributes and extensions one level down.
func TestLacking(t *testing.T) {
	const ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	read := map[string]any{
		"id": "1", "userName": "a", "title": "T", "emails": []any{map[string]any{"value": "a"}},
		"name": map[string]any{"givenName": "A", "familyName": "B"},
		"meta": map[string]any{"version": "1", "location": "x"},
		ext:    map[string]any{"department": "R", "costCenter": "C", "manager": map[string]any{"value": "2"}},
	}
	listed := map[string]any{
		"ID": "1", "userName": "a", "emails": []any{},
		"name": map[string]any{"GIVENNAME": "A"},
		"meta": map[string]any{},
		ext:    map[string]any{"department": "R"},
	}
	got := strings.Join(lacking(listed, read), ", ")
	want := "name.familyName, title, " + ext + ":costCenter, " + ext + ":manager"
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if l := lacking(read, read); len(l) != 0 {
		t.Errorf("a read lacks %v of itself", l)
	}
}
