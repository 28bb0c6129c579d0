package scimtarget

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// schemaAttr finds an attribute ("title", "name.givenName") in a schema
// document as /Schemas serves it; nil when it is not there.
func schemaAttr(doc any, attrPath string) map[string]any {
	list, _ := get(doc, "attributes").([]any)
	var found map[string]any
	for i, name := range strings.Split(attrPath, ".") {
		if i > 0 {
			if found == nil {
				return nil
			}
			list, _ = found["subAttributes"].([]any)
		}
		found = nil
		for _, e := range list {
			if m, ok := e.(map[string]any); ok && strings.EqualFold(fmt.Sprint(m["name"]), name) {
				found = m
			}
		}
	}
	return found
}

// servedAttr is schemaAttr on what /Schemas/{urn} and /Schemas serve now;
// it fails the test when the two disagree.
func servedAttr(t *testing.T, c *client, urn, attrPath string) map[string]any {
	t.Helper()
	one := schemaAttr(c.do("GET", "/Schemas/"+urn, nil).must(t, http.StatusOK).body, attrPath)
	var fromList map[string]any
	for _, s := range resources(c.do("GET", "/Schemas", nil).must(t, http.StatusOK)) {
		if get(s, "id") == urn {
			fromList = schemaAttr(s, attrPath)
		}
	}
	if fmt.Sprint(one) != fmt.Sprint(fromList) {
		t.Fatalf("/Schemas/%s serves %s as %v, /Schemas as %v", urn, attrPath, one, fromList)
	}
	return one
}

func TestSetAttributeMutabilityIsServedAndEnforced(t *testing.T) {
	t.Parallel()
	tg, c := newTarget(t, Options{})
	_, other := newTarget(t, Options{})
	id := c.createUser("alice", map[string]any{"title": "Eng", "name": map[string]any{"givenName": "Alice"}})

	if err := tg.SetAttributeMutability(urnCoreUser, "TITLE", "readonly"); err != nil {
		t.Fatal(err)
	}
	if got := servedAttr(t, c, urnCoreUser, "title")["mutability"]; got != mutReadOnly {
		t.Errorf("served title mutability %v, want readOnly", got)
	}
	// Writes follow the changed schema: PATCH is refused, POST and PUT
	// ignore the readOnly attribute (RFC 7644 §3.5.1).
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "Boss"))).wantError(t, http.StatusBadRequest, errMutability)
	bob := c.do("POST", "/Users", userDoc("bob", map[string]any{"title": "Sales"})).must(t, http.StatusCreated)
	if _, has := bob.body["title"]; has {
		t.Errorf("readOnly title was stored on POST: %s", bob.raw)
	}
	// The value the user had is still there.
	if got := get(c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK).body, "title"); got != "Eng" {
		t.Errorf("title %v after the schema change, want Eng", got)
	}

	// A sub-attribute.
	if err := tg.SetAttributeMutability(urnCoreUser, "name.givenName", mutImmutable); err != nil {
		t.Fatal(err)
	}
	if got := servedAttr(t, c, urnCoreUser, "name.givenName")["mutability"]; got != mutImmutable {
		t.Errorf("served name.givenName mutability %v, want immutable", got)
	}
	if got := servedAttr(t, c, urnCoreUser, "title")["mutability"]; got != mutReadOnly {
		t.Errorf("the second change undid the first: title mutability %v", got)
	}

	// Another target and the shared registry are untouched.
	if got := servedAttr(t, other, urnCoreUser, "title")["mutability"]; got != mutReadWrite {
		t.Errorf("another target serves title as %v, want readWrite", got)
	}
	if a := builtinRegistry.schema(urnCoreUser).attr("title"); a.Mutability != mutReadWrite {
		t.Errorf("builtinRegistry changed: title is %s", a.Mutability)
	}
	if m := schemaAttr(builtinRegistry.schema(urnCoreUser).raw, "title"); m["mutability"] != mutReadWrite {
		t.Errorf("builtinRegistry raw changed: %v", m)
	}
	other.createUser("bob", map[string]any{"title": "Sales"})

	// Back to writable.
	if err := tg.SetAttributeMutability(urnCoreUser, "title", mutReadWrite); err != nil {
		t.Fatal(err)
	}
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "Boss"))).must(t, http.StatusOK)
}

