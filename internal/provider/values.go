package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Conversions between Terraform values and the Go values the lifecycle
// and the client take, in one place.

// stringMap is m as a Go map; ok is false when m or one of its elements
// is null or unknown.
func stringMap(ctx context.Context, m types.Map) (map[string]string, bool) {
	if m.IsNull() || m.IsUnknown() {
		return nil, false
	}
	elems := m.Elements()
	out := make(map[string]string, len(elems))
	for k, v := range elems {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return nil, false
		}
		out[k] = s.ValueString()
	}
	return out, true
}

// mapValue is in as a map of strings.
func mapValue(in map[string]string) types.Map {
	vals := make(map[string]attr.Value, len(in))
	for k, v := range in {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

// listOf is ids as a list of strings, in the order given.
func listOf(ids []string) types.List {
	vals := make([]attr.Value, len(ids))
	for i, id := range ids {
		vals[i] = types.StringValue(id)
	}
	return types.ListValueMust(types.StringType, vals)
}

// stringsOf returns a list's strings, in their order; nil when null or
// unknown.
func stringsOf(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(l.Elements()))
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// stringOf is a resource's top-level string attribute, null when absent
// or empty.
func stringOf(res scim.Resource, attr string) types.String {
	if v, ok := res[attr].(string); ok && v != "" {
		return types.StringValue(v)
	}
	return types.StringNull()
}

// boolPointer is b as a pointer; nil when null or unknown.
func boolPointer(b types.Bool) *bool {
	if b.IsNull() || b.IsUnknown() {
		return nil
	}
	v := b.ValueBool()
	return &v
}

// stringPointer is s as a pointer; nil when null or unknown.
func stringPointer(s types.String) *string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	v := s.ValueString()
	return &v
}

// stringValueOf is p as a string value; null when p is nil.
func stringValueOf(p *string) types.String {
	if p == nil {
		return types.StringNull()
	}
	return types.StringValue(*p)
}
