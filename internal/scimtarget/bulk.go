package scimtarget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// bulk implements POST /Bulk (RFC 7644 §3.7) by dispatching each operation
// through the normal handlers, so bulk and non-bulk requests cannot disagree.
// Operations are applied in order and are not atomic, as in the RFC.
func (c *call) bulk() error {
	caps := c.cfg.Capabilities
	if !caps.Bulk {
		return newError(http.StatusNotImplemented, "", "bulk is not supported (bulk.supported is false)")
	}
	if err := c.checkContentType(); err != nil {
		return err
	}
	if caps.BulkMaxPayloadSize > 0 && len(c.body) > caps.BulkMaxPayloadSize {
		return newError(http.StatusRequestEntityTooLarge, "", "bulk payload of %d bytes exceeds maxPayloadSize %d", len(c.body), caps.BulkMaxPayloadSize)
	}
	in, err := decodeObject(c.body)
	if err != nil {
		return err
	}
	var ops []any
	failOnErrors := 0
	for k, v := range in {
		switch strings.ToLower(k) {
		case "schemas":
		case "operations":
			l, ok := v.([]any)
			if !ok {
				return badRequest(errInvalidSyntax, `"Operations" must be an array`)
			}
			ops = l
		case "failonerrors":
			n, ok := v.(json.Number)
			i, err := n.Int64()
			if !ok || err != nil {
				return badRequest(errInvalidSyntax, `"failOnErrors" must be an integer`)
			}
			failOnErrors = int(i)
		default:
			return badRequest(errInvalidSyntax, "unexpected member %q in BulkRequest", k)
		}
	}
	if caps.BulkMaxOperations > 0 && len(ops) > caps.BulkMaxOperations {
		return newError(http.StatusRequestEntityTooLarge, "", "%d operations exceed maxOperations %d", len(ops), caps.BulkMaxOperations)
	}
	ids := map[string]string{} // bulkId -> created id
	errorsSeen := 0
	results := []any{}
	for i, raw := range ops {
		if failOnErrors > 0 && errorsSeen >= failOnErrors {
			break
		}
		res, failed := c.bulkOp(i, raw, ids)
		if failed {
			errorsSeen++
		}
		results = append(results, res)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"schemas":    []string{urnBulkResponse},
		"Operations": results,
	})
	return nil
}

// bulkOp runs one bulk operation and returns its BulkResponse entry.
func (c *call) bulkOp(i int, raw any, ids map[string]string) (map[string]any, bool) {
	out := map[string]any{}
	fail := func(status int, scimType, detail string) (map[string]any, bool) {
		out["status"] = fmt.Sprint(status)
		out["response"] = errorBody(status, scimType, detail)
		return out, true
	}
	op, ok := raw.(map[string]any)
	if !ok {
		return fail(http.StatusBadRequest, errInvalidSyntax, fmt.Sprintf("operation %d is not an object", i))
	}
	var method, path, bulkID, version string
	var data any
	for k, v := range op {
		s, _ := v.(string)
		switch strings.ToLower(k) {
		case "method":
			method = strings.ToUpper(s)
		case "path":
			path = s
		case "bulkid":
			bulkID = s
		case "version":
			version = s
		case "data":
			data = v
		}
	}
	out["method"] = method
	if bulkID != "" {
		out["bulkId"] = bulkID
	}
	if version != "" {
		out["version"] = version
	}
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return fail(http.StatusBadRequest, errInvalidSyntax, fmt.Sprintf("operation %d: method must be POST, PUT, PATCH or DELETE", i))
	}
	// Resolve "bulkId:x" references to ids created earlier in this request.
	var unresolved string
	resolve := func(s string) string {
		if ref, ok := strings.CutPrefix(s, "bulkId:"); ok {
			if id, ok := ids[ref]; ok {
				return id
			}
			unresolved = ref
		}
		return s
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			return resolve(x)
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for j, e := range x {
				x[j] = walk(e)
			}
		}
		return v
	}
	segs := splitPath(path)
	for j, s := range segs {
		segs[j] = resolve(s)
	}
	data = walk(data)
	if unresolved != "" {
		return fail(http.StatusConflict, errInvalidValue, fmt.Sprintf("bulkId %q does not refer to an earlier operation", unresolved))
	}
	if len(segs) == 0 || segs[0] == "Bulk" || c.reg.resourceTypeByEndpoint("/"+segs[0]) == nil {
		return fail(http.StatusBadRequest, errInvalidPath, fmt.Sprintf("operation %d: invalid path %q", i, path))
	}
	var body []byte
	if data != nil {
		body, _ = json.Marshal(data)
	}
	req, err := http.NewRequestWithContext(c.r.Context(), method, "/"+strings.Join(segs, "/"), bytes.NewReader(body))
	if err != nil {
		return fail(http.StatusBadRequest, errInvalidPath, err.Error())
	}
	req.Header.Set("Content-Type", contentType)
	if version != "" {
		req.Header.Set("If-Match", version)
	}
	buf := newBufferWriter()
	sub := &call{t: c.t, w: buf, r: req, path: req.URL.Path, body: body, base: c.base, cfg: c.cfg, reg: c.reg, authenticated: true}
	sub.serve()
	out["status"] = fmt.Sprint(buf.status)
	if loc := buf.header.Get("Location"); loc != "" {
		out["location"] = loc
	}
	if et := buf.header.Get("ETag"); et != "" {
		out["version"] = et
	}
	var resp map[string]any
	_ = json.Unmarshal(buf.body.Bytes(), &resp)
	if method == http.MethodPost && buf.status == http.StatusCreated {
		if id, _ := resp["id"].(string); id != "" && bulkID != "" {
			ids[bulkID] = id
		}
		if _, ok := out["location"]; !ok && resp != nil {
			if meta, ok := resp["meta"].(map[string]any); ok {
				out["location"] = meta["location"]
			}
		}
	} else if method != http.MethodDelete && buf.status < 300 {
		out["location"] = c.base + "/" + strings.Join(segs, "/")
	}
	if buf.status >= 400 {
		out["response"] = resp
		return out, true
	}
	return out, false
}
