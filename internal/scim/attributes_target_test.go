package scim

import (
	"context"
	"reflect"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// TestAttributesFallbackAgainstTarget runs the client against the local
// target with the quirk that reproduces the refusing server, so the two
// are checked against each other and not only against a hand-written stub.
func TestAttributesFallbackAgainstTarget(t *testing.T) {
	tg, srv := scimtarget.NewTestServer(t, scimtarget.Options{Quirks: scimtarget.Quirks{RejectExtensionAttributesParam: true}})
	c := newTestClient(t, scimtarget.BaseURL(srv))
	ctx := context.Background()
	created, err := c.Users().Create(ctx, Resource{
		"userName":           "alice",
		"title":              "Boss",
		SchemaEnterpriseUser: map[string]any{"department": "R&D", "costCenter": "42"},
	})
	if err != nil {
		t.Fatal(err)
	}
	attrs := []string{"active", deptAttr, "userName"}
	got, err := c.Users().Get(ctx, created.ID(), ReadOptions{Attributes: attrs})
	if err != nil {
		t.Fatalf("Users().Get: %v", err)
	}
	if got["title"] != nil || got["userName"] != "alice" || !reflect.DeepEqual(got[SchemaEnterpriseUser], map[string]any{"department": "R&D"}) {
		t.Errorf("Users().Get = %v", got)
	}
	found, err := c.Users().Find(ctx, "userName", "alice", ReadOptions{Attributes: attrs})
	if err != nil || len(found) != 1 || !reflect.DeepEqual(found[0], got) {
		t.Errorf("Users().Find = %v, %v; want %v", found, err, got)
	}
	if n := tg.Count("GET", "/Users/*"); n != 2 {
		t.Errorf("GET /Users/{id} sent %d times, want 2 (refused, then without attributes)", n)
	}
	if n := tg.Count("GET", "/Users"); n != 1 {
		t.Errorf("GET /Users sent %d times, want 1 (attributes no longer sent)", n)
	}
	for _, r := range tg.Requests()[2:] {
		if hasAttributesParam(r.Query) {
			t.Errorf("%s %s?%s: attributes sent after the refusal", r.Method, r.Path, r.Query)
		}
	}
}
