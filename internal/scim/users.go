package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
)

// endpoint is a resource type's collection: the operations below serve
// /Users and /Groups alike, and only the words in messages differ.
type endpoint struct {
	path   string // "/Users"
	schema string // the core schema URN
	noun   string // "user", in messages
}

var (
	usersEndpoint  = endpoint{path: "/Users", schema: SchemaUser, noun: "user"}
	groupsEndpoint = endpoint{path: "/Groups", schema: SchemaGroup, noun: "group"}
)

func (e endpoint) item(id string) string { return e.path + "/" + url.PathEscape(id) }

func (e endpoint) errEmptyID(op string) error {
	// An empty id would address the whole collection; refusing it protects
	// against a DELETE or PUT on the wrong target.
	return fmt.Errorf("SCIM %s %s: empty %s id", op, e.noun, e.noun)
}

// withSchemas returns in with "schemas" filled in when the caller left it
// out: e's core schema URN plus every top-level URN-named extension object.
// Servers reject resources without "schemas", and the provider builds
// resources attribute by attribute. The caller's map is not modified.
func (e endpoint) withSchemas(user Resource) Resource {
	if _, ok := lookupFold(user, "schemas"); ok {
		return user
	}
	out := make(Resource, len(user)+1)
	schemas := []string{e.schema}
	var exts []string
	for k, v := range user {
		out[k] = v
		if strings.HasPrefix(strings.ToLower(k), "urn:") {
			exts = append(exts, k)
		}
	}
	sort.Strings(exts)
	out["schemas"] = append(schemas, exts...)
	return out
}

// decodeResource turns a raw 2xx body into a Resource; ok is false when the
// body is empty.
func decodeResource(raw json.RawMessage) (Resource, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, false, nil
	}
	var r Resource
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, false, fmt.Errorf("expected a JSON object: %v", err)
	}
	return r, true, nil
}

func looksLikeList(r Resource) bool {
	_, a := lookupFold(r, "Resources")
	_, b := lookupFold(r, "totalResults")
	return a || b
}

func (c *Client) responseError(method, path string, resp *http.Response, raw []byte, reason string) *ResponseError {
	ct := ""
	status := 0
	if resp != nil {
		ct = resp.Header.Get("Content-Type")
		status = resp.StatusCode
	}
	return &ResponseError{Method: method, URL: c.url(path, nil), Status: status, ContentType: ct,
		Snippet: makeSnippet(raw, "application/json"), Reason: reason}
}

// idFromLocation takes the last path segment of a Location header, which by
// RFC 7644 §3.3 is the created resource's URI.
func idFromLocation(loc string) string {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return ""
	}
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	p := strings.TrimRight(u.Path, "/")
	if p == "" {
		return ""
	}
	id := path.Base(p)
	if id == "." || id == "/" || strings.EqualFold(id, "Users") || strings.EqualFold(id, "Groups") {
		return ""
	}
	return id
}

// CreateUser POSTs a user and returns the created resource. The id and
// meta.location come from the body; servers that answer with an empty body
// or without an id are read back through the Location header. If no id can
// be found the account may exist untracked, so the error says to look it up.
// A connection failure after the POST was sent is an *AmbiguousError and is
// never retried.
func (c *Client) CreateUser(ctx context.Context, user Resource) (Resource, error) {
	res, err := c.create(ctx, usersEndpoint, user, "userName")
	if err != nil {
		return nil, err
	}
	// A listing read before the create does not hold it; one read after
	// may, but this Client's own write is read by itself all the same.
	c.batches.invalidate(usersEndpoint, res.ID())
	return res, nil
}

