package scim

import (
	"fmt"
	"strings"
)

// ApplyPatch applies PATCH operations to a copy of current, the way a
// service provider would, and returns the result. It serves apps that have no
// PATCH: the client reads the account, applies the change locally and PUTs
// the whole account back, so every attribute it does not manage is kept.
// Value-filtered paths are first expanded into whole-attribute operations
// with ExpandFilteredOps. The returned resource has no "meta" (read-only, and
// rejected in a PUT body by some servers).
func ApplyPatch(current Resource, ops []PatchOp) (Resource, error) {
	if err := validateOps(ops); err != nil {
		return nil, err
	}
	expanded, err := ExpandFilteredOps(ops, current)
	if err != nil {
		return nil, err
	}
	out, _ := deepCopy(map[string]any(current)).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	delete(out, "meta")
	for _, op := range expanded {
		if err := applyOne(out, op); err != nil {
			return nil, err
		}
	}
	return Resource(out), nil
}

func applyOne(res map[string]any, op PatchOp) error {
	kind := strings.ToLower(op.Op)
	if op.Path == "" {
		obj, ok := toObject(op.Value)
		if !ok {
			return fmt.Errorf("%s without a path needs an object value", kind)
		}
		for k, v := range obj {
			if err := applyOne(res, PatchOp{Op: kind, Path: k, Value: v}); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := ParsePath(op.Path)
	if err != nil {
		return err
	}
	if p.IsFiltered() {
		return fmt.Errorf("path %q is still filtered after expansion", op.Path)
	}
	container := res
	if p.Schema != "" && !strings.EqualFold(p.Schema, SchemaUser) {
		ext, _ := lookupFold(res, p.Schema)
		m, _ := ext.(map[string]any)
		if m == nil {
			if kind == PatchRemove {
				return nil
			}
			m = map[string]any{}
			setFold(res, p.Schema, m)
			addSchemaURN(res, p.Schema)
		}
		container = m
	}
	if p.SubAttribute != "" {
		parent, _ := lookupFold(container, p.Attribute)
		obj, _ := parent.(map[string]any)
		if obj == nil {
			if kind == PatchRemove {
				return nil
			}
			obj = map[string]any{}
			setFold(container, p.Attribute, obj)
		}
		container = obj
		return applyLeaf(container, kind, p.SubAttribute, op.Value)
	}
	return applyLeaf(container, kind, p.Attribute, op.Value)
}

func applyLeaf(container map[string]any, kind, name string, value any) error {
	switch kind {
	case PatchRemove:
		deleteFold(container, name)
	case PatchReplace:
		setFold(container, name, deepCopy(value))
	case PatchAdd:
		existing, present := lookupFold(container, name)
		if list, ok := existing.([]any); ok && present {
			setFold(container, name, append(list, toList(value)...))
			return nil
		}
		if obj, ok := existing.(map[string]any); ok {
			if add, ok := toObject(value); ok {
				for k, v := range add {
					setFold(obj, k, deepCopy(v))
				}
				return nil
			}
		}
		setFold(container, name, deepCopy(value))
	default:
		return fmt.Errorf("unknown PATCH operation %q", kind)
	}
	return nil
}

func addSchemaURN(res map[string]any, urn string) {
	list, _ := res["schemas"].([]any)
	for _, s := range list {
		if str, ok := s.(string); ok && strings.EqualFold(str, urn) {
			return
		}
	}
	res["schemas"] = append(list, urn)
}
