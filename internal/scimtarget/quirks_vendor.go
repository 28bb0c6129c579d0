package scimtarget

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// The quirks of this file came with the personalities after the first
// (google_cloud_identity, github_emu, slack, salesforce, databricks, zoom,
// atlassian, miro). Like the others each is generic: a personality only
// switches them on.

// errTooMany is the scimType RFC 7644 §3.12 gives a query that would
// return more results than the server is willing to.
const errTooMany = "tooMany"

// lookupFoldInt finds the entry of m for a resource type name, ignoring
// case.
func lookupFoldInt(m map[string]int, name string) (int, bool) {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return 0, false
}

// checkUserAgent implements RequireUserAgent.
func (c *call) checkUserAgent() error {
	if !c.cfg.Quirks.RequireUserAgent || c.authenticated || strings.TrimSpace(c.r.Header.Get("User-Agent")) != "" {
		return nil
	}
	return newError(http.StatusForbidden, "", "Request forbidden by administrative rules. Please make sure your request has a User-Agent header")
}

// dropAttr removes the attribute path p from a rendered resource: a
// top-level attribute, an extension attribute (URN-qualified; the
// extension and its schemas entry go when it is left empty) or a
// sub-attribute (from every element of a multi-valued attribute).
func dropAttr(rt *resourceType, doc map[string]any, p string) {
	ref, ok := parseAttrPathString(rt, p)
	if !ok {
		return
	}
	if ref.attr == nil {
		if ref.ext != nil {
			delete(doc, ref.ext.ID)
			dropSchema(doc, ref.ext.ID)
		}
		return
	}
	box := ref.container(doc, false)
	if box == nil {
		return
	}
	if ref.sub == nil {
		delete(box, ref.attr.Name)
	} else {
		for _, e := range asList(box[ref.attr.Name]) {
			if m, ok := e.(map[string]any); ok {
				delete(m, ref.sub.Name)
			}
		}
	}
	if ref.ext != nil && len(box) == 0 {
		delete(doc, ref.ext.ID)
		dropSchema(doc, ref.ext.ID)
	}
}

// dropSchema removes urn from a rendered resource's schemas.
func dropSchema(doc map[string]any, urn string) {
	list, _ := doc["schemas"].([]any)
	out := make([]any, 0, len(list))
	for _, s := range list {
		if str, _ := s.(string); !strings.EqualFold(str, urn) {
			out = append(out, s)
		}
	}
	doc["schemas"] = out
}

// omitListed implements ListOmitsAttributes on a resource of a list.
func omitListed(rt *resourceType, q Quirks, doc map[string]any) {
	paths, _ := lookupFold(q.ListOmitsAttributes, rt.Name)
	for _, p := range paths {
		dropAttr(rt, doc, p)
	}
}

// countFilterNodes counts the nodes of a filter for MaxFilterNodes.
func countFilterNodes(e filter.Expression) int {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		return 1 + countFilterNodes(x.Left) + countFilterNodes(x.Right)
	case *filter.NotExpression:
		return 1 + countFilterNodes(x.Expression)
	case *filter.ValuePath:
		return 1 + countFilterNodes(x.ValueFilter)
	}
	return 1
}

// checkFilterLimits implements MaxFilterNodes and AllowedFilterOperators.
func checkFilterLimits(q Quirks, e filter.Expression, src string) error {
	if max := q.MaxFilterNodes; max > 0 {
		if n := countFilterNodes(e); n > max {
			return badRequest(errInvalidFilter, "INVALID_FILTER: filter %q has %d nodes; at most %d are supported", src, n, max)
		}
	}
	allowed := q.AllowedFilterOperators
	if len(allowed) == 0 {
		return nil
	}
	var bad string
	var walk func(filter.Expression)
	walk = func(e filter.Expression) {
		op := ""
		switch x := e.(type) {
		case *filter.LogicalExpression:
			op = string(x.Operator)
			walk(x.Left)
			walk(x.Right)
		case *filter.NotExpression:
			op = "not"
			walk(x.Expression)
		case *filter.ValuePath:
			op = "[]"
			walk(x.ValueFilter)
		case *filter.AttributeExpression:
			op = string(x.Operator)
		}
		if bad == "" && !containsFold(allowed, op) {
			bad = strings.ToLower(op)
		}
	}
	walk(e)
	if bad == "" {
		return nil
	}
	if bad == "[]" {
		bad = "a value path ([...])"
	}
	return badRequest(errInvalidFilter, "filter %q uses %s; supported: %s", src, bad, strings.Join(allowed, ", "))
}