// create is CreateUser for any endpoint; lookupBy names what the caller can
// look an untracked resource up by.
func (c *Client) create(ctx context.Context, e endpoint, in Resource, lookupBy string) (Resource, error) {
	var raw json.RawMessage
	resp, err := c.Do(ctx, http.MethodPost, e.path, nil, e.withSchemas(in), "", &raw)
	if err != nil {
		return nil, err
	}
	res, _, derr := decodeResource(raw)
	if derr != nil {
		return nil, c.responseError(http.MethodPost, e.path, resp, raw, "the created "+e.noun+" is not a JSON object: "+derr.Error())
	}
	loc := resp.Header.Get("Location")
	if res.ID() == "" {
		id := idFromLocation(loc)
		if id == "" {
			return nil, c.responseError(http.MethodPost, e.path, resp, raw,
				fmt.Sprintf(`the server reported success but sent no %s "id" (neither in the body nor in a Location header), so the created %s cannot be tracked; look it up by %s before retrying`,
					e.noun, e.noun, lookupBy))
		}
		got, err := c.get(ctx, e, id, nil)
		if err != nil {
			return nil, fmt.Errorf("SCIM POST %s created the %s (Location %s) but reading it back failed: %w", c.url(e.path, nil), e.noun, loc, err)
		}
		res = got
	}
	if res.Location() == "" && loc != "" {
		meta := res.Meta()
		if meta == nil {
			meta = map[string]any{}
			res["meta"] = meta
		}
		meta["location"] = loc
	}
	return res, nil
}

// GetUser reads one user. attributes, when given, becomes the "attributes"
// query parameter (RFC 7644 §3.9) so the server returns only what the caller
// manages. For apps that reject the parameter (Config.NoAttributesParam, or
// found out from a 400) the full user is fetched and cut down here to the
// same attributes.
func (c *Client) GetUser(ctx context.Context, id string, attributes []string) (Resource, error) {
	return c.get(ctx, usersEndpoint, id, attributes)
}

func (c *Client) get(ctx context.Context, e endpoint, id string, attributes []string) (Resource, error) {
	if id == "" {
		return nil, e.errEmptyID("GET")
	}
	p := e.item(id)
	resp, raw, local, err := c.getProjected(ctx, p, nil, attributes)
	if err != nil {
		return nil, err
	}
	res, err := c.requireOne(e, http.MethodGet, p, resp, raw)
	if err != nil || !local {
		return res, err
	}
	return projectResource(res, attributes), nil
}

// requireOne checks that a body is a single resource with an id. Some
// servers answer GET /Users/{id} with a list (empty for unknown ids), which
// must not be mistaken for the resource.
func (c *Client) requireOne(e endpoint, method, p string, resp *http.Response, raw json.RawMessage) (Resource, error) {
	res, ok, err := decodeResource(raw)
	switch {
	case err != nil:
		return nil, c.responseError(method, p, resp, raw, "the "+e.noun+" is not a JSON object: "+err.Error())
	case !ok:
		return nil, c.responseError(method, p, resp, raw, "empty body where a "+e.noun+" was expected")
	case res.ID() == "" && looksLikeList(res):
		return nil, c.responseError(method, p, resp, raw, "the server returned a list response where a single "+e.noun+" was expected")
	case res.ID() == "":
		return nil, c.responseError(method, p, resp, raw, `the `+e.noun+` has no "id"`)
	}
	return res, nil
}

// ReplaceUser PUTs the full user (RFC 7644 §3.5.1). ifMatch, when set, makes
// the replace conditional on the version the caller last saw.
func (c *Client) ReplaceUser(ctx context.Context, id string, user Resource, ifMatch string) (Resource, error) {
	c.batches.invalidate(usersEndpoint, id)
	return c.replace(ctx, usersEndpoint, id, user, ifMatch)
}

func (c *Client) replace(ctx context.Context, e endpoint, id string, in Resource, ifMatch string) (Resource, error) {
	if id == "" {
		return nil, e.errEmptyID("PUT")
	}
	var raw json.RawMessage
	p := e.item(id)
	resp, err := c.Do(ctx, http.MethodPut, p, nil, e.withSchemas(in), ifMatch, &raw)
	if err != nil {
		return nil, err
	}
	if res, ok, _ := decodeResource(raw); !ok || res.ID() == "" {
		return c.get(ctx, e, id, nil)
	}
	return c.requireOne(e, http.MethodPut, p, resp, raw)
}

