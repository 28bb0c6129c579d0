package scimtarget

import (
	_ "embed" // resource_types.json
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/rfc7643"
)

// Well-known URNs (RFC 7643 §8, RFC 7644 §3).
const (
	urnCoreUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	urnEnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	urnListResponse   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	urnError          = "urn:ietf:params:scim:api:messages:2.0:Error"
	urnPatchOp        = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	urnSearchRequest  = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	urnBulkRequest    = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
	urnBulkResponse   = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
	urnSPConfig       = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	urnResourceType   = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	urnSchema         = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

// Attribute types, mutabilities and returned values of RFC 7643 §2 and §7.
const (
	typeString    = "string"
	typeBoolean   = "boolean"
	typeDecimal   = "decimal"
	typeInteger   = "integer"
	typeDateTime  = "dateTime"
	typeBinary    = "binary"
	typeReference = "reference"
	typeComplex   = "complex"

	mutReadOnly  = "readOnly"
	mutReadWrite = "readWrite"
	mutImmutable = "immutable"
	mutWriteOnly = "writeOnly"

	retAlways  = "always"
	retNever   = "never"
	retDefault = "default"
	retRequest = "request"

	uniqNone = "none"
)

// attribute is an attribute definition as in RFC 7643 §7. The server's
// validation, filtering, projection and PATCH logic is driven by it.
type attribute struct {
	Name            string       `json:"name"`
	Type            string       `json:"type"`
	SubAttributes   []*attribute `json:"subAttributes"`
	MultiValued     bool         `json:"multiValued"`
	Required        bool         `json:"required"`
	CanonicalValues []string     `json:"canonicalValues"`
	CaseExact       bool         `json:"caseExact"`
	Mutability      string       `json:"mutability"`
	Returned        string       `json:"returned"`
	Uniqueness      string       `json:"uniqueness"`
	ReferenceTypes  []string     `json:"referenceTypes"`
}

// sub finds a sub-attribute by name; attribute names are case-insensitive
// (RFC 7643 §2.1).
func (a *attribute) sub(name string) *attribute {
	return findAttr(a.SubAttributes, name)
}

func (a *attribute) isComplex() bool { return a.Type == typeComplex }

func findAttr(attrs []*attribute, name string) *attribute {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// schema is a parsed schema resource. raw is served verbatim (plus meta) by
// /Schemas so that what is advertised is exactly the data file.
type schema struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Attributes  []*attribute `json:"attributes"`
	raw         map[string]any
}

func (s *schema) attr(name string) *attribute { return findAttr(s.Attributes, name) }

// commonAttributes are the attributes every resource has (RFC 7643 §3.1):
// id, externalId and meta, from the shared definitions in internal/rfc7643.
// They are not part of any schema resource; the User schema as served lists
// id and externalId as well (see withCommonAttributes), in agreement with
// these. "schemas" (RFC 7643 §3) is left out, as it always was here: the
// server handles it apart from the attributes.
var commonAttributes = mustCommonAttributes()

func mustCommonAttributes() []*attribute {
	var attrs []*attribute
	if err := json.Unmarshal(rfc7643.CommonAttributes(), &attrs); err != nil {
		panic("scimtarget: common attributes: " + err.Error())
	}
	out := attrs[:0]
	for _, a := range attrs {
		if a.Name == "schemas" {
			continue
		}
		fillDefaults(a)
		out = append(out, a)
	}
	return out
}

// servedCommonAttributes are the common attributes the User schema lists
// when served, in this order. RFC 7643 §8.7.1 lists them in no schema; the
// target serves them in the User schema for clients that look for them there.
var servedCommonAttributes = []string{"id", "externalId"}

// schemaExtension is a ResourceType.schemaExtensions entry.
type schemaExtension struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

// resourceType is a parsed ResourceType resource plus the server behaviour
// attached to it.
type resourceType struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Endpoint         string            `json:"endpoint"`
	Description      string            `json:"description"`
	Schema           string            `json:"schema"`
	SchemaExtensions []schemaExtension `json:"schemaExtensions"`
	raw              map[string]any

	core       *schema
	extensions []*schema
	// normalize fills server-computed attributes after every write.
	normalize func(doc map[string]any)
}

// extension returns the extension schema with the given URN (URNs compare
// case-insensitively) or nil.
func (rt *resourceType) extension(urn string) *schema {
	for _, s := range rt.extensions {
		if strings.EqualFold(s.ID, urn) {
			return s
		}
	}
	return nil
}

// topAttr resolves an unprefixed or core-prefixed top-level attribute name.
func (rt *resourceType) topAttr(name string) *attribute {
	if a := findAttr(commonAttributes, name); a != nil {
		return a
	}
	return rt.core.attr(name)
}

// registry holds all schemas and resource types the target serves.
type registry struct {
	schemas       []*schema // in file order, for /Schemas
	resourceTypes []*resourceType
}

// resourceTypesJSON is the target's own data: which resource types it
// serves. The schemas themselves are the standard ones of internal/rfc7643,
// shared with the SCIM client.
//
//go:embed schemas/resource_types.json
var resourceTypesJSON []byte

