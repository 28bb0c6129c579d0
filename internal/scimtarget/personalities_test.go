package scimtarget

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestPersonalities(t *testing.T) {
	all := Personalities()
	names := PersonalityNames()
	if len(all) == 0 || len(all) != len(names) || !sort.StringsAreSorted(names) {
		t.Fatalf("personalities %v", names)
	}
	for i, p := range all {
		if p.Name != names[i] || p.Summary == "" || strings.Contains(p.Summary, "\n") || len(p.Sources) == 0 {
			t.Errorf("personality %+v", p)
		}
		for _, s := range p.Sources {
			if !strings.HasPrefix(s, "https://") {
				t.Errorf("%s: source %q", p.Name, s)
			}
		}
		// Every personality builds a working target.
		New(Options{Personality: p.Name})
	}
	if _, ok := LookupPersonality("nope"); ok {
		t.Error("unknown personality found")
	}
	// The preset is handed out as a copy.
	p, ok := LookupPersonality("aws_identity_center")
	if !ok {
		t.Fatal("aws_identity_center missing")
	}
	o := p.Options()
	o.Quirks.AllowedFilters["User"][0] = "changed"
	o.Quirks.NoPutOn[0] = "changed"
	p.Sources[0] = "changed"
	again, _ := LookupPersonality("aws_identity_center")
	if a := again.Options(); a.Quirks.AllowedFilters["User"][0] == "changed" || a.Quirks.NoPutOn[0] == "changed" || again.Sources[0] == "changed" {
		t.Error("preset shared with a caller")
	}
}

// Fields the caller sets apply on top of the personality, field by field.
func TestPersonalityOverlay(t *testing.T) {
	tg := New(Options{
		Personality:  "aws_identity_center",
		BearerTokens: []string{"tok"},
		RateLimit:    7,
		Capabilities: Capabilities{Bulk: true, FilterMaxResults: 10},
		Quirks:       Quirks{NoLocationHeader: true, MaxMembersOnCreate: 5, SingleValuedMultis: []string{"emails"}},
	})
	cfg := tg.config()
	p, _ := LookupPersonality("aws_identity_center")
	preset := p.Options()
	if cfg.Personality != "aws_identity_center" || cfg.RateLimit != 7 || !reflect.DeepEqual(cfg.BearerTokens, []string{"tok"}) {
		t.Errorf("options %+v", cfg)
	}
	caps := cfg.Capabilities
	if !caps.Bulk || caps.FilterMaxResults != 10 || !caps.Patch || caps.ETag || caps.Sort || caps.BulkMaxOperations != 1 {
		t.Errorf("capabilities %+v", caps)
	}
	q := cfg.Quirks
	if !q.NoLocationHeader || q.MaxMembersOnCreate != 5 || !reflect.DeepEqual(q.SingleValuedMultis, []string{"emails"}) ||
		!q.CursorPaging || !q.HiddenGroupMembers || q.MaxMemberChangesPerPatch != 100 ||
		!reflect.DeepEqual(q.AllowedFilters, preset.Quirks.AllowedFilters) {
		t.Errorf("quirks %+v", q)
	}
	// Reset goes back to the resolved options, not to the bare defaults.
	tg.SetQuirks(func(q *Quirks) { q.CursorPaging = false })
	tg.Reset()
	if !tg.Quirks().CursorPaging || tg.Capabilities().FilterMaxResults != 10 {
		t.Errorf("after Reset: %+v %+v", tg.Quirks(), tg.Capabilities())
	}
	// Without a personality nothing changes: zero Capabilities mean the
	// defaults.
	if got := New(Options{}).Capabilities(); !reflect.DeepEqual(got, DefaultCapabilities()) {
		t.Errorf("default capabilities %+v", got)
	}
}

func TestUnknownPersonalityPanics(t *testing.T) {
	defer func() {
		r := recover()
		err, _ := r.(error)
		if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "aws_identity_center") {
			t.Errorf("recovered %v", r)
		}
	}()
	New(Options{Personality: "nope"})
}
