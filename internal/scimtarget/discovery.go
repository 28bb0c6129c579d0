package scimtarget

import (
	"net/http"
)

// specURIs point at the specification of each authentication scheme type.
var specURIs = map[string]string{
	"oauthbearertoken": "https://www.rfc-editor.org/info/rfc6750",
	"httpbasic":        "https://www.rfc-editor.org/info/rfc7617",
	"oauth2":           "https://www.rfc-editor.org/info/rfc6749",
}

// authSchemes is what /ServiceProviderConfig advertises: the configured list,
// or one entry per configured credential kind.
func authSchemes(o Options) []AuthScheme {
	if len(o.Capabilities.AuthenticationSchemes) > 0 {
		return o.Capabilities.AuthenticationSchemes
	}
	var out []AuthScheme
	if len(o.BearerTokens) > 0 {
		out = append(out, AuthScheme{Type: "oauthbearertoken", Name: "OAuth Bearer Token", Description: "Authentication scheme using the OAuth Bearer Token Standard", Primary: true})
	}
	if len(o.BasicUsers) > 0 {
		out = append(out, AuthScheme{Type: "httpbasic", Name: "HTTP Basic", Description: "Authentication scheme using the HTTP Basic Standard", Primary: len(out) == 0})
	}
	return out
}

func (c *call) serviceProviderConfig() error {
	caps := c.cfg.Capabilities
	schemes := []map[string]any{}
	for _, s := range authSchemes(c.cfg) {
		m := map[string]any{"type": s.Type, "name": s.Name, "description": s.Description}
		if s.Primary {
			m["primary"] = true
		}
		if u := specURIs[s.Type]; u != "" {
			m["specUri"] = u
		}
		schemes = append(schemes, m)
	}
	doc := map[string]any{
		"schemas":          []string{urnSPConfig},
		"documentationUri": "https://www.rfc-editor.org/info/rfc7644",
		"patch":            map[string]any{"supported": caps.Patch},
		"bulk": map[string]any{
			"supported":      caps.Bulk,
			"maxOperations":  caps.BulkMaxOperations,
			"maxPayloadSize": caps.BulkMaxPayloadSize,
		},
		"filter":                map[string]any{"supported": caps.Filter, "maxResults": caps.FilterMaxResults},
		"changePassword":        map[string]any{"supported": caps.ChangePassword},
		"sort":                  map[string]any{"supported": caps.Sort},
		"etag":                  map[string]any{"supported": caps.ETag},
		"authenticationSchemes": schemes,
		"meta": map[string]any{
			"resourceType": "ServiceProviderConfig",
			"location":     c.base + "/ServiceProviderConfig",
		},
	}
	writeJSON(c.w, http.StatusOK, doc)
	return nil
}

func (c *call) renderResourceType(rt *resourceType) map[string]any {
	out := deepCopy(rt.raw).(map[string]any)
	out["meta"] = map[string]any{"resourceType": "ResourceType", "location": c.base + "/ResourceTypes/" + rt.ID}
	return out
}

func (c *call) renderSchema(s *schema) map[string]any {
	out := deepCopy(s.raw).(map[string]any)
	out["meta"] = map[string]any{"resourceType": "Schema", "location": c.base + "/Schemas/" + s.ID}
	return out
}

func (c *call) resourceTypes(rest []string) error {
	reg := c.reg
	if len(rest) == 1 {
		rt := reg.resourceTypeByName(rest[0])
		if rt == nil {
			return notFound("resource type %q not found", rest[0])
		}
		writeJSON(c.w, http.StatusOK, c.renderResourceType(rt))
		return nil
	}
	var items []map[string]any
	for _, rt := range reg.resourceTypes {
		items = append(items, c.renderResourceType(rt))
	}
	writeJSON(c.w, http.StatusOK, c.listResponse(len(items), 1, items))
	return nil
}

func (c *call) schemas(rest []string) error {
	reg := c.reg
	if len(rest) == 1 {
		s := reg.schema(rest[0])
		if s == nil {
			return notFound("schema %q not found", rest[0])
		}
		writeJSON(c.w, http.StatusOK, c.renderSchema(s))
		return nil
	}
	var items []map[string]any
	for _, s := range reg.schemas {
		items = append(items, c.renderSchema(s))
	}
	writeJSON(c.w, http.StatusOK, c.listResponse(len(items), 1, items))
	return nil
}
