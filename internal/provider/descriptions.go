package provider

import (
	"fmt"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
)

// ruleFieldDescriptions are the Markdown descriptions of a rule's fields, for
// the schema (and so the generated docs). They are built from the same
// slices the mapping engine's checks use, so the docs cannot drift from the
// behaviour.
var ruleFieldDescriptions = map[string]string{
	"target": "SCIM attribute path the rule writes: `userName`, `name.givenName`, " +
		"`emails[type eq \"work\"].value` (an element of a multi-valued attribute, selected by `eq` comparisons joined by `and`), " +
		"or an extension attribute with its schema URN, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`. " +
		"Names are case-insensitive. Checked against the app's `/Schemas`: the attribute must exist, be writable and take a single value.",
	"source": "Profile field whose value is copied. Exactly one of `source`, `value` and `template` is set.",
	"value": "Constant value. `\"\"` is allowed and keeps the attribute unset in the app. " +
		"Exactly one of `source`, `value` and `template` is set.",
	"template": "Text with profile fields in braces, e.g. `\"{given_name} {family_name}\"`; `{{` and `}}` are literal braces. " +
		"If any field it uses is missing or empty, the rule yields no value (see `if_missing`). " +
		"Exactly one of `source`, `value` and `template` is set.",
	"transform": fmt.Sprintf("Transform applied to the value after templating: %s. Chain several with `%s`, applied left to right, e.g. `\"trim%slower\"`.",
		codeList(mapping.Transforms), mapping.TransformSeparator, mapping.TransformSeparator),
	"if_missing": fmt.Sprintf("What a rule that yields no value (a missing or empty source field, a template field missing, an empty result) means: %s. "+
		"`%s` (the default) leaves the attribute unset, and removes it from accounts that have it; `%s` fails the plan for that account. "+
		"`userName` and attributes the app requires can never be left unset.",
		codeList(mapping.IfMissingModes), mapping.IfMissingOmit, mapping.IfMissingError),
}

// codeList renders values as a comma-separated list of Markdown code spans,
// for schema descriptions built from the lists the checks use.
func codeList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}
