package scimtarget

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// The quirks of this file constrain what a request may ask (filter
// shapes, membership changes, the shape of a resource) or change how an
// answer looks (hidden members, cursor pages, error bodies). Each is
// generic; personalities combine them into one vendor's behaviour.

// errInvalidCursor is the scimType RFC 9865 defines for a cursor the
// service provider does not recognise.
const errInvalidCursor = "invalidCursor"

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// lookupFold finds the entry of m for a resource type name, ignoring case.
func lookupFold(m map[string][]string, name string) ([]string, bool) {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// present adjusts a resource about to be sent in a SCIM response:
// HiddenGroupMembers empties a group's members, NoMetaLocation drops
// meta.location, HiddenAttributes drops the attributes it lists. It runs after filtering, so filters still see members.
func (c *call) present(rt *resourceType, doc map[string]any) {
	q := c.cfg.Quirks
	if q.HiddenGroupMembers && rt.Name == resourceGroup {
		doc["members"] = []any{}
	}
	if q.NoMetaLocation {
		if m, ok := doc["meta"].(map[string]any); ok {
			delete(m, "location")
		}
	}
	paths, _ := lookupFold(q.HiddenAttributes, rt.Name)
	for _, p := range paths {
		dropAttr(rt, doc, p)
	}
}

// errorDocument is errorBody as the quirks shape it: NoScimType drops the
// scimType, ErrorSchemaKey renames "schemas", ErrorStatusInteger makes
// the status a number.
func errorDocument(q Quirks, status int, scimType, detail string) map[string]any {
	if q.NoScimType {
		scimType = ""
	}
	body := errorBody(status, scimType, detail)
	if q.ErrorStatusInteger {
		body["status"] = status
	}
	if k := q.ErrorSchemaKey; k != "" && k != "schemas" {
		body[k] = body["schemas"]
		delete(body, "schemas")
	}
	return body
}

// jsonContentTypeWriter implements JSONContentType: it relabels SCIM
// responses as application/json when their header is written.
type jsonContentTypeWriter struct {
	http.ResponseWriter
}

func (w *jsonContentTypeWriter) relabel() {
	if h := w.Header(); h.Get("Content-Type") == contentType {
		h.Set("Content-Type", "application/json")
	}
}

func (w *jsonContentTypeWriter) WriteHeader(code int) {
	w.relabel()
	w.ResponseWriter.WriteHeader(code)
}

func (w *jsonContentTypeWriter) Write(b []byte) (int, error) {
	w.relabel()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets connection-drop faults reach the connection underneath.
func (w *jsonContentTypeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// fullPath is the form AllowedFilters compares: the attribute's full path,
// with a multi-valued complex attribute named alone standing for its
// "value" sub-attribute, as RFC 7644 §3.4.2.2 reads it in filters.
func fullPath(ref attrRef) string {
	if ref.sub == nil && ref.attr != nil && ref.attr.isComplex() && ref.attr.MultiValued {
		if v := ref.attr.sub("value"); v != nil {
			ref.sub = v
		}
	}
	return ref.String()
}

// filterShape renders a filter made only of eq comparisons joined by and
// as its shape ("id and members.value"); ok is false for anything else.
func filterShape(rt *resourceType, e filter.Expression) (string, bool) {
	var paths []string
	ok := eqConjuncts(e, func(x *filter.AttributeExpression) bool {
		ref, ok := resolveAttrPath(rt, x.AttributePath)
		if !ok || ref.attr == nil {
			return false
		}
		paths = append(paths, fullPath(ref))
		return true
	})
	if !ok {
		return "", false
	}
	return strings.Join(paths, " and "), true
}

// normalizeShape brings a configured AllowedFilters shape to the form
// filterShape produces; paths the schema does not know are kept as given.
func normalizeShape(rt *resourceType, shape string) string {
	parts := strings.Split(shape, " and ")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if ref, ok := parseAttrPathString(rt, p); ok && ref.attr != nil {
			p = fullPath(ref)
		}
		parts[i] = p
	}
	return strings.Join(parts, " and ")
}

// checkFilterShape implements AllowedFilters.
func checkFilterShape(rt *resourceType, q Quirks, e filter.Expression, src string) error {
	shapes, restricted := lookupFold(q.AllowedFilters, rt.Name)
	if !restricted {
		return nil
	}
	if shape, ok := filterShape(rt, e); ok {
		for _, s := range shapes {
			if strings.EqualFold(normalizeShape(rt, s), shape) {
				return nil
			}
		}
	}
	var want []string
	for _, s := range shapes {
		want = append(want, "("+s+")")
	}
	return badRequest(errInvalidFilter, "filter %q is not supported on %s; supported: %s, each as <attribute> eq \"<value>\"", src, rt.Endpoint, strings.Join(want, ", "))
}

// isMembers reports whether ref designates a members attribute (or its
// value sub-attribute).
func isMembers(ref attrRef) bool {
	return ref.ext == nil && ref.attr != nil && ref.attr.MultiValued && ref.attr.isComplex() &&
		strings.EqualFold(ref.attr.Name, "members") && (ref.sub == nil || strings.EqualFold(ref.sub.Name, "value"))
}

// checkMemberFilterTargets implements UnknownMemberFilterNotFound: every
// members eq "X" comparison in the filter must name an existing User or
// Group.
func (c *call) checkMemberFilterTargets(rt *resourceType, e filter.Expression) error {
	if !c.cfg.Quirks.UnknownMemberFilterNotFound {
		return nil
	}
	var ids []string
	var walk func(filter.Expression)
	walk = func(e filter.Expression) {
		switch x := e.(type) {
		case *filter.LogicalExpression:
			walk(x.Left)
			walk(x.Right)
		case *filter.NotExpression:
			walk(x.Expression)
		case *filter.AttributeExpression:
			s, ok := x.CompareValue.(string)
			if !ok || !strings.EqualFold(string(x.Operator), string(filter.EQ)) {
				return
			}
			if ref, ok := resolveAttrPath(rt, x.AttributePath); ok && isMembers(ref) {
				ids = append(ids, unescapeFilterString(s))
			}
		}
	}
	walk(e)
	if len(ids) == 0 {
		return nil
	}
	reg := c.reg
	users, groups := reg.resourceTypeByName(resourceUser), reg.resourceTypeByName(resourceGroup)
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	for _, id := range ids {
		if (users == nil || c.t.store.get(users, id) == nil) && (groups == nil || c.t.store.get(groups, id) == nil) {
			return notFound("member %q does not exist", id)
		}
	}
	return nil
}

// checkMembersOnCreate implements MaxMembersOnCreate.
func (c *call) checkMembersOnCreate(doc map[string]any) error {
	max := c.cfg.Quirks.MaxMembersOnCreate
	if max <= 0 {
		return nil
	}
	if n := len(asList(doc["members"])); n > max {
		return badRequest(errInvalidValue, "a create may add at most %d members, this one adds %d", max, n)
	}
	return nil
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// checkMemberOps implements MaxMemberChangesPerPatch and
// NoMemberReplaceAll for a PATCH of a resource whose current attributes
// are cur.
func (c *call) checkMemberOps(rt *resourceType, ops []patchOp, cur map[string]any) error {
	q := c.cfg.Quirks
	if q.MaxMemberChangesPerPatch <= 0 && !q.NoMemberReplaceAll {
		return nil
	}
	current := 0
	if a := rt.topAttr("members"); a != nil {
		current = len(asList(cur[a.Name]))
	}
	changes := 0
	for i, op := range ops {
		refuse := func(what string) error {
			return badRequest(errInvalidValue, "operation %d (%s %s): %s of all members is not supported; add and remove members by value", i, op.op, op.path, what)
		}
		if op.path == "" {
			m, _ := op.value.(map[string]any)
			for k, v := range m {
				a := rt.topAttr(k)
				if a == nil || !isMembers(attrRef{attr: a}) {
					continue
				}
				if op.op == "replace" {
					if q.NoMemberReplaceAll {
						return refuse("a replace")
					}
					changes += current
				}
				changes += len(asList(v))
			}
			continue
		}
		pp, err := filter.ParsePath([]byte(fixUnicodeEscapes(op.path)))
		if err != nil {
			continue // the patch itself reports the bad path
		}
		ref, ok := resolveAttrPath(rt, pp.AttributePath)
		if !ok || !isMembers(ref) {
			continue
		}
		filtered := pp.ValueExpression != nil
		switch op.op {
		case "replace":
			if q.NoMemberReplaceAll {
				return refuse("a replace")
			}
			if filtered {
				changes++
			} else {
				changes += current + len(asList(op.value))
			}
		case "add":
			changes += len(asList(op.value))
		case "remove":
			switch {
			case filtered:
				changes++
			case op.value != nil:
				changes += len(asList(op.value))
			default:
				if q.NoMemberReplaceAll {
					return refuse("a remove")
				}
				changes += current
			}
		}
	}
	if max := q.MaxMemberChangesPerPatch; max > 0 && changes > max {
		return badRequest(errInvalidValue, "a PATCH may make at most %d membership changes, this one makes %d", max, changes)
	}
	return nil
}

// checkShape implements SingleValuedMultis, RequirePrimary and
// RequiredAttributes on a resource a POST, PUT or PATCH would store.
func (c *call) checkShape(rt *resourceType, doc map[string]any) error {
	q := c.cfg.Quirks
	for _, name := range q.SingleValuedMultis {
		ref, ok := parseAttrPathString(rt, name)
		if !ok || ref.attr == nil || ref.sub != nil || !ref.attr.MultiValued {
			continue
		}
		if n := len(ref.values(doc)); n > 1 {
			return badRequest(errInvalidValue, "attribute %q holds at most one value, got %d", ref.String(), n)
		}
	}
	for _, name := range q.RequirePrimary {
		ref, ok := parseAttrPathString(rt, name)
		if !ok || ref.attr == nil || ref.sub != nil || !ref.attr.MultiValued {
			continue
		}
		elems := ref.values(doc)
		if len(elems) == 0 || hasPrimary(elems) {
			continue
		}
		return badRequest(errInvalidValue, "the value of %q must be marked primary", ref.String())
	}
	paths, _ := lookupFold(q.RequiredAttributes, rt.Name)
	for _, p := range paths {
		ref, ok := parseAttrPathString(rt, p)
		if !ok || ref.attr == nil {
			continue
		}
		present := false
		for _, v := range ref.values(doc) {
			if s, isString := v.(string); !isString || strings.TrimSpace(s) != "" {
				present = true
				break
			}
		}
		if !present {
			return badRequest(errInvalidValue, "attribute %q is required", ref.String())
		}
	}
	return nil
}

// uniqueRefs lists the extra uniqueness checks of UniqueAttributes for a
// resource type.
func uniqueRefs(rt *resourceType, q Quirks) []attrRef {
	paths, _ := lookupFold(q.UniqueAttributes, rt.Name)
	var out []attrRef
	for _, p := range paths {
		ref, ok := parseAttrPathString(rt, p)
		if !ok || ref.attr == nil || (ref.sub == nil && ref.attr.isComplex()) {
			continue
		}
		out = append(out, ref)
	}
	return out
}

// A cursor (CursorPaging) is opaque to clients: it encodes the resource
// type, the position in the result and a hash of the filter, so that a
// cursor sent with another filter or to another endpoint is refused
// rather than silently misread. Positions are offsets into the result in
// creation order, so deleting resources while paging can skip some, as
// with index paging.

func filterHash(f string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.TrimSpace(f)))
	return h.Sum32()
}

func encodeCursor(rt *resourceType, f string, offset int) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s:%d:%08x", rt.Name, offset, filterHash(f)))
}

func decodeCursor(rt *resourceType, f, cursor string) (int, error) {
	bad := badRequest(errInvalidCursor, "cursor %q is not one this server issued for this query; start again with an empty cursor", cursor)
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, bad
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != rt.Name || parts[2] != fmt.Sprintf("%08x", filterHash(f)) {
		return 0, bad
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return 0, bad
	}
	return n, nil
}

// checkCursorCount validates count under CursorPaging: 1 to
// FilterMaxResults.
func (c *call) checkCursorCount(p listParams) error {
	if !c.cfg.Quirks.CursorPaging || !p.hasCount {
		return nil
	}
	max := c.cfg.Capabilities.FilterMaxResults
	if p.count < 1 || (max > 0 && p.count > max) {
		if max > 0 {
			return badRequest(errInvalidValue, "count must be between 1 and %d, got %d", max, p.count)
		}
		return badRequest(errInvalidValue, "count must be at least 1, got %d", p.count)
	}
	return nil
}
