package scim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/rfc7643"
)

const entURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// discoveryServer serves the three discovery endpoints from handlers that
// default to RFC-shaped answers; a nil entry answers with missingStatus.
type discoveryServer struct {
	*httptest.Server
	hits          sync.Map // path -> *atomic.Int32
	mu            sync.Mutex
	handlers      map[string]http.HandlerFunc
	missingStatus int
	delay         atomic.Int64 // nanoseconds
}

func (s *discoveryServer) count(path string) int32 {
	v, ok := s.hits.Load(path)
	if !ok {
		return 0
	}
	return v.(*atomic.Int32).Load()
}

func spcHandler(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"schemas":               []string{schemaServiceProviderConfig},
		"documentationUri":      "https://docs.example.com",
		"patch":                 map[string]any{"supported": true},
		"bulk":                  map[string]any{"supported": true, "maxOperations": 1000, "maxPayloadSize": 1048576},
		"filter":                map[string]any{"supported": true, "maxResults": 50},
		"changePassword":        map[string]any{"supported": false},
		"sort":                  map[string]any{"supported": true},
		"etag":                  map[string]any{"supported": true},
		"authenticationSchemes": []any{map[string]any{"type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true}},
	})
}

func rtHandler(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"schemas":      []string{messageListResponse},
		"totalResults": 2,
		"Resources": []any{
			map[string]any{"id": "Group", "name": "Group", "endpoint": "/Groups", "schema": schemaGroup},
			map[string]any{"id": "User", "name": "User", "endpoint": "Users", "schema": SchemaUser,
				"schemaExtensions": []any{map[string]any{"schema": entURN, "required": true}}},
		},
	})
}

func schemasHandler(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"schemas":      []string{messageListResponse},
		"totalResults": 1,
		"Resources":    []any{customUserSchema()},
	})
}

// customUserSchema is a server's User schema with a non-RFC attribute and
// without most RFC ones.
func customUserSchema() Schema {
	return Schema{ID: SchemaUser, Name: "User", Attributes: []Attribute{
		{Name: "userName", Type: TypeString, Required: true, Uniqueness: "server"},
		{Name: "costCode", Type: TypeString},
		{Name: "emails", Type: TypeComplex, MultiValued: true, SubAttributes: []Attribute{{Name: "value", Type: TypeString}, {Name: "type", Type: TypeString}}},
	}}
}

func newDiscoveryServer(t *testing.T, handlers map[string]http.HandlerFunc, missingStatus int) *discoveryServer {
	s := &discoveryServer{handlers: handlers, missingStatus: missingStatus}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/scim")
		v, _ := s.hits.LoadOrStore(p, &atomic.Int32{})
		v.(*atomic.Int32).Add(1)
		time.Sleep(time.Duration(s.delay.Load()))
		s.mu.Lock()
		h, ok := s.handlers[p]
		s.mu.Unlock()
		if !ok || h == nil {
			scimError(w, s.missingStatus, "", "no such endpoint")
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func allHandlers() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/ServiceProviderConfig": spcHandler,
		"/ResourceTypes":         rtHandler,
		"/Schemas":               schemasHandler,
	}
}

func TestDiscoverFull(t *testing.T) {
	srv := newDiscoveryServer(t, allHandlers(), 404)
	c := newTestClient(t, srv.URL+"/scim")
	d, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Missing) != 0 {
		t.Errorf("Missing = %v", d.Missing)
	}
	spc := d.ServiceProviderConfig
	if !spc.Patch.Supported || !spc.ETag.Supported || !spc.Sort.Supported || spc.ChangePassword.Supported ||
		spc.Filter.MaxResults != 50 || spc.Bulk.MaxOperations != 1000 || spc.DocumentationURI != "https://docs.example.com" ||
		len(spc.AuthenticationSchemes) != 1 || spc.AuthenticationSchemes[0].Type != "oauthbearertoken" {
		t.Errorf("SPC = %+v", spc)
	}
	rt := d.UserResourceType()
	if rt.Endpoint != "/Users" || rt.Schema != SchemaUser || len(rt.SchemaExtensions) != 1 || !rt.SchemaExtensions[0].Required {
		t.Errorf("user resource type = %+v", rt)
	}
	if s, ok := d.Schema(strings.ToUpper(SchemaUser)); !ok || len(s.Attributes) != 3 {
		t.Errorf("Schema lookup is case-insensitive and returns served schema: %+v %v", s, ok)
	}
	if _, ok := d.Schema("urn:nope"); ok {
		t.Error("unknown schema found")
	}
}

