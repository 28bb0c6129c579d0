package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// recorded is one request seen by a test server.
type recorded struct {
	Method, Path, RawPath, Query string
	Body                         map[string]any
	IfMatch                      string
}

type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) add(req *http.Request) recorded {
	b, _ := io.ReadAll(req.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	rec := recorded{Method: req.Method, Path: req.URL.Path, RawPath: req.URL.EscapedPath(), Query: req.URL.RawQuery, Body: m, IfMatch: req.Header.Get("If-Match")}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return rec
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = nil
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) methods() string {
	var out []string
	for _, q := range r.all() {
		out = append(out, q.Method+" "+q.Path)
	}
	return strings.Join(out, ", ")
}

func userServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, rec recorded)) (*recorder, *Client) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, rec.add(r))
	}))
	t.Cleanup(srv.Close)
	return rec, newTestClient(t, srv.URL+"/scim/v2")
}

func TestUsersCreate(t *testing.T) {
	tests := []struct {
		name         string
		handler      func(w http.ResponseWriter, r *http.Request, rec recorded)
		wantID       string
		wantLocation string
		wantCalls    string
		wantErr      string
	}{
		{
			name: "body with id and meta.location, no Location header",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				writeJSON(w, 201, map[string]any{"id": "u1", "userName": "alice", "meta": map[string]any{"location": "https://x/Users/u1"}})
			},
			wantID: "u1", wantLocation: "https://x/Users/u1", wantCalls: "POST /scim/v2/Users",
		},
		{
			name: "200 instead of 201, Location header fills meta.location",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				w.Header().Set("Location", "https://x/scim/v2/Users/u2")
				writeJSON(w, 200, map[string]any{"id": "u2", "userName": "alice"})
			},
			wantID: "u2", wantLocation: "https://x/scim/v2/Users/u2", wantCalls: "POST /scim/v2/Users",
		},
		{
			name: "empty body with Location is read back",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				if r.Method == http.MethodPost {
					w.Header().Set("Location", "https://internal.example/scim/v2/Users/u%203")
					w.WriteHeader(201)
					return
				}
				writeJSON(w, 200, map[string]any{"id": "u 3", "userName": "alice"})
			},
			wantID: "u 3", wantLocation: "https://internal.example/scim/v2/Users/u%203", wantCalls: "POST /scim/v2/Users, GET /scim/v2/Users/u 3",
		},
		{
			name: "body without id and no Location",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				writeJSON(w, 201, map[string]any{"userName": "alice"})
			},
			wantErr: `sent no user "id"`, wantCalls: "POST /scim/v2/Users",
		},
		{
			name: "empty body and no Location",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				w.WriteHeader(201)
			},
			wantErr: "look it up by userName", wantCalls: "POST /scim/v2/Users",
		},
		{
			name: "409 without scimType",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(409)
				_, _ = io.WriteString(w, `{"detail":"User already exists"}`)
			},
			wantErr: "HTTP 409: User already exists", wantCalls: "POST /scim/v2/Users",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, c := userServer(t, tt.handler)
			res, err := c.Users().Create(context.Background(), Resource{"userName": "alice", "active": false,
				entURN: map[string]any{"department": "R&D"}})
			if got := rec.methods(); got != tt.wantCalls {
				t.Errorf("calls = %s, want %s", got, tt.wantCalls)
			}
			post := rec.all()[0]
			if !reflect.DeepEqual(post.Body["schemas"], []any{SchemaUser, entURN}) {
				t.Errorf("schemas not filled in: %v", post.Body["schemas"])
			}
			if post.Body["active"] != false {
				t.Errorf("active sent as %#v", post.Body["active"])
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(tt.name, "409") && !IsConflict(err) {
					t.Errorf("IsConflict false for %v", err)
				}
				if strings.Contains(tt.name, "no Location") {
					var re *ResponseError
					if !errors.As(err, &re) || re.Status != 201 {
						t.Errorf("want *ResponseError with status 201, got %#v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.ID() != tt.wantID || res.Location() != tt.wantLocation {
				t.Errorf("id %q location %q", res.ID(), res.Location())
			}
		})
	}
}

