package driftreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const app = "https://app.example.com/scim/v2"

// planJSON is a plan with these drifted and planned resources and prior
// state resources, each a JSON object.
func planJSON(drift, changes, state []string) string {
	return `{"format_version": "1.2", "terraform_version": "1.11.4",
  "variables": {"scim_token": {"value": "secret-token-123"}},
  "configuration": {"provider_config": {"scim": {"expressions": {"credentials": {"constant_value": [{"bearer_token": "secret-token-123"}]}}}}},
  "resource_drift": [` + strings.Join(drift, ",") + `],
  "resource_changes": [` + strings.Join(changes, ",") + `],
  "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [` + strings.Join(state, ",") + `],
    "child_modules": [{"address": "module.m", "resources": []}]}}}}`
}

func rc(addr, typ, actions, before, after string, extra ...string) string {
	s := `{"address": "` + jsonEscape(addr) + `", "mode": "managed", "type": "` + typ + `", "provider_name": "registry.terraform.io/openscim/scim",
    "change": {"actions": ` + actions + `, "before": ` + before + `, "after": ` + after
	for _, e := range extra {
		s += ", " + e
	}
	return s + "}}"
}

func jsonEscape(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }

func user(id, userName string, active bool, attrs string) string {
	a := "false"
	if active {
		a = "true"
	}
	return `{"id": "` + id + `", "connected_app_id": "` + app + `", "user_name": "` + userName + `", "active": ` + a +
		`, "deprovision": "deactivate", "attributes": ` + attrs + `}`
}

