// Package scimtarget is an in-memory SCIM 2.0 service provider (RFC 7643 and
// RFC 7644) for the provider's acceptance tests, the demo and users' dry runs.
//
// It is written from the RFCs rather than on top of the project's SCIM client
// so that the two cannot share a misreading of the protocol: a client bug shows
// up as a failing test here instead of being mirrored by the server.
//
// Besides the SCIM endpoints the Target offers test controls, both as Go
// methods and as JSON over HTTP under /_control/: fault injection (status
// codes, latency, dropped connections, garbage bodies), out-of-band edits that
// simulate an administrator changing the application behind Terraform's back,
// schema changes (an attribute made readOnly or removed, per target, served
// by /Schemas and enforced on writes), quirks that reproduce misbehaviours of
// real SCIM servers, and a request log.
//
// Quirks are generic and composable. A personality (Options.Personality,
// the command's -personality) is a named preset of capabilities and quirks
// that reproduces one vendor's documented SCIM behaviour, such as
// "aws_identity_center", "google_cloud_identity", "github_emu", "slack",
// "salesforce", "databricks", "zoom", "atlassian" or "miro"; Personalities
// lists them with their sources. Where a vendor documents rate limits per
// endpoint, the personality sets Options.RateLimits (token buckets per
// method and path, answered with 429 and Retry-After); SetRateLimits or the
// command's -no-endpoint-limits drop them.
//
// Resource types and schemas are data: the standard RFC 7643 schemas come
// from internal/rfc7643 (the one copy the SCIM client uses too) and the
// resource types from schemas/resource_types.json, both embedded. The server
// logic is generic over resource types, so adding Groups later means adding a
// schema file, a resource type entry and, if the server computes attributes
// for it, a normalisation hook.
//
// Choices made where the RFCs leave room:
//
//   - Unknown attributes, and extension attributes whose schema URN is not
//     listed in "schemas", are rejected with 400 invalidSyntax; "schemas" is
//     required on POST and PUT. Strictness catches client bugs early.
//   - A boolean sent as a string ("true"/"false", any case) is accepted and
//     stored as a JSON boolean, as several real servers do.
//   - PATCH add/replace on a value-filtered path that matches no element
//     creates the element when the filter is a conjunction of "eq" comparisons
//     (emails[type eq "work"].value creates {"type":"work","value":...}), the
//     behaviour Azure AD style clients rely on. Other filters answer 400
//     noTarget. remove with a filter that matches nothing succeeds.
//   - PUT clears readWrite attributes that are omitted, keeps readOnly ones
//     and keeps the writeOnly password when it is omitted.
//   - A write that leaves the resource unchanged does not bump meta.version.
//   - Attributes in filters that the schema does not know answer 400
//     invalidFilter; comparing with a value of the wrong type does too.
//   - The server derives displayName from name.givenName and name.familyName,
//     and name.formatted from the name components, whenever they are absent.
package scimtarget
