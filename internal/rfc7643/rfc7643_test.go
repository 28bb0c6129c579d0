package rfc7643

import (
	"encoding/json"
	"strings"
	"testing"
)

type attr struct {
	Name          string  `json:"name"`
	Type          string  `json:"type"`
	Description   *string `json:"description"`
	Mutability    string  `json:"mutability"`
	Returned      string  `json:"returned"`
	SubAttributes []attr  `json:"subAttributes"`
}

type schema struct {
	Schemas    []string `json:"schemas"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Attributes []attr   `json:"attributes"`
}

// checkAttrs fails on duplicate names (compared case-insensitively, RFC
// 7643 §2.1), a missing type or description, and an unknown mutability or
// returned value.
func checkAttrs(t *testing.T, where string, attrs []attr) {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range attrs {
		key := strings.ToLower(a.Name)
		if a.Name == "" || seen[key] {
			t.Errorf("%s: empty or duplicate attribute name %q", where, a.Name)
		}
		seen[key] = true
		if a.Type == "" || a.Description == nil || *a.Description == "" {
			t.Errorf("%s.%s: type or description missing", where, a.Name)
		}
		switch a.Mutability {
		case "", "readOnly", "readWrite", "immutable", "writeOnly":
		default:
			t.Errorf("%s.%s: mutability %q", where, a.Name, a.Mutability)
		}
		switch a.Returned {
		case "", "always", "never", "default", "request":
		default:
			t.Errorf("%s.%s: returned %q", where, a.Name, a.Returned)
		}
		if (a.Type == "complex") != (len(a.SubAttributes) > 0) {
			t.Errorf("%s.%s: type %s with %d sub-attributes", where, a.Name, a.Type, len(a.SubAttributes))
		}
		checkAttrs(t, where+"."+a.Name, a.SubAttributes)
	}
}

func TestSchemas(t *testing.T) {
	files := Schemas()
	wantIDs := []string{UserSchemaURN, EnterpriseUserSchemaURN, GroupSchemaURN}
	if len(files) != len(wantIDs) {
		t.Fatalf("%d schemas", len(files))
	}
	for i, f := range files {
		var s schema
		if err := json.Unmarshal(f.Data, &s); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if s.ID != wantIDs[i] {
			t.Errorf("%s: id %s, want %s", f.Name, s.ID, wantIDs[i])
		}
		if len(s.Schemas) != 1 || s.Schemas[0] != "urn:ietf:params:scim:schemas:core:2.0:Schema" {
			t.Errorf("%s: schemas %v", f.Name, s.Schemas)
		}
		checkAttrs(t, f.Name, s.Attributes)
		// As in RFC 7643 §8.7.1, schemas do not list the common attributes.
		for _, a := range s.Attributes {
			switch a.Name {
			case "id", "externalId", "meta", "schemas":
				t.Errorf("%s lists the common attribute %s", f.Name, a.Name)
			}
		}
	}
	// Fresh copies.
	files[0].Data[0] = 'x'
	if Schemas()[0].Data[0] == 'x' {
		t.Error("Schemas returns shared data")
	}
}

func TestCommonAttributes(t *testing.T) {
	var attrs []attr
	if err := json.Unmarshal(CommonAttributes(), &attrs); err != nil {
		t.Fatal(err)
	}
	checkAttrs(t, CommonAttributesFile, attrs)
	var names []string
	for _, a := range attrs {
		names = append(names, a.Name)
	}
	if got := strings.Join(names, ","); got != "id,externalId,schemas,meta" {
		t.Errorf("common attributes %s", got)
	}
	if attrs[0].Mutability != "readOnly" || attrs[0].Returned != "always" {
		t.Errorf("id = %+v", attrs[0])
	}
}
