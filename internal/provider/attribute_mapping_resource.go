package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

var (
	_ resource.Resource                   = (*attributeMappingResource)(nil)
	_ resource.ResourceWithConfigure      = (*attributeMappingResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*attributeMappingResource)(nil)
	_ resource.ResourceWithValidateConfig = (*attributeMappingResource)(nil)
)

// NewAttributeMappingResource is the constructor the provider registers.
func NewAttributeMappingResource() resource.Resource { return &attributeMappingResource{} }

type attributeMappingResource struct {
	appResource
}

type attributeMappingModel struct {
	ID                types.String `tfsdk:"id"`
	ConnectedAppID    types.String `tfsdk:"connected_app_id"`
	Rules             types.List   `tfsdk:"rules"`
	Encoded           types.String `tfsdk:"encoded"`
	ManagedAttributes types.List   `tfsdk:"managed_attributes"`
	SchemaProblems    types.List   `tfsdk:"schema_problems"`
}

func (r *attributeMappingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_attribute_mapping"
}

func (r *attributeMappingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "How a person's source profile (a flat map such as `email`, `given_name`, `department`) becomes one app's " +
			"SCIM attributes: rules from a SCIM attribute path to a profile field, a constant or a template, with transforms.\n\n" +
			"The rules are checked at plan time, when the mapping is created or changed, against the app's `/Schemas`: each path must exist, be writable and take a value of " +
			"the right type, and `userName` must be mapped; every error names the rule. A refresh checks the rules against the app's " +
			"current schemas again: a mapping that no longer fits (say the app made a mapped attribute read-only) is reported as a " +
			"warning and recorded in `schema_problems`. The mapping lives only in Terraform: pass its `encoded` rules to `scim_provisioned_user.attribute_mapping`, " +
			"so a changed rule shows up in the plan once, here, and as an update of every affected account with the values that change.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "A random identifier of the mapping in Terraform state. The mapping exists only in Terraform, so it cannot be imported.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connected_app_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The `id` of the `scim_connected_app` whose schema the rules are checked against.",
				Validators:          []validator.String{connectedAppIDValidator()},
			},
			"rules": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The rules, one per SCIM attribute path. `userName` must be among the targets.",
				NestedObject:        schema.NestedAttributeObject{Attributes: ruleAttributes()},
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"encoded": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The rules encoded on one line (`v1: userName=email|lower; displayName=template('{given_name} {family_name}'); ...`), " +
					"for `scim_provisioned_user.attribute_mapping`: each account carries one short string instead of the rule list, " +
					"and a changed mapping adds one line to each affected account's plan. Known at plan time whenever the rules are.",
			},
			"managed_attributes": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The SCIM attribute paths the rules manage, canonical and sorted. Only these are read and compared on accounts.",
			},
			"schema_problems": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Problems with the rules found when the app's schemas were last read, one per problem, each naming the rule " +
					"(`rule 6 (target \"title\"): title is readOnly in the app's schema`); empty when they fit. Creating or changing the " +
					"mapping requires the rules to fit, so it starts empty. A refresh updates it from the app's current `/Schemas`, so a " +
					"scheduled plan or `terraform show` reveals a mapping the app no longer accepts (a `check` block asserting " +
					"`length(scim_attribute_mapping.x.schema_problems) == 0` turns it into a plan warning). When the app cannot be reached " +
					"on refresh, the last value is kept.",
			},
		},
	}
}

func (r *attributeMappingResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m attributeMappingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rules, ok, diags := rulesFromList(ctx, m.Rules)
	resp.Diagnostics.Append(diags...)
	if !ok {
		return
	}
	resp.Diagnostics.Append(issueDiagnostics("rules", mapping.ValidateRules(rules), summaryInvalidMapping)...)
}

