package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Deprovision modes: what removing an account or a group does in the app.
const (
	Deactivate = "deactivate"
	Delete     = "delete"
	Abandon    = "abandon"
)

// AccountDeprovisionModes and GroupDeprovisionModes are the modes each
// kind accepts.
var (
	AccountDeprovisionModes = []string{Deactivate, Delete, Abandon}
	GroupDeprovisionModes   = []string{Delete, Abandon}
)

// AccountLookupAttributes are what accounts are looked up by when adopting
// or resolving a conflict.
var AccountLookupAttributes = []string{"userName", "externalId"}

// Accounts are the accounts of one app under one mapping.
type Accounts struct {
	app   *App
	rules []mapping.Rule
}

// Accounts is the app's accounts as the mapping rules manage them.
func (a *App) Accounts(rules []mapping.Rule) *Accounts { return &Accounts{app: a, rules: rules} }

// App is the app the accounts live in.
func (a *Accounts) App() *App { return a.app }

// Manages reports whether the mapping manages anything: an imported
// account has no mapping until the configuration gives it one.
func (a *Accounts) Manages() bool { return len(a.rules) > 0 }

// Desired are the values the mapping makes of profile, by canonical path.
func (a *Accounts) Desired(profile map[string]string) (map[string]string, error) {
	values, err := mapping.Evaluate(a.rules, profile, a.app.Settings.Discovery)
	if err != nil {
		return values, err
	}
	errs := RequiredByApp(values, a.app.Settings.Discovery)
	if v := a.app.Settings.Vendor; v != nil {
		errs = append(errs, v.CheckAccount(values)...)
	}
	return values, errors.Join(errs...)
}

// ReadAttributes are what a read of a managed account asks for.
func (a *Accounts) ReadAttributes() []string { return mapping.ReadAttributes(a.rules) }

// ReadBack reads the managed values from an account the app returned, as
// they compare with sent (the values last sent, or wanted now): values the
// app derives itself (displayName, name.formatted) are left out unless sent
// has them, so they are neither drift nor removed; with carryUnreadable,
// attributes the app never returns (password) take their value from sent,
// since nothing can be compared for them.
func (a *Accounts) ReadBack(res scim.Resource, sent map[string]string, carryUnreadable bool) map[string]string {
	paths := mapping.ManagedPaths(a.rules)
	got := mapping.WithoutServerDerived(mapping.ExtractValues(res, paths), sent)
	if carryUnreadable {
		for _, p := range mapping.UnreadablePaths(paths, a.app.Settings.Discovery) {
			if v, ok := sent[p]; ok {
				got[p] = v
			}
		}
	}
	return got
}

// Observed is what a refresh records of an account: the managed values it
// holds, with prior's spelling kept where the app holds an equal value
// (userName case-insensitively, caseExact=false attributes) and prior's
// value for what the app never returns.
func (a *Accounts) Observed(res scim.Resource, prior map[string]string) map[string]string {
	actual := a.ReadBack(res, prior, true)
	for p, v := range actual {
		if old, ok := prior[p]; ok && old != v && mapping.ValuesEqual(p, old, v, a.app.Settings.Discovery) {
			actual[p] = old
		}
	}
	return actual
}

// Get reads one account by itself.
func (a *Accounts) Get(ctx context.Context, id string) (scim.Resource, error) {
	return a.app.Client.Users().Get(ctx, id, scim.ReadOptions{Attributes: a.ReadAttributes()})
}

// Refresh reads one account for a refresh: from the app's listing when
// that is cheaper and the mapping names what to read; the whole account
// when no rule manages anything yet (imported).
func (a *Accounts) Refresh(ctx context.Context, id string) (scim.Resource, error) {
	if !a.Manages() {
		return a.app.Client.Users().Get(ctx, id, scim.ReadOptions{})
	}
	return a.app.Client.Users().GetFromListing(ctx, id, scim.ReadOptions{Attributes: a.ReadAttributes()})
}

// Current is an account as it is in the app now, compared with desired:
// its managed values, whether it is active, and its version.
type Current struct {
	Values  map[string]string
	Active  bool
	Version string
}

// ReadCurrent reads an account before changing it, when Terraform has no
// record of its values (imported, or the mapping was unknown).
func (a *Accounts) ReadCurrent(ctx context.Context, id string, desired map[string]string) (Current, error) {
	res, err := a.Get(ctx, id)
	if err != nil {
		return Current{}, &AppError{Doing: fmt.Sprintf("Reading the account %s before updating it", id), Err: err}
	}
	return Current{Values: a.ReadBack(res, desired, false), Active: ActiveOf(res, true), Version: res.Version()}, nil
}

// ActiveOf reads "active" from a resource; some apps send it as a string.
func ActiveOf(res scim.Resource, fallback bool) bool {
	switch v := res["active"].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return fallback
}

// UserNameOf is the userName among values (compared case-insensitively).
func UserNameOf(values map[string]string) string { return LookupValue(values, "userName") }

// LookupValue is the value the mapping yields for attribute (compared
// case-insensitively), "" when it yields none.
func LookupValue(values map[string]string, attribute string) string {
	for k, v := range values {
		if strings.EqualFold(k, attribute) {
			return v
		}
	}
	return ""
}

// ValueChanges renders, sorted by path, each managed value that differs
// between before and after (semantically, as refresh compares); line gets
// nil for the side that has no value.
func (a *Accounts) ValueChanges(before, after map[string]string, line func(p string, was, is *string) string) []string {
	var lines []string
	for _, p := range sortedKeys(before, after) {
		was, had := before[p]
		is, has := after[p]
		switch {
		case had && !has:
			lines = append(lines, line(p, &was, nil))
		case !had && has:
			lines = append(lines, line(p, nil, &is))
		case !mapping.ValuesEqual(p, was, is, a.app.Settings.Discovery):
			lines = append(lines, line(p, &was, &is))
		}
	}
	return lines
}

// Overwrites are the lines that say what bringing an account from before
// (active activeBefore) to after (activeAfter) replaces, one per value:
// `title: "Intern" -> "Engineer"`; none when nothing changes.
func (a *Accounts) Overwrites(before, after map[string]string, activeBefore, activeAfter bool) []string {
	lines := a.ValueChanges(before, after, func(p string, was, is *string) string {
		return fmt.Sprintf("%s: %s -> %s", p, QuotedOr(was, "unset"), QuotedOr(is, "removed"))
	})
	if activeBefore != activeAfter {
		lines = append(lines, fmt.Sprintf("active: %v -> %v", activeBefore, activeAfter))
	}
	return lines
}

// OverwritesOf is Overwrites for bringing existing to desired.
func (a *Accounts) OverwritesOf(existing scim.Resource, desired map[string]string, active bool) []string {
	return a.Overwrites(a.ReadBack(existing, desired, false), desired, ActiveOf(existing, true), active)
}

// QuotedOr is s quoted, or absent when s is nil.
func QuotedOr(s *string, absent string) string {
	if s == nil {
		return absent
	}
	return fmt.Sprintf("%q", *s)
}

func sortedKeys(maps ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}
