package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Discovery is what the service provider says about itself (RFC 7644 §4),
// completed with RFC defaults for the endpoints it does not serve: many SaaS
// SCIM implementations skip discovery entirely, and the provider must still
// work against them.
type Discovery struct {
	ServiceProviderConfig ServiceProviderConfig
	ResourceTypes         []ResourceType
	Schemas               []Schema
	// Missing lists discovery endpoints the server did not serve (404, 405
	// or 501), e.g. "/ResourceTypes"; defaults were assumed for them.
	Missing []string
}

type discoveryCall struct {
	done chan struct{}
	d    *Discovery
	err  error
}

// Discover fetches /ServiceProviderConfig, /ResourceTypes and /Schemas once
// and caches the result on the client; concurrent callers share a single
// fetch. The provider builds its clients anew for every Terraform command,
// so an app is discovered once per command, by whichever resource asks
// first, and every resource of the app sees what it served then. The returned value is shared: treat it as read-only. Endpoints
// answered with 404/405/501 are replaced by RFC defaults and listed in
// Missing; 401/403 and other failures are returned, because they mean the
// credentials or the base URL are wrong and the provider should say so now.
func (c *Client) Discover(ctx context.Context) (*Discovery, error) {
	for {
		c.discMu.Lock()
		if d := c.disc; d != nil {
			c.discMu.Unlock()
			return d, nil
		}
		if call := c.discCall; call != nil {
			c.discMu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("SCIM discovery: %w", ctx.Err())
			}
			if call.err == nil {
				return call.d, nil
			}
			// The fetching caller's context ended; ours has not, so
			// try again rather than inherit its cancellation.
			if (errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) && ctx.Err() == nil {
				continue
			}
			return nil, call.err
		}
		call := &discoveryCall{done: make(chan struct{})}
		c.discCall = call
		c.discMu.Unlock()

		d, err := c.fetchDiscovery(ctx)

		c.discMu.Lock()
		call.d, call.err = d, err
		c.discCall = nil
		if err == nil {
			c.disc = d
		}
		c.discMu.Unlock()
		close(call.done)
		return d, err
	}
}

// cachedDiscovery returns the cached discovery without fetching it.
func (c *Client) cachedDiscovery() *Discovery {
	c.discMu.Lock()
	defer c.discMu.Unlock()
	return c.disc
}

func discoveryMissing(err error) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	switch e.Status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}

func (c *Client) fetchDiscovery(ctx context.Context) (*Discovery, error) {
	d := &Discovery{}
	get := func(path string) (json.RawMessage, *http.Response, bool, error) {
		var raw json.RawMessage
		resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Out: &raw})
		if err != nil {
			if discoveryMissing(err) {
				d.Missing = append(d.Missing, path)
				return nil, resp, false, nil
			}
			return nil, resp, false, fmt.Errorf("SCIM discovery: %w", err)
		}
		if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil, resp, false, &ResponseError{Method: http.MethodGet, URL: c.url(path, nil), Status: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Reason: "empty body"}
		}
		return raw, resp, true, nil
	}

	spcPath := "/ServiceProviderConfig"
	raw, resp, ok, err := get(spcPath)
	if err == nil && !ok {
		// SCIM 1.1 spelt it in the plural, and some SCIM 2.0 apps still
		// do (Salesforce: "send a GET request to ServiceProviderConfigs
		// endpoint", https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_implementation.htm).
		if raw, resp, ok, err = get("/ServiceProviderConfigs"); ok {
			spcPath = "/ServiceProviderConfigs"
			d.Missing = slices.DeleteFunc(d.Missing, func(p string) bool { return p == "/ServiceProviderConfig" })
		} else {
			d.Missing = slices.DeleteFunc(d.Missing, func(p string) bool { return p == "/ServiceProviderConfigs" })
		}
	}
	if err != nil {
		return nil, err
	}
	if ok {
		spc, err := decodeServiceProviderConfig(raw)
		if err != nil {
			return nil, &ResponseError{Method: http.MethodGet, URL: c.url(spcPath, nil), Status: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Snippet: makeSnippet(raw, "application/json"), Reason: err.Error()}
		}
		d.ServiceProviderConfig = spc
	} else {
		d.ServiceProviderConfig = DefaultServiceProviderConfig()
	}

	raw, resp, ok, err = get("/ResourceTypes")
	if err != nil {
		return nil, err
	}
	if ok {
		rts, err := decodeList[ResourceType](raw)
		if err != nil {
			return nil, &ResponseError{Method: http.MethodGet, URL: c.url("/ResourceTypes", nil), Status: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Snippet: makeSnippet(raw, "application/json"), Reason: err.Error()}
		}
		d.ResourceTypes = rts
	} else {
		d.ResourceTypes = []ResourceType{DefaultUserResourceType()}
	}

	raw, resp, ok, err = get("/Schemas")
	if err != nil {
		return nil, err
	}
	if ok {
		schemas, err := decodeList[Schema](raw)
		if err != nil {
			return nil, &ResponseError{Method: http.MethodGet, URL: c.url("/Schemas", nil), Status: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Snippet: makeSnippet(raw, "application/json"), Reason: err.Error()}
		}
		d.Schemas = schemas
	} else {
		d.Schemas = BuiltinSchemas()
	}
	return d, nil
}

