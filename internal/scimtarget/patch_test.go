package scimtarget

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// patchCase applies a PATCH to a freshly created user and checks the result.
type patchCase struct {
	name     string
	initial  map[string]any // extra attributes of the created user
	ops      []map[string]any
	status   int               // 200 when 0
	scimType string            // for errors
	want     map[string]any    // path -> value in the response (nil = absent)
	wantJSON map[string]string // path -> JSON of the value
}

func runPatchCases(t *testing.T, cases []patchCase) {
	t.Helper()
	_, c := newTarget(t, Options{})
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			extra := map[string]any{"schemas": []string{urnCoreUser, urnEnterpriseUser}}
			for k, v := range tc.initial {
				extra[k] = v
			}
			id := c.createUser("patch-user-"+string(rune('a'+i)), extra)
			r := c.do("PATCH", "/Users/"+id, patchBody(tc.ops...))
			if tc.status != 0 && tc.status != http.StatusOK {
				r.wantError(t, tc.status, tc.scimType)
				// Failed PATCHes change nothing.
				after := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
				if get(after.body, "meta.version") != `W/"1"` {
					t.Errorf("failed PATCH changed the resource: %s", after.raw)
				}
				return
			}
			r.must(t, http.StatusOK)
			for p, want := range tc.want {
				if got := get(r.body, p); !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", p, got, want)
				}
			}
			for p, want := range tc.wantJSON {
				got, _ := json.Marshal(get(r.body, p))
				if string(got) != want {
					t.Errorf("%s = %s, want %s", p, got, want)
				}
			}
			// The response is what GET returns.
			g := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
			if !reflect.DeepEqual(g.body, r.body) {
				t.Errorf("PATCH response differs from GET:\n%s\n%s", r.raw, g.raw)
			}
		})
	}
}

const ent = urnEnterpriseUser

func TestPatchSimple(t *testing.T) {
	runPatchCases(t, []patchCase{
		{name: "replace title", initial: map[string]any{"title": "a"}, ops: []map[string]any{op("replace", "title", "b")},
			want: map[string]any{"title": "b", "meta.version": `W/"2"`}},
		{name: "op names are case-insensitive", ops: []map[string]any{op("Replace", "title", "b"), op("ADD", "nickName", "n")},
			want: map[string]any{"title": "b", "nickName": "n"}},
		{name: "attribute names are case-insensitive", ops: []map[string]any{op("replace", "TITLE", "b")},
			want: map[string]any{"title": "b"}},
		{name: "add sets a missing attribute", ops: []map[string]any{op("add", "title", "x")}, want: map[string]any{"title": "x"}},
		{name: "remove", initial: map[string]any{"title": "a"}, ops: []map[string]any{op("remove", "title", nil)},
			want: map[string]any{"title": nil}},
		{name: "remove absent attribute is fine", ops: []map[string]any{op("remove", "title", nil)}, want: map[string]any{"title": nil}},
		{name: "string boolean", ops: []map[string]any{op("replace", "active", "False")}, want: map[string]any{"active": false}},
		{name: "sub-attribute", initial: map[string]any{"name": map[string]any{"givenName": "A", "familyName": "B"}},
			ops:  []map[string]any{op("replace", "name.givenName", "Z")},
			want: map[string]any{"name.givenName": "Z", "name.familyName": "B"}},
		{name: "complex replace merges", initial: map[string]any{"name": map[string]any{"givenName": "A", "familyName": "B"}},
			ops:  []map[string]any{op("replace", "name", map[string]any{"givenName": "Z"})},
			want: map[string]any{"name.givenName": "Z", "name.familyName": "B"}},
		{name: "no path replace", initial: map[string]any{"title": "a", "name": map[string]any{"givenName": "A", "familyName": "B"}},
			ops: []map[string]any{op("replace", "", map[string]any{
				"title": "b", "active": false, "name": map[string]any{"familyName": "C"},
				"id": "ignored", "meta": map[string]any{"version": "x"},
			})},
			want: map[string]any{"title": "b", "active": false, "name.givenName": "A", "name.familyName": "C"}},
		{name: "no path add with URN-qualified keys (Azure AD)", ops: []map[string]any{op("add", "", map[string]any{
			ent + ":department":                                "Ops",
			ent + ":manager.value":                             "m-9",
			`emails[type eq "work"].value`:                     "w@x",
			"urn:ietf:params:scim:schemas:core:2.0:User:title": "CTO",
		})},
			want: map[string]any{"[" + ent + "].department": "Ops", "[" + ent + "].manager.value": "m-9",
				"emails.0.value": "w@x", "emails.0.type": "work", "title": "CTO", "schemas.1": ent}},
		{name: "readOnly path", ops: []map[string]any{op("replace", "groups", []any{map[string]any{"value": "g"}})}, status: 400, scimType: errMutability},
		{name: "id path", ops: []map[string]any{op("replace", "id", "x")}, status: 400, scimType: errMutability},
		{name: "unknown path", ops: []map[string]any{op("replace", "shoeSize", "44")}, status: 400, scimType: errInvalidPath},
		{name: "unparsable path", ops: []map[string]any{op("replace", `emails[type eq "work"`, "x")}, status: 400, scimType: errInvalidPath},
		{name: "bad op", ops: []map[string]any{op("move", "title", "x")}, status: 400, scimType: errInvalidSyntax},
		{name: "remove without path", ops: []map[string]any{op("remove", "", nil)}, status: 400, scimType: errNoTarget},
		{name: "add without value", ops: []map[string]any{{"op": "add", "path": "title"}}, status: 400, scimType: errInvalidSyntax},
		{name: "wrong type", ops: []map[string]any{op("replace", "active", 3)}, status: 400, scimType: errInvalidValue},
		{name: "remove required userName", ops: []map[string]any{op("remove", "userName", nil)}, status: 400, scimType: errInvalidValue},
		{name: "atomic: second op fails", ops: []map[string]any{op("replace", "title", "b"), op("replace", "nope", "x")}, status: 400, scimType: errInvalidPath},
	})
}

