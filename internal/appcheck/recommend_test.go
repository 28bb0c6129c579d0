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
	}
	for _, c := range cases {
		o := wellBehaved()
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
		{Field: "vendor", Value: "aws_identity_center"},
		{Field: "etag", Value: true},
	})
	want := "compatibility = {\n  vendor      = \"aws_identity_center\"\n  etag        = true\n  batch_reads = false\n}\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if HCL(nil) != "" {
		t.Error("HCL of nothing")
	}
}