// DefaultServiceProviderConfig is assumed when /ServiceProviderConfig is not
// served: PATCH and filtering are what nearly every SaaS implementation
// supports in practice, the optional features are assumed absent, and
// maxResults 0 means "unknown".
func DefaultServiceProviderConfig() ServiceProviderConfig {
	return ServiceProviderConfig{
		Patch:  Supported{Supported: true},
		Filter: FilterConfig{Supported: true},
	}
}

// DefaultUserResourceType is assumed when /ResourceTypes is not served: User
// at /Users with the optional enterprise extension (RFC 7643 §8.7.1 example).
func DefaultUserResourceType() ResourceType {
	return ResourceType{
		ID:               "User",
		Name:             "User",
		Description:      "User Account",
		Endpoint:         "/Users",
		Schema:           SchemaUser,
		SchemaExtensions: []SchemaExtension{{Schema: SchemaEnterpriseUser, Required: false}},
	}
}

// decodeList accepts a ListResponse ("Resources", in any letter case) or a
// bare JSON array, as some servers return discovery lists without envelope.
func decodeList[T any](raw json.RawMessage) ([]T, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var out []T
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("invalid list: %v", err)
		}
		return out, nil
	}
	var env struct {
		Resources []T `json:"Resources"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("invalid list response: %v", err)
	}
	return env.Resources, nil
}

// decodeServiceProviderConfig is lenient about types ("true" for true, "100"
// for 100): the document only tunes behaviour, and rejecting a server over a
// quoted boolean would block provisioning for no benefit.
func decodeServiceProviderConfig(raw json.RawMessage) (ServiceProviderConfig, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return ServiceProviderConfig{}, fmt.Errorf("invalid ServiceProviderConfig: %v", err)
	}
	if m == nil {
		return ServiceProviderConfig{}, errors.New("invalid ServiceProviderConfig: not a JSON object")
	}
	obj := func(name string) map[string]any {
		v, _ := lookupFold(m, name)
		o, _ := v.(map[string]any)
		return o
	}
	var spc ServiceProviderConfig
	if v, ok := lookupFold(m, "documentationUri"); ok {
		spc.DocumentationURI, _ = v.(string)
	}
	spc.Patch.Supported = looseBool(obj("patch"), "supported")
	spc.ChangePassword.Supported = looseBool(obj("changePassword"), "supported")
	spc.Sort.Supported = looseBool(obj("sort"), "supported")
	spc.ETag.Supported = looseBool(obj("etag"), "supported")
	b := obj("bulk")
	spc.Bulk = BulkConfig{Supported: looseBool(b, "supported"), MaxOperations: looseInt(b, "maxOperations"), MaxPayloadSize: looseInt(b, "maxPayloadSize")}
	f := obj("filter")
	spc.Filter = FilterConfig{Supported: looseBool(f, "supported"), MaxResults: looseInt(f, "maxResults")}
	if v, ok := lookupFold(m, "authenticationSchemes"); ok {
		if b, err := json.Marshal(v); err == nil {
			_ = json.Unmarshal(b, &spc.AuthenticationSchemes)
		}
	}
	return spc, nil
}

func looseBool(m map[string]any, k string) bool {
	v, _ := lookupFold(m, k)
	switch x := v.(type) {
	case bool:
		return x
	case string:
		b, _ := strconv.ParseBool(strings.TrimSpace(x))
		return b
	}
	return false
}

func looseInt(m map[string]any, k string) int {
	v, _ := lookupFold(m, k)
	switch x := v.(type) {
	case float64:
		return int(x)
	case string:
		n, _ := strconv.Atoi(strings.TrimSpace(x))
		return n
	}
	return 0
}

// Schema returns the schema with the given URN; URNs compare
// case-insensitively (RFC 7643 §2.1).
func (d *Discovery) Schema(id string) (*Schema, bool) {
	for i := range d.Schemas {
		if strings.EqualFold(d.Schemas[i].ID, id) {
			return &d.Schemas[i], true
		}
	}
	return nil, false
}

// GroupNamesUnique reports whether the app's Group schema makes
// displayName unique (uniqueness "server" or "global"). RFC 7643's Group
// schema does not (§4.2), and neither does an app that publishes no Group
// schema: two groups may then share a name, so a create cannot count on a
// 409 to reveal a group it already made.
func (d *Discovery) GroupNamesUnique() bool {
	s, ok := d.Schema(schemaGroup)
	if !ok {
		return false
	}
	for _, a := range s.Attributes {
		if strings.EqualFold(a.Name, "displayName") {
			return strings.EqualFold(a.Uniqueness, "server") || strings.EqualFold(a.Uniqueness, "global")
		}
	}
	return false
}

// UserResourceType returns the resource type for users, found by schema URN
// or name, falling back to DefaultUserResourceType when the server lists
// none. The endpoint is normalised to start with "/".
func (d *Discovery) UserResourceType() ResourceType {
	var found *ResourceType
	for i := range d.ResourceTypes {
		if strings.EqualFold(d.ResourceTypes[i].Schema, SchemaUser) {
			found = &d.ResourceTypes[i]
			break
		}
	}
	if found == nil {
		for i := range d.ResourceTypes {
			rt := &d.ResourceTypes[i]
			if strings.EqualFold(rt.Name, "User") || strings.EqualFold(rt.ID, "User") {
				found = rt
				break
			}
		}
	}
	if found == nil {
		return DefaultUserResourceType()
	}
	rt := *found
	rt.SchemaExtensions = append([]SchemaExtension(nil), found.SchemaExtensions...)
	switch {
	case rt.Endpoint == "":
		rt.Endpoint = "/Users"
	case !strings.HasPrefix(rt.Endpoint, "/") && !strings.Contains(rt.Endpoint, "://"):
		rt.Endpoint = "/" + rt.Endpoint
	}
	if rt.Schema == "" {
		rt.Schema = SchemaUser
	}
	return rt
}

// schemaFor returns the served schema with this URN, or the built-in RFC
// definition for the core and enterprise User schemas when the server's
// /Schemas omits them.
func (d *Discovery) schemaFor(id string) (*Schema, bool) {
	if s, ok := d.Schema(id); ok {
		return s, true
	}
	for _, s := range builtinSchemasShared() {
		if strings.EqualFold(s.ID, id) {
			return &s, true
		}
	}
	return nil, false
}

// LookupUserAttribute returns the definition of the attribute p designates
// (the sub-attribute when p has one) and its parent (nil for a top-level
// attribute). Core User attributes may be written without their URN;
// extension attributes need the extension's URN prefix, as RFC 7644 §3.10
// requires. Names compare case-insensitively. The error names the path and
// suggests the likely intended attribute.
func (d *Discovery) LookupUserAttribute(p Path) (attr *Attribute, parent *Attribute, err error) {
	rt := d.UserResourceType()
	coreID := rt.Schema
	schemaID := p.Schema
	isCore := schemaID == "" || strings.EqualFold(schemaID, coreID) || strings.EqualFold(schemaID, SchemaUser)
	if isCore {
		schemaID = coreID
	}
	schema, ok := d.schemaFor(schemaID)
	if !ok {
		if isCore {
			return nil, nil, fmt.Errorf("path %q: the service provider does not describe the User schema %s", p.String(), schemaID)
		}
		return nil, nil, fmt.Errorf("path %q: unknown schema %q; the User resource type has %s", p.String(), schemaID, describeExtensions(rt))
	}
	a := findAttribute(schema.Attributes, p.Attribute)
	if a == nil && isCore {
		a = findAttribute(commonAttributesShared(), p.Attribute)
	}
	if a == nil {
		msg := fmt.Sprintf("no attribute %q in schema %s", p.Attribute, schema.ID)
		if hint := d.suggest(p, schema, rt, isCore); hint != "" {
			msg += "; " + hint
		}
		return nil, nil, errors.New(msg)
	}
	if p.Filter != "" {
		if !a.MultiValued {
			return nil, nil, fmt.Errorf("path %q: attribute %q is single-valued, so the value filter [%s] cannot select elements of it", p.String(), a.Name, p.Filter)
		}
		if pairs, ok := p.FilterEquals(); ok && len(a.SubAttributes) > 0 {
			for k := range pairs {
				if findAttribute(a.SubAttributes, k) == nil {
					return nil, nil, fmt.Errorf("path %q: the filter names %q, which is not a sub-attribute of %q (sub-attributes: %s)", p.String(), k, a.Name, attributeNames(a.SubAttributes))
				}
			}
		}
	}
	if p.SubAttribute == "" {
		cp := *a
		return &cp, nil, nil
	}
	if len(a.SubAttributes) == 0 {
		return nil, nil, fmt.Errorf("path %q: attribute %q is of type %s and has no sub-attributes, so %q cannot be addressed", p.String(), a.Name, a.Type, p.SubAttribute)
	}
	sub := findAttribute(a.SubAttributes, p.SubAttribute)
	if sub == nil {
		msg := fmt.Sprintf("path %q: attribute %q has no sub-attribute %q (sub-attributes: %s)", p.String(), a.Name, p.SubAttribute, attributeNames(a.SubAttributes))
		if best := closestName(p.SubAttribute, a.SubAttributes); best != "" {
			msg += fmt.Sprintf("; did you mean %q?", a.Name+"."+best)
		}
		return nil, nil, errors.New(msg)
	}
	cs, cp := *sub, *a
	return &cs, &cp, nil
}

// suggest proposes what the user probably meant: the URN-qualified name of
// an extension attribute written without its prefix, or a near spelling.
func (d *Discovery) suggest(p Path, schema *Schema, rt ResourceType, isCore bool) string {
	if isCore {
		for _, ext := range rt.SchemaExtensions {
			if s, ok := d.schemaFor(ext.Schema); ok {
				if a := findAttribute(s.Attributes, p.Attribute); a != nil {
					return fmt.Sprintf("it is an extension attribute, write it as %q", s.ID+":"+a.Name)
				}
			}
		}
	}
	candidates := schema.Attributes
	if isCore {
		candidates = append(append([]Attribute(nil), candidates...), commonAttributesShared()...)
	}
	if best := closestName(p.Attribute, candidates); best != "" {
		if isCore {
			return fmt.Sprintf("did you mean %q?", best)
		}
		return fmt.Sprintf("did you mean %q?", schema.ID+":"+best)
	}
	return ""
}

func describeExtensions(rt ResourceType) string {
	if len(rt.SchemaExtensions) == 0 {
		return "no schema extensions"
	}
	var ids []string
	for _, e := range rt.SchemaExtensions {
		ids = append(ids, e.Schema)
	}
	return "the extensions " + strings.Join(ids, ", ")
}

func findAttribute(attrs []Attribute, name string) *Attribute {
	for i := range attrs {
		if strings.EqualFold(attrs[i].Name, name) {
			return &attrs[i]
		}
	}
	return nil
}

func attributeNames(attrs []Attribute) string {
	names := make([]string, len(attrs))
	for i, a := range attrs {
		names[i] = a.Name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// closestName returns the attribute name within edit distance 2 of name,
// the typical size of a typo ("titel", "emial"); short names need a closer
// match so that unrelated two-letter names are not suggested.
func closestName(name string, attrs []Attribute) string {
	best, bestD := "", 3
	for _, a := range attrs {
		d := editDistance(strings.ToLower(name), strings.ToLower(a.Name))
		if d < bestD && 2*d < len(name) {
			best, bestD = a.Name, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance, so a swapped pair of letters counts as one typo.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
