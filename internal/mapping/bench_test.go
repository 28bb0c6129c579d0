package mapping

import (
	"fmt"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// The work a plan does per account: evaluate the mapping, render the SCIM
// document, read the values back and diff them. `make bench` prints these
// figures; the target is well under a millisecond per account so that a plan
// of thousands of accounts is dominated by the app's latency, not ours.

func benchDiscovery() *scim.Discovery {
	return &scim.Discovery{
		ServiceProviderConfig: scim.DefaultServiceProviderConfig(),
		ResourceTypes:         []scim.ResourceType{scim.DefaultUserResourceType()},
		Schemas:               scim.BuiltinSchemas(),
	}
}

func benchRules() []Rule {
	return []Rule{
		{Target: "userName", Source: "email", Transform: "lower"},
		{Target: "name.givenName", Source: "given_name"},
		{Target: "name.familyName", Source: "family_name"},
		{Target: "displayName", Template: "{given_name} {family_name}"},
		{Target: `emails[type eq "work"].value`, Source: "email", Transform: "lower"},
		{Target: "title", Source: "title"},
		{Target: scim.SchemaEnterpriseUser + ":department", Source: "department"},
	}
}

func benchProfile(i int) map[string]string {
	return map[string]string{
		"email": fmt.Sprintf("Person.%d@Example.com", i), "given_name": "Person", "family_name": fmt.Sprint(i),
		"title": "Engineer", "department": "R&D",
	}
}

func BenchmarkAccountPlan(b *testing.B) {
	d := benchDiscovery()
	rules := benchRules()
	paths := ManagedPaths(rules)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		values, err := Evaluate(rules, benchProfile(i), d)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := BuildResource(values, true, d)
		if err != nil {
			b.Fatal(err)
		}
		back := ExtractValues(doc, paths)
		if ops, err := Diff(back, values, d); err != nil || len(ops) != 0 {
			b.Fatalf("diff of a round trip: %v %v", ops, err)
		}
	}
}

func BenchmarkCheckSchema(b *testing.B) {
	d := benchDiscovery()
	rules := benchRules()
	b.ReportAllocs()
	for b.Loop() {
		if errs := CheckSchema(rules, d); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}
