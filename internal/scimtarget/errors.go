package scimtarget

import (
	"fmt"
	"net/http"
)

// scimType values of RFC 7644 §3.12.
const (
	errInvalidFilter = "invalidFilter"
	errUniqueness    = "uniqueness"
	errMutability    = "mutability"
	errInvalidSyntax = "invalidSyntax"
	errInvalidPath   = "invalidPath"
	errNoTarget      = "noTarget"
	errInvalidValue  = "invalidValue"
)

// scimError is an error that becomes an RFC 7644 §3.12 error response.
type scimError struct {
	status   int
	scimType string
	detail   string
}

func (e *scimError) Error() string {
	if e.scimType != "" {
		return fmt.Sprintf("%d %s: %s", e.status, e.scimType, e.detail)
	}
	return fmt.Sprintf("%d: %s", e.status, e.detail)
}

func newError(status int, scimType, format string, args ...any) *scimError {
	return &scimError{status: status, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

func badRequest(scimType, format string, args ...any) *scimError {
	return newError(http.StatusBadRequest, scimType, format, args...)
}

func notFound(format string, args ...any) *scimError {
	return newError(http.StatusNotFound, "", format, args...)
}

// errorBody renders the RFC 7644 §3.12 error document; status is a string
// there, which some clients get wrong, so it matters that the target is exact.
func errorBody(status int, scimType, detail string) map[string]any {
	body := map[string]any{
		"schemas": []string{urnError},
		"status":  fmt.Sprint(status),
	}
	if scimType != "" {
		body["scimType"] = scimType
	}
	if detail != "" {
		body["detail"] = detail
	}
	return body
}
