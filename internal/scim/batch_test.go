package scim

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// batchTarget is a local target holding n accounts, and a client for it
// that has run discovery (so page sizes follow the app's maxResults).
func batchTarget(t *testing.T, n int, mods ...func(*scimtarget.Options)) (*scimtarget.Target, *Client, []string) {
	t.Helper()
	opts := scimtarget.Options{}
	for _, m := range mods {
		m(&opts)
	}
	tg, srv := scimtarget.NewTestServer(t, opts)
	ids := make([]string, n)
	for i := range ids {
		id, err := tg.AddUser(map[string]any{"userName": fmt.Sprintf("user%04d@example.com", i), "title": "Engineer", "active": true})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	c := newTestClient(t, scimtarget.BaseURL(srv))
	if _, err := c.Discover(context.Background()); err != nil {
		t.Fatal(err)
	}
	tg.ResetRequests()
	return tg, c, ids
}

var batchAttrs = []string{"active", "title", "userName"}

// readAll reads ids with Users().GetFromListing from 10 goroutines, as Terraform's
// refresh does, and returns what each read gave.
func readAll(t *testing.T, c *Client, ids []string) map[string]Resource {
	t.Helper()
	var (
		mu  sync.Mutex
		out = map[string]Resource{}
		wg  sync.WaitGroup
		ch  = make(chan string)
	)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ch {
				res, err := c.Users().GetFromListing(context.Background(), id, ReadOptions{Attributes: batchAttrs})
				if err != nil {
					t.Errorf("Users().GetFromListing(%s): %v", id, err)
					continue
				}
				mu.Lock()
				out[id] = res
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		ch <- id
	}
	close(ch)
	wg.Wait()
	return out
}

func userRequests(tg *scimtarget.Target) int {
	return tg.Count(http.MethodGet, "/Users") + tg.Count(http.MethodGet, "/Users/*")
}

// An app that holds about what Terraform manages is read in a few pages:
// at most N/50 requests plus a constant, and every account as GET gives it.
func TestGetFromListingBatchesARefresh(t *testing.T) {
	tg, c, ids := batchTarget(t, 1000)
	got := readAll(t, c, ids)
	t.Logf("requests: %d (listings %d, single %d)", userRequests(tg), tg.Count(http.MethodGet, "/Users"), tg.Count(http.MethodGet, "/Users/*"))
	if n := userRequests(tg); n > 1000/50+12 {
		t.Errorf("reading 1000 accounts sent %d requests, want at most %d", n, 1000/50+12)
	}
	for _, id := range ids[:50] {
		want, err := c.Users().Get(context.Background(), id, ReadOptions{Attributes: batchAttrs})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[id], want) {
			t.Fatalf("Users().GetFromListing(%s) = %v, Users().Get = %v", id, got[id], want)
		}
	}
}

// An app that holds far more accounts than Terraform manages is read about
// one GET per account: never a full listing.
func TestGetFromListingFewOfMany(t *testing.T) {
	tg, c, ids := batchTarget(t, 3000)
	few := []string{ids[2999], ids[1500], ids[2000], ids[2500], ids[2100], ids[2700], ids[2900], ids[2222], ids[2333], ids[2444]}
	readAll(t, c, few)
	// One first page, then each miss by itself.
	if n := userRequests(tg); n > len(few)+1 {
		t.Errorf("reading %d of 3000 accounts sent %d requests, want at most %d", len(few), n, len(few)+1)
	}
}

