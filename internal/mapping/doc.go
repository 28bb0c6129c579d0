// Package mapping is the attribute mapping engine: it turns a person's flat
// source profile (email, given_name, department, ...) into one app's SCIM
// attributes. It checks mapping rules on their own (ValidateRules) and
// against the app's schema (CheckSchema, SchemaWarnings), computes the
// desired values (Evaluate), renders SCIM User documents (BuildResource),
// reads the managed values back from what the app returns (ExtractValues)
// and computes the minimal PATCH between the two (Diff).
//
// Everything here is pure: no HTTP, no Terraform. Values travel as text
// keyed by canonical SCIM paths (Canonical), which is what the provider keeps
// in state and shows in plans; the schema types them only at the edges
// (BuildResource, Diff send JSON booleans and numbers).
//
// A provider uses it in this order:
//
//	plan of a mapping:   ValidateRules, then CheckSchema and SchemaWarnings
//	                     with the app's discovered schemas
//	plan of an account:  Evaluate(rules, profile, schemas) -> desired values
//	create:              BuildResource(desired, active, schemas) -> POST body
//	read:                GET with attributes=ReadAttributes(rules), then
//	                     ExtractValues(resource, ManagedPaths(rules))
//	update:              Diff(actual, desired, schemas) -> PATCH operations
//
// Conventions worth knowing:
//
//   - Paths are the same when SamePath says so: case-insensitive names
//     (RFC 7643 §2.1), the core User URN prefix optional, filter terms in
//     any order. Map keys keep the rule's spelling, canonicalised.
//   - An empty value means "unset" everywhere: Evaluate leaves it out,
//     ExtractValues leaves it out, Diff ignores it.
//   - A filtered path such as emails[type eq "work"].value designates one
//     element of a multi-valued attribute; rules with the same filter fill the
//     same element, and Diff adds or removes the element whole when it
//     appears or disappears.
//   - Problems tied to rules are *Issue values carrying the rule's index and
//     field, so diagnostics can point at the right place in configuration.
package mapping
