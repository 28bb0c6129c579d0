// Package rfc7643 holds the standard SCIM 2.0 schema definitions of RFC 7643
// as JSON data, embedded once and shared by the two programs that need them:
// the SCIM client (internal/scim), which falls back on them when an app does
// not serve /Schemas, and the local SCIM target (internal/scimtarget), which
// serves them. Keeping a single copy means the client and the target cannot
// drift apart on what the standard says.
//
// The files, in the attribute-definition form of RFC 7643 §7:
//
//   - user.json: the core User schema
//     (urn:ietf:params:scim:schemas:core:2.0:User, RFC 7643 §4.1), as
//     represented in §8.7.1, with the RFC's descriptions.
//   - enterprise_user.json: the Enterprise User extension
//     (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User, §4.3), as
//     represented in §8.7.1.
//   - group.json: the core Group schema
//     (urn:ietf:params:scim:schemas:core:2.0:Group, §4.2), as represented in
//     §8.7.1: displayName is "required": false there although its
//     description says REQUIRED, and members has no "display"
//     sub-attribute, which §4.2 mentions; the file keeps §8.7.1 as it is.
//   - common_attributes.json: the attributes every resource has whatever its
//     schemas: "id", "externalId" and "meta" (§3.1) and "schemas" (§3). No
//     schema lists them, as in §8.7.1, so they are kept apart.
//
// The schema files carry no "meta": whoever serves them adds it. The package
// is data only: it imports nothing but embed, so it is free of Terraform and
// of either program's logic.
package rfc7643

import "embed"

// URNs of the schemas in this package.
const (
	UserSchemaURN           = "urn:ietf:params:scim:schemas:core:2.0:User"
	EnterpriseUserSchemaURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	GroupSchemaURN          = "urn:ietf:params:scim:schemas:core:2.0:Group"
)

// File names of the embedded data.
const (
	UserFile             = "user.json"
	EnterpriseUserFile   = "enterprise_user.json"
	GroupFile            = "group.json"
	CommonAttributesFile = "common_attributes.json"
)

//go:embed user.json enterprise_user.json group.json common_attributes.json
var files embed.FS

// File is one embedded schema representation: its file name and its JSON.
type File struct {
	Name string
	Data []byte
}

// Schemas returns the schema representations: the core User schema, the
// Enterprise User extension, then the core Group schema. Each Data is a JSON object in the form
// /Schemas serves (RFC 7643 §7) and a fresh copy the caller may modify.
func Schemas() []File {
	return []File{
		{Name: UserFile, Data: mustRead(UserFile)},
		{Name: EnterpriseUserFile, Data: mustRead(EnterpriseUserFile)},
		{Name: GroupFile, Data: mustRead(GroupFile)},
	}
}

// CommonAttributes returns the JSON array of the common attributes'
// definitions (RFC 7643 §3 and §3.1), a fresh copy the caller may modify.
func CommonAttributes() []byte {
	return mustRead(CommonAttributesFile)
}

func mustRead(name string) []byte {
	data, err := files.ReadFile(name)
	if err != nil {
		// The names are fixed and embedded at build time.
		panic("rfc7643: " + err.Error())
	}
	return data
}
