package scimtarget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// client is a minimal SCIM test client; it deliberately knows nothing of the
// project's SCIM client package.
type client struct {
	t     testing.TB
	base  string
	token string
	hc    *http.Client
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func newTarget(t testing.TB, opts Options) (*Target, *client) {
	t.Helper()
	tg, srv := NewTestServer(t, opts)
	c := &client{t: t, base: BaseURL(srv), hc: srv.Client()}
	if len(opts.BearerTokens) > 0 {
		c.token = opts.BearerTokens[0]
	}
	return tg, c
}

// do sends a request; body may be a string (sent verbatim) or a value
// (JSON-encoded). Extra headers come as "Name: value" strings.
func (c *client) do(method, path string, body any, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.body)
	}
	return r
}

// must asserts the status and returns the response.
func (r response) must(t testing.TB, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.raw)
	}
	return r
}

// wantError asserts a SCIM error response with the given status and scimType.
func (r response) wantError(t testing.TB, status int, scimType string) response {
	t.Helper()
	r.must(t, status)
	if ct := r.header.Get("Content-Type"); ct != contentType {
		t.Errorf("error Content-Type %q, want %q", ct, contentType)
	}
	if got := fmt.Sprint(r.body["status"]); got != fmt.Sprint(status) {
		t.Errorf("error body status %q, want %q (as a string)", got, fmt.Sprint(status))
	}
	if _, isString := r.body["status"].(string); !isString {
		t.Errorf("error body status must be a JSON string: %s", r.raw)
	}
	schemas, _ := r.body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != urnError {
		t.Errorf("error schemas %v", r.body["schemas"])
	}
	if got, _ := r.body["scimType"].(string); got != scimType {
		t.Errorf("scimType %q, want %q; body: %s", got, scimType, r.raw)
	}
	return r
}

// get walks a decoded JSON document by dotted path; numeric segments index
// arrays.
func get(doc any, path string) any {
	cur := doc
	for _, seg := range splitDotted(path) {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[seg]
		case []any:
			var i int
			if _, err := fmt.Sscanf(seg, "%d", &i); err != nil || i >= len(x) {
				return nil
			}
			cur = x[i]
		default:
			return nil
		}
	}
	return cur
}

// splitDotted splits on dots except inside URNs, which are written as
// [urn...] segments: "[urn:...:User].department".
func splitDotted(p string) []string {
	var out []string
	for p != "" {
		if strings.HasPrefix(p, "[") {
			end := strings.Index(p, "]")
			out = append(out, p[1:end])
			p = strings.TrimPrefix(p[end+1:], ".")
			continue
		}
		seg, rest, _ := strings.Cut(p, ".")
		out = append(out, seg)
		p = rest
	}
	return out
}

func userDoc(userName string, extra map[string]any) map[string]any {
	d := map[string]any{
		"schemas":  []string{urnCoreUser},
		"userName": userName,
	}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

// createUser POSTs a user and returns its id.
func (c *client) createUser(userName string, extra map[string]any) string {
	c.t.Helper()
	r := c.do("POST", "/Users", userDoc(userName, extra)).must(c.t, http.StatusCreated)
	id, _ := r.body["id"].(string)
	if id == "" {
		c.t.Fatalf("no id in %s", r.raw)
	}
	return id
}

func patchBody(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{urnPatchOp}, "Operations": ops}
}

func op(o, path string, value any) map[string]any {
	m := map[string]any{"op": o}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}

// resources returns the Resources of a list response.
func resources(r response) []any {
	l, _ := r.body["Resources"].([]any)
	return l
}

func userNames(r response) []string {
	var out []string
	for _, u := range resources(r) {
		s, _ := get(u, "userName").(string)
		out = append(out, s)
	}
	return out
}
