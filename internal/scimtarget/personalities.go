package scimtarget

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// A Personality is a named preset of Options that makes the target behave
// as one vendor's SCIM service is documented to: its Capabilities, Quirks
// and, where the vendor documents them, RateLimit and RateLimits. The target stays generic:
// a personality only combines quirks, each of which can also be used on its
// own. Select one with Options.Personality (Go) or -personality (the
// scim-target command); see Personalities for the list.
type Personality struct {
	// Name is what Options.Personality and -personality take, e.g.
	// "aws_identity_center".
	Name string
	// Summary says in one line what the personality emulates.
	Summary string
	// Sources are the vendor documents the behaviour follows; the code
	// that emulates each deviation cites its own page.
	Sources []string
	// options is the preset; Options returns a copy.
	options Options
}

// Options returns a copy of the preset.
func (p Personality) Options() Options { return p.options.clone() }

// personalities registers every personality by name.
var personalities = map[string]func() Personality{
	"aws_identity_center":   awsIdentityCenter,
	"atlassian":             atlassianPersonality,
	"databricks":            databricksPersonality,
	"github_emu":            githubEMUPersonality,
	"google_cloud_identity": googleCloudIdentity,
	"miro":                  miroPersonality,
	"salesforce":            salesforcePersonality,
	"slack":                 slackPersonality,
	"zoom":                  zoomPersonality,
}

// LookupPersonality returns the named personality.
func LookupPersonality(name string) (Personality, bool) {
	f, ok := personalities[name]
	if !ok {
		return Personality{}, false
	}
	p := f()
	p.Sources = append([]string(nil), p.Sources...)
	return p, true
}

// Personalities returns every personality, sorted by name.
func Personalities() []Personality {
	out := make([]Personality, 0, len(personalities))
	for _, name := range PersonalityNames() {
		p, _ := LookupPersonality(name)
		out = append(out, p)
	}
	return out
}

// PersonalityNames returns the names of the personalities, sorted.
func PersonalityNames() []string {
	names := make([]string, 0, len(personalities))
	for n := range personalities {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// applyPersonality resolves opts.Personality: the preset, with every field
// the caller set (non-zero) in opts laid over it, down to the fields of
// Capabilities and Quirks.
func applyPersonality(opts Options) (Options, error) {
	if opts.Personality == "" {
		return opts, nil
	}
	p, ok := LookupPersonality(opts.Personality)
	if !ok {
		return opts, fmt.Errorf("scimtarget: unknown personality %q; known: %s", opts.Personality, strings.Join(PersonalityNames(), ", "))
	}
	base := p.Options()
	overlay(reflect.ValueOf(&base).Elem(), reflect.ValueOf(opts.clone()))
	base.Personality = p.Name
	return base, nil
}

// overlay copies every non-zero field of src onto dst, recursing into
// nested structs (Capabilities, Quirks) so that they merge field by field.
func overlay(dst, src reflect.Value) {
	for i := range src.NumField() {
		s, d := src.Field(i), dst.Field(i)
		if s.Kind() == reflect.Struct {
			overlay(d, s)
			continue
		}
		if !s.IsZero() {
			d.Set(s)
		}
	}
}