func TestDiscoverMissingEndpoints(t *testing.T) {
	tests := []struct {
		name        string
		drop        []string
		status      int
		wantMissing []string
	}{
		{"no ServiceProviderConfig (404)", []string{"/ServiceProviderConfig"}, 404, []string{"/ServiceProviderConfig"}},
		{"no ResourceTypes (405)", []string{"/ResourceTypes"}, 405, []string{"/ResourceTypes"}},
		{"no Schemas (501)", []string{"/Schemas"}, 501, []string{"/Schemas"}},
		{"nothing served", []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"}, 404, []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := allHandlers()
			for _, p := range tt.drop {
				h[p] = nil
			}
			srv := newDiscoveryServer(t, h, tt.status)
			c := newTestClient(t, srv.URL+"/scim")
			d, err := c.Discover(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Missing, tt.wantMissing) {
				t.Errorf("Missing = %v, want %v", d.Missing, tt.wantMissing)
			}
			missing := map[string]bool{}
			for _, m := range d.Missing {
				missing[m] = true
			}
			if missing["/ServiceProviderConfig"] {
				want := ServiceProviderConfig{Patch: Supported{true}, Filter: FilterConfig{Supported: true}}
				if !reflect.DeepEqual(d.ServiceProviderConfig, want) {
					t.Errorf("default SPC = %+v", d.ServiceProviderConfig)
				}
			} else if d.ServiceProviderConfig.Filter.MaxResults != 50 {
				t.Errorf("served SPC not used")
			}
			rt := d.UserResourceType()
			if missing["/ResourceTypes"] {
				if !reflect.DeepEqual(rt, DefaultUserResourceType()) || len(d.ResourceTypes) != 1 {
					t.Errorf("default resource type = %+v", rt)
				}
			} else if !rt.SchemaExtensions[0].Required {
				t.Errorf("served resource types not used")
			}
			core, ok := d.Schema(SchemaUser)
			if !ok {
				t.Fatal("no core schema")
			}
			if missing["/Schemas"] {
				if len(core.Attributes) < 20 {
					t.Errorf("built-in core schema has %d attributes", len(core.Attributes))
				}
				if _, ok := d.Schema(entURN); !ok {
					t.Error("built-in enterprise schema missing")
				}
			} else if len(core.Attributes) != 3 {
				t.Errorf("served schemas not used")
			}
		})
	}
}

func TestDiscoverListShapes(t *testing.T) {
	tests := []struct {
		name    string
		schemas http.HandlerFunc
		rts     http.HandlerFunc
	}{
		{
			"bare arrays",
			func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, []any{customUserSchema()}) },
			func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, []any{map[string]any{"name": "User", "endpoint": "/Users", "schema": SchemaUser}})
			},
		},
		{
			"lower-case resources",
			func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, map[string]any{"totalResults": 1, "resources": []any{customUserSchema()}})
			},
			func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, map[string]any{"resources": []any{map[string]any{"name": "User", "endpoint": "/Users", "schema": SchemaUser}}})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newDiscoveryServer(t, map[string]http.HandlerFunc{"/Schemas": tt.schemas, "/ResourceTypes": tt.rts}, 404)
			c := newTestClient(t, srv.URL)
			d, err := c.Discover(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := d.Schema(SchemaUser); !ok || len(s.Attributes) != 3 {
				t.Errorf("schemas = %+v", d.Schemas)
			}
			if len(d.ResourceTypes) != 1 || d.UserResourceType().Endpoint != "/Users" {
				t.Errorf("resource types = %+v", d.ResourceTypes)
			}
		})
	}
}