// patchTargets lists what one PATCH operation touches, for
// AllowedPatchOps: each top-level attribute (with its URN when it is an
// extension's) and whether the path filters values. Paths that do not
// resolve are left to the patch to report.
func patchTargets(rt *resourceType, op patchOp) (attrs []string, filtered bool) {
	topName := func(ref attrRef) string {
		if ref.attr == nil {
			return ""
		}
		if ref.ext != nil {
			return ref.ext.ID + ":" + ref.attr.Name
		}
		return ref.attr.Name
	}
	fromObject := func(ext *schema, v any) {
		m, _ := v.(map[string]any)
		for k := range m {
			if strings.EqualFold(k, "schemas") {
				continue
			}
			if ext != nil {
				if a := ext.attr(k); a != nil {
					attrs = append(attrs, ext.ID+":"+a.Name)
				}
				continue
			}
			if e := rt.extension(k); e != nil {
				sub, _ := m[k].(map[string]any)
				for sk := range sub {
					if a := e.attr(sk); a != nil {
						attrs = append(attrs, e.ID+":"+a.Name)
					}
				}
				continue
			}
			if ref, ok := parseAttrPathString(rt, k); ok {
				if n := topName(ref); n != "" {
					attrs = append(attrs, n)
				}
			}
		}
	}
	if op.path == "" {
		fromObject(nil, op.value)
		return attrs, false
	}
	if ext := rt.extension(op.path); ext != nil {
		fromObject(ext, op.value)
		return attrs, false
	}
	pp, err := filter.ParsePath([]byte(fixUnicodeEscapes(op.path)))
	if err != nil {
		return nil, false
	}
	ref, ok := resolveAttrPath(rt, pp.AttributePath)
	if !ok {
		return nil, false
	}
	if n := topName(ref); n != "" {
		attrs = append(attrs, n)
	}
	return attrs, pp.ValueExpression != nil
}

// checkPatchOps implements MaxPatchOperations and AllowedPatchOps.
func (c *call) checkPatchOps(rt *resourceType, ops []patchOp) error {
	q := c.cfg.Quirks
	if max, ok := lookupFoldInt(q.MaxPatchOperations, rt.Name); ok && max > 0 && len(ops) > max {
		return badRequest(errInvalidValue, "a PATCH of a %s may carry at most %d operations, this one carries %d", rt.Name, max, len(ops))
	}
	entries, restricted := lookupFold(q.AllowedPatchOps, rt.Name)
	if !restricted {
		return nil
	}
	allowed := func(op, attr string, filtered bool) bool {
		for _, e := range entries {
			f := strings.Fields(e)
			wantOp, wantAttr := "", ""
			switch len(f) {
			case 1:
				wantAttr = f[0]
			case 2:
				wantOp, wantAttr = f[0], f[1]
			default:
				continue
			}
			needFilter := strings.HasSuffix(wantAttr, "[]")
			wantAttr = strings.TrimSuffix(wantAttr, "[]")
			if ref, ok := parseAttrPathString(rt, wantAttr); ok && ref.attr != nil {
				wantAttr = ref.attr.Name
				if ref.ext != nil {
					wantAttr = ref.ext.ID + ":" + ref.attr.Name
				}
			}
			if (wantOp == "" || strings.EqualFold(wantOp, op)) && strings.EqualFold(wantAttr, attr) && (!needFilter || filtered) {
				return true
			}
		}
		return false
	}
	for i, op := range ops {
		attrs, filtered := patchTargets(rt, op)
		for _, a := range attrs {
			if !allowed(op.op, a, filtered) {
				how := ""
				if filtered {
					how = " by value filter"
				}
				return badRequest(errInvalidPath, "operation %d: %s of %q%s is not supported on %s; supported: %s", i, op.op, a, how, rt.Endpoint, strings.Join(entries, ", "))
			}
		}
	}
	return nil
}

