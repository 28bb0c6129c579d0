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

// The presets of the later personalities are handed out as deep copies
// too, rate limits included.
func TestPersonalityPresetCopies(t *testing.T) {
	for _, name := range []string{"google_cloud_identity", "slack", "atlassian", "miro"} {
		p, _ := LookupPersonality(name)
		o := p.Options()
		for k := range o.Quirks.MaxPatchOperations {
			o.Quirks.MaxPatchOperations[k] = -1
		}
		for k := range o.Quirks.HiddenAttributes {
			o.Quirks.HiddenAttributes[k][0] = "changed"
		}
		for k := range o.Quirks.ConflictDetails {
			o.Quirks.ConflictDetails[k] = "changed"
		}
		for i := range o.RateLimits {
			o.RateLimits[i].Methods[0] = "changed"
		}
		again, _ := LookupPersonality(name)
		a := again.Options()
		for k, v := range a.Quirks.MaxPatchOperations {
			if v == -1 {
				t.Errorf("%s: MaxPatchOperations[%s] shared", name, k)
			}
		}
		for k, v := range a.Quirks.HiddenAttributes {
			if v[0] == "changed" {
				t.Errorf("%s: HiddenAttributes[%s] shared", name, k)
			}
		}
		for k, v := range a.Quirks.ConflictDetails {
			if v == "changed" {
				t.Errorf("%s: ConflictDetails[%s] shared", name, k)
			}
		}
		for _, r := range a.RateLimits {
			if r.Methods[0] == "changed" {
				t.Errorf("%s: rate limit methods shared", name)
			}
		}
		if o := New(Options{Personality: name}).config(); o.Personality != name {
			t.Errorf("%s: resolved as %q", name, o.Personality)
		}
	}
	// A target's own copy is not the preset's either.
	tg := New(Options{Personality: "slack"})
	rules := tg.RateLimits()
	rules[0].Methods[0] = "changed"
	if tg.RateLimits()[0].Methods[0] == "changed" {
		t.Error("RateLimits shares its rules")
	}
}
