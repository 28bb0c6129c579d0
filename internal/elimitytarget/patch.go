package elimitytarget

import (
	"fmt"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	scimfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	filterparser "github.com/scim2/filter-parser/v2"
)

// Applying PATCH operations. The library's part (internal/patch, run before
// the handler is called): it parses the body, checks the PatchOp message
// schema, lower-cases "op", parses "path" with scim2/filter-parser, checks
// that the path exists in the User schema or one of its extensions, and
// validates and types the value against the attribute the path names
// (multi-valued attributes come wrapped in a slice unless the path has a
// value filter). Our part, below: putting the validated value where RFC
// 7644 §3.5.2 says it goes. Selecting the elements of a multi-valued
// attribute that a value filter (emails[type eq "work"]) matches is again
// the library's: its filter.Validator.PassesFilter.
//
// What the RFC leaves open is decided the plain way and said so:
//   - "add" or "replace" of a filtered path that matches no element fails
//     with 400 noTarget (§3.5.2.3 says so for "replace"; "add" with a value
//     filter is not defined by §3.5.2.1).
//   - "remove" of a filtered path that matches no element changes nothing.
//   - A complex attribute or extension left with no sub-attribute is
//     dropped, as unassigned.

func noTarget(detail string) error {
	e := scimerrors.ScimErrorNoTarget
	e.Detail = detail
	return e
}

// attrDef is the definition of the attribute a path names, in the schema it
// belongs to, and the map the attribute lives in.
type attrDef struct {
	attr      schema.CoreAttribute
	container map[string]any
	// extURN is set for extension attributes; their container is
	// attrs[extURN], which may have been created for this operation.
	extURN string
}

func findAttr(attrs schema.Attributes, name string) (schema.CoreAttribute, bool) {
	for _, a := range attrs {
		if strings.EqualFold(a.Name(), name) {
			return a, true
		}
	}
	return schema.CoreAttribute{}, false
}

// externalIDAttr is the common attribute the library adds to every resource
// type's schema (schemaWithCommon); PATCH paths may name it.
var externalIDAttr = schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{
	CaseExact: true, Name: "externalId",
}))

// resolve finds the attribute of p in the core schema or an extension, and
// its container in attrs; create makes a missing extension container.
func (h *userHandler) resolve(attrs map[string]any, p filterparser.AttributePath, create bool) (attrDef, error) {
	uri := p.URI()
	if uri == "" || strings.EqualFold(uri, h.core.ID) {
		if strings.EqualFold(p.AttributeName, "externalId") {
			return attrDef{attr: externalIDAttr, container: attrs}, nil
		}
		if a, ok := findAttr(h.core.Attributes, p.AttributeName); ok {
			return attrDef{attr: a, container: attrs}, nil
		}
		if uri != "" {
			return attrDef{}, scimerrors.ScimErrorInvalidPath
		}
	}
	for _, ext := range h.extensions {
		if uri != "" && !strings.EqualFold(uri, ext.ID) {
			continue
		}
		a, ok := findAttr(ext.Attributes, p.AttributeName)
		if !ok {
			continue
		}
		c, _ := attrs[ext.ID].(map[string]any)
		if c == nil {
			c = map[string]any{}
			if create {
				attrs[ext.ID] = c
			}
		}
		return attrDef{attr: a, container: c, extURN: ext.ID}, nil
	}
	return attrDef{}, scimerrors.ScimErrorInvalidPath
}

// dropEmpty removes an extension container that holds nothing any more.
func dropEmpty(attrs map[string]any, d attrDef) {
	if d.extURN != "" && len(d.container) == 0 {
		delete(attrs, d.extURN)
	}
}

func subName(a schema.CoreAttribute, name string) (string, error) {
	s, ok := findAttr(a.SubAttributes(), name)
	if !ok {
		return "", scimerrors.ScimErrorInvalidPath
	}
	return s.Name(), nil
}

func (h *userHandler) applyOp(attrs map[string]any, op scim.PatchOperation) error {
	if op.Path == nil {
		return h.applyPathless(attrs, op)
	}
	return h.applyPath(attrs, op.Op, *op.Path, op.Value)
}

// applyPathless is "add" or "replace" without a path (§3.5.2.1, §3.5.2.3):
// the value is an object whose members are attribute paths (validated one
// by one by the library) or an extension's URN holding its attributes.
func (h *userHandler) applyPathless(attrs map[string]any, op scim.PatchOperation) error {
	value, ok := op.Value.(map[string]any)
	if !ok {
		return scimerrors.ScimErrorInvalidValue
	}
	for k, v := range value {
		if ext := h.extension(k); ext != nil {
			members, ok := v.(map[string]any)
			if !ok {
				return scimerrors.ScimErrorInvalidValue
			}
			for name, mv := range members {
				uri := ext.ID
				p := filterparser.Path{AttributePath: filterparser.AttributePath{URIPrefix: &uri, AttributeName: name}}
				if err := h.applyPath(attrs, op.Op, p, mv); err != nil {
					return err
				}
			}
			continue
		}
		p, err := filterparser.ParsePath([]byte(k))
		if err != nil {
			return scimerrors.ScimErrorInvalidPath
		}
		if err := h.applyPath(attrs, op.Op, p, v); err != nil {
			return err
		}
	}
	return nil
}

