package scimtarget

import (
	"fmt"
	"net/http"
	"strings"
)

// Schema changes at run time: an app that makes an attribute readOnly or
// stops supporting it after a client was set up. They affect only the Target
// they are made on: the first change copies the registry (builtinRegistry is
// shared by every target, and tests run in parallel), later ones replace
// that copy with a changed copy of it. What /Schemas serves and how writes
// are validated both follow the change. Stored resources are left as they
// are: an attribute removed from the schema keeps its values in existing
// resources, as in an app that hides a field without erasing it.

// registry returns the registry in force: this target's changed copy, or
// the one it started with.
func (t *Target) registry() *registry {
	if r := t.changedReg.Load(); r != nil {
		return r
	}
	return t.reg
}

// mutabilities are the values RFC 7643 §7 allows for "mutability".
var mutabilities = []string{mutReadOnly, mutReadWrite, mutImmutable, mutWriteOnly}

// SetAttributeMutability changes the mutability of one attribute of a schema
// this target serves. schemaURN is the schema's id
// ("urn:ietf:params:scim:schemas:core:2.0:User"); attrPath is an attribute of
// it ("title") or a sub-attribute ("name.givenName"); names compare
// case-insensitively. mutability is readOnly, readWrite, immutable or
// writeOnly. /Schemas serves the change and writes are checked against it
// from the next request on. The common attributes (id, externalId, meta) are
// not part of any schema and cannot be changed. Errors for an unknown schema
// or attribute wrap ErrNotFound.
func (t *Target) SetAttributeMutability(schemaURN, attrPath, mutability string) error {
	return t.setAttributeProperty(schemaURN, attrPath, "mutability", mutability, mutabilities,
		func(a *attribute, v string) { a.Mutability = v })
}

// setAttributeProperty sets one property of a schema attribute (key, as
// /Schemas spells it) to value, which must be one of allowed
// (case-insensitively): in the attribute the target checks writes against
// (set) and in the document /Schemas serves.
func (t *Target) setAttributeProperty(schemaURN, attrPath, key, value string, allowed []string, set func(*attribute, string)) error {
	canonical := ""
	for _, v := range allowed {
		if strings.EqualFold(v, value) {
			canonical = v
		}
	}
	if canonical == "" {
		return fmt.Errorf("scimtarget: %s %q is not one of %s", key, value, strings.Join(allowed, ", "))
	}
	return t.changeSchema(schemaURN, attrPath, func(parent *[]*attribute, i int, rawParent map[string]any, rawKey string, j int) {
		set((*parent)[i], canonical)
		if list, ok := rawParent[rawKey].([]any); ok {
			if m, ok := list[j].(map[string]any); ok {
				m[key] = canonical
			}
		}
	})
}

// SetAttributeUniqueness changes the uniqueness of one attribute of a
// schema this target serves (none, server or global), as SetAttributeMutability
// changes its mutability: /Schemas serves the change, and creates and
// updates are checked against it from the next request on (409 uniqueness
// for a clash). An app whose groups' displayName is unique is
// SetAttributeUniqueness(group schema, "displayName", "server").
func (t *Target) SetAttributeUniqueness(schemaURN, attrPath, uniqueness string) error {
	return t.setAttributeProperty(schemaURN, attrPath, "uniqueness", uniqueness, []string{uniqNone, "server", "global"},
		func(a *attribute, v string) { a.Uniqueness = v })
}

// RemoveSchemaAttribute removes one attribute (attrPath "title") or
// sub-attribute ("name.givenName") from a schema this target serves, as an
// app that stops supporting it would: /Schemas no longer lists it and writes
// that set it are rejected as unknown attributes from the next request on.
// Existing values in stored resources are kept. Names compare
// case-insensitively; errors for an unknown schema or attribute wrap
// ErrNotFound. The common attributes (id, externalId, meta) cannot be
// removed.
func (t *Target) RemoveSchemaAttribute(schemaURN, attrPath string) error {
	return t.changeSchema(schemaURN, attrPath, func(parent *[]*attribute, i int, rawParent map[string]any, key string, j int) {
		*parent = append((*parent)[:i:i], (*parent)[i+1:]...)
		if list, ok := rawParent[key].([]any); ok {
			rawParent[key] = append(list[:j:j], list[j+1:]...)
		}
	})
}

// ResetSchemas restores the schemas the target started with, keeping its
// resources and everything else.
func (t *Target) ResetSchemas() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.changedReg.Store(nil)
}

// Schema returns the schema with the given URN as /Schemas/{urn} serves it
// (without meta), reflecting run-time changes.
func (t *Target) Schema(urn string) (map[string]any, bool) {
	s := t.registry().schema(urn)
	if s == nil {
		return nil, false
	}
	return deepCopy(s.raw).(map[string]any), true
}