// ModifyPlan checks the rules against the app's schema at plan time, when
// the app's id (its base URL) is known, and plans managed_attributes and
// schema_problems.
//
// schema_problems is planned so that the value Create or Update stores
// always matches the plan. They store the empty list or fail (they check
// the rules against the app again and refuse rules that do not fit), so a
// mapping to create or change plans the known empty list once the app's id
// is known: the check here passed, or the app could not be reached now and
// apply will check again. Planning unknown for an unreachable app would
// break Terraform's rule that a value known in the plan stays known when the
// plan is made again at apply: a plan that reached the app followed by an
// apply that cannot would be reported as a provider bug instead of as the
// unreachable app. While the app's id or the rules are unknown, so is
// schema_problems. A mapping whose rules and app are unchanged is not
// applied at all: it keeps the value the refresh stored and is not checked
// again, so an app that stopped accepting it is reported by that refresh
// (warning and schema_problems) without failing every plan.
func (r *attributeMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.clients == nil {
		return
	}
	var plan attributeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *attributeMappingModel
	if !req.State.Raw.IsNull() {
		state = &attributeMappingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	unchanged := state != nil && plan.Rules.Equal(state.Rules) && plan.ConnectedAppID.Equal(state.ConnectedAppID)
	if unchanged {
		plan.SchemaProblems = state.SchemaProblems
	} else {
		plan.SchemaProblems = types.ListUnknown(types.StringType)
	}
	rules, ok, diags := rulesFromList(ctx, plan.Rules)
	resp.Diagnostics.Append(diags...)
	if !ok {
		plan.ManagedAttributes = types.ListUnknown(types.StringType)
		plan.Encoded = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	plan.ManagedAttributes = stringList(mapping.ManagedPaths(rules))
	plan.Encoded = types.StringValue(mapping.Encode(rules))
	if unchanged || plan.ConnectedAppID.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	plan.SchemaProblems = stringList(nil)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	d, diags := r.discover(ctx, plan.ConnectedAppID.ValueString(), true)
	resp.Diagnostics.Append(diags...)
	if d == nil {
		return
	}
	resp.Diagnostics.Append(issueDiagnostics("rules", mapping.CheckSchema(rules, d), summaryInvalidMapping)...)
	resp.Diagnostics.Append(issueDiagnostics("rules", mapping.SchemaWarnings(rules, d), summaryInvalidMapping)...)
}

func (r *attributeMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan attributeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.check(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	plan.ID = types.StringValue("mapping-" + hex.EncodeToString(buf))
	plan.SchemaProblems = appliedSchemaProblems(plan.SchemaProblems)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read checks the rules against the app's current schemas (as discovered in
// this Terraform command) and reports rules that
// no longer fit as warnings and in schema_problems; the mapping itself lives
// only in state, so nothing else can change. When the app cannot be reached,
// schema_problems keeps its value.
func (r *attributeMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state attributeMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rules, ok, diags := rulesFromList(ctx, state.Rules)
	resp.Diagnostics.Append(diags...)
	if !ok || state.ConnectedAppID.IsNull() {
		return
	}
	state.ManagedAttributes = stringList(mapping.ManagedPaths(rules))
	state.Encoded = types.StringValue(mapping.Encode(rules))
	d, diags := r.discover(ctx, state.ConnectedAppID.ValueString(), true)
	resp.Diagnostics.Append(diags...)
	if d != nil {
		problems := problemTexts(mapping.CheckSchema(rules, d))
		for _, p := range problems {
			resp.Diagnostics.AddAttributeWarning(path.Root("rules"), summaryMappingNoLongerFits,
				fmt.Sprintf("The app at %s no longer accepts this mapping: %s\n\nAccounts provisioned with it will fail to update until the rule is fixed. "+
					"The problem is recorded in schema_problems.",
					state.ConnectedAppID.ValueString(), p))
		}
		state.SchemaProblems = stringList(problems)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *attributeMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan attributeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.check(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.SchemaProblems = appliedSchemaProblems(plan.SchemaProblems)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// appliedSchemaProblems is schema_problems after a successful Create or
// Update: the rules passed the check against the app, so there are none.
// A known planned value is kept as planned (ModifyPlan plans the empty list
// for every mapping it lets through to Create or Update; keeping it guards
// Terraform's rule that apply produces exactly a known planned value).
func appliedSchemaProblems(planned types.List) types.List {
	if planned.IsUnknown() || planned.IsNull() {
		return stringList(nil)
	}
	return planned
}

// Delete forgets the mapping; it exists only in Terraform.
func (r *attributeMappingResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
}

// check validates the rules against the app's schema at apply, for plans
// where the app was not reachable or not known yet.
func (r *attributeMappingResource) check(ctx context.Context, m *attributeMappingModel) diag.Diagnostics {
	var diags diag.Diagnostics
	rules, ok, d := rulesFromList(ctx, m.Rules)
	diags.Append(d...)
	if !ok {
		return diags
	}
	m.ManagedAttributes = stringList(mapping.ManagedPaths(rules))
	m.Encoded = types.StringValue(mapping.Encode(rules))
	disc, d := r.discover(ctx, m.ConnectedAppID.ValueString(), false)
	diags.Append(d...)
	if disc == nil {
		return diags
	}
	diags.Append(issueDiagnostics("rules", mapping.CheckSchema(rules, disc), summaryInvalidMapping)...)
	return diags
}

// discover fetches the app's schemas, once per Terraform command (the
// client's discovery is shared by every resource of the app). With soft,
// failure to reach the app is a warning (at plan time the app may not be
// reachable yet; on refresh schema_problems keeps the last result).
func (r *attributeMappingResource) discover(ctx context.Context, appID string, soft bool) (*scim.Discovery, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx = r.clients.withMasking(ctx)
	client, err := r.clients.Client(appID)
	if err != nil {
		diags.AddAttributeError(path.Root("connected_app_id"), "Invalid Connected App ID", err.Error())
		return nil, diags
	}
	d, err := client.Discover(ctx)
	if err != nil {
		if soft {
			diags.AddWarning("Attribute Mapping Not Checked Against the App",
				fmt.Sprintf("Could not read the schemas of the app at %s, so the rules were not checked against them now; "+
					"they will be at apply, and schema_problems keeps the result of the last check. %v", appID, err))
			return nil, diags
		}
		diags.Append(appErrorDiagnostic(r.clients, "Reading the app's schemas to check the attribute mapping", appID, err))
		return nil, diags
	}
	return d, diags
}

// problemTexts renders what CheckSchema reports, one string per problem; each
// names its rule (`rule 6 (target "title"): ...`).
func problemTexts(errs []error) []string {
	out := []string{}
	for _, err := range errs {
		issues := mapping.Issues(err)
		if len(issues) == 0 {
			out = append(out, err.Error())
			continue
		}
		for _, is := range issues {
			out = append(out, is.Error())
		}
	}
	return out
}