func TestRemoveSchemaAttribute(t *testing.T) {
	t.Parallel()
	tg, c := newTarget(t, Options{})
	id := c.createUser("alice", map[string]any{
		"schemas":         []string{urnCoreUser, urnEnterpriseUser},
		"title":           "Eng",
		urnEnterpriseUser: map[string]any{"department": "R&D"},
	})
	for _, rm := range []struct{ urn, path string }{{urnCoreUser, "title"}, {urnCoreUser, "name.givenName"}, {urnEnterpriseUser, "department"}} {
		if err := tg.RemoveSchemaAttribute(rm.urn, rm.path); err != nil {
			t.Fatalf("remove %s: %v", rm.path, err)
		}
		if a := servedAttr(t, c, rm.urn, rm.path); a != nil {
			t.Errorf("%s is still served: %v", rm.path, a)
		}
	}
	if servedAttr(t, c, urnCoreUser, "name.familyName") == nil || servedAttr(t, c, urnCoreUser, "nickName") == nil {
		t.Error("a removal took other attributes with it")
	}
	c.do("POST", "/Users", userDoc("bob", map[string]any{"title": "Sales"})).wantError(t, http.StatusBadRequest, errInvalidSyntax)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "name.givenName", "A"))).must(t, http.StatusBadRequest)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", urnEnterpriseUser+":department", "Ops"))).must(t, http.StatusBadRequest)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "nickName", "Al"))).must(t, http.StatusOK)
	// Stored values stay.
	u := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
	if get(u.body, "title") != "Eng" || get(u.body, "["+urnEnterpriseUser+"].department") != "R&D" {
		t.Errorf("stored values lost: %s", u.raw)
	}
	if builtinRegistry.schema(urnCoreUser).attr("title") == nil || schemaAttr(builtinRegistry.schema(urnCoreUser).raw, "title") == nil {
		t.Error("builtinRegistry changed")
	}
}

func TestSchemaChangesReset(t *testing.T) {
	t.Parallel()
	tg, c := newTarget(t, Options{})
	if err := tg.RemoveSchemaAttribute(urnCoreUser, "title"); err != nil {
		t.Fatal(err)
	}
	if err := tg.SetAttributeMutability(urnCoreUser, "nickName", mutReadOnly); err != nil {
		t.Fatal(err)
	}
	tg.ResetSchemas()
	if servedAttr(t, c, urnCoreUser, "title") == nil || servedAttr(t, c, urnCoreUser, "nickName")["mutability"] != mutReadWrite {
		t.Error("ResetSchemas did not restore the schemas")
	}
	id := c.createUser("alice", map[string]any{"title": "Eng"})
	if err := tg.RemoveSchemaAttribute(urnCoreUser, "title"); err != nil {
		t.Fatal(err)
	}
	tg.Reset()
	if servedAttr(t, c, urnCoreUser, "title") == nil {
		t.Error("Reset did not restore the schemas")
	}
	if _, ok := tg.GetUser(id); ok {
		t.Error("Reset kept the users")
	}
	c.createUser("alice", map[string]any{"title": "Eng"})
}

func TestSchemaChangeErrors(t *testing.T) {
	t.Parallel()
	tg, c := newTarget(t, Options{})
	for _, e := range []struct {
		name     string
		err      error
		notFound bool
	}{
		{"unknown schema", tg.SetAttributeMutability("urn:example:nope", "title", mutReadOnly), true},
		{"unknown attribute", tg.RemoveSchemaAttribute(urnCoreUser, "titel"), true},
		{"unknown sub-attribute", tg.SetAttributeMutability(urnCoreUser, "name.middle", mutReadOnly), true},
		{"sub-attribute of a simple attribute", tg.SetAttributeMutability(urnCoreUser, "title.x", mutReadOnly), true},
		{"bad mutability", tg.SetAttributeMutability(urnCoreUser, "title", "sometimes"), false},
		{"common attribute", tg.RemoveSchemaAttribute(urnCoreUser, "externalId"), false},
		{"too deep", tg.RemoveSchemaAttribute(urnCoreUser, "a.b.c"), false},
		{"empty path", tg.RemoveSchemaAttribute(urnCoreUser, ""), false},
		{"empty segment", tg.RemoveSchemaAttribute(urnCoreUser, "name."), false},
	} {
		if e.err == nil {
			t.Errorf("%s: no error", e.name)
			continue
		}
		if errors.Is(e.err, ErrNotFound) != e.notFound {
			t.Errorf("%s: errors.Is(ErrNotFound) = %v, want %v (%v)", e.name, !e.notFound, e.notFound, e.err)
		}
	}
	// A failed change changes nothing.
	if tg.changedReg.Load() != nil {
		t.Error("a failed change installed a changed registry")
	}
	if got := servedAttr(t, c, urnCoreUser, "title")["mutability"]; got != mutReadWrite {
		t.Errorf("title mutability %v after failed changes", got)
	}
}

