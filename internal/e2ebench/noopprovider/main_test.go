package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// BenchmarkNoopRefresh is what a plan with no changes costs one
// noop_record through the protocol server, to set beside the provider's
// BenchmarkProviderServerRefresh (internal/provider): the same calls, the
// same profile of five fields.
func BenchmarkNoopRefresh(b *testing.B) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(provider.Provider(noopProvider{}))()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	typ := schemas.ResourceSchemas["noop_record"].ValueType()
	states := make([][]byte, 200)
	configs := make([]*tfprotov6.DynamicValue, 200)
	for i := range states {
		key := fmt.Sprintf("p%05d", i)
		values := map[string]any{"email": key + "@example.com", "given_name": "Given " + key, "family_name": "Family", "title": "Engineer", "department": "R&D"}
		states[i], _ = json.Marshal(map[string]any{"id": "noop", "values": values})
		cfgJSON, _ := json.Marshal(map[string]any{"values": values})
		cfg, err := (&tfprotov6.RawState{JSON: cfgJSON}).UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
		if err != nil {
			b.Fatal(err)
		}
		d, err := tfprotov6.NewDynamicValue(typ, cfg)
		if err != nil {
			b.Fatal(err)
		}
		configs[i] = &d
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		up, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "noop_record", RawState: &tfprotov6.RawState{JSON: states[i%200]}})
		if err != nil || len(up.Diagnostics) > 0 {
			b.Fatal(err, up.Diagnostics)
		}
		read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "noop_record", CurrentState: up.UpgradedState})
		if err != nil || len(read.Diagnostics) > 0 {
			b.Fatal(err, read.Diagnostics)
		}
		plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "noop_record", PriorState: read.NewState, ProposedNewState: read.NewState, Config: configs[i%200]})
		if err != nil || len(plan.Diagnostics) > 0 {
			b.Fatal(err, plan.Diagnostics)
		}
	}
}
