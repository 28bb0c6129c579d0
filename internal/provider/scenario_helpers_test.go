package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Helpers shared by the scenario tests of scim_provisioned_user and
// scim_attribute_mapping. They read what the local target received, so a
// test checks the wire, not only Terraform's state.

// replaceOnce swaps one part of a generated configuration for another, so
// a step can change what peopleConfig does not vary: a base rule, the
// provider block. It panics when old is absent, so a test cannot silently
// run the unchanged configuration.
func replaceOnce(config, old, new string) string {
	if !strings.Contains(config, old) {
		panic(fmt.Sprintf("replaceOnce: the configuration has no %s", old))
	}
	return strings.Replace(config, old, new, 1)
}

// writeRequests returns the requests since the last ResetRequests that can
// change something: everything but GET.
func writeRequests(target *scimtarget.Target) []scimtarget.RecordedRequest {
	var out []scimtarget.RecordedRequest
	for _, r := range target.Requests() {
		if r.Method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

// expectNoWrites checks that the target received nothing but GETs since
// its log was reset.
func expectNoWrites(target *scimtarget.Target) error {
	if w := writeRequests(target); len(w) > 0 {
		return fmt.Errorf("target received %d writes, want none: %s", len(w), describeRequests(w))
	}
	return nil
}

// describeOps renders PATCH operations one per string, `op path value`
// with the value as JSON, sorted, for exact comparisons.
func describeOps(ops []scim.PatchOp) []string {
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		s := op.Op + " " + op.Path
		if op.Value != nil {
			var v strings.Builder
			enc := json.NewEncoder(&v)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(op.Value)
			s += " " + strings.TrimSpace(v.String())
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// expectPatches checks that every write the target received since its log
// was reset is a PATCH of one account, one per account listed in want (by
// userName), carrying exactly the operations listed there (see describeOps).
func expectPatches(target *scimtarget.Target, want map[string][]string) error {
	writes := writeRequests(target)
	if len(writes) != len(want) {
		return fmt.Errorf("target received %d writes, want %d PATCHes: %s", len(writes), len(want), describeRequests(writes))
	}
	got := map[string][]string{}
	for _, w := range writes {
		if w.Method != "PATCH" || !strings.HasPrefix(w.Path, "/Users/") {
			return fmt.Errorf("want only PATCH /Users/<id>, got %s %s %s", w.Method, w.Path, w.Body)
		}
		u, ok := target.GetUser(strings.TrimPrefix(w.Path, "/Users/"))
		if !ok {
			return fmt.Errorf("PATCH %s: the target has no such account", w.Path)
		}
		var req scim.PatchRequest
		if err := json.Unmarshal(w.Body, &req); err != nil {
			return fmt.Errorf("PATCH %s: body %s: %v", w.Path, w.Body, err)
		}
		userName := strings.ToLower(fmt.Sprint(u["userName"]))
		if _, dup := got[userName]; dup {
			return fmt.Errorf("account %s was PATCHed more than once: %s", userName, describeRequests(writes))
		}
		got[userName] = describeOps(req.Operations)
	}
	for userName, ops := range want {
		wantOps := slices.Clone(ops)
		slices.Sort(wantOps)
		if !slices.Equal(got[userName], wantOps) {
			return fmt.Errorf("account %s: PATCH operations\n  got  %q\n  want %q", userName, got[userName], wantOps)
		}
	}
	return nil
}

// userID returns the target's id of the account with userName, or "".
func userID(target *scimtarget.Target, userName string) string {
	u, ok := target.FindUserByUserName(userName)
	if !ok {
		return ""
	}
	id, _ := u["id"].(string)
	return id
}

// checkTarget adapts a check of the target to a TestCheckFunc.
func checkTarget(f func() error) func(*terraform.State) error {
	return func(*terraform.State) error { return f() }
}

// regexpParts is regexpLiteral for several literal parts separated by
// " .* ", which match anything in between (line breaks included), in order.
func regexpParts(s string) *regexp.Regexp {
	var parts []string
	for _, p := range strings.Split(s, " .* ") {
		parts = append(parts, regexpLiteral(p).String())
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}
