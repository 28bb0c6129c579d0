package scim

import (
	"bytes"
	"encoding/json"
	"fmt"

	filter "github.com/scim2/filter-parser/v2"
)

// EqFilter builds `attr eq "value"`, the filter used to find an existing
// account. The value is escaped as a JSON string, which is what RFC 7644
// §3.4.2.2 specifies for filter literals, so quotes and backslashes in user
// data cannot change the filter's meaning. Servers differ on case
// sensitivity (userName is caseExact=false in the RFC but some compare it
// exactly), so pass the value exactly as it was stored.
func EqFilter(attr, value string) string {
	return attr + " eq " + quoteFilterValue(value)
}

// quoteFilterValue returns s as a quoted JSON string literal for use in a
// SCIM filter. HTML characters are left alone (no \u003c): they need no
// escaping and some filter parsers do not decode \u escapes.
func quoteFilterValue(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// ValidateFilter reports whether s is a SCIM filter as RFC 7644 §3.4.2.2
// defines it (`userName sw "a" and active eq true`), with the parser's
// message when it is not, so a bad filter fails at plan time rather than
// as an app's 400.
func ValidateFilter(s string) error {
	if _, err := filter.ParseFilter([]byte(s)); err != nil {
		return fmt.Errorf("%q is not a SCIM filter (RFC 7644 §3.4.2.2): %v", s, err)
	}
	return nil
}