func TestSchemaControlEndpoints(t *testing.T) {
	t.Parallel()
	tg, c := newTarget(t, Options{BearerTokens: []string{"tok"}})
	ctl := func(method, path string, body any) response {
		// The control API needs no SCIM authentication.
		return (&client{t: t, base: c.base, hc: c.hc}).do(method, "/_control"+path, body)
	}
	attrURL := "/schemas/" + urnCoreUser + "/attributes/"

	r := ctl("PATCH", attrURL+"title", map[string]any{"mutability": "readOnly"}).must(t, http.StatusOK)
	if got := schemaAttr(r.body, "title")["mutability"]; got != mutReadOnly {
		t.Errorf("PATCH answered title mutability %v: %s", got, r.raw)
	}
	if got := servedAttr(t, c, urnCoreUser, "title")["mutability"]; got != mutReadOnly {
		t.Errorf("served title mutability %v", got)
	}
	ctl("DELETE", attrURL+"name.givenName", nil).must(t, http.StatusNoContent)
	if servedAttr(t, c, urnCoreUser, "name.givenName") != nil {
		t.Error("name.givenName still served")
	}
	if r := ctl("GET", "/schemas/"+urnCoreUser, nil).must(t, http.StatusOK); schemaAttr(r.body, "name.givenName") != nil {
		t.Errorf("GET /_control/schemas/{urn} still has name.givenName")
	}
	if r := ctl("GET", "/schemas", nil).must(t, http.StatusOK); len(get(r.body, "schemas").([]any)) != 3 {
		t.Errorf("GET /_control/schemas: %s", r.raw)
	}

	ctl("PATCH", attrURL+"title", map[string]any{"mutability": "never"}).must(t, http.StatusBadRequest)
	ctl("PATCH", attrURL+"title", map[string]any{}).must(t, http.StatusBadRequest)
	ctl("PATCH", attrURL+"titel", map[string]any{"mutability": "readOnly"}).must(t, http.StatusNotFound)
	ctl("DELETE", "/schemas/urn:example:nope/attributes/title", nil).must(t, http.StatusNotFound)
	ctl("GET", "/schemas/urn:example:nope", nil).must(t, http.StatusNotFound)
	ctl("PUT", attrURL+"title", map[string]any{}).must(t, http.StatusMethodNotAllowed)

	ctl("DELETE", "/schemas", nil).must(t, http.StatusNoContent)
	if servedAttr(t, c, urnCoreUser, "title")["mutability"] != mutReadWrite || servedAttr(t, c, urnCoreUser, "name.givenName") == nil {
		t.Error("DELETE /_control/schemas did not restore the schemas")
	}
	ctl("DELETE", attrURL+"title", nil).must(t, http.StatusNoContent)
	ctl("POST", "/reset", nil).must(t, http.StatusNoContent)
	if servedAttr(t, c, urnCoreUser, "title") == nil {
		t.Error("POST /_control/reset did not restore the schemas")
	}
	_ = tg
}

// Schema changes while requests are being served: run with -race.
func TestSchemaChangesConcurrentWithRequests(t *testing.T) {
	t.Parallel()
	tg, c := newTarget(t, Options{})
	id := c.createUser("alice", map[string]any{"title": "Eng"})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				c.do("GET", "/Schemas", nil)
				c.do("PATCH", "/Users/"+id, patchBody(op("replace", "nickName", fmt.Sprint(j))))
			}
		}()
	}
	for j := 0; j < 20; j++ {
		m := mutReadOnly
		if j%2 == 1 {
			m = mutReadWrite
		}
		if err := tg.SetAttributeMutability(urnCoreUser, "title", m); err != nil {
			t.Error(err)
		}
		if j%5 == 0 {
			tg.ResetSchemas()
		}
	}
	wg.Wait()
}
