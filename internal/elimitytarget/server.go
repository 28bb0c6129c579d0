package elimitytarget

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/openscim/terraform-provider-scim/internal/httpstatus"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// EnterpriseURN is the enterprise User extension the server supports.
const EnterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// scimRoot is where the library is mounted; the library itself strips the
// "/v2" it expects in front of every endpoint.
const scimRoot = "/scim/v2"

// Server is an elimity-com/scim service provider for Users (core schema
// plus the enterprise extension) and Groups on 127.0.0.1.
type Server struct {
	baseURL string
	token   string
	lib     http.Handler              // the library's scim.Server, without auth or log
	faults  *scimtarget.FaultInjector // lib behind injected faults, for the network
	users   *userHandler
	groups  *userHandler
	srv     *http.Server
	ln      net.Listener

	mu  sync.Mutex
	log []RecordedRequest
}

// RecordedRequest is one request the server received over the network
// (out-of-band edits made with the Go methods are not recorded).
type RecordedRequest struct {
	Method string
	// Path is relative to the SCIM base URL: "/Users", "/Users/<id>".
	Path  string
	Query string
	Body  []byte
	// Status is the status code answered.
	Status int
}

// Start runs the server on 127.0.0.1 with a random port. Requests need
// "Authorization: Bearer <token>". Close stops it.
func Start(token string) (*Server, error) {
	if token == "" {
		return nil, errors.New("elimitytarget: a bearer token is required")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		baseURL: "http://" + ln.Addr().String() + scimRoot,
		token:   token,
		ln:      ln,
		users:   newUserHandler(schema.CoreUserSchema(), schema.ExtensionEnterpriseUser()),
		groups:  newUserHandler(schema.CoreGroupSchema()),
	}
	lib, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://github.com/elimity-com/scim"),
			AuthenticationSchemes: []scim.AuthenticationScheme{{
				Type:        scim.AuthenticationTypeOauthBearerToken,
				Name:        "OAuth Bearer Token",
				Description: "Authentication scheme using the OAuth Bearer Token Standard",
				Primary:     true,
			}},
			MaxResults:       100,
			SupportFiltering: true,
			SupportPatch:     true,
		},
		ResourceTypes: []scim.ResourceType{{
			ID:               optional.NewString("User"),
			Name:             "User",
			Endpoint:         "/Users",
			Description:      optional.NewString("User Account"),
			Schema:           s.users.core,
			SchemaExtensions: []scim.SchemaExtension{{Schema: s.users.extensions[0]}},
			Handler:          s.users,
		}, {
			ID:          optional.NewString("Group"),
			Name:        "Group",
			Endpoint:    "/Groups",
			Description: optional.NewString("Group"),
			Schema:      s.groups.core,
			Handler:     s.groups,
		}},
	}, scim.WithBaseURL(s.baseURL))
	if err != nil {
		ln.Close()
		return nil, err
	}
	s.lib = http.StripPrefix("/scim", lib)
	s.faults = scimtarget.NewFaultInjector(scimRoot, s.lib)
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// NewTestServer starts a server for one test and stops it at the end.
func NewTestServer(tb testing.TB, token string) *Server {
	tb.Helper()
	s, err := Start(token)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() { _ = s.srv.Close() }

// BaseURL is the SCIM base URL, http://127.0.0.1:<port>/scim/v2.
func (s *Server) BaseURL() string { return s.baseURL }

// serveHTTP is ours: the request log and the bearer-token check in front of
// the library (which has no authentication of its own).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &httpstatus.Recorder{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		s.log = append(s.log, RecordedRequest{
			Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, scimRoot), Query: r.URL.RawQuery,
			Body: body, Status: rec.Status,
		})
		s.mu.Unlock()
	}()
	if !strings.HasPrefix(r.URL.Path, scimRoot+"/") && r.URL.Path != scimRoot {
		http.NotFound(rec, r)
		return
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
		rec.Header().Set("Content-Type", "application/scim+json")
		rec.Header().Set("WWW-Authenticate", `Bearer realm="elimitytarget"`)
		rec.WriteHeader(http.StatusUnauthorized)
		_, _ = rec.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"missing or wrong bearer token"}`))
		return
	}
	s.faults.ServeHTTP(rec, r)
}

// InjectFault makes the server misbehave for the next f.Times matching
// requests as the local target would (scimtarget.Fault): the library's
// own handling, with faults played in front of it.
func (s *Server) InjectFault(f scimtarget.Fault) { s.faults.InjectFault(f) }

// Faults returns the pending faults.
func (s *Server) Faults() []scimtarget.Fault { return s.faults.Faults() }

// Requests returns the request log in arrival order.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

// Count returns how many logged requests match method ("" = any) and
// pathPattern in path.Match syntax ("/Users" is the collection only,
// "/Users/*" any single user, "" any path).
func (s *Server) Count(method, pathPattern string) int {
	n := 0
	for _, r := range s.Requests() {
		if method != "" && r.Method != method {
			continue
		}
		if pathPattern != "" {
			if ok, _ := path.Match(pathPattern, r.Path); !ok {
				continue
			}
		}
		n++
	}
	return n
}

// inProcess sends one request straight to the library, skipping the
// network, the auth check and the request log: out-of-band edits go
// through the same validation and storage as requests from a client.
func (s *Server) inProcess(method, p string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, s.baseURL+p, rd)
	rr := httptest.NewRecorder()
	s.lib.ServeHTTP(rr, req)
	var out map[string]any
	if rr.Body.Len() > 0 {
		if err := json.Unmarshal(rr.Body.Bytes(), &out); err != nil {
			return rr.Code, nil, fmt.Errorf("%s %s: answer %d %s: %v", method, p, rr.Code, rr.Body.String(), err)
		}
	}
	if rr.Code >= 300 {
		return rr.Code, out, fmt.Errorf("%s %s: answer %d %s", method, p, rr.Code, rr.Body.String())
	}
	return rr.Code, out, nil
}

// AddUser creates an account out of band, as an administrator of the app
// would, and returns its id. doc is a SCIM User; "schemas" is filled in
// when missing.
func (s *Server) AddUser(doc map[string]any) (string, error) {
	doc = deepCopy(doc).(map[string]any)
	if _, ok := doc["schemas"]; !ok {
		schemas := []any{schema.UserSchema}
		if _, ok := doc[EnterpriseURN]; ok {
			schemas = append(schemas, EnterpriseURN)
		}
		doc["schemas"] = schemas
	}
	_, out, err := s.inProcess(http.MethodPost, "/Users", doc)
	if err != nil {
		return "", err
	}
	id, _ := out["id"].(string)
	return id, nil
}

// SetAttribute changes one attribute of an account out of band: a PATCH
// "replace" of path (any path the library accepts: "title",
// "name.givenName", EnterpriseURN+":department", "active") with value.
func (s *Server) SetAttribute(id, path string, value any) error {
	_, _, err := s.inProcess(http.MethodPatch, "/Users/"+id, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": path, "value": value}},
	})
	return err
}

// Deactivate sets active to false out of band.
func (s *Server) Deactivate(id string) error { return s.SetAttribute(id, "active", false) }

// Delete deletes an account out of band.
func (s *Server) Delete(id string) error {
	_, _, err := s.inProcess(http.MethodDelete, "/Users/"+id, nil)
	return err
}

// User returns what the server stores for one account (its attributes as
// the library validated them, plus "id"), or false.
func (s *Server) User(id string) (map[string]any, bool) { return s.users.snapshot(id) }

// Users returns every stored account, in creation order.
func (s *Server) Users() []map[string]any { return s.users.all() }

// UserByUserName returns the stored account whose userName equals
// userName case-insensitively (userName is caseExact=false), or false.
func (s *Server) UserByUserName(userName string) (map[string]any, bool) {
	for _, u := range s.Users() {
		if n, _ := u["userName"].(string); strings.EqualFold(n, userName) {
			return u, true
		}
	}
	return nil, false
}

// Group returns what the server stores for one group, or false.
func (s *Server) Group(id string) (map[string]any, bool) { return s.groups.snapshot(id) }

// Groups returns every stored group, in creation order.
func (s *Server) Groups() []map[string]any { return s.groups.all() }

// AddGroupMember adds a member to a group out of band, with the PATCH an
// administrator's tool would send.
func (s *Server) AddGroupMember(groupID, memberID string) error {
	_, _, err := s.inProcess(http.MethodPatch, "/Groups/"+groupID, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "add", "path": "members", "value": []map[string]any{{"value": memberID}}}},
	})
	return err
}

// RemoveGroupMember removes a member from a group out of band, with the
// PATCH an administrator's tool would send.
func (s *Server) RemoveGroupMember(groupID, memberID string) error {
	_, _, err := s.inProcess(http.MethodPatch, "/Groups/"+groupID, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", memberID)}},
	})
	return err
}
