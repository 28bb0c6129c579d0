package scimtarget

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func bulkBody(failOnErrors int, ops ...map[string]any) map[string]any {
	b := map[string]any{"schemas": []string{urnBulkRequest}, "Operations": ops}
	if failOnErrors > 0 {
		b["failOnErrors"] = failOnErrors
	}
	return b
}

func TestBulk(t *testing.T) {
	tg, c := newTarget(t, Options{})
	body := bulkBody(0,
		map[string]any{"method": "POST", "path": "/Users", "bulkId": "q1", "data": userDoc("bulk1", nil)},
		map[string]any{"method": "PATCH", "path": "/Users/bulkId:q1", "data": patchBody(op("replace", "title", "T"))},
		map[string]any{"method": "POST", "path": "/Users", "bulkId": "q2", "data": userDoc("bulk1", nil)}, // conflict
	)
	c.do("POST", "/Bulk", body).wantError(t, http.StatusNotImplemented, "")

	tg.SetCapabilities(func(c *Capabilities) { c.Bulk = true; c.BulkMaxOperations = 3 })
	r := c.do("POST", "/Bulk", body).must(t, http.StatusOK)
	if get(r.body, "schemas.0") != urnBulkResponse {
		t.Errorf("schemas: %s", r.raw)
	}
	u, ok := tg.FindUserByUserName("bulk1")
	if !ok || u["title"] != "T" {
		t.Fatalf("bulk not applied: %v", u)
	}
	for p, want := range map[string]any{
		"Operations.0.status":             "201",
		"Operations.0.bulkId":             "q1",
		"Operations.0.location":           c.base + "/Users/" + u["id"].(string),
		"Operations.0.version":            `W/"1"`,
		"Operations.1.status":             "200",
		"Operations.1.version":            `W/"2"`,
		"Operations.2.status":             "409",
		"Operations.2.response.scimType":  "uniqueness",
		"Operations.2.response.schemas.0": urnError,
		"Operations.2.response.status":    "409",
	} {
		if got := get(r.body, p); got != want {
			t.Errorf("%s = %v, want %v", p, got, want)
		}
	}
	// failOnErrors stops processing.
	r = c.do("POST", "/Bulk", bulkBody(1,
		map[string]any{"method": "DELETE", "path": "/Users/missing"},
		map[string]any{"method": "POST", "path": "/Users", "bulkId": "z", "data": userDoc("never", nil)},
	)).must(t, http.StatusOK)
	if l, _ := r.body["Operations"].([]any); len(l) != 1 {
		t.Errorf("failOnErrors: %s", r.raw)
	}
	if _, ok := tg.FindUserByUserName("never"); ok {
		t.Error("operation after failOnErrors was applied")
	}
	// Limits.
	four := bulkBody(0, map[string]any{"method": "DELETE", "path": "/Users/a"}, map[string]any{"method": "DELETE", "path": "/Users/b"},
		map[string]any{"method": "DELETE", "path": "/Users/c"}, map[string]any{"method": "DELETE", "path": "/Users/d"})
	c.do("POST", "/Bulk", four).wantError(t, http.StatusRequestEntityTooLarge, "")
	tg.SetCapabilities(func(c *Capabilities) { c.BulkMaxOperations = 0; c.BulkMaxPayloadSize = 10 })
	c.do("POST", "/Bulk", four).wantError(t, http.StatusRequestEntityTooLarge, "")
	// Unresolved bulkId.
	tg.SetCapabilities(func(c *Capabilities) { c.BulkMaxPayloadSize = 0 })
	r = c.do("POST", "/Bulk", bulkBody(0, map[string]any{"method": "PATCH", "path": "/Users/bulkId:nope", "data": patchBody(op("replace", "title", "x"))})).must(t, http.StatusOK)
	if get(r.body, "Operations.0.status") != "409" {
		t.Errorf("unresolved bulkId: %s", r.raw)
	}
}

func TestConcurrentRequests(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id := c.createUser("shared", nil)
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("u%d", i)
			if r := c.do("POST", "/Users", userDoc(name, nil)); r.status != http.StatusCreated {
				errs <- fmt.Sprintf("create %s: %d", name, r.status)
			}
			if r := c.do("PATCH", "/Users/"+id, patchBody(op("add", "emails", []any{map[string]any{"value": name + "@x"}}))); r.status != http.StatusOK {
				errs <- fmt.Sprintf("patch: %d %s", r.status, r.raw)
			}
			_ = tg.SetUserAttribute(id, "title", name)
			c.do("GET", "/Users?filter="+urlq(`userName sw "u"`), nil)
			tg.Users()
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	u, _ := tg.GetUser(id)
	if emails, _ := u["emails"].([]any); len(emails) != 20 {
		t.Errorf("lost updates: %d emails", len(emails))
	}
	if n := len(resources(c.filter(`userName sw "u"`))); n != 20 {
		t.Errorf("%d users", n)
	}
	if !strings.HasPrefix(u["meta"].(map[string]any)["version"].(string), `W/"`) {
		t.Error("version")
	}
}
