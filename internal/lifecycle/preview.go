package lifecycle

import (
	"context"
	"errors"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Previews make linking an existing account or group visible before it
// happens: Terraform shows an adoption as a create and the first plan after
// an import as every attribute added, so neither says what the resource
// holds now. A preview names the resource and each value that applying
// will overwrite. A failed lookup previews nothing: the apply reports it.

// Preview is what linking an existing resource will change.
type Preview struct {
	// Existing is the resource that will be linked.
	Existing scim.Resource
	// By and Value are what it was found by (adoption only).
	By, Value string
	// Overwrites are the values that will change, one line each
	// (`title: "Intern" -> "Engineer"`); empty when it already matches.
	Overwrites []string
	// Refused are the changes among them the app will not make
	// (Vendor.KeptOnUpdate).
	Refused []string
}

// withRefused is p with the changes the app's vendor keeps on update.
func (a *Accounts) withRefused(p *Preview, values map[string]string) *Preview {
	if p != nil && p.Existing != nil {
		p.Refused = a.app.Settings.Vendor.RefusedChanges(a.ReadBack(p.Existing, values, false), values)
	}
	return p
}

// PreviewAdoption looks up the account a create with adoption by `by` will
// link: nil when none will be (no match, or the lookup failed); an
// *AmbiguousMatchError when several match and a *MissingLookupValueError
// when the values have no `by`, as the apply would fail.
func (a *Accounts) PreviewAdoption(ctx context.Context, by string, values map[string]string, active bool) (*Preview, error) {
	found, err := a.FindForAdoption(ctx, by, values)
	if found == nil {
		return nil, previewed(err)
	}
	return a.withRefused(&Preview{Existing: found, By: by, Value: LookupValue(values, by), Overwrites: a.OverwritesOf(found, values, active)}, values), nil
}

// PreviewCreate looks up, for a create without adoption, the account that
// applying will link instead of creating one: the one account with this
// userName when it is inactive (a rehire) or already holds exactly the
// mapped values (LinkMatching), as decideExisting decides after the app's
// 409. nil when the create will make a new account, or leaves the decision
// to the apply (no match, a lookup that failed, a match that the apply
// will refuse and explain).
func (a *Accounts) PreviewCreate(ctx context.Context, values map[string]string, active bool) (*Preview, LinkReason) {
	userName := UserNameOf(values)
	if userName == "" {
		return nil, 0
	}
	// A preview, so the listing a refresh reads may answer it: a plan of
	// many creates then costs a few pages, not one GET each.
	found, err := a.app.Client.Users().FindFromListing(ctx, "userName", userName, scim.ReadOptions{Attributes: a.ReadAttributes()})
	if err != nil || len(found) != 1 {
		return nil, 0
	}
	out, err := a.decideExisting(AccountCreate{Values: values, Active: active}, found, "", nil)
	if err != nil || out.Existing == nil {
		return nil, 0
	}
	return a.withRefused(&Preview{Existing: out.Existing, By: "userName", Value: userName, Overwrites: a.OverwritesOf(out.Existing, values, active)}, values), out.Reason
}

// PreviewImport reads an imported account before its first update: nil
// when the read fails; a Preview with no Overwrites when it already holds
// the desired values.
func (a *Accounts) PreviewImport(ctx context.Context, id string, values map[string]string, active bool) *Preview {
	existing, err := a.Get(ctx, id)
	if err != nil {
		return nil
	}
	return a.withRefused(&Preview{Existing: existing, Overwrites: a.OverwritesOf(existing, values, active)}, values)
}

// previewed is what a preview reports of a failed adoption lookup: what
// the apply would refuse too (several matches, no value to look up by). A
// lookup the app failed is left to the apply, which reports it.
func previewed(err error) error {
	var (
		ambiguous   *AmbiguousMatchError
		missing     *MissingLookupValueError
		unsupported *UnsupportedLookupError
	)
	if errors.As(err, &ambiguous) || errors.As(err, &missing) || errors.As(err, &unsupported) {
		return err
	}
	return nil
}