func TestCreateUserKeepsExplicitSchemasAndInput(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		writeJSON(w, 201, map[string]any{"id": "u1"})
	})
	in := Resource{"userName": "a", "schemas": []string{"urn:custom"}}
	if _, err := c.Users().Create(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.all()[0].Body["schemas"], []any{"urn:custom"}) {
		t.Errorf("schemas overridden: %v", rec.all()[0].Body["schemas"])
	}
	in2 := Resource{"userName": "a"}
	if _, err := c.Users().Create(context.Background(), in2); err != nil {
		t.Fatal(err)
	}
	if _, ok := in2["schemas"]; ok {
		t.Error("caller's map was modified")
	}
}

func TestUsersGet(t *testing.T) {
	tests := []struct {
		name      string
		id        string
		attrs     []string
		handler   func(w http.ResponseWriter, r *http.Request, rec recorded)
		wantPath  string
		wantQuery string
		wantErr   string
		notFound  bool
	}{
		{
			name: "plain", id: "u1",
			handler:  func(w http.ResponseWriter, r *http.Request, _ recorded) { okUser(w, r) },
			wantPath: "/scim/v2/Users/u1",
		},
		{
			name: "attributes and escaping", id: "a/b c?d", attrs: []string{"userName", "emails"},
			handler:   func(w http.ResponseWriter, r *http.Request, _ recorded) { okUser(w, r) },
			wantPath:  "/scim/v2/Users/a%2Fb%20c%3Fd",
			wantQuery: "attributes=userName%2Cemails",
		},
		{
			name: "404", id: "gone",
			handler: func(w http.ResponseWriter, r *http.Request, _ recorded) {
				scimError(w, 404, "", "Resource gone not found")
			},
			wantPath: "/scim/v2/Users/gone", wantErr: "HTTP 404: Resource gone not found", notFound: true,
		},
		{
			name: "list instead of user", id: "u1",
			handler: func(w http.ResponseWriter, r *http.Request, _ recorded) {
				writeJSON(w, 200, map[string]any{"totalResults": 0, "Resources": []any{}})
			},
			wantPath: "/scim/v2/Users/u1", wantErr: "list response where a single user was expected",
		},
		{
			name: "missing id", id: "u1",
			handler: func(w http.ResponseWriter, r *http.Request, _ recorded) {
				writeJSON(w, 200, map[string]any{"userName": "a"})
			},
			wantPath: "/scim/v2/Users/u1", wantErr: `the user has no "id"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, c := userServer(t, tt.handler)
			res, err := c.Users().Get(context.Background(), tt.id, ReadOptions{Attributes: tt.attrs})
			r := rec.all()[0]
			if r.RawPath != tt.wantPath || r.Query != tt.wantQuery {
				t.Errorf("path %s query %s", r.RawPath, r.Query)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if IsNotFound(err) != tt.notFound {
					t.Errorf("IsNotFound = %v", IsNotFound(err))
				}
				return
			}
			if err != nil || res.ID() != "u1" {
				t.Fatalf("%v %v", res, err)
			}
		})
	}
}

func TestEmptyIDRefused(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) { okUser(w, r) })
	ctx := context.Background()
	if _, err := c.Users().Get(ctx, "", ReadOptions{}); err == nil {
		t.Error("GET")
	}
	if _, err := c.Users().Replace(ctx, "", Resource{}, WriteOptions{}); err == nil {
		t.Error("PUT")
	}
	if _, err := c.Users().Patch(ctx, "", []PatchOp{{Op: PatchReplace, Path: "a", Value: 1}}, WriteOptions{}); err == nil {
		t.Error("PATCH")
	}
	if err := c.Users().Delete(ctx, "", WriteOptions{}); err == nil || !strings.Contains(err.Error(), "empty user id") {
		t.Errorf("DELETE: %v", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestUsersReplace(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, rec recorded) {
		if rec.IfMatch != `W/"2"` {
			scimError(w, 412, "", "version mismatch")
			return
		}
		writeJSON(w, 200, map[string]any{"id": "u1", "userName": rec.Body["userName"], "meta": map[string]any{"version": `W/"3"`}})
	})
	res, err := c.Users().Replace(context.Background(), "u1", Resource{"userName": "bob"}, WriteOptions{IfMatch: `W/"2"`})
	if err != nil {
		t.Fatal(err)
	}
	if res["userName"] != "bob" || res.Version() != `W/"3"` {
		t.Errorf("res = %v", res)
	}
	if r := rec.all()[0]; r.Method != http.MethodPut || r.Path != "/scim/v2/Users/u1" {
		t.Errorf("request %+v", r)
	}
	_, err = c.Users().Replace(context.Background(), "u1", Resource{"userName": "bob"}, WriteOptions{IfMatch: `W/"1"`})
	if !IsPreconditionFailed(err) {
		t.Errorf("want 412, got %v", err)
	}
}

func TestUsersPatch(t *testing.T) {
	tests := []struct {
		name      string
		handler   func(w http.ResponseWriter, r *http.Request, rec recorded)
		attrs     []string
		wantCalls string
		wantQuery string // of the follow-up GET
		wantErr   string
	}{
		{
			name: "204 followed by GET with attributes",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				if r.Method == http.MethodPatch {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeJSON(w, 200, map[string]any{"id": "u1", "displayName": "New"})
			},
			attrs:     []string{"displayName"},
			wantCalls: "PATCH /scim/v2/Users/u1, GET /scim/v2/Users/u1",
			wantQuery: "attributes=displayName",
		},
		{
			name: "200 with empty body followed by GET",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				if r.Method == http.MethodPatch {
					w.WriteHeader(200)
					return
				}
				writeJSON(w, 200, map[string]any{"id": "u1", "displayName": "New"})
			},
			wantCalls: "PATCH /scim/v2/Users/u1, GET /scim/v2/Users/u1",
		},
		{
			name: "200 with resource",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				writeJSON(w, 200, map[string]any{"id": "u1", "displayName": "New"})
			},
			wantCalls: "PATCH /scim/v2/Users/u1",
		},
		{
			name: "400 invalidPath",
			handler: func(w http.ResponseWriter, r *http.Request, rec recorded) {
				scimError(w, 400, "invalidPath", "path not supported")
			},
			wantCalls: "PATCH /scim/v2/Users/u1",
			wantErr:   `HTTP 400 (scimType "invalidPath"): path not supported`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, c := userServer(t, tt.handler)
			ops := []PatchOp{{Op: PatchReplace, Path: "displayName", Value: "New"}, {Op: PatchReplace, Path: "active", Value: false}}
			res, err := c.Users().Patch(context.Background(), "u1", ops, WriteOptions{IfMatch: `W/"1"`, Attributes: tt.attrs})
			if got := rec.methods(); got != tt.wantCalls {
				t.Errorf("calls = %s, want %s", got, tt.wantCalls)
			}
			patch := rec.all()[0]
			if !reflect.DeepEqual(patch.Body["schemas"], []any{messagePatchOp}) || patch.IfMatch != `W/"1"` {
				t.Errorf("patch request %+v", patch)
			}
			opsSent, _ := patch.Body["Operations"].([]any)
			if len(opsSent) != 2 || opsSent[1].(map[string]any)["value"] != false {
				t.Errorf("operations sent: %v", patch.Body["Operations"])
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res["displayName"] != "New" {
				t.Errorf("res = %v", res)
			}
			if all := rec.all(); len(all) > 1 && all[1].Query != tt.wantQuery {
				t.Errorf("follow-up GET query %q, want %q", all[1].Query, tt.wantQuery)
			}
		})
	}
}

func TestPatchUserValidatesFirst(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) { okUser(w, r) })
	_, err := c.Users().Patch(context.Background(), "u1", []PatchOp{{Op: "remove"}}, WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "remove needs a path") {
		t.Errorf("err = %v", err)
	}
	_, err = c.Users().Patch(context.Background(), "u1", nil, WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "no operations") {
		t.Errorf("err = %v", err)
	}
	if len(rec.all()) != 0 {
		t.Error("invalid PATCH was sent")
	}
}

func TestUsersDelete(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, rec recorded) {
		if strings.HasSuffix(r.URL.Path, "/gone") {
			scimError(w, 404, "", "not found")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	if err := c.Users().Delete(context.Background(), "u1", WriteOptions{IfMatch: `W/"4"`}); err != nil {
		t.Fatal(err)
	}
	if r := rec.all()[0]; r.Method != http.MethodDelete || r.Path != "/scim/v2/Users/u1" || r.IfMatch != `W/"4"` {
		t.Errorf("request %+v", r)
	}
	err := c.Users().Delete(context.Background(), "gone", WriteOptions{})
	if !IsNotFound(err) {
		t.Errorf("want 404 *Error, got %v", err)
	}
}

// pagedServer serves n users, ids "u1".."un", honouring startIndex/count up
// to maxPage per page, with quirks switched on by the flags.
type pagedServer struct {
	n             int
	maxPage       int
	lowerCase     bool // "resources"
	repeatLast    bool // pages past the end repeat the last page
	noTotal       bool // omit totalResults
	ignoreStart   bool // always return the first page
	inflatedTotal int  // claim more results than exist
	// cursor pages by cursor as AWS IAM Identity Center does: with a
	// "cursor" parameter (empty for the first page) it answers
	// itemsPerPage and nextCursor, without one it ignores startIndex and
	// answers the first page with totalResults.
	cursor bool
}

func (p pagedServer) handler(w http.ResponseWriter, r *http.Request, rec recorded) {
	if id, ok := strings.CutPrefix(r.URL.Path, "/scim/v2/Users/"); ok {
		writeJSON(w, 200, map[string]any{"schemas": []string{SchemaUser}, "id": id, "userName": "user" + strings.TrimPrefix(id, "u")})
		return
	}
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("startIndex"))
	count, _ := strconv.Atoi(q.Get("count"))
	if start < 1 {
		start = 1
	}
	if p.ignoreStart || p.cursor {
		start = 1
	}
	if p.maxPage > 0 && count > p.maxPage {
		count = p.maxPage
	}
	if start > p.n && p.repeatLast {
		start = p.n - count + 1
	}
	cursor, byCursor := q["cursor"]
	if p.cursor && byCursor && cursor[0] != "" {
		start, _ = strconv.Atoi(strings.TrimPrefix(cursor[0], "c"))
	}
	var res []any
	for i := start; i < start+count && i <= p.n; i++ {
		res = append(res, map[string]any{"id": fmt.Sprintf("u%d", i), "userName": fmt.Sprintf("user%d", i)})
	}
	if p.cursor && byCursor {
		body := map[string]any{"schemas": []string{messageListResponse}, "itemsPerPage": len(res), "Resources": res}
		if start+count <= p.n {
			body["nextCursor"] = fmt.Sprintf("c%d", start+count)
		}
		writeJSON(w, 200, body)
		return
	}
	body := map[string]any{"schemas": []string{messageListResponse}, "startIndex": start, "itemsPerPage": len(res)}
	if !p.noTotal {
		body["totalResults"] = p.n
		if p.inflatedTotal > 0 {
			body["totalResults"] = p.inflatedTotal
		}
	}
	key := "Resources"
	if p.lowerCase {
		key = "resources"
	}
	body[key] = res
	writeJSON(w, 200, body)
}

func TestUsersListPaging(t *testing.T) {
	tests := []struct {
		name      string
		srv       pagedServer
		opts      ListOptions
		wantN     int
		wantTotal int
		wantPages int
	}{
		{"single page", pagedServer{n: 3}, ListOptions{}, 3, 3, 1},
		{"exact pages by totalResults", pagedServer{n: 10}, ListOptions{Count: 5}, 10, 10, 2},
		{"partial last page", pagedServer{n: 7}, ListOptions{Count: 3}, 7, 7, 3},
		{"lower-case resources", pagedServer{n: 4, lowerCase: true}, ListOptions{Count: 2}, 4, 4, 2},
		{"server caps page size", pagedServer{n: 10, maxPage: 4}, ListOptions{Count: 100}, 10, 10, 3},
		{"limit", pagedServer{n: 50}, ListOptions{Count: 10, Limit: 15}, 15, 50, 2},
		{"limit smaller than page", pagedServer{n: 50}, ListOptions{Count: 10, Limit: 3}, 3, 50, 1},
		{"repeats last page, inflated total", pagedServer{n: 6, repeatLast: true, inflatedTotal: 100}, ListOptions{Count: 3}, 6, 100, 3},
		// The second page is the first again: a cursor listing is tried,
		// which the app does not know either.
		{"ignores startIndex", pagedServer{n: 10, ignoreStart: true}, ListOptions{Count: 3}, 3, 10, 3},
		// The second page is the first again: the app pages by cursor.
		{"pages by cursor", pagedServer{n: 10, cursor: true}, ListOptions{Count: 3}, 10, 10, 2 + 4},
		{"pages by cursor, exact pages", pagedServer{n: 9, cursor: true}, ListOptions{Count: 3}, 9, 9, 2 + 3},
		{"no totalResults, short page ends", pagedServer{n: 5, noTotal: true}, ListOptions{Count: 2}, 5, 5, 3},
		{"empty", pagedServer{n: 0}, ListOptions{}, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, c := userServer(t, tt.srv.handler)
			listed, err := c.Users().List(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			users, total := listed.Resources, listed.Total
			if len(users) != tt.wantN || total != tt.wantTotal {
				t.Errorf("got %d users, total %d; want %d, %d", len(users), total, tt.wantN, tt.wantTotal)
			}
			if n := len(rec.all()); n != tt.wantPages {
				t.Errorf("fetched %d pages, want %d", n, tt.wantPages)
			}
			seen := map[string]bool{}
			for i, u := range users {
				if seen[u.ID()] {
					t.Errorf("duplicate %s", u.ID())
				}
				seen[u.ID()] = true
				if !tt.srv.ignoreStart && !tt.srv.cursor && u.ID() != fmt.Sprintf("u%d", i+1) {
					t.Errorf("user %d is %s", i, u.ID())
				}
			}
		})
	}
}

// Once an app is known to page by cursor (configured, or learnt from a
// listing), every listing goes by cursor from its first request, and a
// batched refresh reads the first page (for its total) and then the rest
// by cursor: the N/page + a few requests a refresh of an AWS IAM Identity
// Center app may cost.
func TestCursorPaging(t *testing.T) {
	srv := pagedServer{n: 250, maxPage: 100, cursor: true}
	t.Run("learnt", func(t *testing.T) {
		rec, c := userServer(t, srv.handler)
		for round, want := range []int{2 + 3, 3} {
			listed, err := c.Users().List(context.Background(), ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(listed.Resources) != 250 || listed.Total != 250 {
				t.Fatalf("round %d: %d users, total %d", round, len(listed.Resources), listed.Total)
			}
			if got := len(rec.all()); got != want {
				t.Errorf("round %d: %d requests, want %d", round, got, want)
			}
			rec.reset()
		}
	})
	t.Run("configured, batched refresh", func(t *testing.T) {
		rec := &recorder{}
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.handler(w, r, rec.add(r)) }))
		t.Cleanup(ts.Close)
		c := newTestClient(t, ts.URL+"/scim/v2", func(cfg *Config) { cfg.CursorPaging, cfg.MaxPageSize = true, 100 })
		for i := 250; i >= 1; i-- {
			u, err := c.Users().GetFromListing(context.Background(), fmt.Sprintf("u%d", i), ReadOptions{})
			if err != nil || u.ID() != fmt.Sprintf("u%d", i) {
				t.Fatalf("u%d: %v %v", i, u, err)
			}
		}
		var gets, cursors int
		for _, r := range rec.all() {
			gets++
			if strings.Contains(r.Query, "cursor") {
				cursors++
			}
			if strings.Contains(r.Query, "count=500") {
				t.Errorf("a page asked for more than the app's 100: %s", r.Query)
			}
		}
		// The first page (total 250), then up to 2 accounts read alone
		// (the rest would cost 2 pages), then the listing by cursor.
		if gets > 1+2+3 || cursors != 3 {
			t.Errorf("%d requests, %d by cursor; want at most 6, 3 by cursor", gets, cursors)
		}
	})
}

func TestUsersListQuery(t *testing.T) {
	rec, c := userServer(t, pagedServer{n: 1}.handler)
	_, err := c.Users().List(context.Background(), ListOptions{
		Filter: `userName eq "a b"`, Attributes: []string{"userName", "active"}, SortBy: "userName", SortOrder: "descending", Count: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "attributes=userName%2Cactive&count=7&filter=userName%20eq%20%22a%20b%22&sortBy=userName&sortOrder=descending&startIndex=1"
	if q := rec.all()[0].Query; q != want {
		t.Errorf("query\n%s\nwant\n%s", q, want)
	}
}

func TestUsersListCountCappedByDiscovery(t *testing.T) {
	var mu sync.Mutex
	var counts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ServiceProviderConfig":
			writeJSON(w, 200, map[string]any{"patch": map[string]any{"supported": true}, "filter": map[string]any{"supported": true, "maxResults": 25}})
		case "/Users":
			mu.Lock()
			counts = append(counts, r.URL.Query().Get("count"))
			mu.Unlock()
			pagedServer{n: 30}.handler(w, r, recorded{})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	if _, err := c.Users().List(context.Background(), ListOptions{Count: 1, Limit: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Discover(context.Background()); err != nil {
		t.Fatal(err)
	}
	listed, err := c.Users().List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.Resources) != 30 {
		t.Errorf("got %d users", len(listed.Resources))
	}
	mu.Lock()
	defer mu.Unlock()
	if counts[0] != "1" || counts[1] != "25" {
		t.Errorf("counts = %v, want first 1 then capped to 25", counts)
	}
}

func TestUsersListErrors(t *testing.T) {
	_, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		scimError(w, 400, "invalidFilter", "bad filter")
	})
	_, err := c.Users().List(context.Background(), ListOptions{Filter: "x"})
	e, ok := AsError(err)
	if !ok || e.ScimType != "invalidFilter" {
		t.Errorf("err = %v", err)
	}
	_, c = userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		writeJSON(w, 200, map[string]any{"totalResults": 1, "Resources": "x"})
	})
	_, err = c.Users().List(context.Background(), ListOptions{})
	var re *ResponseError
	if !errors.As(err, &re) {
		t.Errorf("want ResponseError, got %v", err)
	}
}

func TestUsersFind(t *testing.T) {
	rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
		f := r.URL.Query().Get("filter")
		if f != `userName eq "o'brien \"the\" man"` {
			writeJSON(w, 200, map[string]any{"totalResults": 0, "Resources": []any{}})
			return
		}
		writeJSON(w, 200, map[string]any{"totalResults": 1, "Resources": []any{map[string]any{"id": "u9", "userName": `o'brien "the" man`}}})
	})
	users, err := c.Users().Find(context.Background(), "userName", `o'brien "the" man`, ReadOptions{Attributes: []string{"id", "userName"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].ID() != "u9" {
		t.Fatalf("users = %v (query %s)", users, rec.all()[0].Query)
	}
	if !strings.Contains(rec.all()[0].Query, "attributes=id%2CuserName") {
		t.Errorf("attributes not sent: %s", rec.all()[0].Query)
	}
}

func TestIDFromLocation(t *testing.T) {
	tests := map[string]string{
		"https://x/scim/v2/Users/abc":   "abc",
		"https://x/scim/v2/Users/abc/":  "abc",
		"/Users/a%20b":                  "a b",
		"https://x/scim/v2/Users":       "",
		"":                              "",
		"https://x/":                    "",
		"https://x/Users/2819c223-7f76": "2819c223-7f76",
	}
	for in, want := range tests {
		if got := idFromLocation(in); got != want {
			t.Errorf("idFromLocation(%q) = %q, want %q", in, got, want)
		}
	}
}
