package scim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// getProjected GETs p with query q and, unless the app is known to reject
// it, attributes as the "attributes" query parameter (RFC 7644 §3.9).
//
// Some servers answer 400 to any "attributes" that names an extension
// attribute, while the same GET without it works. So a 400 to a GET that
// carried "attributes" is repeated once without the parameter; when that
// succeeds the Client stops sending "attributes" for good (one Client is
// one app), and from then on the caller must remove unrequested attributes
// itself, which local reports. A 400 to a GET without "attributes" is the
// caller's problem and is returned as it came.
func (c *Client) getProjected(ctx context.Context, p string, q url.Values, attributes []string) (resp *http.Response, raw json.RawMessage, local bool, err error) {
	if len(attributes) == 0 {
		resp, err = c.Do(ctx, Request{Method: http.MethodGet, Path: p, Query: q, Out: &raw})
		return resp, raw, false, err
	}
	if c.noAttributes.Load() {
		resp, err = c.Do(ctx, Request{Method: http.MethodGet, Path: p, Query: q, Out: &raw})
		return resp, raw, true, err
	}
	withAttrs := url.Values{}
	for k, v := range q {
		withAttrs[k] = v
	}
	withAttrs.Set("attributes", strings.Join(attributes, ","))
	resp, err = c.Do(ctx, Request{Method: http.MethodGet, Path: p, Query: withAttrs, Out: &raw})
	if err == nil || !mayRejectAttributes(err) {
		return resp, raw, false, err
	}
	first := err
	raw = nil
	resp, err = c.Do(ctx, Request{Method: http.MethodGet, Path: p, Query: q, Out: &raw})
	if err != nil {
		if e, ok := AsError(err); ok && e.Status == http.StatusBadRequest {
			// Refused without "attributes" too: the parameter was not
			// the problem, so report the answer to what was asked.
			return nil, nil, false, first
		}
		return resp, nil, false, err
	}
	if c.noAttributes.CompareAndSwap(false, true) {
		// The URL is logged without its query: the filter carries user
		// data, and the attributes are logged on their own.
		e, _ := AsError(first)
		c.log.Log(ctx, LogWarn, "SCIM app rejects the attributes query parameter; no longer sending it and filtering answers client-side", map[string]any{
			"method": http.MethodGet, "url": c.url(p, nil), "attributes": strings.Join(attributes, ","),
			"status": e.Status, "scim_type": e.ScimType, "detail": e.Detail,
		})
	}
	return resp, raw, true, nil
}

// mayRejectAttributes reports a 400 that could be about the "attributes"
// parameter. scimType invalidFilter and tooMany name the filter and the
// result size, which dropping "attributes" cannot fix.
func mayRejectAttributes(err error) bool {
	e, ok := AsError(err)
	if !ok || e.Status != http.StatusBadRequest {
		return false
	}
	return !strings.EqualFold(e.ScimType, "invalidFilter") && !strings.EqualFold(e.ScimType, "tooMany")
}

// projectResource keeps the attributes of r that attributes names, plus
// id, schemas and meta (returned whatever is asked, RFC 7643 §3.1), as a
// server honouring "attributes" would. Names match case-insensitively. A
// path keeps the whole top-level attribute its first segment names
// (name.givenName keeps name, emails[type eq "work"].value keeps emails);
// a URN-qualified extension attribute keeps that member inside its
// extension object, and a bare extension URN keeps the whole object. r is
// not modified; the result shares values with it.
func projectResource(r Resource, attributes []string) Resource {
	if r == nil {
		return nil
	}
	out := make(Resource, len(attributes)+3)
	keep := func(name string) {
		if k, ok := keyFold(r, name); ok {
			out[k] = r[k]
		}
	}
	keep("id")
	keep("schemas")
	keep("meta")
	// partial holds extension objects built member by member, so a later
	// bare URN can replace them and a member never lands in r's own map.
	partial := map[string]map[string]any{}
	for _, a := range attributes {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if k, ok := keyFold(r, a); ok {
			// A top-level name, or a bare extension URN.
			out[k] = r[k]
			delete(partial, k)
			continue
		}
		p, err := ParsePath(a)
		if err != nil {
			continue
		}
		if p.Schema == "" || strings.EqualFold(p.Schema, SchemaUser) {
			keep(p.Attribute)
			continue
		}
		ek, ok := keyFold(r, p.Schema)
		if !ok {
			continue
		}
		ext, ok := r[ek].(map[string]any)
		if !ok {
			continue
		}
		ak, ok := keyFold(ext, p.Attribute)
		if !ok {
			continue
		}
		if _, whole := out[ek]; whole && partial[ek] == nil {
			continue
		}
		m := partial[ek]
		if m == nil {
			m = map[string]any{}
			partial[ek] = m
			out[ek] = m
		}
		m[ak] = ext[ak]
	}
	return out
}

// keyFold finds the key of m equal to name ignoring case, preferring an
// exact match.
func keyFold(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// DisableAttributesParam makes the Client stop sending "attributes" for
// good, as Config.NoAttributesParam does from the start: for a provider
// that learns only after creating the Client that the app rejects it (a
// compatibility setting of the app).
func (c *Client) DisableAttributesParam() { c.noAttributes.Store(true) }
