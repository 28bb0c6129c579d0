// Package driftreport turns `terraform show -json` of a saved plan into a
// per-app report of what changed in the SCIM apps behind Terraform's back
// (the plan's resource_drift), what the plan will do about it
// (resource_changes), mappings an app no longer accepts, changed app
// capabilities and orphans, as Markdown or as versioned JSON. It reads the
// plan through terraform-json's types and looks only at the provider's own
// resource types, never at the plan's variables or provider configuration,
// so no secret reaches the report.
package driftreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	tfjson "github.com/hashicorp/terraform-json"
)

// planDocument is a JSON plan as terraform-json reads it, with the two
// members readPlan checks before trusting it: format_version, whose absence
// means the input is no plan, and errored, which terraform-json (v0.27)
// does not read.
type planDocument struct {
	plan    tfjson.Plan
	errored bool
}

var errNoFormatVersion = errors.New("no format_version")

func (d *planDocument) UnmarshalJSON(b []byte) error {
	var head struct {
		FormatVersion string `json:"format_version"`
		Errored       bool   `json:"errored"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	if head.FormatVersion == "" {
		return errNoFormatVersion
	}
	d.errored = head.Errored
	// Numbers stay json.Number, so a capability reads as the plan wrote it.
	d.plan.UseJSONNumber(true)
	return json.Unmarshal(b, &d.plan)
}

// readPlan decodes a JSON plan. It refuses what is not one: a saved plan
// file itself (binary), `terraform show -json` of a state, a plan Terraform
// failed to make.
func readPlan(r io.Reader) (*tfjson.Plan, error) {
	var d planDocument
	if err := json.NewDecoder(r).Decode(&d); err != nil {
		if errors.Is(err, errNoFormatVersion) {
			return nil, fmt.Errorf("reading the plan: no format_version; give the output of `terraform show -json PLANFILE` for a plan saved with `terraform plan -out=PLANFILE`")
		}
		return nil, fmt.Errorf("reading the plan: not the JSON of `terraform show -json PLANFILE`: %w", err)
	}
	p := &d.plan
	if p.ResourceChanges == nil && p.ResourceDrift == nil && p.PriorState == nil {
		return nil, fmt.Errorf("reading the plan: it has no resource_changes, resource_drift or prior_state; is it `terraform show -json` of a state rather than of a saved plan?")
	}
	if d.errored {
		return nil, fmt.Errorf("the plan is marked errored: Terraform could not finish it, so it cannot say what drifted")
	}
	return p, nil
}

// stateResources yields every resource of a module tree.
func stateResources(m *tfjson.StateModule) []*tfjson.StateResource {
	if m == nil {
		return nil
	}
	out := append([]*tfjson.StateResource(nil), m.Resources...)
	for _, c := range m.ChildModules {
		out = append(out, stateResources(c)...)
	}
	return out
}

// changeValues returns a resource change's actions and its before and after
// objects (nil where the plan has none).
func changeValues(rc *tfjson.ResourceChange) (acts tfjson.Actions, before, after map[string]any) {
	if rc.Change == nil {
		return nil, nil, nil
	}
	before, _ = rc.Change.Before.(map[string]any)
	after, _ = rc.Change.After.(map[string]any)
	return rc.Change.Actions, before, after
}

// ours reports whether a resource type is this provider's.
func ours(providerName, typ string) bool {
	if len(typ) < 5 || typ[:5] != "scim_" {
		return false
	}
	// A provider address ends with its type name: registry.terraform.io/openscim/scim.
	return providerName == "" || len(providerName) >= 5 && providerName[len(providerName)-5:] == "/scim"
}