func build(t *testing.T, plan string) *Report {
	t.Helper()
	rep, err := Build(strings.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func oneApp(t *testing.T, rep *Report) App {
	t.Helper()
	if len(rep.Apps) != 1 {
		t.Fatalf("apps = %+v, want one", rep.Apps)
	}
	return rep.Apps[0]
}

func TestBuildRefusesWhatIsNoPlan(t *testing.T) {
	for name, in := range map[string]string{
		"binary plan file": "PK\x03\x04...",
		"not JSON":         "Error: no plan",
		"no format":        `{"resource_changes": []}`,
		"state":            `{"format_version": "1.0", "values": {"root_module": {}}}`,
		"errored":          `{"format_version": "1.2", "resource_changes": [], "errored": true}`,
	} {
		if _, err := Build(strings.NewReader(in)); err == nil {
			t.Errorf("%s: Build succeeded, want an error", name)
		}
	}
}

func TestBuildNothing(t *testing.T) {
	rep := build(t, planJSON(nil, []string{
		`{"address": "aws_instance.x", "mode": "managed", "type": "aws_instance", "provider_name": "registry.terraform.io/hashicorp/aws", "change": {"actions": ["create"], "before": null, "after": {}}}`,
		rc("scim_provisioned_user.a", "scim_provisioned_user", `["no-op"]`, user("1", "a@x", true, `{}`), user("1", "a@x", true, `{}`)),
	}, nil))
	if rep.Drifted || len(rep.Apps) != 0 || rep.ReportVersion != "1" || rep.TerraformVersion != "1.11.4" {
		t.Errorf("report = %+v, want no app and no drift", rep)
	}
}

func TestBuildAccountDrift(t *testing.T) {
	rep := build(t, planJSON([]string{
		rc(`scim_provisioned_user.p["alice"]`, "scim_provisioned_user", `["update"]`,
			user("1", "alice@x", true, `{"title": "Engineer", "password": "old-pass", "secret": "s1", "name.givenName": "Alice"}`),
			user("1", "alice@x", true, `{"title": "Manager", "password": "new-pass", "secret": "s2", "name.givenName": "Alice"}`),
			`"before_sensitive": {"attributes": {"secret": true}}`, `"after_sensitive": {"attributes": {"secret": true}}`),
		rc("scim_provisioned_user.bob", "scim_provisioned_user", `["update"]`, user("2", "bob@x", true, `{}`), user("2", "bob@x", false, `{}`)),
		rc("scim_provisioned_user.carol", "scim_provisioned_user", `["update"]`, user("3", "carol@x", false, `{"title": "A"}`), user("3", "carol@x", true, `{"title": "B"}`)),
		rc("scim_provisioned_user.dave", "scim_provisioned_user", `["delete"]`, user("4", "dave@x", true, `{}`), `null`),
		// Only the version changed: nothing to report.
		rc("scim_provisioned_user.erin", "scim_provisioned_user", `["update"]`, user("5", "erin@x", true, `{"title": "A"}`), user("5", "erin@x", true, `{"title": "A"}`)),
	}, nil, nil))
	a := oneApp(t, rep)
	want := []AccountDrift{
		{Address: "scim_provisioned_user.bob", ID: "2", UserName: "bob@x", Kind: KindDeactivated, Attributes: []ValueChange{}},
		{Address: "scim_provisioned_user.carol", ID: "3", UserName: "carol@x", Kind: KindReactivated, Attributes: []ValueChange{{Path: "title", Old: "A", New: "B"}}},
		{Address: "scim_provisioned_user.dave", ID: "4", UserName: "dave@x", Kind: KindDeleted, Attributes: []ValueChange{}},
		{Address: `scim_provisioned_user.p["alice"]`, ID: "1", UserName: "alice@x", Kind: KindChanged, Attributes: []ValueChange{
			{Path: "password", Old: redacted, New: redacted}, {Path: "secret", Old: redacted, New: redacted}, {Path: "title", Old: "Engineer", New: "Manager"},
		}},
	}
	if !reflect.DeepEqual(a.Accounts, want) {
		t.Errorf("accounts =\n%+v\nwant\n%+v", a.Accounts, want)
	}
	if !rep.Drifted {
		t.Error("Drifted = false")
	}
	var md, js bytes.Buffer
	_ = rep.WriteMarkdown(&md)
	_ = rep.WriteJSON(&js)
	for _, secret := range []string{"old-pass", "new-pass", "s1", "s2", "secret-token-123"} {
		if strings.Contains(md.String()+js.String(), secret) {
			t.Errorf("the report shows %q:\n%s\n%s", secret, md.String(), js.String())
		}
	}
}

func TestBuildGroupMembershipAndAppDrift(t *testing.T) {
	group := func(name, members string) string {
		return `{"id": "g1", "connected_app_id": "` + app + `/", "display_name": "` + name + `", "external_id": "eng", "members": ` + members + `}`
	}
	appValue := func(sort bool, name string) string {
		s := "false"
		if sort {
			s = "true"
		}
		return `{"id": "` + app + `", "name": "` + name + `", "capabilities": {"patch": true, "sort": ` + s + `, "authentication_schemes": ["oauthbearertoken"]}}`
	}
	rep := build(t, planJSON([]string{
		rc("scim_provisioned_group.eng", "scim_provisioned_group", `["update"]`, group("Engineering", `["u1", "u2"]`), group("Eng", `["u2", "u3"]`)),
		rc("scim_provisioned_group.gone", "scim_provisioned_group", `["delete"]`, group("Gone", `null`), `null`),
		rc("scim_group_member.m", "scim_group_member", `["delete"]`, `{"connected_app_id": "`+app+`", "group_id": "g9", "member_id": "u7"}`, `null`),
		rc("scim_connected_app.app", "scim_connected_app", `["update"]`, appValue(true, "Slack"), appValue(false, "Slack")),
	}, nil, nil))
	a := oneApp(t, rep)
	if a.BaseURL != app || a.Name != "Slack" {
		t.Errorf("app = %q %q, want %q Slack (a trailing slash is the same app)", a.BaseURL, a.Name, app)
	}
	wantGroups := []GroupDrift{
		{Address: "scim_provisioned_group.eng", ID: "g1", DisplayName: "Engineering", Kind: KindChanged,
			Attributes: []ValueChange{{Path: "display_name", Old: "Engineering", New: "Eng"}}, MembersAdded: []string{"u3"}, MembersRemoved: []string{"u1"}},
		{Address: "scim_provisioned_group.gone", ID: "g1", DisplayName: "Gone", Kind: KindDeleted, Attributes: []ValueChange{}, MembersAdded: []string{}, MembersRemoved: []string{}},
	}
	if !reflect.DeepEqual(a.Groups, wantGroups) {
		t.Errorf("groups =\n%+v\nwant\n%+v", a.Groups, wantGroups)
	}
	if want := []MembershipDrift{{Address: "scim_group_member.m", GroupID: "g9", MemberID: "u7", Kind: KindDeleted}}; !reflect.DeepEqual(a.Memberships, want) {
		t.Errorf("memberships = %+v, want %+v", a.Memberships, want)
	}
	if want := []ValueChange{{Path: "sort", Old: "true", New: "false"}}; !reflect.DeepEqual(a.Capabilities, want) {
		t.Errorf("capabilities = %+v, want %+v", a.Capabilities, want)
	}
}

func TestBuildFromState(t *testing.T) {
	orphans := func(typ, key, entries, exclusions string) string {
		return `{"address": "data.` + typ + `.o", "mode": "data", "type": "` + typ + `", "provider_name": "registry.terraform.io/openscim/scim",
      "values": {"connected_app_id": "` + app + `", ` + exclusions + `"` + key + `": ` + entries + `}}`
	}
	plan := planJSON(nil, []string{
		`{"address": "data.scim_users.later", "mode": "data", "type": "scim_users", "change": {"actions": ["read"], "before": null,
      "after": {"connected_app_id": "` + app + `", "exclude_ids": ["x"]}}}`,
	}, []string{
		`{"address": "scim_connected_app.app", "mode": "managed", "type": "scim_connected_app", "values": {"id": "` + app + `", "name": "HR"}}`,
		`{"address": "scim_attribute_mapping.m", "mode": "managed", "type": "scim_attribute_mapping",
      "values": {"connected_app_id": "` + app + `", "schema_problems": ["title: the app's schema has no attribute title"]}}`,
		orphans("scim_users", "users", `[{"id": "u9", "user_name": "zed@x"}]`, `"exclude_user_names": ["a@x"], `),
		orphans("scim_groups", "groups", `[{"id": "g9", "display_name": "Old team"}]`, `"exclude_ids": ["g1"], `),
		// A listing without exclusions is not an orphans report.
		orphans("scim_users", "users", `[{"id": "u1", "user_name": "a@x"}]`, ``),
	})
	a := oneApp(t, build(t, plan))
	if a.Name != "HR" {
		t.Errorf("name = %q, want HR", a.Name)
	}
	if want := []SchemaProblem{{Address: "scim_attribute_mapping.m", Problem: "title: the app's schema has no attribute title"}}; !reflect.DeepEqual(a.SchemaProblems, want) {
		t.Errorf("schema problems = %+v", a.SchemaProblems)
	}
	want := []Orphan{{Source: "data.scim_groups.o", ID: "g9", DisplayName: "Old team"}, {Source: "data.scim_users.o", ID: "u9", UserName: "zed@x"}}
	if !reflect.DeepEqual(a.Orphans, want) {
		t.Errorf("orphans = %+v, want %+v", a.Orphans, want)
	}
	if want := []string{"data.scim_users.later"}; !reflect.DeepEqual(a.OrphansUnread, want) {
		t.Errorf("orphans unread = %v, want %v", a.OrphansUnread, want)
	}
}

func TestBuildPlanned(t *testing.T) {
	mode := func(id, deprovision string) string {
		return `{"id": "` + id + `", "connected_app_id": "` + app + `", "user_name": "` + id + `@x", "active": true, "deprovision": "` + deprovision + `"}`
	}
	rep := build(t, planJSON(nil, []string{
		rc("scim_provisioned_user.a_create", "scim_provisioned_user", `["create"]`, `null`, user("", "new@x", true, `{"title": "T"}`)),
		rc("scim_provisioned_user.b_update", "scim_provisioned_user", `["update"]`, user("1", "b@x", true, `{"title": "A"}`), user("1", "b@x", true, `{"title": "B"}`)),
		rc("scim_provisioned_user.c_deactivate", "scim_provisioned_user", `["update"]`, user("2", "c@x", true, `{}`), user("2", "c@x", false, `{}`)),
		rc("scim_provisioned_user.d_reactivate", "scim_provisioned_user", `["update"]`, user("3", "d@x", false, `{}`), user("3", "d@x", true, `{}`)),
		rc("scim_provisioned_user.e_destroy_deactivate", "scim_provisioned_user", `["delete"]`, mode("e", "deactivate"), `null`),
		rc("scim_provisioned_user.f_destroy_delete", "scim_provisioned_user", `["delete"]`, mode("f", "delete"), `null`),
		rc("scim_provisioned_user.g_destroy_abandon", "scim_provisioned_user", `["delete"]`, mode("g", "abandon"), `null`),
		rc("scim_provisioned_user.h_replace", "scim_provisioned_user", `["delete", "create"]`, mode("h", "deactivate"), mode("h", "deactivate")),
		rc("scim_provisioned_user.i_import", "scim_provisioned_user", `["update"]`, user("9", "i@x", true, `null`), user("9", "i@x", true, `{"title": "T"}`), `"importing": {"identity": {}}`),
		rc("scim_provisioned_user.j_noop", "scim_provisioned_user", `["no-op"]`, mode("j", "deactivate"), mode("j", "deactivate")),
		rc("scim_provisioned_group.k", "scim_provisioned_group", `["update"]`,
			`{"connected_app_id": "`+app+`", "display_name": "K", "members": ["u1"]}`, `{"connected_app_id": "`+app+`", "display_name": "K", "members": ["u2"]}`),
		rc("scim_provisioned_group.l_destroy", "scim_provisioned_group", `["delete"]`, `{"connected_app_id": "`+app+`", "display_name": "L", "deprovision": "delete"}`, `null`),
		rc("scim_group_member.m", "scim_group_member", `["create"]`, `null`, `{"connected_app_id": "`+app+`", "group_id": "g1", "member_id": null}`),
	}, nil))
	a := oneApp(t, rep)
	if rep.Drifted {
		t.Error("a plan of changes without drift is Drifted")
	}
	got := map[string]string{}
	for _, p := range a.Planned {
		got[p.Address] = p.Action
	}
	want := map[string]string{
		"scim_provisioned_user.a_create": ActionCreate, "scim_provisioned_user.b_update": ActionUpdate,
		"scim_provisioned_user.c_deactivate": ActionDeactivate, "scim_provisioned_user.d_reactivate": ActionReactivate,
		"scim_provisioned_user.e_destroy_deactivate": ActionDeactivate, "scim_provisioned_user.f_destroy_delete": ActionDelete,
		"scim_provisioned_user.g_destroy_abandon": ActionForget, "scim_provisioned_user.h_replace": ActionReplace,
		"scim_provisioned_user.i_import": ActionUpdate, "scim_provisioned_group.k": ActionUpdate,
		"scim_provisioned_group.l_destroy": ActionDelete, "scim_group_member.m": ActionCreate,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("actions =\n%v\nwant\n%v", got, want)
	}
	for _, p := range a.Planned {
		switch p.Address {
		case "scim_provisioned_user.b_update":
			if want := []ValueChange{{Path: "title", Old: "A", New: "B"}}; !reflect.DeepEqual(p.Attributes, want) {
				t.Errorf("b_update attributes = %+v", p.Attributes)
			}
		case "scim_provisioned_group.k":
			if want := []ValueChange{{Path: "members", New: "u2"}, {Path: "members", Old: "u1"}}; !reflect.DeepEqual(p.Attributes, want) {
				t.Errorf("group k changes = %+v", p.Attributes)
			}
		case "scim_group_member.m":
			if !strings.Contains(p.Name, "still to be created") {
				t.Errorf("membership name = %q", p.Name)
			}
		}
	}
}

func TestBuildImportWithoutChanges(t *testing.T) {
	same := user("9", "i@x", true, `{"title": "T"}`)
	a := oneApp(t, build(t, planJSON(nil, []string{
		rc("scim_provisioned_user.i", "scim_provisioned_user", `["no-op"]`, same, same, `"importing": {"id": "x"}`),
	}, nil)))
	if len(a.Planned) != 1 || a.Planned[0].Action != ActionImport {
		t.Errorf("planned = %+v, want one import", a.Planned)
	}
}

func TestMarkdownKeepsAppValuesInert(t *testing.T) {
	rep := build(t, planJSON([]string{
		rc("scim_provisioned_user.x", "scim_provisioned_user", `["update"]`,
			user("1", "x@x", true, `{"title": "a | b"}`), user("1", "x@x", true, `{"title": "`+"`@admins` *now*\\n| x |"+`"}`)),
		rc("scim_connected_app.app", "scim_connected_app", `["update"]`,
			`{"id": "`+app+`", "name": "<b>HR</b> #1 @team", "capabilities": {}}`, `{"id": "`+app+`", "name": "<b>HR</b> #1 @team", "capabilities": {}}`),
	}, nil, nil))
	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	for _, want := range []string{"`` `@admins` *now* ¦ x ¦ ``", "`a ¦ b`", `\<b\>HR\</b\> \#1 \@team`} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %s:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| `x@x`") && strings.Count(line, "|") != 3 {
			t.Errorf("a table row with extra cells: %s", line)
		}
	}
}