func TestPatchMultiValued(t *testing.T) {
	twoEmails := map[string]any{"emails": []any{
		map[string]any{"value": "w@x", "type": "work", "primary": true},
		map[string]any{"value": "h@x", "type": "home"},
	}}
	runPatchCases(t, []patchCase{
		{name: "add appends", initial: twoEmails,
			ops:      []map[string]any{op("add", "emails", []any{map[string]any{"value": "o@x", "type": "other"}})},
			wantJSON: map[string]string{"emails": `[{"primary":true,"type":"work","value":"w@x"},{"type":"home","value":"h@x"},{"type":"other","value":"o@x"}]`}},
		{name: "add single object appends", initial: twoEmails,
			ops:  []map[string]any{op("add", "emails", map[string]any{"value": "o@x"})},
			want: map[string]any{"emails.2.value": "o@x"}},
		{name: "add duplicate is a no-op", initial: twoEmails,
			ops:  []map[string]any{op("add", "emails", []any{map[string]any{"value": "h@x", "type": "home"}})},
			want: map[string]any{"emails.2": nil, "meta.version": `W/"1"`}},
		{name: "add primary demotes the old primary", initial: twoEmails,
			ops:      []map[string]any{op("add", "emails", []any{map[string]any{"value": "n@x", "primary": true}})},
			wantJSON: map[string]string{"emails": `[{"primary":false,"type":"work","value":"w@x"},{"type":"home","value":"h@x"},{"primary":true,"value":"n@x"}]`}},
		{name: "replace whole list", initial: twoEmails,
			ops:      []map[string]any{op("replace", "emails", []any{map[string]any{"value": "only@x"}})},
			wantJSON: map[string]string{"emails": `[{"value":"only@x"}]`}},
		{name: "filtered sub-attribute replace", initial: twoEmails,
			ops:  []map[string]any{op("replace", `emails[type eq "work"].value`, "new@x")},
			want: map[string]any{"emails.0.value": "new@x", "emails.0.type": "work", "emails.1.value": "h@x"}},
		{name: "filtered replace creates a missing element", initial: twoEmails,
			ops:  []map[string]any{op("replace", `emails[type eq "other"].value`, "o@x")},
			want: map[string]any{"emails.2.value": "o@x", "emails.2.type": "other"}},
		{name: "filtered add creates on an empty attribute",
			ops:      []map[string]any{op("add", `addresses[type eq "work"].locality`, "Berlin")},
			wantJSON: map[string]string{"addresses": `[{"locality":"Berlin","type":"work"}]`}},
		{name: "filtered replace with a non-eq filter and no match", initial: twoEmails,
			ops: []map[string]any{op("replace", `emails[value co "zzz"].type`, "x")}, status: 400, scimType: errNoTarget},
		{name: "filtered whole-element replace", initial: twoEmails,
			ops:      []map[string]any{op("replace", `emails[type eq "home"]`, map[string]any{"value": "h2@x", "type": "home"})},
			wantJSON: map[string]string{"emails.1": `{"type":"home","value":"h2@x"}`}},
		{name: "filtered add merges into the element", initial: twoEmails,
			ops:      []map[string]any{op("add", `emails[type eq "home"]`, map[string]any{"display": "Home"})},
			wantJSON: map[string]string{"emails.1": `{"display":"Home","type":"home","value":"h@x"}`}},
		{name: "filtered primary true demotes others", initial: twoEmails,
			ops:  []map[string]any{op("replace", `emails[type eq "home"].primary`, true)},
			want: map[string]any{"emails.0.primary": false, "emails.1.primary": true}},
		{name: "and filter", initial: twoEmails,
			ops:  []map[string]any{op("replace", `emails[type eq "work" and value ew "@x"].display`, "W")},
			want: map[string]any{"emails.0.display": "W", "emails.1.display": nil}},
		{name: "remove with filter", initial: twoEmails,
			ops:      []map[string]any{op("remove", `emails[type eq "work"]`, nil)},
			wantJSON: map[string]string{"emails": `[{"type":"home","value":"h@x"}]`}},
		{name: "remove with filter matching nothing", initial: twoEmails,
			ops:  []map[string]any{op("remove", `emails[type eq "other"]`, nil)},
			want: map[string]any{"meta.version": `W/"1"`}},
		{name: "remove last element drops the attribute", initial: map[string]any{"emails": []any{map[string]any{"value": "w@x"}}},
			ops:  []map[string]any{op("remove", `emails[value eq "W@X"]`, nil)}, // value is caseExact=false
			want: map[string]any{"emails": nil}},
		{name: "remove filtered sub-attribute", initial: twoEmails,
			ops:      []map[string]any{op("remove", `emails[type eq "work"].primary`, nil)},
			wantJSON: map[string]string{"emails.0": `{"type":"work","value":"w@x"}`}},
		{name: "remove by value list", initial: twoEmails,
			ops:      []map[string]any{op("remove", "emails", []any{map[string]any{"value": "w@x"}})},
			wantJSON: map[string]string{"emails": `[{"type":"home","value":"h@x"}]`}},
		{name: "remove whole multi-valued", initial: twoEmails, ops: []map[string]any{op("remove", "emails", nil)},
			want: map[string]any{"emails": nil}},
		{name: "filter on a single-valued attribute", ops: []map[string]any{op("replace", `title[value eq "x"]`, "y")},
			status: 400, scimType: errInvalidPath},
		{name: "invalid filter in path", initial: twoEmails, ops: []map[string]any{op("replace", `emails[nope eq "x"].value`, "y")},
			status: 400, scimType: errInvalidFilter},
		{name: "sub-attribute of multi-valued without filter", initial: twoEmails,
			ops: []map[string]any{op("replace", "emails.value", "y")}, status: 400, scimType: errInvalidPath},
	})
}