// PatchUser sends a PATCH (RFC 7644 §3.5.2). Servers may answer 204 or an
// empty or partial 200; the user is then read back with GetUser(id,
// attributes) so the caller always gets the resulting state. Operations are
// validated first, as a malformed path would otherwise surface as an opaque
// 400 from the server.
func (c *Client) PatchUser(ctx context.Context, id string, ops []PatchOp, ifMatch string, attributes []string) (Resource, error) {
	if id != "" && len(ops) > 0 {
		c.batches.invalidate(usersEndpoint, id)
	}
	return c.patch(ctx, usersEndpoint, id, ops, ifMatch, attributes)
}

func (c *Client) patch(ctx context.Context, e endpoint, id string, ops []PatchOp, ifMatch string, attributes []string) (Resource, error) {
	if id == "" {
		return nil, e.errEmptyID("PATCH")
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("SCIM PATCH %s: no operations (RFC 7644 requires at least one)", e.noun)
	}
	if err := validateOps(ops); err != nil {
		return nil, fmt.Errorf("SCIM PATCH %s %s: %w", e.noun, id, err)
	}
	req := PatchRequest{Schemas: []string{MessagePatchOp}, Operations: ops}
	var raw json.RawMessage
	p := e.item(id)
	resp, err := c.Do(ctx, http.MethodPatch, p, nil, req, ifMatch, &raw)
	if err != nil {
		return nil, err
	}
	res, ok, derr := decodeResource(raw)
	if derr != nil {
		return nil, c.responseError(http.MethodPatch, p, resp, raw, "the patched "+e.noun+" is not a JSON object: "+derr.Error())
	}
	if resp.StatusCode == http.StatusNoContent || !ok || res.ID() == "" {
		return c.get(ctx, e, id, attributes)
	}
	return res, nil
}

// DeleteUser deletes a user. A 404 comes back as an *Error (IsNotFound): the
// provider decides whether "already gone" is success.
func (c *Client) DeleteUser(ctx context.Context, id string, ifMatch string) error {
	if id != "" {
		c.batches.invalidate(usersEndpoint, id)
	}
	return c.delete(ctx, usersEndpoint, id, ifMatch)
}

func (c *Client) delete(ctx context.Context, e endpoint, id string, ifMatch string) error {
	if id == "" {
		return e.errEmptyID("DELETE")
	}
	_, err := c.Do(ctx, http.MethodDelete, e.item(id), nil, nil, ifMatch, nil)
	return err
}

// ListOptions selects and pages a user listing (RFC 7644 §3.4.2).
type ListOptions struct {
	// Filter is a SCIM filter, e.g. built with EqFilter; "" lists all.
	Filter string
	// Attributes limits the returned attributes (sent as "attributes", or
	// applied client-side for apps that reject it, as in GetUser).
	Attributes []string
	// SortBy and SortOrder ("ascending"/"descending") are passed through;
	// servers without sort support ignore them.
	SortBy    string
	SortOrder string
	// Count is the page size; default 100, capped by the discovered
	// filter.maxResults when discovery has already run.
	Count int
	// Limit stops after this many results overall; 0 means all.
	Limit int
}

const (
	defaultPageSize = 100
	// maxListPages stops a listing that keeps producing pages: a server
	// that ignores startIndex and returns ever-changing data would
	// otherwise page forever.
	maxListPages = 10000
)

// ListUsers pages through /Users. It stops when totalResults is reached, a
// page is empty, Limit is reached, a page brings no new ids (servers that
// repeat the last page), or after maxListPages pages. startIndex advances by
// the number of resources actually received, since servers may return fewer
// than requested. Duplicate ids across pages are dropped. The returned total
// is the server's totalResults (or the number collected when it sent none).
func (c *Client) ListUsers(ctx context.Context, opts ListOptions) ([]Resource, int, error) {
	return c.listFrom(ctx, usersEndpoint, opts, 1, nil)
}

