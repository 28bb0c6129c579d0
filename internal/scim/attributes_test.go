package scim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const deptAttr = SchemaEnterpriseUser + ":department"

// fullUser is what an app that ignores (or was not sent) "attributes"
// returns.
func fullUser(id string) map[string]any {
	return map[string]any{
		"schemas":     []any{SchemaUser, SchemaEnterpriseUser},
		"id":          id,
		"externalId":  "ext-" + id,
		"userName":    id + "@example.com",
		"displayName": "Alice",
		"title":       "Boss",
		"active":      true,
		"name":        map[string]any{"givenName": "Alice", "familyName": "Liddell"},
		"meta":        map[string]any{"resourceType": "User", "version": `W/"3"`},
		SchemaEnterpriseUser: map[string]any{
			"department": "R&D",
			"costCenter": "42",
			"manager":    map[string]any{"value": "m1"},
		},
	}
}

// attrRefusingServer behaves like the open-source SCIM server this
// workaround is for: any GET whose "attributes" names an extension
// attribute is refused with 400 (scimType as given, possibly none); the
// same GET without "attributes" works. PATCH answers 204.
func attrRefusingServer(t *testing.T, scimType string, mods ...func(*Config)) (*recorder, *Client) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		q := r.URL.Query()
		if r.Method == http.MethodGet && strings.Contains(strings.ToLower(q.Get("attributes")), "urn:") {
			scimError(w, http.StatusBadRequest, scimType, "attributes parameter with extension attributes is not supported")
			return
		}
		switch {
		case r.Method == http.MethodPatch:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/Users/gone"):
			scimError(w, http.StatusNotFound, "", "not found")
		case strings.HasSuffix(r.URL.Path, "/Users"):
			writeJSON(w, 200, map[string]any{"schemas": []string{messageListResponse}, "totalResults": 2,
				"Resources": []any{fullUser("u1"), fullUser("u2")}})
		default:
			writeJSON(w, 200, fullUser("u1"))
		}
	}))
	t.Cleanup(srv.Close)
	return rec, newTestClient(t, srv.URL+"/scim/v2", mods...)
}

func queries(rec *recorder) []string {
	var out []string
	for _, r := range rec.all() {
		out = append(out, r.Method+" "+r.Path+"?"+r.Query)
	}
	return out
}

func hasAttributesParam(q string) bool { return strings.Contains(q, "attributes=") }