func TestPatchExtension(t *testing.T) {
	runPatchCases(t, []patchCase{
		{name: "extension attribute", ops: []map[string]any{op("add", ent+":department", "Ops")},
			want: map[string]any{"[" + ent + "].department": "Ops", "schemas.1": ent}},
		{name: "extension sub-attribute", ops: []map[string]any{op("replace", ent+":manager.value", "m-1")},
			want: map[string]any{"[" + ent + "].manager.value": "m-1"}},
		{name: "extension readOnly sub-attribute", ops: []map[string]any{op("replace", ent+":manager.displayName", "x")},
			status: 400, scimType: errMutability},
		{name: "whole extension", ops: []map[string]any{op("add", ent, map[string]any{"department": "A", "costCenter": "7"})},
			want: map[string]any{"[" + ent + "].department": "A", "[" + ent + "].costCenter": "7"}},
		{name: "no path with extension object",
			initial: map[string]any{ent: map[string]any{"department": "A", "division": "D"}},
			ops:     []map[string]any{op("replace", "", map[string]any{ent: map[string]any{"department": "B"}})},
			want:    map[string]any{"[" + ent + "].department": "B", "[" + ent + "].division": "D"}},
		{name: "remove extension attribute drops the empty extension",
			initial: map[string]any{ent: map[string]any{"department": "A"}},
			ops:     []map[string]any{op("remove", ent+":department", nil)},
			want:    map[string]any{"[" + ent + "]": nil, "schemas.1": nil}},
		{name: "remove whole extension",
			initial: map[string]any{ent: map[string]any{"department": "A", "costCenter": "1"}},
			ops:     []map[string]any{op("remove", ent, nil)},
			want:    map[string]any{"[" + ent + "]": nil}},
		{name: "unknown extension attribute", ops: []map[string]any{op("add", ent+":shoeSize", "44")},
			status: 400, scimType: errInvalidPath},
	})
}

func TestPatchEnvelope(t *testing.T) {
	tg, c := newTarget(t, Options{})
	id := c.createUser("alice", nil)
	for name, body := range map[string]any{
		"missing schemas":  map[string]any{"Operations": []any{op("replace", "title", "x")}},
		"empty operations": patchBody(),
		"not an object":    `[]`,
	} {
		t.Run(name, func(t *testing.T) {
			c.do("PATCH", "/Users/"+id, body).wantError(t, http.StatusBadRequest, errInvalidSyntax)
		})
	}
	// "operations" in lower case is accepted (keys are case-insensitive).
	c.do("PATCH", "/Users/"+id, map[string]any{"schemas": []string{urnPatchOp}, "operations": []any{op("replace", "title", "x")}}).must(t, http.StatusOK)
	// Password changes need the capability.
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "password", "new"))).wantError(t, http.StatusBadRequest, errMutability)
	// PATCH can be switched off.
	tg.SetCapabilities(func(c *Capabilities) { c.Patch = false })
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "y"))).wantError(t, http.StatusNotImplemented, "")
}

func TestPatchUserNameClash(t *testing.T) {
	_, c := newTarget(t, Options{})
	c.createUser("alice", nil)
	id := c.createUser("bob", nil)
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userName", "ALICE"))).wantError(t, http.StatusConflict, errUniqueness)
}