// massPlan is a plan of 50 accounts of one app of which it deprovisions n:
// half of them removed from the configuration (deactivated on destroy),
// half set inactive; one more, already inactive, is removed too (which
// takes nothing away).
func massPlan(n int) string {
	var changes []string
	for i := range 50 {
		id, name := fmt.Sprint(i), fmt.Sprintf("p%02d@x", i)
		switch {
		case i < n/2:
			changes = append(changes, rc(fmt.Sprintf("scim_provisioned_user.p[%d]", i), "scim_provisioned_user", `["delete"]`, user(id, name, true, `{}`), "null"))
		case i < n:
			changes = append(changes, rc(fmt.Sprintf("scim_provisioned_user.p[%d]", i), "scim_provisioned_user", `["update"]`, user(id, name, true, `{}`), user(id, name, false, `{}`)))
		default:
			changes = append(changes, rc(fmt.Sprintf("scim_provisioned_user.p[%d]", i), "scim_provisioned_user", `["no-op"]`, user(id, name, true, `{}`), user(id, name, true, `{}`)))
		}
	}
	changes = append(changes, rc("scim_provisioned_user.gone", "scim_provisioned_user", `["delete"]`, user("x", "gone@x", false, `{}`), "null"))
	return planJSON(nil, changes, nil)
}