// pageSize is the page size a listing asks for: count (default 100),
// capped by the discovered filter.maxResults when discovery has run.
func (c *Client) pageSize(count int) int {
	if count <= 0 {
		count = defaultPageSize
	}
	if d := c.cachedDiscovery(); d != nil && d.ServiceProviderConfig.Filter.MaxResults > 0 && count > d.ServiceProviderConfig.Filter.MaxResults {
		count = d.ServiceProviderConfig.Filter.MaxResults
	}
	return count
}

// listFrom is ListUsers (for endpoint e) starting at startIndex start,
// skipping ids in seen (which it extends), so a listing can be resumed
// after its first page.
func (c *Client) listFrom(ctx context.Context, e endpoint, opts ListOptions, start int, seen map[string]bool) ([]Resource, int, error) {
	count := c.pageSize(opts.Count)
	if seen == nil {
		seen = map[string]bool{}
	}
	var (
		out   []Resource
		total = -1
	)
	for page := 0; page < maxListPages; page++ {
		want := count
		if opts.Limit > 0 && opts.Limit-len(out) < want {
			want = opts.Limit - len(out)
		}
		resources, pageTotal, err := c.listPage(ctx, e, opts, start, want)
		if err != nil {
			return nil, 0, err
		}
		if pageTotal >= 0 {
			total = pageTotal
		}
		if len(resources) == 0 {
			break
		}
		added := 0
		for _, r := range resources {
			id := r.ID()
			if id != "" {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			out = append(out, r)
			added++
			if opts.Limit > 0 && len(out) >= opts.Limit {
				break
			}
		}
		if added == 0 {
			break
		}
		if opts.Limit > 0 && len(out) >= opts.Limit {
			break
		}
		if total >= 0 && start-1+len(resources) >= total {
			break
		}
		if total < 0 && len(resources) < want {
			// Without totalResults a short page is the only end marker.
			break
		}
		start += len(resources)
	}
	if total < 0 {
		total = len(out)
	}
	return out, total, nil
}

// listPage GETs one page of e's collection (RFC 7644 §3.4.2): the
// resources (projected to opts.Attributes when the app does not select them
// itself) and totalResults, -1 when the answer has none.
func (c *Client) listPage(ctx context.Context, e endpoint, opts ListOptions, start, count int) ([]Resource, int, error) {
	q := url.Values{}
	if opts.Filter != "" {
		q.Set("filter", opts.Filter)
	}
	if opts.SortBy != "" {
		q.Set("sortBy", opts.SortBy)
	}
	if opts.SortOrder != "" {
		q.Set("sortOrder", opts.SortOrder)
	}
	q.Set("startIndex", strconv.Itoa(start))
	q.Set("count", strconv.Itoa(count))

	resp, raw, local, err := c.getProjected(ctx, e.path, q, opts.Attributes)
	if err != nil {
		return nil, 0, err
	}
	var lr ListResponse
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &lr); err != nil {
			return nil, 0, &ResponseError{Method: http.MethodGet, URL: c.url(e.path, q), Status: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Snippet: makeSnippet(raw, "application/json"), Reason: "invalid list response: " + err.Error()}
		}
	}
	total := -1
	if _, hasTotal := lookupFold(rawKeys(raw), "totalResults"); hasTotal {
		total = lr.TotalResults
	}
	if local {
		for i, r := range lr.Resources {
			lr.Resources[i] = projectResource(r, opts.Attributes)
		}
	}
	return lr.Resources, total, nil
}

// rawKeys decodes only the top-level member names of a JSON object.
func rawKeys(raw json.RawMessage) map[string]any {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	out := make(map[string]any, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// FindUsers returns every user whose attr equals value (all pages), the
// lookup used to adopt an existing account or to resolve an ambiguous
// create.
func (c *Client) FindUsers(ctx context.Context, attr, value string, attributes []string) ([]Resource, error) {
	users, _, err := c.ListUsers(ctx, ListOptions{Filter: EqFilter(attr, value), Attributes: attributes})
	return users, err
}
