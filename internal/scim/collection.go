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
	"strings"
)

// endpoint describes a resource type's collection: the operations of
// Collection serve /Users and /Groups alike, and only the words in messages
// and what a read may take from a listing differ.
type endpoint struct {
	path   string // "/Users"
	schema string // the core schema URN
	noun   string // "user", in messages
	// lookupBy names what the caller can look a resource up by when the
	// app created it without saying its id.
	lookupBy string
	// readAloneWith is an attribute that, when asked for, makes
	// GetFromListing read the resource by itself (see there); "" for none.
	readAloneWith string
}

var (
	usersEndpoint  = endpoint{path: "/Users", schema: SchemaUser, noun: "user", lookupBy: "userName"}
	groupsEndpoint = endpoint{path: "/Groups", schema: schemaGroup, noun: "group", lookupBy: "displayName", readAloneWith: "members"}
)

// Collection is the handle on one resource type's collection of an app
// (/Users or /Groups), as go-tfe has services: every operation on the
// type's resources goes through it. Writes through a Collection mark the
// resource as read by itself from then on (see GetFromListing).
type Collection struct {
	client *Client
	e      endpoint
}

// Users is the app's /Users collection.
func (c *Client) Users() *Collection { return &Collection{client: c, e: usersEndpoint} }

// Groups is the app's /Groups collection, which can also tell whether a
// group holds a member.
func (c *Client) Groups() *GroupCollection {
	return &GroupCollection{&Collection{client: c, e: groupsEndpoint}}
}

// Path is the collection's path relative to the base URL, "/Users".
func (col *Collection) Path() string { return col.e.path }

// ReadOptions says what a read returns.
type ReadOptions struct {
	// Attributes becomes the "attributes" query parameter (RFC 7644
	// §3.9), so the server returns only what the caller manages. For apps
	// that reject the parameter (Config.NoAttributesParam, or found out
	// from a 400) the full resource is fetched and cut down here to the
	// same attributes.
	Attributes []string
}

// WriteOptions qualifies a write.
type WriteOptions struct {
	// IfMatch, when non-empty, is sent as If-Match: the write happens only
	// if the resource is still at the version the caller last saw.
	IfMatch string
	// Attributes is what to read back (as ReadOptions.Attributes) when a
	// PATCH is answered without the resulting resource.
	Attributes []string
}

// ListResult is what List read.
type ListResult struct {
	Resources []Resource
	// Total is the server's totalResults, or the number collected when it
	// sent none.
	Total int
}

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

// Create POSTs a resource and returns the created one. The id and
// meta.location come from the body; servers that answer with an empty body
// or without an id are read back through the Location header. If no id can
// be found the resource may exist untracked, so the error says to look it
// up (users by userName, groups by displayName). A connection failure after
// the POST was sent is an *ambiguousError and is never retried.
func (col *Collection) Create(ctx context.Context, in Resource) (Resource, error) {
	if un, ok := in["userName"].(string); ok {
		col.client.batches.post(col.e, un)
	}
	res, err := col.create(ctx, in)
	if err != nil {
		return nil, err
	}
	// A listing read before the create does not hold it; one read after
	// may, but this Client's own write is read by itself all the same.
	col.client.batches.invalidate(col.e, res.ID())
	return res, nil
}

func (col *Collection) create(ctx context.Context, in Resource) (Resource, error) {
	c, e := col.client, col.e
	var raw json.RawMessage
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: e.path, Body: e.withSchemas(in), Out: &raw})
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
					e.noun, e.noun, e.lookupBy))
		}
		got, err := col.Get(ctx, id, ReadOptions{})
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

// Get reads one resource with its own GET, asking for opts.Attributes (a
// group's members are left out unless asked for, when the caller names
// only other attributes).
func (col *Collection) Get(ctx context.Context, id string, opts ReadOptions) (Resource, error) {
	e := col.e
	if id == "" {
		return nil, e.errEmptyID("GET")
	}
	p := e.item(id)
	resp, raw, local, err := col.client.getProjected(ctx, p, nil, opts.Attributes)
	if err != nil {
		return nil, err
	}
	res, err := col.requireOne(http.MethodGet, p, resp, raw)
	if err != nil || !local {
		return res, err
	}
	return projectResource(res, opts.Attributes), nil
}