func (h *userHandler) extension(urn string) *schema.Schema {
	for i := range h.extensions {
		if strings.EqualFold(h.extensions[i].ID, urn) {
			return &h.extensions[i]
		}
	}
	return nil
}

func (h *userHandler) applyPath(attrs map[string]any, op string, p filterparser.Path, value any) error {
	d, err := h.resolve(attrs, p.AttributePath, op != scim.PatchOperationRemove)
	if err != nil {
		return err
	}
	defer dropEmpty(attrs, d)
	name := d.attr.Name()

	switch {
	case p.ValueExpression != nil:
		return applyFiltered(d, op, p, value)
	case p.AttributePath.SubAttribute != nil:
		// name.givenName: a sub-attribute of a singular complex attribute
		// (or of every element of a multi-valued one).
		sub, err := subName(d.attr, p.AttributePath.SubAttributeName())
		if err != nil {
			return err
		}
		if d.attr.MultiValued() {
			list, _ := d.container[name].([]any)
			for _, e := range list {
				if el, ok := e.(map[string]any); ok {
					setOrDelete(el, op, sub, value)
				}
			}
			return nil
		}
		obj, _ := d.container[name].(map[string]any)
		if obj == nil {
			if op == scim.PatchOperationRemove {
				return nil
			}
			obj = map[string]any{}
			d.container[name] = obj
		}
		setOrDelete(obj, op, sub, value)
		if len(obj) == 0 {
			delete(d.container, name)
		}
		return nil
	}

	switch op {
	case scim.PatchOperationAdd:
		switch {
		case d.attr.MultiValued():
			// §3.5.2.1: new values are added to the multi-valued attribute.
			list, _ := d.container[name].([]any)
			add, _ := value.([]any)
			d.container[name] = append(list, add...)
		case d.attr.AttributeType() == "complex":
			mergeInto(d.container, name, value)
		default:
			d.container[name] = value
		}
	case scim.PatchOperationReplace:
		if !d.attr.MultiValued() && d.attr.AttributeType() == "complex" {
			// §3.5.2.3: sub-attributes not in the value are left unchanged.
			mergeInto(d.container, name, value)
		} else {
			d.container[name] = value
		}
	case scim.PatchOperationRemove:
		remove, _ := value.([]any)
		list, isList := d.container[name].([]any)
		if d.attr.MultiValued() && isList && len(remove) > 0 {
			// A remove with a value removes those values only.
			var kept []any
			for _, e := range list {
				if !containsValue(remove, e) {
					kept = append(kept, e)
				}
			}
			if len(kept) == 0 {
				delete(d.container, name)
			} else {
				d.container[name] = kept
			}
			return nil
		}
		delete(d.container, name)
	default:
		return scimerrors.ScimErrorInvalidSyntax
	}
	return nil
}

// applyFiltered handles attr[filter] and attr[filter].sub.
func applyFiltered(d attrDef, op string, p filterparser.Path, value any) error {
	name := d.attr.Name()
	list, _ := d.container[name].([]any)
	match := scimfilter.NewFilterValidator(p.ValueExpression, schema.Schema{
		Attributes: scimfilter.MultiValuedFilterAttributes(d.attr),
	})
	var sub string
	if p.SubAttribute != nil {
		var err error
		if sub, err = subName(d.attr, *p.SubAttribute); err != nil {
			return err
		}
	}
	var kept []any
	matched := 0
	for _, e := range list {
		el, ok := e.(map[string]any)
		if !ok || match.PassesFilter(el) != nil {
			kept = append(kept, e)
			continue
		}
		matched++
		switch {
		case op == scim.PatchOperationRemove && sub == "":
			continue // the element goes
		case sub != "":
			setOrDelete(el, op, sub, value)
		case op == scim.PatchOperationReplace:
			obj, ok := value.(map[string]any)
			if !ok {
				return scimerrors.ScimErrorInvalidValue
			}
			el = deepCopy(obj).(map[string]any)
		default: // add of a whole element at a filtered path: merge
			obj, ok := value.(map[string]any)
			if !ok {
				return scimerrors.ScimErrorInvalidValue
			}
			for k, v := range obj {
				el[k] = deepCopy(v)
			}
		}
		kept = append(kept, el)
	}
	if matched == 0 && op != scim.PatchOperationRemove {
		return noTarget(fmt.Sprintf("The filter %s matches no value of %s.", p.String(), name))
	}
	if len(kept) == 0 {
		delete(d.container, name)
	} else {
		d.container[name] = kept
	}
	return nil
}

func setOrDelete(obj map[string]any, op, key string, value any) {
	if op == scim.PatchOperationRemove {
		delete(obj, key)
		return
	}
	obj[key] = deepCopy(value)
}

func mergeInto(container map[string]any, name string, value any) {
	obj, ok := value.(map[string]any)
	if !ok {
		container[name] = value
		return
	}
	cur, _ := container[name].(map[string]any)
	if cur == nil {
		cur = map[string]any{}
	}
	for k, v := range obj {
		cur[k] = deepCopy(v)
	}
	container[name] = cur
}

func containsValue(list []any, v any) bool {
	for _, e := range list {
		if jsonText(e) == jsonText(v) {
			return true
		}
	}
	return false
}
