package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/mapping"
)

// ruleModel is one mapping rule as Terraform holds it in `rules` of
// scim_attribute_mapping.
type ruleModel struct {
	Target    types.String `tfsdk:"target"`
	Source    types.String `tfsdk:"source"`
	Value     types.String `tfsdk:"value"`
	Template  types.String `tfsdk:"template"`
	Transform types.String `tfsdk:"transform"`
	IfMissing types.String `tfsdk:"if_missing"`
}

// ruleAttributes is the schema of one rule. Field descriptions come from the
// mapping engine, built from the same lists its checks use.
func ruleAttributes() map[string]schema.Attribute {
	d := ruleFieldDescriptions
	return map[string]schema.Attribute{
		// target is required, but declared optional and checked by
		// mapping.ValidateRules: the framework reads a required attribute of
		// a rule that is unknown at validate time (a rule chosen by a
		// conditional) as missing and fails a valid configuration.
		"target": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "**Required.** " + d["target"],
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"source":   schema.StringAttribute{Optional: true, MarkdownDescription: d["source"]},
		"value":    schema.StringAttribute{Optional: true, MarkdownDescription: d["value"]},
		"template": schema.StringAttribute{Optional: true, MarkdownDescription: d["template"]},
		"transform": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: d["transform"],
		},
		"if_missing": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: d["if_missing"],
			Validators:          []validator.String{stringvalidator.OneOf(mapping.IfMissingModes...)},
		},
	}
}

// rulesFromList converts a rules list into engine rules. ok is false when
// any part is unknown (not yet computed: a whole rule chosen by a
// conditional, or one field of it), in which case nothing can be checked or
// evaluated until apply.
func rulesFromList(ctx context.Context, l types.List) (rules []mapping.Rule, ok bool, diags diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return nil, false, nil
	}
	for i, el := range l.Elements() {
		if el.IsUnknown() {
			return nil, false, nil
		}
		if el.IsNull() {
			diags.AddError(summaryInvalidMapping, fmt.Sprintf("Rule %d of the attribute mapping is null; every rule needs at least a target and one of source, value or template.", i+1))
			return nil, false, diags
		}
	}
	var models []ruleModel
	diags.Append(l.ElementsAs(ctx, &models, false)...)
	if diags.HasError() {
		return nil, false, diags
	}
	for _, m := range models {
		for _, v := range []types.String{m.Target, m.Source, m.Value, m.Template, m.Transform, m.IfMissing} {
			if v.IsUnknown() {
				return nil, false, diags
			}
		}
		r := mapping.Rule{
			Target:    m.Target.ValueString(),
			Source:    m.Source.ValueString(),
			Template:  m.Template.ValueString(),
			Transform: m.Transform.ValueString(),
			IfMissing: m.IfMissing.ValueString(),
		}
		if !m.Value.IsNull() {
			v := m.Value.ValueString()
			r.Value = &v
		}
		rules = append(rules, r)
	}
	return rules, true, diags
}

// rulesFromEncoded decodes `attribute_mapping` of scim_provisioned_user,
// the `encoded` attribute of a scim_attribute_mapping. ok is false when it is
// unknown or null, or does not decode (then with an error on the attribute).
func rulesFromEncoded(s types.String) (rules []mapping.Rule, ok bool, diags diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, false, nil
	}
	rules, err := mapping.Decode(s.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("attribute_mapping"), summaryInvalidMapping, err.Error())
		return nil, false, diags
	}
	return rules, true, nil
}

// issueDiagnostics turns the mapping engine's issues into diagnostics on the
// rule and field at fault under attribute root, a rules list. Errors that
// are not issues become plain errors with the given summary.
func issueDiagnostics(root string, errs []error, fallbackSummary string) diag.Diagnostics {
	return issueDiagnosticsAt(root, true, errs, fallbackSummary)
}

// encodedIssueDiagnostics is issueDiagnostics for attribute root holding
// encoded rules (a string): every issue is on the attribute, its text names
// the rule.
func encodedIssueDiagnostics(root string, errs []error, fallbackSummary string) diag.Diagnostics {
	return issueDiagnosticsAt(root, false, errs, fallbackSummary)
}

func issueDiagnosticsAt(root string, perRule bool, errs []error, fallbackSummary string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, err := range errs {
		issues := mapping.Issues(err)
		if len(issues) == 0 {
			diags.AddAttributeError(path.Root(root), fallbackSummary, err.Error())
			continue
		}
		for _, is := range issues {
			at := path.Root(root)
			if perRule && is.Index >= 0 {
				at = at.AtListIndex(is.Index)
				if is.Field != "" {
					at = at.AtName(is.Field)
				}
			}
			summary := is.Summary
			if summary == "" {
				summary = fallbackSummary
			}
			if is.Warning {
				diags.AddAttributeWarning(at, summary, is.Error())
			} else {
				diags.AddAttributeError(at, summary, is.Error())
			}
		}
	}
	return diags
}

// joinErrors flattens an errors.Join into its parts.
func joinErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
