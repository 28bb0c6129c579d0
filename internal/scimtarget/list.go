package scimtarget

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// listParams are the query parameters of RFC 7644 §3.4.2, from a GET query
// string or a POST .search body.
type listParams struct {
	filter             string
	startIndex         int
	count              int
	hasCount           bool
	attributes         string
	excludedAttributes string
	sortBy             string
	sortOrder          string
	// cursor is the RFC 9865 cursor; hasCursor tells an empty cursor
	// (the first page) from none.
	cursor    string
	hasCursor bool
}

func listParamsFromQuery(q url.Values) (listParams, error) {
	p := listParams{
		filter:             q.Get("filter"),
		attributes:         q.Get("attributes"),
		excludedAttributes: q.Get("excludedAttributes"),
		sortBy:             q.Get("sortBy"),
		sortOrder:          q.Get("sortOrder"),
		startIndex:         1,
		cursor:             q.Get("cursor"),
		hasCursor:          q.Has("cursor"),
	}
	if s := q.Get("startIndex"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, badRequest(errInvalidValue, "startIndex must be an integer, got %q", s)
		}
		p.startIndex = n
	}
	if s := q.Get("count"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, badRequest(errInvalidValue, "count must be an integer, got %q", s)
		}
		p.count, p.hasCount = n, true
	}
	return p, nil
}

// search implements POST /{endpoint}/.search (RFC 7644 §3.4.3).
func (c *call) search(rt *resourceType) error {
	if err := c.checkContentType(); err != nil {
		return err
	}
	in, err := decodeObject(c.body)
	if err != nil {
		return err
	}
	p := listParams{startIndex: 1}
	strList := func(v any) (string, error) {
		switch x := v.(type) {
		case string:
			return x, nil
		case []any:
			var parts []string
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return "", badRequest(errInvalidValue, "attribute lists must contain strings")
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, ","), nil
		}
		return "", badRequest(errInvalidValue, "attribute lists must be arrays of strings")
	}
	str := func(k string, v any) (string, error) {
		s, ok := v.(string)
		if !ok {
			return "", badRequest(errInvalidValue, "%s must be a string", k)
		}
		return s, nil
	}
	num := func(k string, v any) (int, error) {
		n, ok := v.(json.Number)
		if !ok {
			return 0, badRequest(errInvalidValue, "%s must be an integer", k)
		}
		i, err := n.Int64()
		if err != nil {
			return 0, badRequest(errInvalidValue, "%s must be an integer", k)
		}
		return int(i), nil
	}
	for k, v := range in {
		switch strings.ToLower(k) {
		case "schemas":
		case "attributes":
			p.attributes, err = strList(v)
		case "excludedattributes":
			p.excludedAttributes, err = strList(v)
		case "filter":
			p.filter, err = str(k, v)
		case "sortby":
			p.sortBy, err = str(k, v)
		case "sortorder":
			p.sortOrder, err = str(k, v)
		case "startindex":
			p.startIndex, err = num(k, v)
		case "count":
			p.count, err = num(k, v)
			p.hasCount = true
		case "cursor":
			p.cursor, err = str(k, v)
			p.hasCursor = true
		default:
			err = badRequest(errInvalidSyntax, "unexpected member %q in SearchRequest", k)
		}
		if err != nil {
			return err
		}
	}
	return c.list(rt, p)
}

// checkAttributesParam implements the RejectExtensionAttributesParam quirk:
// an "attributes" list that names any URN-qualified attribute is refused,
// as one widely used open-source server does.
func (c *call) checkAttributesParam(attributes string) error {
	if !c.cfg.Quirks.RejectExtensionAttributesParam {
		return nil
	}
	for _, item := range strings.Split(attributes, ",") {
		if item = strings.TrimSpace(item); len(item) >= 4 && strings.EqualFold(item[:4], "urn:") {
			return badRequest(errInvalidValue, "attributes parameter %q is not supported: extension attributes cannot be selected", item)
		}
	}
	return nil
}

