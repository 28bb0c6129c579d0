package scim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// hidingServer is an app whose groups answer an empty member list and
// tell membership only through `members eq "<user>"` filters on /Groups,
// as AWS IAM Identity Center documents
// (https://docs.aws.amazon.com/singlesignon/latest/developerguide/listgroups.html).
type hidingServer struct {
	mu      sync.Mutex
	users   []string
	members map[string][]string // group id -> user ids
	filters int
}

var memberFilter = regexp.MustCompile(`^members eq "([^"]+)"$`)

func (s *hidingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := strings.TrimPrefix(r.URL.Path, "/scim/v2")
	list := func(res []any) {
		writeJSON(w, 200, map[string]any{"schemas": []string{messageListResponse}, "totalResults": len(res), "Resources": res})
	}
	switch {
	case p == "/Users":
		var res []any
		for _, u := range s.users {
			res = append(res, map[string]any{"id": u})
		}
		list(res)
	case p == "/Groups":
		m := memberFilter.FindStringSubmatch(r.URL.Query().Get("filter"))
		if m == nil {
			w.WriteHeader(400)
			return
		}
		s.filters++
		if !slices.Contains(s.users, m[1]) {
			writeJSON(w, 404, map[string]any{"detail": "ResourceNotFoundException"})
			return
		}
		var res []any
		for g, ms := range s.members {
			if slices.Contains(ms, m[1]) {
				res = append(res, map[string]any{"id": g, "displayName": g, "members": []any{}})
			}
		}
		list(res)
	case strings.HasPrefix(p, "/Groups/") && r.Method == http.MethodGet:
		g := strings.TrimPrefix(p, "/Groups/")
		writeJSON(w, 200, map[string]any{"schemas": []string{schemaGroup}, "id": g, "displayName": g, "members": []any{}})
	case strings.HasPrefix(p, "/Groups/") && r.Method == http.MethodPatch:
		w.WriteHeader(http.StatusNoContent) // the change itself is not modelled: the index records it
	default:
		w.WriteHeader(404)
	}
}

// A group read that asks for members, from an app that hides them, gets
// them from the member filters: every account's groups once per client,
// then reads served from that index, the client's own changes included.
func TestGroupMembersByFilter(t *testing.T) {
	srv := &hidingServer{
		users:   []string{"u1", "u2", "u3"},
		members: map[string][]string{"g1": {"u1", "u2"}, "g2": {"u3"}},
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	ctx := context.Background()

	plain := newTestClient(t, ts.URL+"/scim/v2")
	g, err := plain.Groups().Get(ctx, "g1", ReadOptions{Attributes: []string{"members"}})
	if err != nil || len(GroupMemberIDs(g)) != 0 {
		t.Fatalf("without the switch the app's empty list is what a read sees: %v %v", g, err)
	}

	c := newTestClient(t, ts.URL+"/scim/v2")
	c.UseVendorBehaviour(VendorBehaviour{GroupMembersByFilter: true})
	for group, want := range map[string][]string{"g1": {"u1", "u2"}, "g2": {"u3"}, "g3": nil} {
		g, err := c.Groups().GetFromListing(ctx, group, ReadOptions{Attributes: []string{"displayName", "members"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := GroupMemberIDs(g); !slices.Equal(sorted(got), want) {
			t.Errorf("%s: members %v, want %v", group, got, want)
		}
	}
	if srv.filters != 3 {
		t.Errorf("%d member filters sent, want one per account (3)", srv.filters)
	}
	g, err = c.Groups().Get(ctx, "g1", ReadOptions{Attributes: []string{"displayName"}})
	if err != nil || len(GroupMemberIDs(g)) != 0 {
		t.Errorf("a read that does not ask for members got them from the index: %v %v", g, err)
	}

	// The client's own PATCH is recorded: u3 in, u1 out.
	ops := MemberPatches([]string{"u3"}, []string{"u1"}, 0, true)
	for _, o := range ops {
		if _, err := c.Groups().Patch(ctx, "g1", o, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	g, err = c.Groups().Get(ctx, "g1", ReadOptions{Attributes: []string{"members"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sorted(GroupMemberIDs(g)); !slices.Equal(got, []string{"u2", "u3"}) {
		t.Errorf("after the PATCH: members %v, want [u2 u3]", got)
	}
	if srv.filters != 3 {
		t.Errorf("the index was rebuilt: %d member filters", srv.filters)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
