package mapping

import (
	"maps"
	"testing"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

func TestProfileFrom(t *testing.T) {
	dept := "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
	rules := []Rule{
		{Target: "userName", Source: "email", Transform: "lower"},
		{Target: "name.givenName", Source: "given_name"},
		{Target: "name.familyName", Source: "family_name"},
		{Target: "displayName", Template: "{given_name} {family_name}"},
		{Target: `emails[type eq "work"].value`, Source: "email", Transform: "trim+lower"},
		{Target: "title", Source: "title"},
		{Target: dept, Source: "department"},
		{Target: "locale", Value: ptr("en-US")},
	}
	account := scim.Resource{
		"userName":    "dana@example.com",
		"name":        map[string]any{"givenName": "Dana", "familyName": "Kim"},
		"displayName": "Dana Kim",
		"emails":      []any{map[string]any{"type": "work", "value": "dana@example.com"}},
		"locale":      "en-US",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": "R&D"},
	}
	values := ExtractValues(account, ManagedPaths(rules))
	got := ProfileFrom(rules, values)
	want := map[string]string{"email": "dana@example.com", "given_name": "Dana", "family_name": "Kim", "department": "R&D"}
	if !maps.Equal(got, want) {
		t.Fatalf("ProfileFrom = %v, want %v", got, want)
	}
	// What the rules make of the profile is what the account holds: the
	// first plan after bringing it under management changes nothing.
	again, err := Evaluate(rules, got, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(again, values) {
		t.Errorf("Evaluate(ProfileFrom(values)) = %v, want the account's values %v", again, values)
	}

	// Two rules copy email and the account disagrees with itself: the
	// first rule wins, so the second value shows as a change.
	account["emails"] = []any{map[string]any{"type": "work", "value": "other@example.com"}}
	if got := ProfileFrom(rules, ExtractValues(account, ManagedPaths(rules)))["email"]; got != "dana@example.com" {
		t.Errorf("email = %q, want the first rule's value", got)
	}
	if got := ProfileFrom(rules, map[string]string{}); len(got) != 0 {
		t.Errorf("ProfileFrom(no values) = %v, want empty", got)
	}
}
