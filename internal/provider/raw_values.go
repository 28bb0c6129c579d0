package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Reading and writing a resource's values without the framework's
// reflection. tfsdk.State.Get and Set walk the model's struct tags (the
// framework compiles a regular expression per field and call) and
// SetAttribute walks the schema from the root for each path: for an account,
// read and planned once per account in every command, that was most of the
// provider's own CPU (DESIGN.md, "What a plan of 1,000 accounts costs").
// rawCodec converts the raw object value Terraform sends to the attribute
// values of the schema and back, one attribute at a time, with the
// attribute types the schema declares, so the result is exactly what the
// framework's own conversion gives.

// rawCodec converts one resource type's values.
type rawCodec struct {
	objType tftypes.Object
	types   map[string]attr.Type
}

func newRawCodec(ctx context.Context, s schema.Schema) rawCodec {
	c := rawCodec{types: make(map[string]attr.Type, len(s.Attributes))}
	for name, a := range s.Attributes {
		c.types[name] = a.GetType()
	}
	c.objType, _ = s.Type().TerraformType(ctx).(tftypes.Object)
	return c
}

// decode is the attribute values of raw, an object of the resource's type.
func (c rawCodec) decode(ctx context.Context, raw tftypes.Value) (map[string]attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	var fields map[string]tftypes.Value
	if err := raw.As(&fields); err != nil {
		diags.AddError("Provider Error: Cannot Read the Resource's Values", err.Error())
		return nil, diags
	}
	out := make(map[string]attr.Value, len(c.types))
	for name, t := range c.types {
		v, ok := fields[name]
		if !ok {
			v = tftypes.NewValue(t.TerraformType(ctx), nil)
		}
		av, err := t.ValueFromTerraform(ctx, v)
		if err != nil {
			diags.AddError("Provider Error: Cannot Read the Resource's Values", fmt.Sprintf("%s: %v", name, err))
			return nil, diags
		}
		out[name] = av
	}
	return out, diags
}

// encode is the object value of the given attribute values; an attribute
// not given is null.
func (c rawCodec) encode(ctx context.Context, vals map[string]attr.Value) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	fields := make(map[string]tftypes.Value, len(c.types))
	for name, t := range c.types {
		av, ok := vals[name]
		if !ok || av == nil {
			fields[name] = tftypes.NewValue(t.TerraformType(ctx), nil)
			continue
		}
		tv, err := av.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Provider Error: Cannot Write the Resource's Values", fmt.Sprintf("%s: %v", name, err))
			return tftypes.Value{}, diags
		}
		fields[name] = tv
	}
	return tftypes.NewValue(c.objType, fields), diags
}

// rawAttribute is one top-level attribute of raw, an object value; a null
// value of typ when raw is null or lacks it.
func rawAttribute(raw tftypes.Value, name string, typ tftypes.Type) tftypes.Value {
	var fields map[string]tftypes.Value
	if raw.IsNull() || !raw.IsKnown() || raw.As(&fields) != nil {
		return tftypes.NewValue(typ, nil)
	}
	if v, ok := fields[name]; ok {
		return v
	}
	return tftypes.NewValue(typ, nil)
}

// rawString is a top-level string attribute of raw: its value, and whether
// it is known and not null.
func rawString(raw tftypes.Value, name string) (string, bool) {
	v := rawAttribute(raw, name, tftypes.String)
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	var s string
	if err := v.As(&s); err != nil {
		return "", false
	}
	return s, true
}

// userCodec converts scim_provisioned_user's values; the framework makes a
// resource anew for every call, so the codec is kept here, built from the
// schema the fast paths keep (fastpath.go).
var userCodec = sync.OnceValue(func() rawCodec {
	return newRawCodec(context.Background(), fastKinds()[userTypeName].schema)
})

// userFromRaw is the account's model from a raw state, plan or config.
func userFromRaw(ctx context.Context, raw tftypes.Value) (provisionedUserModel, diag.Diagnostics) {
	var m provisionedUserModel
	vals, diags := userCodec().decode(ctx, raw)
	if diags.HasError() {
		return m, diags
	}
	m.ID, _ = vals["id"].(types.String)
	m.Location, _ = vals["location"].(types.String)
	m.ConnectedAppID, _ = vals["connected_app_id"].(types.String)
	m.Compatibility, _ = vals["compatibility"].(types.Object)
	m.AttributeMapping, _ = vals["attribute_mapping"].(types.String)
	m.Profile, _ = vals["profile"].(types.Map)
	m.Active, _ = vals["active"].(types.Bool)
	m.Deprovision, _ = vals["deprovision"].(types.String)
	m.AdoptExisting, _ = vals["adopt_existing"].(types.Bool)
	m.AdoptBy, _ = vals["adopt_by"].(types.String)
	m.UserName, _ = vals["user_name"].(types.String)
	m.Attributes, _ = vals["attributes"].(types.Map)
	m.Version, _ = vals["version"].(types.String)
	m.PasswordWO, _ = vals["password_wo"].(types.String)
	m.PasswordVersion, _ = vals["password_wo_version"].(types.Int64)
	m.Timeouts, _ = vals["timeouts"].(timeouts.Value)
	return m, diags
}

// raw is the model as a raw object value of the resource's type.
func (m *provisionedUserModel) raw(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	return userCodec().encode(ctx, map[string]attr.Value{
		"id": m.ID, "location": m.Location, "connected_app_id": m.ConnectedAppID, "compatibility": m.Compatibility,
		"attribute_mapping": m.AttributeMapping, "profile": m.Profile, "active": m.Active, "deprovision": m.Deprovision,
		"adopt_existing": m.AdoptExisting, "adopt_by": m.AdoptBy, "user_name": m.UserName, "attributes": m.Attributes,
		"version": m.Version, "password_wo": m.PasswordWO, "password_wo_version": m.PasswordVersion, "timeouts": m.Timeouts,
	})
}

// setUser stores m as the whole value of a state or plan.
func setUser(ctx context.Context, into *tftypes.Value, m *provisionedUserModel) diag.Diagnostics {
	v, diags := m.raw(ctx)
	if !diags.HasError() {
		*into = v
	}
	return diags
}

// getUser reads a raw state, plan or config into m.
func getUser(ctx context.Context, raw tftypes.Value, m *provisionedUserModel) diag.Diagnostics {
	v, diags := userFromRaw(ctx, raw)
	*m = v
	return diags
}
