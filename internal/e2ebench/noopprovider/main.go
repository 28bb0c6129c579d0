// Command noopprovider is a test fixture of `make bench`, never shipped: a
// terraform-plugin-framework provider with one resource, noop_record, that
// stores a map of strings and calls nothing. What Terraform and a
// framework provider cost per resource instance (gRPC, msgpack, the
// framework's value conversion, core's handling of a plugin's schema) is
// what it costs; the bench sets this provider beside Terraform's own
// terraform_data and terraform-provider-scim, so that what this provider's
// own code and schema add can be told apart from what any framework
// provider pays.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	if err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/openscim/noop"}); err != nil {
		log.Fatal(err)
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return record{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// record is noop_record: values in, the same values and an id out.
type record struct{}

type recordModel struct {
	ID     types.String `tfsdk:"id"`
	Values types.Map    `tfsdk:"values"`
}

func (record) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_record"
}

// What Terraform's own cost per instance grows with: NOOP_PAD_BYTES=n adds
// a computed string of n bytes (make bench sets it for its same-size no-op,
// to this provider's state size per instance); NOOP_EXTRA_ATTRIBUTES=n, for
// experiments, adds n optional string attributes, left null.
var (
	extraAttributes, _ = strconv.Atoi(os.Getenv("NOOP_EXTRA_ATTRIBUTES"))
	padBytes, _        = strconv.Atoi(os.Getenv("NOOP_PAD_BYTES"))
)

func (record) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":     schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"values": schema.MapAttribute{ElementType: types.StringType, Required: true},
	}}
	for i := range extraAttributes {
		resp.Schema.Attributes[fmt.Sprintf("extra_%d", i)] = schema.StringAttribute{Optional: true}
	}
	if padBytes > 0 {
		resp.Schema.Attributes["pad"] = schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
}

func (record) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if extraAttributes > 0 || padBytes > 0 {
		resp.State.Raw = req.Plan.Raw
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), "noop")...)
		if padBytes > 0 {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("pad"), strings.Repeat("x", padBytes))...)
		}
		return
	}
	var m recordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue("noop")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (record) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if extraAttributes > 0 || padBytes > 0 {
		resp.State.Raw = req.State.Raw
		return
	}
	var m recordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (record) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m recordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (record) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
