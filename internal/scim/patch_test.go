package scim

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestPatchRequestJSON(t *testing.T) {
	ops := []PatchOp{
		{Op: "replace", Path: "displayName", Value: "Alice"},
		{Op: "add", Path: `emails[type eq "work"].value`, Value: "a@example.com"},
		{Op: "remove", Path: "nickName"},
		{Op: "replace", Value: map[string]any{"active": false}},
	}
	if err := validateOps(ops); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(PatchRequest{Schemas: []string{messagePatchOp}, Operations: ops})
	wantJS := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Alice"},{"op":"add","path":"emails[type eq \"work\"].value","value":"a@example.com"},{"op":"remove","path":"nickName"},{"op":"replace","value":{"active":false}}]}`
	if string(js) != wantJS {
		t.Errorf("JSON:\n%s\nwant\n%s", js, wantJS)
	}
}

func TestPatchValidate(t *testing.T) {
	type obj struct {
		Active bool `json:"active"`
	}
	tests := []struct {
		name    string
		ops     []PatchOp
		wantErr string
	}{
		{"ok replace", []PatchOp{{Op: PatchReplace, Path: "active", Value: false}}, ""},
		{"ok empty string value", []PatchOp{{Op: PatchReplace, Path: "nickName", Value: ""}}, ""},
		{"ok pathless map", []PatchOp{{Op: PatchAdd, Value: map[string]any{"title": "x"}}}, ""},
		{"ok pathless resource", []PatchOp{{Op: PatchReplace, Value: Resource{"title": "x"}}}, ""},
		{"ok pathless struct", []PatchOp{{Op: PatchReplace, Value: obj{}}}, ""},
		{"ok pathless struct pointer", []PatchOp{{Op: PatchReplace, Value: &obj{}}}, ""},
		{"ok pathless raw json", []PatchOp{{Op: PatchReplace, Value: json.RawMessage(`{"a":1}`)}}, ""},
		{"remove without path", []PatchOp{{Op: PatchRemove}}, "remove needs a path"},
		{"pathless scalar", []PatchOp{{Op: PatchReplace, Value: "x"}}, "value must be an object"},
		{"pathless nil", []PatchOp{{Op: PatchAdd, Value: nil}}, "value must be an object"},
		{"pathless raw array", []PatchOp{{Op: PatchReplace, Value: json.RawMessage(`[1]`)}}, "value must be an object"},
		{"pathless nil map", []PatchOp{{Op: PatchReplace, Value: map[string]any(nil)}}, "value must be an object"},
		{"add without value", []PatchOp{{Op: PatchAdd, Path: "title", Value: nil}}, "has no value"},
		{"bad path", []PatchOp{{Op: PatchReplace, Path: "ok", Value: 1}, {Op: PatchReplace, Path: "bad path", Value: 1}}, "PATCH operation 2 (replace)"},
		{"bad filter", []PatchOp{{Op: PatchRemove, Path: `emails[type eq "work"`}}, "not a valid SCIM attribute path"},
		{"unknown op", []PatchOp{{Op: "move", Path: "a"}}, `unknown op "move"`},
		{"capitalised op accepted", []PatchOp{{Op: "Replace", Path: "a", Value: 1}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateOps(tt.ops)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestExpandFilteredOps(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	current := func() Resource {
		return Resource{
			"id":       "u1",
			"userName": "alice",
			"emails": []any{
				map[string]any{"type": "work", "value": "a@work.example", "primary": true},
				map[string]any{"type": "home", "value": "a@home.example"},
			},
			"phoneNumbers": []any{map[string]any{"type": "mobile", "value": "+1"}},
			ent: map[string]any{
				"badges": []any{map[string]any{"kind": "door", "value": "1"}},
			},
		}
	}
	tests := []struct {
		name    string
		ops     []PatchOp
		cur     Resource
		want    []PatchOp
		wantErr string
	}{
		{
			name: "unfiltered ops pass through",
			ops:  []PatchOp{{Op: "replace", Path: "displayName", Value: "A"}, {Op: "remove", Path: "nickName"}},
			want: []PatchOp{{Op: "replace", Path: "displayName", Value: "A"}, {Op: "remove", Path: "nickName"}},
		},
		{
			name: "replace sub-attribute of matching element",
			ops:  []PatchOp{{Op: "replace", Path: `emails[type eq "work"].value`, Value: "new@work.example"}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "new@work.example", "primary": true},
				map[string]any{"type": "home", "value": "a@home.example"},
			}}},
		},
		{
			name: "match is case-insensitive",
			ops:  []PatchOp{{Op: "replace", Path: `emails[type eq "WORK"].value`, Value: "x"}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "x", "primary": true},
				map[string]any{"type": "home", "value": "a@home.example"},
			}}},
		},
		{
			name: "add creates element from filter pairs when absent",
			ops:  []PatchOp{{Op: "add", Path: `emails[type eq "other" and primary eq false].value`, Value: "o@example"}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "a@work.example", "primary": true},
				map[string]any{"type": "home", "value": "a@home.example"},
				map[string]any{"type": "other", "primary": false, "value": "o@example"},
			}}},
		},
		{
			name: "attribute absent in current",
			ops:  []PatchOp{{Op: "replace", Path: `addresses[type eq "work"].locality`, Value: "Paris"}},
			want: []PatchOp{{Op: "replace", Path: "addresses", Value: []any{
				map[string]any{"type": "work", "locality": "Paris"},
			}}},
		},
		{
			name: "replace whole element keeps filter keys",
			ops:  []PatchOp{{Op: "replace", Path: `emails[type eq "home"]`, Value: map[string]any{"value": "h2@example"}}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "a@work.example", "primary": true},
				map[string]any{"type": "home", "value": "h2@example"},
			}}},
		},
		{
			name: "add whole element merges into match",
			ops:  []PatchOp{{Op: "add", Path: `emails[type eq "home"]`, Value: map[string]any{"display": "Home"}}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "a@work.example", "primary": true},
				map[string]any{"type": "home", "value": "a@home.example", "display": "Home"},
			}}},
		},
		{
			name: "remove sub-attribute keeps element with other data",
			ops:  []PatchOp{{Op: "remove", Path: `emails[type eq "work"].primary`}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "a@work.example"},
				map[string]any{"type": "home", "value": "a@home.example"},
			}}},
		},
		{
			name: "remove last data sub-attribute drops element",
			ops:  []PatchOp{{Op: "remove", Path: `emails[type eq "home"].value`}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "work", "value": "a@work.example", "primary": true},
			}}},
		},
		{
			name: "remove element",
			ops:  []PatchOp{{Op: "remove", Path: `emails[type eq "work"]`}},
			want: []PatchOp{{Op: "replace", Path: "emails", Value: []any{
				map[string]any{"type": "home", "value": "a@home.example"},
			}}},
		},
		{
			name: "removing the only element removes the attribute",
			ops:  []PatchOp{{Op: "remove", Path: `phoneNumbers[type eq "mobile"]`}},
			want: []PatchOp{{Op: "remove", Path: "phoneNumbers"}},
		},
		{
			name: "remove with no match leaves list",
			ops:  []PatchOp{{Op: "remove", Path: `phoneNumbers[type eq "fax"]`}},
			want: []PatchOp{{Op: "replace", Path: "phoneNumbers", Value: []any{map[string]any{"type": "mobile", "value": "+1"}}}},
		},
		{
			name: "consecutive ops on one attribute compose into one replace",
			ops: []PatchOp{
				{Op: "replace", Path: `emails[type eq "work"].value`, Value: "w2"},
				{Op: "remove", Path: `emails[type eq "home"]`},
				{Op: "replace", Path: "displayName", Value: "A"},
				{Op: "add", Path: `phoneNumbers[type eq "work"].value`, Value: "+2"},
			},
			want: []PatchOp{
				{Op: "replace", Path: "emails", Value: []any{map[string]any{"type": "work", "value": "w2", "primary": true}}},
				{Op: "replace", Path: "displayName", Value: "A"},
				{Op: "replace", Path: "phoneNumbers", Value: []any{
					map[string]any{"type": "mobile", "value": "+1"},
					map[string]any{"type": "work", "value": "+2"},
				}},
			},
		},
		{
			name: "earlier unfiltered replace is taken into account",
			ops: []PatchOp{
				{Op: "replace", Path: "emails", Value: []any{map[string]any{"type": "work", "value": "z"}}},
				{Op: "replace", Path: `emails[type eq "work"].display`, Value: "Z"},
			},
			want: []PatchOp{
				{Op: "replace", Path: "emails", Value: []any{map[string]any{"type": "work", "value": "z"}}},
				{Op: "replace", Path: "emails", Value: []any{map[string]any{"type": "work", "value": "z", "display": "Z"}}},
			},
		},
		{
			name: "earlier pathless add is taken into account",
			ops: []PatchOp{
				{Op: "add", Value: map[string]any{"phoneNumbers": []any{map[string]any{"type": "fax", "value": "+3"}}}},
				{Op: "remove", Path: `phoneNumbers[type eq "mobile"]`},
			},
			want: []PatchOp{
				{Op: "add", Value: map[string]any{"phoneNumbers": []any{map[string]any{"type": "fax", "value": "+3"}}}},
				{Op: "replace", Path: "phoneNumbers", Value: []any{map[string]any{"type": "fax", "value": "+3"}}},
			},
		},
		{
			name: "extension attribute keeps its URN",
			ops:  []PatchOp{{Op: "replace", Path: ent + `:badges[kind eq "door"].value`, Value: "2"}},
			want: []PatchOp{{Op: "replace", Path: ent + ":badges", Value: []any{map[string]any{"kind": "door", "value": "2"}}}},
		},
		{
			name: "core URN prefix",
			ops:  []PatchOp{{Op: "remove", Path: SchemaUser + `:emails[type eq "home"]`}},
			want: []PatchOp{{Op: "replace", Path: SchemaUser + ":emails", Value: []any{
				map[string]any{"type": "work", "value": "a@work.example", "primary": true},
			}}},
		},
		{
			name:    "non-eq filter cannot be expanded",
			ops:     []PatchOp{{Op: "remove", Path: `emails[value co "work"]`}},
			wantErr: `only filters of eq comparisons`,
		},
		{
			name:    "filtered whole element needs object",
			ops:     []PatchOp{{Op: "replace", Path: `emails[type eq "work"]`, Value: "x"}},
			wantErr: "needs an object value",
		},
		{
			name: "unfiltered sub-attribute op then filtered op",
			ops: []PatchOp{
				{Op: "replace", Path: "emails.display", Value: "x"},
				{Op: "replace", Path: `emails[type eq "work"].value`, Value: "y"},
			},
			wantErr: "cannot be combined",
		},
		{
			name:    "current attribute not a list",
			ops:     []PatchOp{{Op: "replace", Path: `userName[type eq "work"].value`, Value: "y"}},
			wantErr: "not a list",
		},
		{
			name:    "bad path",
			ops:     []PatchOp{{Op: "replace", Path: "a b", Value: "y"}},
			wantErr: "PATCH operation 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := tt.cur
			if cur == nil {
				cur = current()
			}
			before, _ := json.Marshal(cur)
			got, err := ExpandFilteredOps(tt.ops, cur)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(tt.want, "", " ")
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
			if after, _ := json.Marshal(cur); string(after) != string(before) {
				t.Error("current was modified")
			}
			for _, op := range got {
				if p, err := ParsePath(op.Path); err == nil && p.IsFiltered() {
					t.Errorf("filtered path left in output: %s", op.Path)
				}
			}
		})
	}
}
