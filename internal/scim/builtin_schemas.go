package scim

import (
	"encoding/json"
	"fmt"
	"sync"
)

// BuiltinSchemas returns the RFC 7643 §8.7.1 definitions of the core User
// and Enterprise User schemas. They stand in for /Schemas on servers that do
// not serve it, so attribute paths can still be checked against the
// standard. Each call returns a fresh copy that the caller may modify.
func BuiltinSchemas() []Schema {
	var out []Schema
	if err := json.Unmarshal([]byte(builtinSchemasJSON), &out); err != nil {
		panic(fmt.Sprintf("scim: built-in schemas are invalid JSON: %v", err))
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

// commonAttributes are the attributes every resource has (RFC 7643 §3.1),
// which schemas do not list but paths such as "externalId" may name.
func commonAttributes() []Attribute {
	var out []Attribute
	if err := json.Unmarshal([]byte(commonAttributesJSON), &out); err != nil {
		panic(fmt.Sprintf("scim: built-in common attributes are invalid JSON: %v", err))
	}
	return out
}

// builtinSchemasJSON is RFC 7643 §8.7.1 (descriptions abridged), kept as
// JSON so it can be compared with the RFC text and with servers' /Schemas.
const builtinSchemasJSON = `
[
 {
  "id": "urn:ietf:params:scim:schemas:core:2.0:User",
  "name": "User",
  "description": "User Account",
  "attributes": [
   {
    "name": "userName",
    "type": "string",
    "multiValued": false,
    "description": "Unique identifier for the User, typically used by the user to directly authenticate to the service provider.",
    "required": true,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "server"
   },
   {
    "name": "name",
    "type": "complex",
    "multiValued": false,
    "description": "The components of the user's real name.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "formatted",
      "type": "string",
      "multiValued": false,
      "description": "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "familyName",
      "type": "string",
      "multiValued": false,
      "description": "The family name of the User, or last name in most Western languages.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "givenName",
      "type": "string",
      "multiValued": false,
      "description": "The given name of the User, or first name in most Western languages.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "middleName",
      "type": "string",
      "multiValued": false,
      "description": "The middle name(s) of the User.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "honorificPrefix",
      "type": "string",
      "multiValued": false,
      "description": "The honorific prefix(es) of the User, or title in most Western languages.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "honorificSuffix",
      "type": "string",
      "multiValued": false,
      "description": "The honorific suffix(es) of the User, or suffix in most Western languages.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "displayName",
    "type": "string",
    "multiValued": false,
    "description": "The name of the User, suitable for display to end-users.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "nickName",
    "type": "string",
    "multiValued": false,
    "description": "The casual way to address the user in real life.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "profileUrl",
    "type": "reference",
    "multiValued": false,
    "description": "A fully qualified URL pointing to a page representing the User's online profile.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "referenceTypes": [
     "external"
    ]
   },
   {
    "name": "title",
    "type": "string",
    "multiValued": false,
    "description": "The user's title, such as \"Vice President\".",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "userType",
    "type": "string",
    "multiValued": false,
    "description": "Used to identify the relationship between the organization and the user.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "preferredLanguage",
    "type": "string",
    "multiValued": false,
    "description": "Indicates the User's preferred written or spoken language.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "locale",
    "type": "string",
    "multiValued": false,
    "description": "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "timezone",
    "type": "string",
    "multiValued": false,
    "description": "The User's time zone in the 'Olson' time zone database format, e.g. 'America/Los_Angeles'.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "active",
    "type": "boolean",
    "multiValued": false,
    "description": "A Boolean value indicating the User's administrative status.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "password",
    "type": "string",
    "multiValued": false,
    "description": "The User's cleartext password.",
    "required": false,
    "caseExact": false,
    "mutability": "writeOnly",
    "returned": "never",
    "uniqueness": "none"
   },
   {
    "name": "emails",
    "type": "complex",
    "multiValued": true,
    "description": "Email addresses for the user.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "Email addresses for the user.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "canonicalValues": [
       "work",
       "home",
       "other"
      ]
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "phoneNumbers",
    "type": "complex",
    "multiValued": true,
    "description": "Phone numbers for the User.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "Phone number of the User.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "canonicalValues": [
       "work",
       "home",
       "mobile",
       "fax",
       "pager",
       "other"
      ]
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "ims",
    "type": "complex",
    "multiValued": true,
    "description": "Instant messaging addresses for the User.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "Instant messaging address for the User.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "canonicalValues": [
       "aim",
       "gtalk",
       "icq",
       "xmpp",
       "msn",
       "skype",
       "qq",
       "yahoo"
      ]
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "photos",
    "type": "complex",
    "multiValued": true,
    "description": "URLs of photos of the User.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "reference",
      "multiValued": false,
      "description": "URL of a photo of the User.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "referenceTypes": [
       "external"
      ]
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "canonicalValues": [
       "photo",
       "thumbnail"
      ]
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "addresses",
    "type": "complex",
    "multiValued": true,
    "description": "A physical mailing address for this User.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "formatted",
      "type": "string",
      "multiValued": false,
      "description": "The full mailing address, formatted for display or use with a mailing label.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "streetAddress",
      "type": "string",
      "multiValued": false,
      "description": "The full street address component.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "locality",
      "type": "string",
      "multiValued": false,
      "description": "The city or locality component.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "region",
      "type": "string",
      "multiValued": false,
      "description": "The state or region component.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "postalCode",
      "type": "string",
      "multiValued": false,
      "description": "The zip code or postal code component.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "country",
      "type": "string",
      "multiValued": false,
      "description": "The country name component.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function, e.g., 'work' or 'home'.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "canonicalValues": [
       "work",
       "home",
       "other"
      ]
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred address.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "groups",
    "type": "complex",
    "multiValued": true,
    "description": "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
    "required": false,
    "caseExact": false,
    "mutability": "readOnly",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "The identifier of the User's group.",
      "required": false,
      "caseExact": false,
      "mutability": "readOnly",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "$ref",
      "type": "reference",
      "multiValued": false,
      "description": "The URI of the corresponding 'Group' resource to which the user belongs.",
      "required": false,
      "caseExact": false,
      "mutability": "readOnly",
      "returned": "default",
      "uniqueness": "none",
      "referenceTypes": [
       "User",
       "Group"
      ]
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readOnly",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
      "required": false,
      "caseExact": false,
      "mutability": "readOnly",
      "returned": "default",
      "uniqueness": "none",
      "canonicalValues": [
       "direct",
       "indirect"
      ]
     }
    ]
   },
   {
    "name": "entitlements",
    "type": "complex",
    "multiValued": true,
    "description": "A list of entitlements for the User that represent a thing the User has.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "The value of an entitlement.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "roles",
    "type": "complex",
    "multiValued": true,
    "description": "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "The value of a role.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   },
   {
    "name": "x509Certificates",
    "type": "complex",
    "multiValued": true,
    "description": "A list of certificates issued to the User.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "binary",
      "multiValued": false,
      "description": "The value of an X.509 certificate.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "display",
      "type": "string",
      "multiValued": false,
      "description": "A human-readable name, primarily used for display purposes.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "type",
      "type": "string",
      "multiValued": false,
      "description": "A label indicating the attribute's function.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "primary",
      "type": "boolean",
      "multiValued": false,
      "description": "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   }
  ]
 },
 {
  "id": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  "name": "EnterpriseUser",
  "description": "Enterprise User",
  "attributes": [
   {
    "name": "employeeNumber",
    "type": "string",
    "multiValued": false,
    "description": "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "costCenter",
    "type": "string",
    "multiValued": false,
    "description": "Identifies the name of a cost center.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "organization",
    "type": "string",
    "multiValued": false,
    "description": "Identifies the name of an organization.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "division",
    "type": "string",
    "multiValued": false,
    "description": "Identifies the name of a division.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "department",
    "type": "string",
    "multiValued": false,
    "description": "Identifies the name of a department.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "manager",
    "type": "complex",
    "multiValued": false,
    "description": "The User's manager.",
    "required": false,
    "caseExact": false,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
    "subAttributes": [
     {
      "name": "value",
      "type": "string",
      "multiValued": false,
      "description": "The id of the SCIM resource representing the User's manager.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none"
     },
     {
      "name": "$ref",
      "type": "reference",
      "multiValued": false,
      "description": "The URI of the SCIM resource representing the User's manager.",
      "required": false,
      "caseExact": false,
      "mutability": "readWrite",
      "returned": "default",
      "uniqueness": "none",
      "referenceTypes": [
       "User"
      ]
     },
     {
      "name": "displayName",
      "type": "string",
      "multiValued": false,
      "description": "The displayName of the User's manager.",
      "required": false,
      "caseExact": false,
      "mutability": "readOnly",
      "returned": "default",
      "uniqueness": "none"
     }
    ]
   }
  ]
 }
]`

// commonAttributesJSON is RFC 7643 §3.1 in the §7 attribute-definition form.
const commonAttributesJSON = `
[
 {
  "name": "id",
  "type": "string",
  "multiValued": false,
  "description": "A unique identifier for a SCIM resource as defined by the service provider.",
  "required": false,
  "caseExact": true,
  "mutability": "readOnly",
  "returned": "always",
  "uniqueness": "server"
 },
 {
  "name": "externalId",
  "type": "string",
  "multiValued": false,
  "description": "A String that is an identifier for the resource as defined by the provisioning client.",
  "required": false,
  "caseExact": true,
  "mutability": "readWrite",
  "returned": "default",
  "uniqueness": "none"
 },
 {
  "name": "schemas",
  "type": "reference",
  "multiValued": true,
  "description": "The schemas that define the resource's attributes.",
  "required": true,
  "caseExact": true,
  "mutability": "readWrite",
  "returned": "default",
  "uniqueness": "none",
  "referenceTypes": [
   "uri"
  ]
 },
 {
  "name": "meta",
  "type": "complex",
  "multiValued": false,
  "description": "A complex attribute containing resource metadata.",
  "required": false,
  "caseExact": false,
  "mutability": "readOnly",
  "returned": "default",
  "uniqueness": "none",
  "subAttributes": [
   {
    "name": "resourceType",
    "type": "string",
    "multiValued": false,
    "description": "The name of the resource type of the resource.",
    "required": false,
    "caseExact": true,
    "mutability": "readOnly",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "created",
    "type": "dateTime",
    "multiValued": false,
    "description": "The DateTime that the resource was added to the service provider.",
    "required": false,
    "caseExact": false,
    "mutability": "readOnly",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "lastModified",
    "type": "dateTime",
    "multiValued": false,
    "description": "The most recent DateTime that the details of this resource were updated at the service provider.",
    "required": false,
    "caseExact": false,
    "mutability": "readOnly",
    "returned": "default",
    "uniqueness": "none"
   },
   {
    "name": "location",
    "type": "reference",
    "multiValued": false,
    "description": "The URI of the resource being returned.",
    "required": false,
    "caseExact": true,
    "mutability": "readOnly",
    "returned": "default",
    "uniqueness": "none",
    "referenceTypes": [
     "uri"
    ]
   },
   {
    "name": "version",
    "type": "string",
    "multiValued": false,
    "description": "The version of the resource being returned.",
    "required": false,
    "caseExact": true,
    "mutability": "readOnly",
    "returned": "default",
    "uniqueness": "none"
   }
  ]
 }
]`