// changeSchema copies the registry in force, finds attrPath in schemaURN in
// the copy and lets edit change it: parent is the slice holding the parsed
// attribute at index i; rawParent[key] is the []any holding its JSON form
// at index j. The copy then replaces the registry in force.
func (t *Target) changeSchema(schemaURN, attrPath string, edit func(parent *[]*attribute, i int, rawParent map[string]any, key string, j int)) error {
	names := strings.Split(attrPath, ".")
	if attrPath == "" || len(names) > 2 {
		return fmt.Errorf("scimtarget: attribute path %q must be an attribute name or attribute.subAttribute", attrPath)
	}
	for _, n := range names {
		if n == "" {
			return fmt.Errorf("scimtarget: attribute path %q has an empty name", attrPath)
		}
	}
	if findAttr(commonAttributes, names[0]) != nil {
		return fmt.Errorf("scimtarget: %s is a common attribute (RFC 7643 §3.1), not part of a schema; it cannot be changed", names[0])
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	reg := t.registry().clone()
	s := reg.schema(schemaURN)
	if s == nil {
		return fmt.Errorf("scimtarget: %w", notFound("schema %q not found", schemaURN))
	}
	parent, rawParent, key := &s.Attributes, s.raw, "attributes"
	for depth, name := range names {
		i := indexOfAttr(*parent, name)
		j := indexOfRawAttr(rawParent[key], name)
		if i < 0 || j < 0 {
			return fmt.Errorf("scimtarget: %w", notFound("schema %s has no attribute %q", s.ID, attrPath))
		}
		if depth == len(names)-1 {
			edit(parent, i, rawParent, key, j)
			break
		}
		a := (*parent)[i]
		if !a.isComplex() {
			return fmt.Errorf("scimtarget: %w", notFound("attribute %s of schema %s is not complex, so it has no %q", a.Name, s.ID, names[depth+1]))
		}
		parent = &a.SubAttributes
		rawParent, _ = rawParent[key].([]any)[j].(map[string]any)
		key = "subAttributes"
	}
	t.changedReg.Store(reg)
	return nil
}

func indexOfAttr(attrs []*attribute, name string) int {
	for i, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return i
		}
	}
	return -1
}

func indexOfRawAttr(v any, name string) int {
	list, _ := v.([]any)
	for i, e := range list {
		if m, ok := e.(map[string]any); ok {
			if n, _ := m["name"].(string); strings.EqualFold(n, name) {
				return i
			}
		}
	}
	return -1
}

// clone returns a deep copy of the registry: new schemas (attributes and
// raw JSON copied) and new resource types pointing at them. The normalize
// hooks and the resource types' raw JSON, which nothing changes, are
// shared.
func (r *registry) clone() *registry {
	out := &registry{}
	for _, s := range r.schemas {
		c := *s
		c.Attributes = cloneAttrs(s.Attributes)
		c.raw = deepCopy(s.raw).(map[string]any)
		out.schemas = append(out.schemas, &c)
	}
	for _, rt := range r.resourceTypes {
		c := *rt
		c.SchemaExtensions = append([]schemaExtension(nil), rt.SchemaExtensions...)
		c.core = out.schema(rt.core.ID)
		c.extensions = nil
		for _, ext := range rt.extensions {
			c.extensions = append(c.extensions, out.schema(ext.ID))
		}
		out.resourceTypes = append(out.resourceTypes, &c)
	}
	return out
}

func cloneAttrs(attrs []*attribute) []*attribute {
	if attrs == nil {
		return nil
	}
	out := make([]*attribute, len(attrs))
	for i, a := range attrs {
		c := *a
		c.SubAttributes = cloneAttrs(a.SubAttributes)
		c.CanonicalValues = append([]string(nil), a.CanonicalValues...)
		c.ReferenceTypes = append([]string(nil), a.ReferenceTypes...)
		out[i] = &c
	}
	return out
}

// controlSchemas serves the schema controls:
//
//	GET    /_control/schemas                           the schemas as /Schemas serves them
//	DELETE /_control/schemas                           restore the original schemas
//	GET    /_control/schemas/{urn}                     one schema
//	PATCH  /_control/schemas/{urn}/attributes/{path}   {"mutability": "readOnly"}
//	DELETE /_control/schemas/{urn}/attributes/{path}   remove the attribute
func (t *Target) controlSchemas(r *http.Request, rest []string) (int, any, error) {
	m := r.Method
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		out := []map[string]any{}
		for _, s := range t.registry().schemas {
			out = append(out, deepCopy(s.raw).(map[string]any))
		}
		return http.StatusOK, map[string]any{"schemas": out}, nil
	case len(rest) == 0 && m == http.MethodDelete:
		t.ResetSchemas()
		return http.StatusNoContent, nil, nil
	case len(rest) == 1 && m == http.MethodGet:
		s, ok := t.Schema(rest[0])
		if !ok {
			return 0, nil, controlError(http.StatusNotFound, "no schema %q", rest[0])
		}
		return http.StatusOK, s, nil
	case len(rest) == 3 && rest[1] == "attributes":
		urn, attrPath := rest[0], rest[2]
		switch m {
		case http.MethodPatch:
			var body struct {
				Mutability *string `json:"mutability"`
			}
			if err := readJSON(r, &body); err != nil {
				return 0, nil, err
			}
			if body.Mutability == nil {
				return 0, nil, controlError(http.StatusBadRequest, `body must be {"mutability": "readOnly"|"readWrite"|"immutable"|"writeOnly"}`)
			}
			if err := t.SetAttributeMutability(urn, attrPath, *body.Mutability); err != nil {
				return 0, nil, err
			}
			s, _ := t.Schema(urn)
			return http.StatusOK, s, nil
		case http.MethodDelete:
			if err := t.RemoveSchemaAttribute(urn, attrPath); err != nil {
				return 0, nil, err
			}
			return http.StatusNoContent, nil, nil
		}
		return 0, nil, controlError(http.StatusMethodNotAllowed, "method %s not allowed on /_control/schemas/%s", m, strings.Join(rest, "/"))
	}
	return 0, nil, controlError(http.StatusNotFound, "unknown control endpoint /_control/schemas/%s (%s)", strings.Join(rest, "/"), m)
}
