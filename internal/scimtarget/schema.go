package scimtarget

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
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

// commonAttributes are the attributes every resource has (RFC 7643 §3.1).
// They are not part of any schema resource, so they live here rather than in
// the data files; a schema that lists id or externalId itself (as the User
// schema does, for clients that look for them there) agrees with these.
var commonAttributes = []*attribute{
	{Name: "id", Type: typeString, CaseExact: true, Mutability: mutReadOnly, Returned: retAlways, Uniqueness: "server"},
	{Name: "externalId", Type: typeString, CaseExact: true, Mutability: mutReadWrite, Returned: retDefault, Uniqueness: uniqNone},
	{Name: "meta", Type: typeComplex, Mutability: mutReadOnly, Returned: retDefault, SubAttributes: []*attribute{
		{Name: "resourceType", Type: typeString, CaseExact: true, Mutability: mutReadOnly, Returned: retDefault},
		{Name: "created", Type: typeDateTime, Mutability: mutReadOnly, Returned: retDefault},
		{Name: "lastModified", Type: typeDateTime, Mutability: mutReadOnly, Returned: retDefault},
		{Name: "location", Type: typeReference, CaseExact: true, Mutability: mutReadOnly, Returned: retDefault},
		{Name: "version", Type: typeString, CaseExact: true, Mutability: mutReadOnly, Returned: retDefault},
	}},
}

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

//go:embed schemas/*.json
var schemaFiles embed.FS

// resourceTypeHooks attaches server behaviour to resource types by name;
// everything else about a resource type is data.
var resourceTypeHooks = map[string]func(doc map[string]any){
	"User": normalizeUser,
}

// builtinRegistry is parsed once; it is immutable afterwards and shared by all
// targets.
var builtinRegistry = mustLoadRegistry()

func mustLoadRegistry() *registry {
	sub, err := fs.Sub(schemaFiles, "schemas")
	if err != nil {
		panic("scimtarget: embedded schemas: " + err.Error())
	}
	reg, err := loadRegistry(sub)
	if err != nil {
		panic("scimtarget: embedded schemas: " + err.Error())
	}
	return reg
}

// loadRegistry reads every schema file (*.json) and resource_types.json from
// fsys.
func loadRegistry(fsys fs.FS) (*registry, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	reg := &registry{}
	var rtRaw []byte
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if e.Name() == "resource_types.json" {
			rtRaw = data
			continue
		}
		s := &schema{}
		if err := json.Unmarshal(data, s); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		if err := json.Unmarshal(data, &s.raw); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
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