// Correctness never depends on the listing: an account written by this
// client (PATCH, DELETE) or created after the listing is read as it is.
func TestGetFromListingNeverTrustsTheListingForChanges(t *testing.T) {
	_, c, ids := batchTarget(t, 300)
	ctx := context.Background()
	readAll(t, c, ids)

	// Writes by this client are never served from the listing.
	if _, err := c.Users().Patch(ctx, ids[20], []PatchOp{{Op: PatchReplace, Path: "title", Value: "Manager"}}, WriteOptions{Attributes: batchAttrs}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Users().GetFromListing(ctx, ids[20], ReadOptions{Attributes: batchAttrs})
	if err != nil || res["title"] != "Manager" {
		t.Errorf("Users().GetFromListing after this client's PATCH = %v, %v; want title Manager", res, err)
	}
	if err := c.Users().Delete(ctx, ids[30], WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users().GetFromListing(ctx, ids[30], ReadOptions{Attributes: batchAttrs}); !IsNotFound(err) {
		t.Errorf("Users().GetFromListing after this client's DELETE: %v, want 404", err)
	}
	created, err := c.Users().Create(ctx, Resource{"userName": "new@example.com", "title": "Intern"})
	if err != nil {
		t.Fatal(err)
	}
	res, err = c.Users().GetFromListing(ctx, created.ID(), ReadOptions{Attributes: batchAttrs})
	if err != nil || res["title"] != "Intern" {
		t.Errorf("Users().GetFromListing of an account created after the listing = %v, %v", res, err)
	}
	// Not in the listing at all (never existed): read by itself, 404.
	if _, err := c.Users().GetFromListing(ctx, "no-such-id", ReadOptions{Attributes: batchAttrs}); !IsNotFound(err) {
		t.Errorf("Users().GetFromListing of an unknown id: %v, want 404", err)
	}
}

// A deleted account is missing from a listing read after the deletion, and
// is then read by itself: 404.
func TestGetFromListingMissingFromListingIsReadAlone(t *testing.T) {
	tg, c, ids := batchTarget(t, 50)
	if err := tg.DeleteUser(ids[7]); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, c, ids[8:])
	if len(got) != len(ids)-8 {
		t.Fatalf("read %d accounts, want %d", len(got), len(ids)-8)
	}
	tg.ResetRequests()
	if _, err := c.Users().GetFromListing(context.Background(), ids[7], ReadOptions{Attributes: batchAttrs}); !IsNotFound(err) {
		t.Errorf("Users().GetFromListing of a deleted account: %v, want 404", err)
	}
	if n := tg.Count(http.MethodGet, "/Users/"+ids[7]); n != 1 {
		t.Errorf("the deleted account was read %d times by itself, want 1", n)
	}
}

// An app whose listing fails is read one account at a time.
func TestGetFromListingListingFails(t *testing.T) {
	tg, c, ids := batchTarget(t, 20)
	tg.InjectFault(scimtarget.Fault{Method: http.MethodGet, Path: "/Users", Status: http.StatusBadRequest, Times: 100})
	got := readAll(t, c, ids)
	if len(got) != len(ids) {
		t.Fatalf("read %d accounts, want %d", len(got), len(ids))
	}
	if n := tg.Count(http.MethodGet, "/Users/*"); n != len(ids) {
		t.Errorf("%d GETs of single accounts, want %d", n, len(ids))
	}
}

// DisableBatchReads reads every account by itself.
func TestGetFromListingDisabled(t *testing.T) {
	tg, c, ids := batchTarget(t, 20)
	c.DisableBatchReads()
	readAll(t, c, ids)
	if n, l := tg.Count(http.MethodGet, "/Users/*"), tg.Count(http.MethodGet, "/Users"); n != len(ids) || l != 0 {
		t.Errorf("%d single GETs and %d listings, want %d and 0", n, l, len(ids))
	}
}

// The rest of a listing fails after its first page: accounts of that page
// are still served from it, and the others are read one by one.
func TestGetFromListingRestOfListingFails(t *testing.T) {
	tg, c, ids := batchTarget(t, 600)
	ctx := context.Background()
	if _, err := c.Users().GetFromListing(ctx, ids[0], ReadOptions{Attributes: batchAttrs}); err != nil {
		t.Fatal(err)
	}
	tg.InjectFault(scimtarget.Fault{Method: http.MethodGet, Path: "/Users", Status: http.StatusBadRequest, Times: 100})
	got := readAll(t, c, ids)
	if len(got) != len(ids) {
		t.Fatalf("read %d accounts, want %d", len(got), len(ids))
	}
	singles := tg.Count(http.MethodGet, "/Users/*")
	if singles == 0 || singles >= len(ids) {
		t.Errorf("%d single GETs: want the accounts outside the first page only", singles)
	}
}

// A plan's previews of many creates are answered from the listing: a few
// pages, not one filtered GET each; what it finds is what Find finds, the
// userName compared case-insensitively.
func TestFindFromListingServesPreviews(t *testing.T) {
	tg, c, _ := batchTarget(t, 1000)
	ctx := context.Background()
	for i := range 1000 {
		// Half of them exist (in another case), half do not.
		name := fmt.Sprintf("USER%04d@example.com", i)
		if i%2 == 1 {
			name = fmt.Sprintf("new%04d@example.com", i)
		}
		got, err := c.Users().FindFromListing(ctx, "userName", name, ReadOptions{Attributes: batchAttrs})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if len(got) != 1 || got[0]["userName"] != fmt.Sprintf("user%04d@example.com", i) {
				t.Fatalf("FindFromListing(%s) = %v, want the one account", name, got)
			}
		} else if len(got) != 0 {
			t.Fatalf("FindFromListing(%s) = %v, want none", name, got)
		}
	}
	if n := userRequests(tg); n > 1000/50+12 {
		t.Errorf("1000 previews sent %d requests, want at most %d", n, 1000/50+12)
	}
}

// A preview never trusts the listing where this client changed the app: a
// userName it sent a create for, an account it wrote, and any attribute
// but userName are asked of the app.
func TestFindFromListingAsksTheAppAfterItsOwnWrites(t *testing.T) {
	tg, c, ids := batchTarget(t, 20)
	ctx := context.Background()
	opts := ReadOptions{Attributes: batchAttrs}
	if _, err := c.Users().FindFromListing(ctx, "userName", "user0000@example.com", opts); err != nil {
		t.Fatal(err)
	}
	listed := userRequests(tg)

	created, err := c.Users().Create(ctx, Resource{"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "Fresh@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Users().FindFromListing(ctx, "userName", "fresh@example.com", opts)
	if err != nil || len(got) != 1 || got[0].ID() != created.ID() {
		t.Fatalf("FindFromListing of a userName this client created = %v, %v; want the created account", got, err)
	}
	if _, err := c.Users().Patch(ctx, ids[3], []PatchOp{{Op: "replace", Path: "userName", Value: "renamed@example.com"}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Users().FindFromListing(ctx, "userName", "user0003@example.com", opts); err != nil || len(got) != 0 {
		t.Fatalf("FindFromListing of a userName this client renamed away = %v, %v; want none", got, err)
	}
	if _, err := c.Users().FindFromListing(ctx, "externalId", "x", opts); err != nil {
		t.Fatal(err)
	}
	if n := tg.Count(http.MethodGet, "/Users") - listed; n != 3 {
		t.Errorf("%d lookups asked the app, want 3 (the created userName, the written account, externalId)", n)
	}
}
