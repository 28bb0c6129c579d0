package lifecycle

import (
	"fmt"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// The errors a lifecycle operation returns. Each says what was being done
// (Doing, e.g. `Creating the account "alice@example.com"`) and carries what
// the app answered, so the caller can tell the user what happened and what
// to do; the texts users read are written where the errors become
// diagnostics.

// AppError is a call to the app that failed: Err is the client's error
// (a *scim.Error, *scim.ResponseError, *scim.AmbiguousError or a transport
// error).
type AppError struct {
	Doing string
	Err   error
}

func (e *AppError) Error() string { return fmt.Sprintf("%s failed: %v", e.Doing, e.Err) }
func (e *AppError) Unwrap() error { return e.Err }

// MissingLookupValueError is an adoption that looks resources up by an
// attribute the desired values lack.
type MissingLookupValueError struct {
	// By is the attribute (userName, externalId, displayName).
	By string
}

func (e *MissingLookupValueError) Error() string {
	return fmt.Sprintf("adoption looks up by %s, but no %s is set", e.By, e.By)
}

// AmbiguousMatchError is an adoption lookup that found more than one
// resource: nothing is linked or created.
type AmbiguousMatchError struct {
	By, Value string
	Found     []scim.Resource
}

func (e *AmbiguousMatchError) Error() string {
	return fmt.Sprintf("%d resources have %s %q", len(e.Found), e.By, e.Value)
}

// BuildError is a resource that cannot be built from the desired values.
type BuildError struct {
	Doing string
	Err   error
}

func (e *BuildError) Error() string { return fmt.Sprintf("%s: %v", e.Doing, e.Err) }
func (e *BuildError) Unwrap() error { return e.Err }

// UnknownOutcomeError is a create whose answer was lost or unusable (Cause)
// and whose lookup afterwards did not settle whether it was made: the
// lookup failed (LookupErr) or found several (Found). Nothing else was
// sent.
type UnknownOutcomeError struct {
	Doing     string
	Cause     error
	LookupErr error
	Found     []scim.Resource
	// Stopped: Terraform stopped the provider (Ctrl-C) or the operation's
	// time ran out while the write was in flight.
	Stopped bool
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("%s: outcome unknown (%v)", e.Doing, e.Cause)
}
func (e *UnknownOutcomeError) Unwrap() error { return e.Cause }

// ConflictKind says why an existing resource that stands in the way of a
// create was not linked.
type ConflictKind int

const (
	// ConflictNotVisible: the app reports a conflict but lists no match.
	ConflictNotVisible ConflictKind = iota
	// ConflictSeveral: several resources match.
	ConflictSeveral
	// ConflictActive: one active account matches, adoption is off, and
	// linking it would change it (Changes).
	ConflictActive
	// ConflictLookupFailed: looking the conflicting resource up failed.
	ConflictLookupFailed
	// ConflictGroupDiffers: one group matches, adoption is off, and
	// linking it would change more than add members (Changes).
	ConflictGroupDiffers
)

// ConflictError is a create that met an existing resource (Cause, a 409 or
// what a lookup after an unknown outcome found) that it may not link.
// Identifiers names what was looked up ("userName "a" or externalId "1"").
type ConflictError struct {
	Kind        ConflictKind
	Doing       string
	Cause       error
	LookupErr   error
	Found       []scim.Resource
	Identifiers string
	// Changes are what linking the one match would change
	// (ConflictActive, ConflictGroupDiffers), one line each.
	Changes []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: conflicts with an existing resource (%v)", e.Doing, e.Cause)
}
func (e *ConflictError) Unwrap() error { return e.Cause }

// PlanError is an update whose PATCH cannot be computed.
type PlanError struct {
	Doing string
	Err   error
}

func (e *PlanError) Error() string { return fmt.Sprintf("%s: %v", e.Doing, e.Err) }
func (e *PlanError) Unwrap() error { return e.Err }

// ChangedError is a write the app refused with 412: the resource changed
// after it was last read. Changes are the managed values that differ now
// (`title: was "A", now "B"`), read again after the refusal; ReadErr is set
// when that read failed.
type ChangedError struct {
	Doing      string
	IfMatch    string
	NowVersion string
	Changes    []string
	ReadErr    error
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s: changed since it was read (HTTP 412, If-Match %s)", e.Doing, e.IfMatch)
}

// GoneError is a write to a resource the app no longer has (404).
type GoneError struct {
	Doing string
	Err   error
}

func (e *GoneError) Error() string { return fmt.Sprintf("%s: no longer exists", e.Doing) }
func (e *GoneError) Unwrap() error { return e.Err }
