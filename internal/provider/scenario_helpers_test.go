package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scim"
	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// Helpers shared by the scenario tests of scim_provisioned_user and
// scim_attribute_mapping. They read what the server under test (the local
// target or the independent one, see accountServer) stores and received,
// so a test checks the wire, not only Terraform's state.

// writeRequests returns the requests since the last ResetRequests that can
// change something: everything but GET.
func writeRequests(srv accountServer) []scimtarget.RecordedRequest {
	var out []scimtarget.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

// describeRequests renders requests for error messages, one
// `METHOD path?query body -> status` each.
func describeRequests(rs []scimtarget.RecordedRequest) string {
	var parts []string
	for _, r := range rs {
		where := r.Path
		if r.Query != "" {
			where += "?" + r.Query
		}
		parts = append(parts, fmt.Sprintf("%s %s %s -> %d", r.Method, where, r.Body, r.Status))
	}
	return strings.Join(parts, "; ")
}

// jsonText renders a value as JSON for error messages.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// expectNoWrites checks that the server received nothing but GETs since
// its log was reset.
func expectNoWrites(srv accountServer) error {
	if w := writeRequests(srv); len(w) > 0 {
		return fmt.Errorf("the server received %d writes, want none: %s", len(w), describeRequests(w))
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

// expectPatches checks that every write the server received since its log
// was reset is a PATCH of one account answered 200, one per account listed
// in want (by userName), carrying exactly the operations listed there (see
// describeOps).
func expectPatches(srv accountServer, want map[string][]string) error {
	writes := writeRequests(srv)
	if len(writes) != len(want) {
		return fmt.Errorf("the server received %d writes, want %d PATCHes: %s", len(writes), len(want), describeRequests(writes))
	}
	got := map[string][]string{}
	for _, w := range writes {
		if w.Method != "PATCH" || !strings.HasPrefix(w.Path, "/Users/") || w.Status != 200 {
			return fmt.Errorf("want only PATCH /Users/<id> answered 200, got %s", describeRequests([]scimtarget.RecordedRequest{w}))
		}
		u, ok := srv.GetUser(strings.TrimPrefix(w.Path, "/Users/"))
		if !ok {
			return fmt.Errorf("PATCH %s: the server has no such account", w.Path)
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

// userID returns the server's id of the account with userName, or "".
func userID(srv accountServer, userName string) string {
	u, ok := srv.FindUserByUserName(userName)
	if !ok {
		return ""
	}
	id, _ := u["id"].(string)
	return id
}

// expectIDOf checks that a resource's id is the server's id of the account
// with userName.
func expectIDOf(srv accountServer, addr, userName string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
		if want := userID(srv, userName); v == "" || v != want {
			return fmt.Errorf("id %q, want the server's id %q of %s", v, want, userName)
		}
		return nil
	}))
}

// expectPriorAttribute is a plan check on the value a resource's
// "attributes" map had before the change, i.e. what refresh read.
type expectPriorAttribute struct{ addr, key, want string }

func (e expectPriorAttribute) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr || rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		attrs, _ := before["attributes"].(map[string]any)
		if got := fmt.Sprint(attrs[e.key]); got != e.want {
			resp.Error = fmt.Errorf("%s: attributes[%q] before the change is %q, want %q", e.addr, e.key, got, e.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

// checkTarget adapts a check of the server under test to a TestCheckFunc.
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
