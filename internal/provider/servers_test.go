package provider

import (
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/elimitytarget"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// accountServer is a SCIM server under test, as the shared checks and
// scenarios see it: what it stores, what it received over the network, and
// the edits an administrator of the app makes behind Terraform's back. The
// method names are the local target's, so a *scimtarget.Target is one as it
// is; independentServer adapts the elimity-based server to them.
type accountServer interface {
	// Users returns every stored account, in creation order.
	Users() []map[string]any
	// GetUser returns the stored account with id, or false.
	GetUser(id string) (map[string]any, bool)
	// FindUserByUserName returns the stored account whose userName equals
	// userName case-insensitively, or false.
	FindUserByUserName(userName string) (map[string]any, bool)

	// Requests returns the request log since the last ResetRequests, in
	// arrival order.
	Requests() []scimtarget.RecordedRequest
	// Count counts the logged requests with method ("" any) whose path
	// matches pathPattern (path.Match syntax, "" any).
	Count(method, pathPattern string) int
	ResetRequests()

	// Out-of-band edits, not logged.
	AddUser(doc map[string]any) (string, error)
	SetUserAttribute(id, path string, value any) error
	DeactivateUser(id string) error
	DeleteUser(id string) error

	// Groups returns every stored group, in creation order.
	Groups() []map[string]any
	// InjectFault makes the server misbehave for the next matching
	// requests; Faults are those not met yet.
	InjectFault(f scimtarget.Fault)
	Faults() []scimtarget.Fault
	// AddGroupMember and RemoveGroupMember change a group's members out
	// of band.
	AddGroupMember(groupID, memberID string) error
	RemoveGroupMember(groupID, memberID string) error
}

var (
	_ accountServer = (*scimtarget.Target)(nil)
	_ accountServer = independentServer{}
)

// independentServer is the elimity-based server (internal/elimitytarget) as
// an accountServer. Its request log is given in the local target's record
// type; what the elimity server does not record (arrival time, headers,
// duration, injected faults) stays zero.
type independentServer struct{ *elimitytarget.Server }

// newIndependentServer starts an elimity-based server accepting testToken,
// and returns it with its SCIM base URL. A failed test logs the requests it
// received.
func newIndependentServer(t *testing.T) (independentServer, string) {
	t.Helper()
	srv := independentServer{elimitytarget.NewTestServer(t, testToken)}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("requests the elimity server received: %s", describeRequests(srv.Requests()))
		}
	})
	return srv, srv.BaseURL()
}

func (s independentServer) GetUser(id string) (map[string]any, bool) { return s.User(id) }

func (s independentServer) FindUserByUserName(userName string) (map[string]any, bool) {
	return s.UserByUserName(userName)
}

func (s independentServer) Requests() []scimtarget.RecordedRequest {
	log := s.Server.Requests()
	out := make([]scimtarget.RecordedRequest, 0, len(log))
	for _, r := range log {
		out = append(out, scimtarget.RecordedRequest{Method: r.Method, Path: r.Path, Query: r.Query, Body: r.Body, Status: r.Status})
	}
	return out
}

func (s independentServer) SetUserAttribute(id, path string, value any) error {
	return s.SetAttribute(id, path, value)
}

func (s independentServer) DeactivateUser(id string) error { return s.Deactivate(id) }

func (s independentServer) DeleteUser(id string) error { return s.Delete(id) }
