package scim

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestApplyPatch(t *testing.T) {
	current := func() Resource {
		var r Resource
		if err := json.Unmarshal([]byte(`{
			"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
			"id": "u1",
			"userName": "alice@example.com",
			"nickName": "Al",
			"name": {"givenName": "Alice", "familyName": "Ng"},
			"emails": [{"type": "work", "value": "alice@example.com"}, {"type": "home", "value": "al@home.example"}],
			"meta": {"version": "W/\"3\""}
		}`), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name  string
		ops   []PatchOp
		check func(t *testing.T, got Resource)
		err   string
	}{
		{
			name: "replace keeps unmanaged attributes and drops meta",
			ops:  []PatchOp{{Op: PatchReplace, Path: "name.givenName", Value: "Alicia"}},
			check: func(t *testing.T, got Resource) {
				name := got["name"].(map[string]any)
				if name["givenName"] != "Alicia" || name["familyName"] != "Ng" || got["nickName"] != "Al" {
					t.Errorf("got %v", got)
				}
				if _, ok := got["meta"]; ok {
					t.Error("meta must not be sent in a PUT body")
				}
			},
		},
		{
			name: "filtered path changes only the matching element",
			ops:  []PatchOp{{Op: PatchReplace, Path: `emails[type eq "work"].value`, Value: "alice@new.example"}},
			check: func(t *testing.T, got Resource) {
				emails := got["emails"].([]any)
				if len(emails) != 2 || emails[0].(map[string]any)["value"] != "alice@new.example" ||
					emails[1].(map[string]any)["value"] != "al@home.example" {
					t.Errorf("emails = %v", emails)
				}
			},
		},
		{
			name: "extension attribute added with its schema",
			ops:  []PatchOp{{Op: PatchAdd, Path: SchemaEnterpriseUser + ":department", Value: "R&D"}},
			check: func(t *testing.T, got Resource) {
				ext, _ := got[SchemaEnterpriseUser].(map[string]any)
				if ext["department"] != "R&D" || !strings.Contains(jsonString(t, got["schemas"]), SchemaEnterpriseUser) {
					t.Errorf("got %v", got)
				}
			},
		},
		{
			name: "remove and attribute names compared case-insensitively",
			ops:  []PatchOp{{Op: PatchRemove, Path: "NickName"}, {Op: PatchReplace, Path: "active", Value: false}},
			check: func(t *testing.T, got Resource) {
				if _, ok := got["nickName"]; ok || got["active"] != false {
					t.Errorf("got %v", got)
				}
			},
		},
		{
			name: "operation without path merges an object",
			ops:  []PatchOp{{Op: PatchReplace, Value: map[string]any{"title": "Engineer"}}},
			check: func(t *testing.T, got Resource) {
				if got["title"] != "Engineer" {
					t.Errorf("got %v", got)
				}
			},
		},
		{name: "invalid path", ops: []PatchOp{{Op: PatchReplace, Path: "bad path!", Value: "x"}}, err: "not a valid SCIM attribute path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := current()
			before := jsonString(t, cur)
			got, err := ApplyPatch(cur, tt.ops)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
			if jsonString(t, cur) != before {
				t.Error("ApplyPatch modified its input")
			}
		})
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