func TestProjectResource(t *testing.T) {
	tests := []struct {
		name  string
		attrs []string
		want  map[string]any
	}{
		{"always returned only", []string{"nosuch"}, map[string]any{}},
		{"top-level, any case", []string{"USERNAME", "Active"}, map[string]any{"userName": "u1@example.com", "active": true}},
		{"sub-attribute keeps the whole top-level attribute", []string{"name.givenName"},
			map[string]any{"name": map[string]any{"givenName": "Alice", "familyName": "Liddell"}}},
		{"filtered path keeps the attribute", []string{`emails[type eq "work"].value`, "title"}, map[string]any{"title": "Boss"}},
		{"core-schema-qualified name", []string{SchemaUser + ":displayName"}, map[string]any{"displayName": "Alice"}},
		{"extension attribute keeps only that member", []string{deptAttr},
			map[string]any{SchemaEnterpriseUser: map[string]any{"department": "R&D"}}},
		{"extension attribute, any case", []string{strings.ToLower(SchemaEnterpriseUser) + ":COSTCENTER", "userName"},
			map[string]any{"userName": "u1@example.com", SchemaEnterpriseUser: map[string]any{"costCenter": "42"}}},
		{"two extension members and a sub-attribute", []string{deptAttr, SchemaEnterpriseUser + ":manager.value"},
			map[string]any{SchemaEnterpriseUser: map[string]any{"department": "R&D", "manager": map[string]any{"value": "m1"}}}},
		{"bare extension URN keeps the whole object", []string{deptAttr, SchemaEnterpriseUser},
			map[string]any{SchemaEnterpriseUser: fullUser("u1")[SchemaEnterpriseUser]}},
		{"bare URN first, member after", []string{SchemaEnterpriseUser, deptAttr},
			map[string]any{SchemaEnterpriseUser: fullUser("u1")[SchemaEnterpriseUser]}},
		{"unknown extension", []string{"urn:example:ext:1.0:User:x"}, map[string]any{}},
		{"blank and unparsable names ignored", []string{" ", "a[[", "title"}, map[string]any{"title": "Boss"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Resource(fullUser("u1"))
			got := projectResource(in, tt.attrs)
			want := Resource{"id": "u1", "schemas": in["schemas"], "meta": in["meta"]}
			for k, v := range tt.want {
				want[k] = v
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
			if !reflect.DeepEqual(in, Resource(fullUser("u1"))) {
				t.Errorf("input modified: %v", in)
			}
		})
	}
}

func TestGetUserFallsBackWhenAttributesRefused(t *testing.T) {
	for _, scimType := range []string{"invalidValue", ""} {
		t.Run("scimType "+scimType, func(t *testing.T) {
			logger := &recordingLogger{}
			rec, c := attrRefusingServer(t, scimType, func(c *Config) { c.Logger = logger })
			ctx := context.Background()
			attrs := []string{"active", deptAttr, "userName"}

			res, err := c.Users().Get(ctx, "u1", ReadOptions{Attributes: attrs})
			if err != nil {
				t.Fatalf("Users().Get: %v", err)
			}
			q := queries(rec)
			if len(q) != 2 || !hasAttributesParam(q[0]) || hasAttributesParam(q[1]) {
				t.Fatalf("requests %v, want one with attributes, then one without", q)
			}
			want := Resource{"id": "u1", "schemas": res["schemas"], "meta": res["meta"], "active": true,
				"userName": "u1@example.com", SchemaEnterpriseUser: map[string]any{"department": "R&D"}}
			if !reflect.DeepEqual(res, want) {
				t.Errorf("got  %v\nwant %v", res, want)
			}

			// Remembered: later calls of any kind send no attributes.
			if _, err := c.Users().Get(ctx, "u1", ReadOptions{Attributes: attrs}); err != nil {
				t.Fatal(err)
			}
			users, err := c.Users().Find(ctx, "userName", "u1@example.com", ReadOptions{Attributes: []string{"userName"}})
			if err != nil {
				t.Fatal(err)
			}
			q = queries(rec)
			if len(q) != 4 || hasAttributesParam(q[2]) || hasAttributesParam(q[3]) {
				t.Fatalf("requests %v, want no attributes after the 400", q)
			}
			if len(users) != 2 || users[0]["title"] != nil || users[1]["userName"] != "u2@example.com" {
				t.Errorf("listed users not filtered client-side: %v", users)
			}

			warnings := 0
			for _, e := range logger.all() {
				if e.Level == LogWarn && strings.Contains(e.Msg, "attributes") {
					warnings++
				}
			}
			if warnings != 1 {
				t.Errorf("%d warnings about attributes, want exactly 1:\n%s", warnings, logger.dump())
			}
		})
	}
}

func TestListUsersFallsBackWhenAttributesRefused(t *testing.T) {
	rec, c := attrRefusingServer(t, "invalidValue")
	listed, err := c.Users().List(context.Background(), ListOptions{Filter: `userName eq "u1@example.com"`, Attributes: []string{deptAttr}})
	if err != nil {
		t.Fatal(err)
	}
	users, total := listed.Resources, listed.Total
	q := queries(rec)
	if len(q) != 2 || !hasAttributesParam(q[0]) || hasAttributesParam(q[1]) || !strings.Contains(q[1], "filter=") {
		t.Fatalf("requests %v, want the list repeated without attributes (filter kept)", q)
	}
	if total != 2 || len(users) != 2 {
		t.Fatalf("got %d users (total %d)", len(users), total)
	}
	for _, u := range users {
		if len(u) != 4 || !reflect.DeepEqual(u[SchemaEnterpriseUser], map[string]any{"department": "R&D"}) {
			t.Errorf("user not filtered client-side: %v", u)
		}
	}
}

func TestPatchUserReadBackFallsBack(t *testing.T) {
	rec, c := attrRefusingServer(t, "invalidValue")
	ops := []PatchOp{{Op: PatchReplace, Path: deptAttr, Value: "R&D"}}
	res, err := c.Users().Patch(context.Background(), "u1", ops, WriteOptions{Attributes: []string{deptAttr}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.methods(); got != "PATCH /scim/v2/Users/u1, GET /scim/v2/Users/u1, GET /scim/v2/Users/u1" {
		t.Errorf("calls %s", got)
	}
	if res["title"] != nil || !reflect.DeepEqual(res[SchemaEnterpriseUser], map[string]any{"department": "R&D"}) {
		t.Errorf("read-back not filtered: %v", res)
	}
}

func TestNoAttributesParamConfig(t *testing.T) {
	logger := &recordingLogger{}
	rec, c := attrRefusingServer(t, "invalidValue", func(c *Config) { c.NoAttributesParam = true; c.Logger = logger })
	res, err := c.Users().Get(context.Background(), "u1", ReadOptions{Attributes: []string{"userName"}})
	if err != nil {
		t.Fatal(err)
	}
	if q := queries(rec); len(q) != 1 || hasAttributesParam(q[0]) {
		t.Errorf("requests %v, want one without attributes", q)
	}
	if len(res) != 4 || res["userName"] != "u1@example.com" {
		t.Errorf("not filtered client-side: %v", res)
	}
	// Without attributes asked for, the answer is passed on whole.
	res, err = c.Users().Get(context.Background(), "u1", ReadOptions{})
	if err != nil || res["title"] != "Boss" {
		t.Errorf("unfiltered GET: %v %v", res, err)
	}
	for _, e := range logger.all() {
		if e.Level >= LogWarn {
			t.Errorf("configured behaviour logged a warning: %s", e.Msg)
		}
	}
}

func TestAttributesFallbackLimits(t *testing.T) {
	ctx := context.Background()
	t.Run("400 without attributes is not retried", func(t *testing.T) {
		rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
			scimError(w, 400, "invalidValue", "no")
		})
		if _, err := c.Users().Get(ctx, "u1", ReadOptions{}); err == nil {
			t.Fatal("want error")
		}
		if n := len(rec.all()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("400 with and without attributes: original error, not remembered", func(t *testing.T) {
		rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
			scimError(w, 400, "invalidValue", "detail for "+r.URL.RawQuery)
		})
		_, err := c.Users().Get(ctx, "u1", ReadOptions{Attributes: []string{"userName"}})
		if e, ok := AsError(err); !ok || e.Status != 400 || !strings.Contains(e.Detail, "attributes=userName") {
			t.Fatalf("want the 400 to the request with attributes, got %v", err)
		}
		_, _ = c.Users().Get(ctx, "u1", ReadOptions{Attributes: []string{"userName"}})
		q := queries(rec)
		if len(q) != 4 || !hasAttributesParam(q[2]) {
			t.Errorf("requests %v: a failed fallback must not stop sending attributes", q)
		}
	})
	t.Run("invalidFilter is not retried without attributes", func(t *testing.T) {
		rec, c := userServer(t, func(w http.ResponseWriter, r *http.Request, _ recorded) {
			scimError(w, 400, "invalidFilter", "bad filter")
		})
		if _, err := c.Users().Find(ctx, "userName", "x", ReadOptions{Attributes: []string{"userName"}}); err == nil {
			t.Fatal("want error")
		}
		if n := len(rec.all()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("other errors are not retried without attributes", func(t *testing.T) {
		rec, c := attrRefusingServer(t, "invalidValue")
		if _, err := c.Users().Get(ctx, "gone", ReadOptions{Attributes: []string{"title"}}); !IsNotFound(err) {
			t.Fatalf("want 404, got %v", err)
		}
		if n := len(rec.all()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("404 after the fallback is reported as 404", func(t *testing.T) {
		_, c := attrRefusingServer(t, "invalidValue")
		if _, err := c.Users().Get(ctx, "gone", ReadOptions{Attributes: []string{deptAttr}}); !IsNotFound(err) {
			t.Fatalf("want 404 (callers branch on it), got %v", err)
		}
		if c.noAttributes.Load() {
			t.Error("remembered a refusal that was not confirmed by a successful GET")
		}
	})
}

func TestAttributesFallbackConcurrent(t *testing.T) {
	logger := &recordingLogger{}
	_, c := attrRefusingServer(t, "", func(c *Config) { c.Logger = logger })
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Users().Get(context.Background(), "u1", ReadOptions{Attributes: []string{deptAttr}})
			if err == nil && res["title"] != nil {
				err = &ResponseError{Reason: "not filtered"}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	warnings := 0
	for _, e := range logger.all() {
		if e.Level == LogWarn {
			warnings++
		}
	}
	if warnings != 1 {
		t.Errorf("%d warnings, want exactly 1", warnings)
	}
}
