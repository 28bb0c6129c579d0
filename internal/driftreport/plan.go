// Package driftreport turns `terraform show -json` of a saved plan into a
// per-app report of what changed in the SCIM apps behind Terraform's back
// (the plan's resource_drift), what the plan will do about it
// (resource_changes), mappings an app no longer accepts, changed app
// capabilities and orphans, as Markdown or as versioned JSON. It reads only
// the provider's own resource types and never the plan's variables or
// provider configuration, so no secret reaches the report.
package driftreport

import (
	"encoding/json"
	"fmt"
	"io"
)

// plan is the part of Terraform's JSON plan representation
// (https://developer.hashicorp.com/terraform/internals/json-format) the
// report reads. Unknown members are ignored, so plans of later Terraform
// versions read as well.
type plan struct {
	FormatVersion    string           `json:"format_version"`
	TerraformVersion string           `json:"terraform_version"`
	ResourceDrift    []resourceChange `json:"resource_drift"`
	ResourceChanges  []resourceChange `json:"resource_changes"`
	PriorState       *state           `json:"prior_state"`
	Errored          bool             `json:"errored"`
}

type resourceChange struct {
	Address      string `json:"address"`
	Mode         string `json:"mode"`
	Type         string `json:"type"`
	ProviderName string `json:"provider_name"`
	Change       change `json:"change"`
	ActionReason string `json:"action_reason"`
}

type change struct {
	Actions         []string        `json:"actions"`
	Before          map[string]any  `json:"before"`
	After           map[string]any  `json:"after"`
	BeforeSensitive json.RawMessage `json:"before_sensitive"`
	AfterSensitive  json.RawMessage `json:"after_sensitive"`
	Importing       json.RawMessage `json:"importing"`
}

type state struct {
	Values *stateValues `json:"values"`
}

type stateValues struct {
	RootModule module `json:"root_module"`
}

type module struct {
	Address      string          `json:"address"`
	Resources    []stateResource `json:"resources"`
	ChildModules []module        `json:"child_modules"`
}

type stateResource struct {
	Address         string          `json:"address"`
	Mode            string          `json:"mode"`
	Type            string          `json:"type"`
	ProviderName    string          `json:"provider_name"`
	Values          map[string]any  `json:"values"`
	SensitiveValues json.RawMessage `json:"sensitive_values"`
}

// readPlan decodes a JSON plan. It refuses what is not one: a saved plan
// file itself (binary), `terraform show -json` of a state, a plan Terraform
// failed to make.
func readPlan(r io.Reader) (*plan, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var p plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading the plan: not the JSON of `terraform show -json PLANFILE`: %w", err)
	}
	if p.FormatVersion == "" {
		return nil, fmt.Errorf("reading the plan: no format_version; give the output of `terraform show -json PLANFILE` for a plan saved with `terraform plan -out=PLANFILE`")
	}
	if p.ResourceChanges == nil && p.ResourceDrift == nil && p.PriorState == nil {
		return nil, fmt.Errorf("reading the plan: it has no resource_changes, resource_drift or prior_state; is it `terraform show -json` of a state rather than of a saved plan?")
	}
	if p.Errored {
		return nil, fmt.Errorf("the plan is marked errored: Terraform could not finish it, so it cannot say what drifted")
	}
	return &p, nil
}

// resources yields every resource of the module tree.
func (m module) resources() []stateResource {
	out := append([]stateResource(nil), m.Resources...)
	for _, c := range m.ChildModules {
		out = append(out, c.resources()...)
	}
	return out
}

// ours reports whether a resource type is this provider's.
func ours(providerName, typ string) bool {
	if len(typ) < 5 || typ[:5] != "scim_" {
		return false
	}
	// A provider address ends with its type name: registry.terraform.io/openscim/scim.
	return providerName == "" || len(providerName) >= 5 && providerName[len(providerName)-5:] == "/scim"
}