// list answers a query with a ListResponse (RFC 7644 §3.4.2), or with a
// cursor page (RFC 9865) under CursorPaging.
func (c *call) list(rt *resourceType, p listParams) error {
	if c.cfg.Quirks.IgnoreListParams {
		p.startIndex, p.attributes, p.excludedAttributes = 1, "", ""
	}
	if err := c.checkAttributesParam(p.attributes); err != nil {
		return err
	}
	if err := c.checkCursorCount(p); err != nil {
		return err
	}
	caps := c.cfg.Capabilities
	if c.cfg.Quirks.ListNeedsFilter && strings.TrimSpace(p.filter) == "" {
		return badRequest(errTooMany, "listing %s needs a filter; requests without one are refused", rt.Endpoint)
	}
	var match matcher
	if strings.TrimSpace(p.filter) != "" {
		if !caps.Filter {
			return badRequest(errInvalidFilter, "filtering is not supported (filter.supported is false)")
		}
		expr, err := parseFilterExpr(p.filter)
		if err != nil {
			return err
		}
		m, err := compileFilterExpr(rt, c.cfg.Quirks, expr, p.filter)
		if err != nil {
			return err
		}
		if err := c.checkMemberFilterTargets(rt, expr); err != nil {
			return err
		}
		match = m
	}
	var sortRef *attrRef
	descending := false
	if p.sortBy != "" && caps.Sort {
		ref, ok := parseAttrPathString(rt, p.sortBy)
		if !ok || ref.attr == nil || (ref.attr.isComplex() && ref.sub == nil) {
			return badRequest(errInvalidValue, "cannot sort by %q", p.sortBy)
		}
		sortRef = &ref
		switch strings.ToLower(p.sortOrder) {
		case "", "ascending":
		case "descending":
			descending = true
		default:
			return badRequest(errInvalidValue, "sortOrder must be ascending or descending, got %q", p.sortOrder)
		}
	}

	c.t.mu.Lock()
	all := c.t.store.list(rt)
	docs := make([]map[string]any, 0, len(all))
	for _, r := range all {
		docs = append(docs, render(rt, r, c.base, caps.ETag))
	}
	c.t.mu.Unlock()

	var matched []map[string]any
	for _, d := range docs {
		stripNever(rt, d)
		if match == nil || match(d) {
			matched = append(matched, d)
		}
	}
	if sortRef != nil {
		sortResources(matched, *sortRef, descending)
	}

	if c.cfg.Quirks.CursorPaging && p.hasCursor {
		return c.cursorPage(rt, p, matched)
	}
	total := len(matched)
	start := p.startIndex
	if start < 1 {
		start = 1 // RFC 7644 §3.4.2.4
	}
	count := total
	if p.hasCount {
		count = max(p.count, 0)
	} else if n := c.cfg.Quirks.DefaultCount; n > 0 {
		count = n
	}
	if c.cfg.Quirks.NoPaging {
		start, count = 1, total
	}
	if caps.FilterMaxResults > 0 && count > caps.FilterMaxResults {
		count = caps.FilterMaxResults
	}
	if c.cfg.Quirks.NoEmptyLastPage && start > total && total > 0 && count > 0 {
		start = (total-1)/count*count + 1
	}
	page := []map[string]any{}
	if start-1 < total {
		page = matched[start-1 : min(start-1+count, total)]
	}
	c.finishPage(rt, p, page)
	body := c.listResponse(total, start, page)
	if c.cfg.Quirks.NoPaging {
		delete(body, "startIndex")
		delete(body, "itemsPerPage")
	}
	writeJSON(c.w, http.StatusOK, body)
	return nil
}

// finishPage applies attributes=, excludedAttributes= and the
// presentation quirks to the resources of a page.
func (c *call) finishPage(rt *resourceType, p listParams, page []map[string]any) {
	include := parseProjection(rt, p.attributes)
	exclude := parseProjection(rt, p.excludedAttributes)
	for _, d := range page {
		applyProjection(rt, d, include, exclude)
		omitListed(rt, c.cfg.Quirks, d)
		c.present(rt, d)
	}
}

// cursorPage answers a list request that carries a cursor (CursorPaging):
// a page of count resources (FilterMaxResults by default) after the
// cursor's position, with itemsPerPage and, while more remain,
// nextCursor; RFC 9865 leaves totalResults optional and this form, like
// the vendor it imitates, has neither it nor startIndex.
func (c *call) cursorPage(rt *resourceType, p listParams, matched []map[string]any) error {
	total := len(matched)
	offset := 0
	if p.cursor != "" {
		n, err := decodeCursor(rt, p.filter, p.cursor)
		if err != nil {
			return err
		}
		offset = min(n, total)
	}
	count := c.cfg.Capabilities.FilterMaxResults
	if p.hasCount {
		count = p.count
	}
	end := total
	if count > 0 {
		end = min(offset+count, total)
	}
	page := append([]map[string]any{}, matched[offset:end]...)
	c.finishPage(rt, p, page)
	key := "Resources"
	if c.cfg.Quirks.LowercaseResources {
		key = "resources"
	}
	body := map[string]any{
		"schemas":      []string{urnListResponse},
		"itemsPerPage": len(page),
		key:            page,
	}
	if end < total {
		body["nextCursor"] = encodeCursor(rt, p.filter, end)
	}
	writeJSON(c.w, http.StatusOK, body)
	return nil
}

// listResponse builds a ListResponse; the LowercaseResources quirk changes the
// spelling of its "Resources" member.
func (c *call) listResponse(total, start int, items []map[string]any) map[string]any {
	key := "Resources"
	if c.cfg.Quirks.LowercaseResources {
		key = "resources"
	}
	return map[string]any{
		"schemas":      []string{urnListResponse},
		"totalResults": total,
		"itemsPerPage": len(items),
		"startIndex":   start,
		key:            items,
	}
}