// resourceTypeHooks attaches server behaviour to resource types by name;
// everything else about a resource type is data.
var resourceTypeHooks = map[string]func(doc map[string]any){
	"User":  normalizeUser,
	"Group": normalizeGroup,
}

// builtinRegistry is parsed once; it is immutable afterwards and shared by all
// targets.
var builtinRegistry = mustLoadRegistry()

func mustLoadRegistry() *registry {
	var files []dataFile
	for _, f := range rfc7643.Schemas() {
		files = append(files, dataFile{name: f.Name, data: f.Data})
	}
	files = append(files, dataFile{name: "resource_types.json", data: resourceTypesJSON})
	reg, err := buildRegistry(files)
	if err != nil {
		panic("scimtarget: built-in schemas: " + err.Error())
	}
	return reg
}

// dataFile is one schema file or resource_types.json.
type dataFile struct {
	name string
	data []byte
}

// buildRegistry parses schema files and resource_types.json (told apart by
// name) into a registry.
func buildRegistry(files []dataFile) (*registry, error) {
	reg := &registry{}
	var rtRaw []byte
	for _, f := range files {
		if f.name == "resource_types.json" {
			rtRaw = f.data
			continue
		}
		s := &schema{}
		if err := json.Unmarshal(f.data, s); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if err := json.Unmarshal(f.data, &s.raw); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if strings.EqualFold(s.ID, urnCoreUser) {
			if err := withCommonAttributes(s); err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
		}
		for _, a := range s.Attributes {
			fillDefaults(a)
		}
		reg.schemas = append(reg.schemas, s)
	}
	// Core schemas first, then extensions, so /Schemas reads naturally.
	sortSchemas(reg.schemas)
	if rtRaw == nil {
		return nil, fmt.Errorf("resource_types.json is missing")
	}
	var raws []map[string]any
	if err := json.Unmarshal(rtRaw, &raws); err != nil {
		return nil, fmt.Errorf("resource_types.json: %w", err)
	}
	var rts []*resourceType
	if err := json.Unmarshal(rtRaw, &rts); err != nil {
		return nil, fmt.Errorf("resource_types.json: %w", err)
	}
	for i, rt := range rts {
		rt.raw = raws[i]
		rt.core = reg.schema(rt.Schema)
		if rt.core == nil {
			return nil, fmt.Errorf("resource type %s: unknown schema %s", rt.Name, rt.Schema)
		}
		for _, ext := range rt.SchemaExtensions {
			s := reg.schema(ext.Schema)
			if s == nil {
				return nil, fmt.Errorf("resource type %s: unknown extension %s", rt.Name, ext.Schema)
			}
			rt.extensions = append(rt.extensions, s)
		}
		rt.normalize = resourceTypeHooks[rt.Name]
		reg.resourceTypes = append(reg.resourceTypes, rt)
	}
	return reg, nil
}

// withCommonAttributes puts the definitions of servedCommonAttributes at the
// start of the schema's attributes, both parsed and as served, unless the
// schema lists them already.
func withCommonAttributes(s *schema) error {
	var defs []*attribute
	var raws []map[string]any
	common := rfc7643.CommonAttributes()
	if err := json.Unmarshal(common, &defs); err != nil {
		return err
	}
	if err := json.Unmarshal(common, &raws); err != nil {
		return err
	}
	rawAttrs, _ := s.raw["attributes"].([]any)
	var addAttrs []*attribute
	var addRaw []any
	for _, name := range servedCommonAttributes {
		if s.attr(name) != nil {
			continue
		}
		for i, d := range defs {
			if d.Name == name {
				addAttrs = append(addAttrs, d)
				addRaw = append(addRaw, raws[i])
			}
		}
	}
	s.Attributes = append(addAttrs, s.Attributes...)
	s.raw["attributes"] = append(addRaw, rawAttrs...)
	return nil
}

func sortSchemas(ss []*schema) {
	isExt := func(s *schema) bool { return strings.Contains(s.ID, ":extension:") }
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && !isExt(ss[j]) && isExt(ss[j-1]); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

// fillDefaults applies the defaults of RFC 7643 §7 so that the logic never
// sees an empty mutability or returned value.
func fillDefaults(a *attribute) {
	if a.Type == "" {
		a.Type = typeString
	}
	if a.Mutability == "" {
		a.Mutability = mutReadWrite
	}
	if a.Returned == "" {
		a.Returned = retDefault
	}
	if a.Uniqueness == "" {
		a.Uniqueness = uniqNone
	}
	for _, s := range a.SubAttributes {
		fillDefaults(s)
	}
}

func (r *registry) schema(urn string) *schema {
	for _, s := range r.schemas {
		if strings.EqualFold(s.ID, urn) {
			return s
		}
	}
	return nil
}

// resourceTypeByEndpoint finds the resource type served at the first path
// segment ("/Users"). Endpoints are matched case-sensitively, as URL paths are.
func (r *registry) resourceTypeByEndpoint(endpoint string) *resourceType {
	for _, rt := range r.resourceTypes {
		if rt.Endpoint == endpoint {
			return rt
		}
	}
	return nil
}

func (r *registry) resourceTypeByName(name string) *resourceType {
	for _, rt := range r.resourceTypes {
		if rt.Name == name || rt.ID == name {
			return rt
		}
	}
	return nil
}