// unwrapNestedMembers implements NestedMembersPatchValue.
func unwrapNestedMembers(q Quirks, ops []patchOp) {
	if !q.NestedMembersPatchValue {
		return
	}
	for i, op := range ops {
		if !strings.EqualFold(op.path, "members") {
			continue
		}
		if m, ok := op.value.(map[string]any); ok && len(m) == 1 {
			for k, v := range m {
				if strings.EqualFold(k, "members") {
					ops[i].value = v
				}
			}
		}
	}
}

// checkGroupPatchSize implements GroupPatchMaxMembers: the member values
// the operations carry, whatever they do with them.
func (c *call) checkGroupPatchSize(rt *resourceType, ops []patchOp) error {
	max := c.cfg.Quirks.GroupPatchMaxMembers
	if max <= 0 || rt.Name != resourceGroup {
		return nil
	}
	n := 0
	for _, op := range ops {
		if op.path == "" {
			m, _ := op.value.(map[string]any)
			for k, v := range m {
				if a := rt.topAttr(k); a != nil && isMembers(attrRef{attr: a}) {
					n += len(asList(v))
				}
			}
			continue
		}
		pp, err := filter.ParsePath([]byte(fixUnicodeEscapes(op.path)))
		if err != nil {
			continue
		}
		if ref, ok := resolveAttrPath(rt, pp.AttributePath); ok && isMembers(ref) {
			n += max1(len(asList(op.value)))
		}
	}
	if n > max {
		return newError(http.StatusRequestEntityTooLarge, "", "a PATCH of a group may carry at most %d members, this one carries %d", max, n)
	}
	return nil
}

// max1 counts an operation on members without a value (a remove by
// filter) as one member.
func max1(n int) int { return max(n, 1) }

// checkGroupPatchBytes implements GroupPatchMaxBytes.
func (c *call) checkGroupPatchBytes(rt *resourceType) error {
	max := c.cfg.Quirks.GroupPatchMaxBytes
	if max > 0 && rt.Name == resourceGroup && len(c.body) > max {
		return newError(http.StatusRequestEntityTooLarge, "", "a PATCH of a group may be at most %d bytes, this one is %d", max, len(c.body))
	}
	return nil
}

// restoreAttr sets the top-level attribute path p of doc to its value in
// old (or removes it when old has none).
func restoreAttr(rt *resourceType, old, doc map[string]any, p string) {
	ref, ok := parseAttrPathString(rt, p)
	if !ok || ref.attr == nil || ref.sub != nil {
		return
	}
	from := ref.container(old, false)
	var v any
	had := false
	if from != nil {
		v, had = from[ref.attr.Name]
	}
	if !had {
		if to := ref.container(doc, false); to != nil {
			delete(to, ref.attr.Name)
			if ref.ext != nil && len(to) == 0 {
				delete(doc, ref.ext.ID)
			}
		}
		return
	}
	ref.container(doc, true)[ref.attr.Name] = deepCopy(v)
}

// updateRules applies, to the document doc a PUT or PATCH would store in
// place of old, the quirks that keep attributes (IgnoredOnUpdate) or
// refuse to change them (FrozenWhenInactive).
func (c *call) updateRules(rt *resourceType, old, doc map[string]any) error {
	q := c.cfg.Quirks
	paths, _ := lookupFold(q.IgnoredOnUpdate, rt.Name)
	for _, p := range paths {
		restoreAttr(rt, old, doc, p)
	}
	if rt.Name != resourceUser || len(q.FrozenWhenInactive) == 0 {
		return nil
	}
	if active, ok := old["active"].(bool); !ok || active {
		return nil
	}
	for _, p := range q.FrozenWhenInactive {
		ref, ok := parseAttrPathString(rt, p)
		if !ok || ref.attr == nil {
			continue
		}
		if !equalValues(ref.values(old), ref.values(doc)) {
			return newError(http.StatusBadRequest, errMutability, "attribute %q cannot be changed while the user is deactivated", ref.String())
		}
	}
	return nil
}