// requireOne checks that a body is a single resource with an id. Some
// servers answer GET /Users/{id} with a list (empty for unknown ids), which
// must not be mistaken for the resource.
func (col *Collection) requireOne(method, p string, resp *http.Response, raw json.RawMessage) (Resource, error) {
	c, e := col.client, col.e
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

// Replace PUTs the full resource (RFC 7644 §3.5.1), for apps without
// PATCH; opts.IfMatch makes the replace conditional on the version the
// caller last saw.
func (col *Collection) Replace(ctx context.Context, id string, in Resource, opts WriteOptions) (Resource, error) {
	e := col.e
	if id == "" {
		return nil, e.errEmptyID("PUT")
	}
	col.client.batches.invalidate(e, id)
	var raw json.RawMessage
	p := e.item(id)
	resp, err := col.client.Do(ctx, Request{Method: http.MethodPut, Path: p, Body: e.withSchemas(in), IfMatch: opts.IfMatch, Out: &raw})
	if err != nil {
		return nil, err
	}
	if res, ok, _ := decodeResource(raw); !ok || res.ID() == "" {
		return col.Get(ctx, id, ReadOptions{})
	}
	return col.requireOne(http.MethodPut, p, resp, raw)
}

// Patch sends a PATCH (RFC 7644 §3.5.2). Servers may answer 204 or an
// empty or partial 200; the resource is then read back with Get, asking for
// opts.Attributes, so the caller always gets the resulting state.
// Operations are validated first, as a malformed path would otherwise
// surface as an opaque 400 from the server.
func (col *Collection) Patch(ctx context.Context, id string, ops []PatchOp, opts WriteOptions) (Resource, error) {
	c, e := col.client, col.e
	if id == "" {
		return nil, e.errEmptyID("PATCH")
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("SCIM PATCH %s: no operations (RFC 7644 requires at least one)", e.noun)
	}
	if err := validateOps(ops); err != nil {
		return nil, fmt.Errorf("SCIM PATCH %s %s: %w", e.noun, id, err)
	}
	c.batches.invalidate(e, id)
	req := PatchRequest{Schemas: []string{messagePatchOp}, Operations: ops}
	var raw json.RawMessage
	p := e.item(id)
	resp, err := c.Do(ctx, Request{Method: http.MethodPatch, Path: p, Body: req, IfMatch: opts.IfMatch, Out: &raw})
	if err != nil {
		return nil, err
	}
	res, ok, derr := decodeResource(raw)
	if derr != nil {
		return nil, c.responseError(http.MethodPatch, p, resp, raw, "the patched "+e.noun+" is not a JSON object: "+derr.Error())
	}
	if resp.StatusCode == http.StatusNoContent || !ok || res.ID() == "" {
		return col.Get(ctx, id, ReadOptions{Attributes: opts.Attributes})
	}
	return res, nil
}

// Delete deletes a resource. A 404 comes back as an *Error (IsNotFound):
// the caller decides whether "already gone" is success.
func (col *Collection) Delete(ctx context.Context, id string, opts WriteOptions) error {
	e := col.e
	if id == "" {
		return e.errEmptyID("DELETE")
	}
	col.client.batches.invalidate(e, id)
	_, err := col.client.Do(ctx, Request{Method: http.MethodDelete, Path: e.item(id), IfMatch: opts.IfMatch})
	return err
}

// ListOptions selects and pages a listing (RFC 7644 §3.4.2).
type ListOptions struct {
	// Filter is a SCIM filter, e.g. built with EqFilter; "" lists all.
	Filter string
	// Attributes limits the returned attributes (sent as "attributes", or
	// applied client-side for apps that reject it, as in Get).
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

// List pages through the collection. It stops when totalResults is
// reached, a page is empty, Limit is reached, a page brings no new ids
// (servers that repeat the last page), or after maxListPages pages.
// startIndex advances by the number of resources actually received, since
// servers may return fewer than requested. Duplicate ids across pages are
// dropped.
func (col *Collection) List(ctx context.Context, opts ListOptions) (ListResult, error) {
	resources, total, err := col.pager(opts).collect(ctx, 1, nil)
	if err != nil {
		return ListResult{}, err
	}
	return ListResult{Resources: resources, Total: total}, nil
}

// Find returns every resource whose attr equals value (all pages), the
// lookup used to adopt an existing resource or to resolve an ambiguous
// create.
func (col *Collection) Find(ctx context.Context, attr, value string, opts ReadOptions) ([]Resource, error) {
	got, err := col.List(ctx, ListOptions{Filter: EqFilter(attr, value), Attributes: opts.Attributes})
	return got.Resources, err
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