func TestDiscoverLenientServiceProviderConfig(t *testing.T) {
	srv := newDiscoveryServer(t, map[string]http.HandlerFunc{
		"/ServiceProviderConfig": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"Patch":{"supported":"true"},"filter":{"supported":"TRUE","maxResults":"200"},"etag":{"supported":false}}`))
		},
	}, 404)
	c := newTestClient(t, srv.URL)
	d, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	spc := d.ServiceProviderConfig
	if !spc.Patch.Supported || !spc.Filter.Supported || spc.Filter.MaxResults != 200 || spc.ETag.Supported {
		t.Errorf("SPC = %+v", spc)
	}
}

func TestDiscoverErrors(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		handler http.HandlerFunc
		check   func(error) bool
		wantMsg string
	}{
		{"401 on SPC", "/ServiceProviderConfig", status(401), IsUnauthorized, "HTTP 401"},
		{"403 on Schemas", "/Schemas", status(403), IsUnauthorized, "HTTP 403"},
		{"500 on ResourceTypes", "/ResourceTypes", status(500), func(err error) bool { e, ok := AsError(err); return ok && e.Status == 500 }, "HTTP 500"},
		{"HTML login page", "/ServiceProviderConfig", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>login</html>"))
		}, func(err error) bool { var re *ResponseError; return errors.As(err, &re) }, "expected a SCIM JSON body"},
		{"garbage schemas", "/Schemas", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"Resources": "nope"})
		}, func(err error) bool { var re *ResponseError; return errors.As(err, &re) }, "invalid list response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := allHandlers()
			h[tt.path] = tt.handler
			srv := newDiscoveryServer(t, h, 404)
			c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = -1 })
			d, err := c.Discover(context.Background())
			if err == nil || d != nil {
				t.Fatalf("want error, got %+v", d)
			}
			if !tt.check(err) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v", err)
			}
			// A failure is not cached.
			srv.mu.Lock()
			h[tt.path] = allHandlers()[tt.path]
			srv.mu.Unlock()
			if _, err := c.Discover(context.Background()); err != nil {
				t.Errorf("retry after fixing the server: %v", err)
			}
		})
	}
}

func TestDiscoverCachedAndShared(t *testing.T) {
	srv := newDiscoveryServer(t, allHandlers(), 404)
	srv.delay.Store(int64(30 * time.Millisecond))
	c := newTestClient(t, srv.URL)
	var wg sync.WaitGroup
	results := make([]*Discovery, 10)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d, err := c.Discover(context.Background())
			if err != nil {
				t.Error(err)
			}
			results[i] = d
		}(i)
	}
	wg.Wait()
	for _, p := range []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"} {
		if n := srv.count(p); n != 1 {
			t.Errorf("%s fetched %d times, want 1", p, n)
		}
	}
	for _, d := range results[1:] {
		if d != results[0] {
			t.Error("callers got different discovery results")
		}
	}
}

func TestDiscoverWaiterCancellation(t *testing.T) {
	srv := newDiscoveryServer(t, allHandlers(), 404)
	srv.delay.Store(int64(200 * time.Millisecond))
	c := newTestClient(t, srv.URL)
	go func() { _, _ = c.Discover(context.Background()) }()
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Discover(ctx); err == nil {
		t.Fatal("want context error")
	}
	if time.Since(start) > 150*time.Millisecond {
		t.Errorf("waiter did not honour its context")
	}
}

func builtinDiscovery() *Discovery {
	return &Discovery{
		ServiceProviderConfig: DefaultServiceProviderConfig(),
		ResourceTypes:         []ResourceType{DefaultUserResourceType()},
		Schemas:               BuiltinSchemas(),
	}
}

func TestLookupUserAttribute(t *testing.T) {
	tests := []struct {
		path       string
		d          *Discovery
		wantName   string
		wantType   string
		wantParent string
		wantErr    string
	}{
		{path: "userName", wantName: "userName", wantType: TypeString},
		{path: "USERNAME", wantName: "userName", wantType: TypeString},
		{path: "active", wantName: "active", wantType: TypeBoolean},
		{path: "externalId", wantName: "externalId", wantType: TypeString},
		{path: "meta.lastModified", wantName: "lastModified", wantType: TypeDateTime, wantParent: "meta"},
		{path: "name.givenName", wantName: "givenName", wantParent: "name", wantType: TypeString},
		{path: "emails", wantName: "emails", wantType: TypeComplex},
		{path: `emails[type eq "work"].value`, wantName: "value", wantParent: "emails", wantType: TypeString},
		{path: `emails[type eq "work"]`, wantName: "emails", wantType: TypeComplex},
		{path: `emails[type eq "work" and primary eq true].value`, wantName: "value", wantParent: "emails"},
		{path: "groups.$ref", wantName: "$ref", wantParent: "groups", wantType: TypeReference},
		{path: SchemaUser + ":name.familyName", wantName: "familyName", wantParent: "name"},
		{path: entURN + ":department", wantName: "department", wantType: TypeString},
		{path: entURN + ":manager.value", wantName: "value", wantParent: "manager"},
		{path: strings.ToLower(entURN) + ":employeeNumber", wantName: "employeeNumber"},
		{path: "titel", wantErr: `no attribute "titel" in schema urn:ietf:params:scim:schemas:core:2.0:User; did you mean "title"?`},
		{path: "department", wantErr: `no attribute "department" in schema urn:ietf:params:scim:schemas:core:2.0:User; it is an extension attribute, write it as "` + entURN + `:department"`},
		{path: entURN + ":departmnt", wantErr: `did you mean "` + entURN + `:department"?`},
		{path: "zz", wantErr: `no attribute "zz" in schema urn:ietf:params:scim:schemas:core:2.0:User`},
		{path: "name.givenNme", wantErr: `attribute "name" has no sub-attribute "givenNme"`},
		{path: "userName.first", wantErr: `has no sub-attributes`},
		{path: `name[givenName eq "x"]`, wantErr: "single-valued"},
		{path: `emails[kind eq "work"].value`, wantErr: `the filter names "kind"`},
		{path: "urn:example:custom:2.0:User:badge", wantErr: `unknown schema "urn:example:custom:2.0:User"`},
		// Served schema: RFC attributes it does not list are unknown, its
		// own attributes are found, the enterprise schema falls back to
		// the built-in definition.
		{path: "costCode", d: &Discovery{Schemas: []Schema{customUserSchema()}}, wantName: "costCode"},
		{path: "title", d: &Discovery{Schemas: []Schema{customUserSchema()}}, wantErr: `no attribute "title"`},
		{path: entURN + ":division", d: &Discovery{Schemas: []Schema{customUserSchema()}}, wantName: "division"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			d := tt.d
			if d == nil {
				d = builtinDiscovery()
			}
			p, err := ParsePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			attr, parent, err := d.LookupUserAttribute(p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if attr.Name != tt.wantName || (tt.wantType != "" && attr.Type != tt.wantType) {
				t.Errorf("attr = %s (%s)", attr.Name, attr.Type)
			}
			if tt.wantParent == "" && parent != nil || tt.wantParent != "" && (parent == nil || parent.Name != tt.wantParent) {
				t.Errorf("parent = %+v, want %q", parent, tt.wantParent)
			}
			attr.Name = "mutated"
			if a2, _, _ := d.LookupUserAttribute(p); a2.Name == "mutated" {
				t.Error("returned attribute aliases the discovery data")
			}
		})
	}
}

func TestBuiltinSchemasMatchRFC(t *testing.T) {
	schemas := BuiltinSchemas()
	if len(schemas) != 3 || schemas[0].ID != SchemaUser || schemas[1].ID != entURN || schemas[2].ID != rfc7643.GroupSchemaURN {
		t.Fatalf("schemas = %v", schemas)
	}
	byName := map[string]Attribute{}
	for _, a := range schemas[0].Attributes {
		byName[a.Name] = a
	}
	for _, name := range []string{"userName", "name", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage",
		"locale", "timezone", "active", "password", "emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("core User schema lacks %s", name)
		}
	}
	if a := byName["userName"]; !a.Required || a.Uniqueness != "server" || a.CaseExact {
		t.Errorf("userName = %+v", a)
	}
	if a := byName["password"]; a.Mutability != MutabilityWriteOnly || a.Returned != "never" {
		t.Errorf("password = %+v", a)
	}
	if a := byName["groups"]; a.Mutability != MutabilityReadOnly || !a.MultiValued {
		t.Errorf("groups = %+v", a)
	}
	if a := byName["active"]; a.Type != TypeBoolean {
		t.Errorf("active = %+v", a)
	}
	// Fresh copies each call.
	schemas[0].Attributes[0].Name = "x"
	if BuiltinSchemas()[0].Attributes[0].Name != "userName" {
		t.Error("BuiltinSchemas returns shared data")
	}
	js, _ := json.Marshal(BuiltinSchemas())
	if !strings.Contains(string(js), `"canonicalValues":["work","home","other"]`) {
		t.Error("emails.type canonical values missing")
	}
}

func TestUserResourceTypeFallbacks(t *testing.T) {
	tests := []struct {
		name string
		rts  []ResourceType
		want string
	}{
		{"none", nil, "/Users"},
		{"by name", []ResourceType{{Name: "User", Endpoint: "/People"}}, "/People"},
		{"by schema", []ResourceType{{Name: "Person", Endpoint: "Accounts", Schema: SchemaUser}}, "/Accounts"},
		{"empty endpoint", []ResourceType{{Name: "User", Schema: SchemaUser}}, "/Users"},
		{"groups only", []ResourceType{{Name: "Group", Endpoint: "/Groups", Schema: schemaGroup}}, "/Users"},
	}
	for _, tt := range tests {
		d := &Discovery{ResourceTypes: tt.rts}
		if got := d.UserResourceType(); got.Endpoint != tt.want || got.Schema != SchemaUser {
			t.Errorf("%s: %+v", tt.name, got)
		}
	}
}