// mergePut implements PutMergesOn: the top-level attributes (and
// extensions) of old that the PUT body leaves out are kept.
func mergePut(q Quirks, rt *resourceType, old, doc map[string]any) {
	if !containsFold(q.PutMergesOn, rt.Name) {
		return
	}
	for k, v := range old {
		if _, ok := doc[k]; !ok {
			doc[k] = deepCopy(v)
		}
	}
}

// adjustUser applies the quirks that rewrite a User about to be stored
// through SCIM: LowercaseUserName and UserNameIsPrimaryEmail.
func adjustUser(q Quirks, rt *resourceType, doc map[string]any) {
	if rt.Name != resourceUser {
		return
	}
	userName, _ := doc["userName"].(string)
	if q.LowercaseUserName && userName != "" {
		userName = strings.ToLower(userName)
		doc["userName"] = userName
	}
	if !q.UserNameIsPrimaryEmail || !strings.Contains(userName, "@") {
		return
	}
	emails := asList(doc["emails"])
	found := false
	out := make([]any, 0, len(emails)+1)
	for _, e := range emails {
		m, ok := e.(map[string]any)
		if !ok {
			out = append(out, e)
			continue
		}
		if v, _ := m["value"].(string); strings.EqualFold(v, userName) && !found {
			found = true
			m["primary"] = true
		} else if p, _ := m["primary"].(bool); p {
			delete(m, "primary")
		}
		out = append(out, m)
	}
	if !found {
		out = append([]any{map[string]any{"value": userName, "type": "work", "primary": true}}, out...)
	}
	doc["emails"] = out
}

// newNumericID returns a random 16-digit decimal id (NumericIDs).
func newNumericID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9e15))
	if err != nil {
		panic(err)
	}
	return fmt.Sprint(n.Int64() + 1e15)
}

// conflictError is the answer to a uniqueness clash on attr, whose
// clashing value is val, shaped by ConflictStatus, ConflictScimType and
// ConflictDetails.
func conflictError(q Quirks, rt *resourceType, attr string, val any) error {
	status, scimType := http.StatusConflict, errUniqueness
	if q.ConflictStatus != 0 {
		status = q.ConflictStatus
	}
	if q.ConflictScimType != "" {
		scimType = q.ConflictScimType
	}
	detail := fmt.Sprintf("%s %q is already in use by another %s", attr, fmt.Sprint(val), rt.Name)
	for k, d := range q.ConflictDetails {
		if strings.EqualFold(k, rt.Name+"."+attr) {
			detail = strings.ReplaceAll(d, "{value}", fmt.Sprint(val))
		}
	}
	return newError(status, scimType, "%s", detail)
}

// unknownMemberError is the answer to a member value that is no User or
// Group (UnknownMemberStatus, UnknownMemberDetail).
func unknownMemberError(q Quirks, v string) error {
	status := http.StatusBadRequest
	if q.UnknownMemberStatus != 0 {
		status = q.UnknownMemberStatus
	}
	detail := fmt.Sprintf("member %q is not the id of a User or Group of this service provider", v)
	scimType := errInvalidValue
	if q.UnknownMemberDetail != "" {
		detail = strings.ReplaceAll(q.UnknownMemberDetail, "{value}", v)
	}
	if status != http.StatusBadRequest {
		scimType = ""
	}
	return newError(status, scimType, "%s", detail)
}

// newIDLocked returns the id of a new resource: a UUID, or a numeric id
// under NumericIDs. t.mu is held.
func (t *Target) newIDLocked(rt *resourceType) string {
	if !t.opts.Quirks.NumericIDs {
		return newID()
	}
	for {
		if id := newNumericID(); t.store.get(rt, id) == nil {
			return id
		}
	}
}
