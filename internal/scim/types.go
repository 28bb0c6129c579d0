// Package scim is a SCIM 2.0 client (RFC 7643 / RFC 7644) for provisioning
// user accounts into a service provider. It has no Terraform imports: the
// provider layers plans and state on top of it, and everything about HTTP,
// authentication, retries, rate limits, discovery, PATCH building, paging and
// error decoding lives here.
package scim

// Schema and message URNs from RFC 7643 / RFC 7644.
const (
	SchemaUser                  = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaGroup                 = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterpriseUser        = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	schemaServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	schemaResourceType          = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	schemaSchema                = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	messageListResponse         = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	messagePatchOp              = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	messageError                = "urn:ietf:params:scim:api:messages:2.0:Error"
	messageSearchRequest        = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
)

// Resource is a SCIM resource as the service provider returned it (or as it
// will be sent): decoded JSON, with nested objects as map[string]any and
// multi-valued attributes as []any. Keeping it generic lets the client carry
// any schema extension without knowing it in advance.
type Resource map[string]any

// ID returns the resource's "id", or "" when absent.
func (r Resource) ID() string {
	s, _ := r["id"].(string)
	return s
}

// Meta returns the resource's "meta" object, or nil.
func (r Resource) Meta() map[string]any {
	m, _ := r["meta"].(map[string]any)
	return m
}

// Location returns meta.location, or "".
func (r Resource) Location() string {
	s, _ := r.Meta()["location"].(string)
	return s
}

// Version returns meta.version (the resource's ETag), or "".
func (r Resource) Version() string {
	s, _ := r.Meta()["version"].(string)
	return s
}

// ServiceProviderConfig is RFC 7643 §5.
type ServiceProviderConfig struct {
	DocumentationURI      string                 `json:"documentationUri,omitempty"`
	Patch                 Supported              `json:"patch"`
	Bulk                  BulkConfig             `json:"bulk"`
	Filter                FilterConfig           `json:"filter"`
	ChangePassword        Supported              `json:"changePassword"`
	Sort                  Supported              `json:"sort"`
	ETag                  Supported              `json:"etag"`
	AuthenticationSchemes []AuthenticationScheme `json:"authenticationSchemes"`
}

// Supported is the {"supported": bool} object of RFC 7643 §5.
type Supported struct {
	Supported bool `json:"supported"`
}

// BulkConfig is the "bulk" object of RFC 7643 §5.
type BulkConfig struct {
	Supported      bool `json:"supported"`
	MaxOperations  int  `json:"maxOperations"`
	MaxPayloadSize int  `json:"maxPayloadSize"`
}

// FilterConfig is the "filter" object of RFC 7643 §5.
type FilterConfig struct {
	Supported  bool `json:"supported"`
	MaxResults int  `json:"maxResults"`
}

// AuthenticationScheme is one entry of "authenticationSchemes" (RFC 7643 §5).
type AuthenticationScheme struct {
	Type             string `json:"type"`
	Name             string `json:"name"`
	Description      string `json:"description,omitempty"`
	SpecURI          string `json:"specUri,omitempty"`
	DocumentationURI string `json:"documentationUri,omitempty"`
	Primary          bool   `json:"primary,omitempty"`
}

// ResourceType is RFC 7643 §6.
type ResourceType struct {
	ID               string            `json:"id,omitempty"`
	Name             string            `json:"name"`
	Description      string            `json:"description,omitempty"`
	Endpoint         string            `json:"endpoint"`
	Schema           string            `json:"schema"`
	SchemaExtensions []SchemaExtension `json:"schemaExtensions,omitempty"`
}

// SchemaExtension is one entry of a resource type's "schemaExtensions".
type SchemaExtension struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

// Schema is RFC 7643 §7.
type Schema struct {
	ID          string      `json:"id"`
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	Attributes  []Attribute `json:"attributes"`
}

// Attribute types (RFC 7643 §2.3).
const (
	TypeString    = "string"
	TypeBoolean   = "boolean"
	TypeDecimal   = "decimal"
	TypeInteger   = "integer"
	TypeDateTime  = "dateTime"
	TypeBinary    = "binary"
	TypeReference = "reference"
	TypeComplex   = "complex"
)

// Mutability values (RFC 7643 §7).
const (
	MutabilityReadOnly  = "readOnly"
	MutabilityReadWrite = "readWrite"
	MutabilityImmutable = "immutable"
	MutabilityWriteOnly = "writeOnly"
)

// Attribute is one attribute definition of a Schema (RFC 7643 §7).
type Attribute struct {
	Name            string      `json:"name"`
	Type            string      `json:"type"`
	MultiValued     bool        `json:"multiValued"`
	Description     string      `json:"description,omitempty"`
	Required        bool        `json:"required"`
	CaseExact       bool        `json:"caseExact"`
	Mutability      string      `json:"mutability,omitempty"`
	Returned        string      `json:"returned,omitempty"`
	Uniqueness      string      `json:"uniqueness,omitempty"`
	CanonicalValues []string    `json:"canonicalValues,omitempty"`
	ReferenceTypes  []string    `json:"referenceTypes,omitempty"`
	SubAttributes   []Attribute `json:"subAttributes,omitempty"`
}

// listResponse is RFC 7644 §3.4.2. Resources is filled from "Resources" or,
// for servers that spell it so, "resources".
type listResponse struct {
	TotalResults int        `json:"totalResults"`
	ItemsPerPage int        `json:"itemsPerPage"`
	StartIndex   int        `json:"startIndex"`
	Resources    []Resource `json:"Resources"`
	// NextCursor is the cursor of the next page of a cursor listing
	// (draft-ietf-scim-cursor-pagination); empty on the last page.
	NextCursor string `json:"nextCursor"`
}

// Patch operation names (RFC 7644 §3.5.2).
const (
	PatchAdd     = "add"
	PatchReplace = "replace"
	PatchRemove  = "remove"
)

// PatchOp is one operation of a PATCH request. Path is empty for operations
// whose Value is an object of attributes to merge.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// PatchRequest is the body of a PATCH request (RFC 7644 §3.5.2).
type PatchRequest struct {
	Schemas    []string  `json:"schemas"`
	Operations []PatchOp `json:"Operations"`
}
