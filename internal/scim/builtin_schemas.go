package scim

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/openscim/terraform-provider-scim/internal/rfc7643"
)

// BuiltinSchemas returns the RFC 7643 §8.7.1 definitions of the core User,
// Enterprise User and core Group schemas, in that order. They stand in for
// /Schemas on servers that do not serve it, so attribute paths can still be
// checked against the standard. Each call returns a fresh copy that the caller may
// modify.
//
// The definitions are the JSON files of internal/rfc7643, the same data the
// local SCIM target serves.
func BuiltinSchemas() []Schema {
	files := rfc7643.Schemas()
	out := make([]Schema, 0, len(files))
	for _, f := range files {
		var s Schema
		if err := json.Unmarshal(f.Data, &s); err != nil {
			panic(fmt.Sprintf("scim: built-in schema %s is invalid JSON: %v", f.Name, err))
		}
		out = append(out, s)
	}
	return out
}

// builtinSchemasShared and commonAttributesShared decode the built-in
// definitions once, for lookups that only read them: attribute lookups run
// for every rule of every account in a plan.
var (
	builtinSchemasShared   = sync.OnceValue(BuiltinSchemas)
	commonAttributesShared = sync.OnceValue(commonAttributes)
)

// commonAttributes are the attributes every resource has (RFC 7643 §3 and
// §3.1), which schemas do not list but paths such as "externalId" may name.
func commonAttributes() []Attribute {
	var out []Attribute
	if err := json.Unmarshal(rfc7643.CommonAttributes(), &out); err != nil {
		panic(fmt.Sprintf("scim: built-in common attributes are invalid JSON: %v", err))
	}
	return out
}
