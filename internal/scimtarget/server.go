package scimtarget

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/httpstatus"
)

// contentType is the media type of every SCIM response (RFC 7644 §3.1).
const contentType = "application/scim+json"

// maxBodySize bounds request bodies; SCIM payloads are small and a test
// target has no business buffering more.
const maxBodySize = 8 << 20

// Target is an in-memory SCIM 2.0 service provider. It is an http.Handler
// serving SCIM at its root (mount it under a prefix with http.StripPrefix)
// and the test controls under /_control/. All methods are safe for concurrent
// use.
type Target struct {
	// reg is the registry the target starts with (builtinRegistry, shared
	// by all targets and never modified). changedReg is this target's own
	// copy once a schema was changed at run time (SetAttributeMutability,
	// RemoveSchemaAttribute), nil until then; registry() picks the one in
	// force. Changes replace the copy as a whole, so a request that took a
	// registry keeps a consistent one.
	reg        *registry
	changedReg atomic.Pointer[registry]
	initial    Options
	clock      func() time.Time

	mu      sync.Mutex
	opts    Options
	store   *store
	faults  faultList
	log     []*RecordedRequest
	baseURL string
	window  rateWindow
	// buckets are the states of Options.RateLimits; rateClock, when set
	// (by tests), is their clock.
	buckets   ruleBuckets
	rateClock func() time.Time
}

// New returns a Target configured by opts. The options are copied; use the
// Set* methods to change behaviour at run time. A named Personality is
// resolved first (see Options.Personality); New panics if it is unknown.
func New(opts Options) *Target {
	opts, err := applyPersonality(opts)
	if err != nil {
		panic(err)
	}
	if reflect.DeepEqual(opts.Capabilities, Capabilities{}) {
		opts.Capabilities = DefaultCapabilities()
	}
	opts = opts.clone()
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	return &Target{
		clock:   clock,
		reg:     builtinRegistry,
		initial: opts,
		opts:    opts.clone(),
		store:   newStore(),
		baseURL: strings.TrimSuffix(opts.BaseURL, "/"),
	}
}

// config snapshots the run-time configuration so that one request sees one
// consistent set of capabilities and quirks.
func (t *Target) config() Options {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.opts.clone()
}

func (t *Target) now() time.Time { return t.clock() }

// BaseURL returns the absolute SCIM base URL the target is reachable at: the
// one given in Options.BaseURL or by NewTestServer, else the one the first
// request arrived on ("" before any request).
func (t *Target) BaseURL() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.baseURL
}

// ServeHTTP serves the SCIM endpoints (/ServiceProviderConfig,
// /ResourceTypes, /Schemas, /Users, /Users/{id}, /Bulk) and the test controls
// under /_control/.
func (t *Target) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "" {
		p = "/"
	}
	base := requestBase(r, p)
	if p == "/_control" || strings.HasPrefix(p, "/_control/") {
		t.serveControl(w, r, strings.TrimPrefix(p, "/_control"), base)
		return
	}
	t.mu.Lock()
	if t.baseURL == "" {
		t.baseURL = base
	}
	t.mu.Unlock()

	start := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodySize+1))
	rec := t.record(r, p, body)
	sw := &httpstatus.Recorder{ResponseWriter: w}
	defer func() {
		t.finish(rec, sw.Status, time.Since(start))
	}()
	q := t.Quirks()
	var out http.ResponseWriter = sw
	if q.JSONContentType {
		out = &jsonContentTypeWriter{ResponseWriter: sw}
	}
	if err != nil {
		writeJSON(out, http.StatusBadRequest, errorDocument(q, http.StatusBadRequest, errInvalidSyntax, "cannot read request body: "+err.Error()))
		return
	}
	if len(body) > maxBodySize {
		writeJSON(out, http.StatusRequestEntityTooLarge, errorDocument(q, http.StatusRequestEntityTooLarge, "", "request body too large"))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !t.admit(out) {
		writeJSON(out, http.StatusTooManyRequests, errorDocument(q, http.StatusTooManyRequests, "", "rate limit exceeded; retry after the Retry-After delay"))
		return
	}
	if !t.admitRules(out, r, p, len(body), q) {
		return
	}
	if t.applyFault(sw, r, p, body, base, rec) { // injected faults answer as they were told
		return
	}
	t.serveSCIM(out, r, p, body, base)
}

// requestBase reconstructs the absolute URL of the SCIM root from the request:
// whatever prefix http.StripPrefix removed is still in RequestURI.
func requestBase(r *http.Request, p string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	prefix := ""
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && strings.HasSuffix(u.Path, p) {
		prefix = strings.TrimSuffix(u.Path[:len(u.Path)-len(p)], "/")
	}
	return scheme + "://" + r.Host + prefix
}

// call carries one SCIM request through routing and handling.
type call struct {
	t    *Target
	w    http.ResponseWriter
	r    *http.Request
	path string
	body []byte
	base string
	cfg  Options
	// reg is the registry in force when the request arrived.
	reg *registry
	// authenticated skips authentication for operations inside /Bulk, which
	// was authenticated as a whole.
	authenticated bool
}