func TestGuardHoldsMassDeprovisioning(t *testing.T) {
	limits := GuardLimits{MaxAccounts: 10, MaxPercent: 25}
	rep := build(t, massPlan(40))
	a := oneApp(t, rep)
	if a.ManagedAccounts != 51 || a.Deprovisions != 40 {
		t.Fatalf("managed %d, deprovisions %d; want 51 and 40", a.ManagedAccounts, a.Deprovisions)
	}
	if !rep.Guard(limits) || rep.Apps[0].DeprovisionGuard == nil || rep.Apps[0].DeprovisionGuard.Deprovisions != 40 {
		t.Fatalf("40 of 51 passed the guard: %+v", rep.Apps[0].DeprovisionGuard)
	}
	var md strings.Builder
	if err := rep.WriteMarkdown(&md); err != nil || !strings.Contains(md.String(), "**Mass deprovisioning.** This plan deactivates or deletes 40 of the 51") {
		t.Fatalf("markdown: %v\n%s", err, md.String())
	}

	rep = build(t, massPlan(40))
	if rep.Guard(GuardLimits{MaxAccounts: 10, MaxPercent: 25, Approved: map[string]int{app: 40}}) {
		t.Fatal("40 approved, still held")
	}
	for _, n := range []int{10, 12} { // at most 10, or at most 25 %
		if rep := build(t, massPlan(n)); rep.Guard(limits) {
			t.Errorf("%d of 51 held", n)
		}
	}
}