func (t *Target) serveSCIM(w http.ResponseWriter, r *http.Request, p string, body []byte, base string) {
	c := &call{t: t, w: w, r: r, path: p, body: body, base: base, cfg: t.config(), reg: t.registry()}
	c.serve()
}

func (c *call) serve() {
	if err := c.route(); err != nil {
		c.fail(err)
	}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

var discoveryEndpoints = map[string]bool{"ServiceProviderConfig": true, "ResourceTypes": true, "Schemas": true}

func (c *call) route() error {
	segs := splitPath(c.path)
	if len(segs) == 0 {
		return notFound("no SCIM endpoint at %q; try /ServiceProviderConfig or /Users", c.path)
	}
	if err := c.checkUserAgent(); err != nil {
		return err
	}
	if c.cfg.Quirks.ServiceProviderConfigsAlias && segs[0] == "ServiceProviderConfigs" {
		segs[0] = "ServiceProviderConfig"
	}
	first := segs[0]
	discovery := discoveryEndpoints[first]
	if !c.authenticated && (!discovery || !c.cfg.PublicDiscovery) {
		if err := c.authenticate(); err != nil {
			return err
		}
	}
	if discovery {
		for _, m := range c.cfg.Quirks.MissingDiscovery {
			if strings.EqualFold(strings.Trim(m, "/"), first) {
				return notFound("endpoint /%s is not available", first)
			}
		}
		if c.r.Method != http.MethodGet {
			return c.methodNotAllowed("GET")
		}
		if c.r.URL.Query().Has("filter") {
			// RFC 7644 §4: filtering discovery endpoints is forbidden.
			return newError(http.StatusForbidden, "", "filtering is not supported on /%s", first)
		}
		switch {
		case first == "ServiceProviderConfig" && len(segs) == 1:
			return c.serviceProviderConfig()
		case first == "ResourceTypes" && len(segs) <= 2:
			return c.resourceTypes(segs[1:])
		case first == "Schemas" && len(segs) <= 2:
			return c.schemas(segs[1:])
		}
		return notFound("no such endpoint %q", c.path)
	}
	switch first {
	case "Bulk":
		if len(segs) != 1 {
			return notFound("no such endpoint %q", c.path)
		}
		if c.r.Method != http.MethodPost {
			return c.methodNotAllowed("POST")
		}
		return c.bulk()
	case "Me":
		return newError(http.StatusNotImplemented, "", "/Me is not supported")
	}
	rt := c.reg.resourceTypeByEndpoint("/" + first)
	if rt == nil {
		return notFound("no such endpoint %q", c.path)
	}
	switch {
	case len(segs) == 1:
		switch c.r.Method {
		case http.MethodGet:
			p, err := listParamsFromQuery(c.r.URL.Query())
			if err != nil {
				return err
			}
			return c.list(rt, p)
		case http.MethodPost:
			return c.create(rt)
		}
		return c.methodNotAllowed("GET, POST")
	case len(segs) == 2 && segs[1] == ".search":
		if c.r.Method != http.MethodPost {
			return c.methodNotAllowed("POST")
		}
		if c.cfg.Quirks.NoSearch {
			return newError(http.StatusNotImplemented, "", "searching with POST %s/.search is not supported", rt.Endpoint)
		}
		return c.search(rt)
	case len(segs) == 2:
		id := segs[1]
		switch c.r.Method {
		case http.MethodGet:
			return c.get(rt, id)
		case http.MethodPut:
			return c.replace(rt, id)
		case http.MethodPatch:
			return c.patch(rt, id)
		case http.MethodDelete:
			return c.delete(rt, id)
		}
		return c.methodNotAllowed("GET, PUT, PATCH, DELETE")
	}
	return notFound("no such endpoint %q", c.path)
}

func (c *call) methodNotAllowed(allow string) error {
	c.w.Header().Set("Allow", allow)
	return newError(http.StatusMethodNotAllowed, "", "method %s is not allowed on %s", c.r.Method, c.path)
}

// checkContentType accepts application/scim+json and application/json (RFC
// 7644 §3.1 and §8.1) and a missing header; anything else is 415.
func (c *call) checkContentType() error {
	ct := c.r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == contentType || mt == "application/json") {
		return nil
	}
	return newError(http.StatusUnsupportedMediaType, "", "Content-Type %q is not supported; use %s", ct, contentType)
}

// fail writes err as a SCIM error response.
func (c *call) fail(err error) {
	se, ok := err.(*scimError)
	if !ok {
		se = newError(http.StatusInternalServerError, "", "%v", err)
	}
	scimType := se.scimType
	if se.status == http.StatusConflict && c.cfg.Quirks.ConflictWithoutScimType {
		scimType = ""
	}
	writeJSON(c.w, se.status, errorDocument(c.cfg.Quirks, se.status, scimType, se.detail))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(errorBody(status, "", err.Error()))
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// bufferWriter captures a response that must not (yet) reach the client: the
// real outcome of a request whose answer a fault replaces, or one operation
// of a bulk request.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
