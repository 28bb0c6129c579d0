package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// groupScale measures a group of m members (10,000 in make bench) with the
// real CLI: its refresh (a plan with no changes) and a change of 10 of its
// members (5 removed, 5 added: the plan, then the apply), each beside the
// same command on the same configuration without the group, interleaved
// over rounds. The members are accounts made in the app directly (a group
// of 10,000 is about the group, not about 10,000 account resources), their
// ids in members.json as a user's data would hold them.
func groupScale(work, tf string, env []string, m, rounds int) error {
	t, base, stop, err := startTarget(scimtarget.Options{})
	if err != nil {
		return err
	}
	defer stop()

	ids := make([]string, m+5)
	for i := range ids {
		id, err := t.AddUser(map[string]any{"userName": fmt.Sprintf("member%05d@example.com", i), "active": true})
		if err != nil {
			return err
		}
		ids[i] = id
	}
	with, without := filepath.Join(work, "group"), filepath.Join(work, "group-none")
	if err := writeGroup(with, base, ids[:m], true); err != nil {
		return err
	}
	if err := writeGroup(without, base, nil, false); err != nil {
		return err
	}
	fmt.Printf("\ngroup scenario: one group of %d members\n", m)
	for _, dir := range []string{with, without} {
		if _, err := timed(tf, dir, env, []string{"apply", "-auto-approve", "-input=false", "-no-color"}); err != nil {
			return err
		}
	}
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	var refresh, refreshNone, changePlan, changeApply, changeNone []sample
	patches := 0 // the most PATCH requests an apply of the change sent
	for r := 0; r < max(rounds, 1); r++ {
		t.ResetRequests()
		s, err := timed(tf, with, env, plan)
		if err != nil {
			return err
		}
		s.requests = appRequests(t, "/Users", "/Groups")
		refresh = append(refresh, s)
		if s, err = timed(tf, without, env, plan); err != nil {
			return err
		}
		refreshNone = append(refreshNone, s)

		// 10 members change: the first 5 leave, 5 others join.
		members := append(append([]string(nil), ids[5:m]...), ids[m:m+5]...)
		if r%2 == 1 {
			members = ids[:m] // and back again in the next round
		}
		if err := writeMembers(with, members); err != nil {
			return err
		}
		t.ResetRequests()
		if s, err = timed(tf, with, env, []string{"plan", "-input=false", "-no-color"}); err != nil { // shows the change
			return err
		}
		s.requests = appRequests(t, "/Users", "/Groups")
		changePlan = append(changePlan, s)
		if s, err = timed(tf, without, env, plan); err != nil {
			return err
		}
		changeNone = append(changeNone, s)
		t.ResetRequests()
		if s, err = timed(tf, with, env, []string{"apply", "-auto-approve", "-input=false", "-no-color"}); err != nil {
			return err
		}
		s.requests = appRequests(t, "/Users", "/Groups")
		patches = max(patches, t.Count(http.MethodPatch, "/Groups/*"))
		changeApply = append(changeApply, s)
	}
	d := func(v time.Duration) string { return v.Round(10 * time.Millisecond).String() }
	fmt.Printf("\n| group of %d members | wall | beside the plan without the group | app requests | provider CPU | provider peak memory |\n|---|---|---|---|---|---|\n", m)
	rf, rn := median(refresh), median(refreshNone)
	fmt.Printf("| refresh (plan, no changes) | %s | %s | %d | %s | %s |\n", d(rf.wall), d(rn.wall), rf.requests, d(rf.cpu), mib(rf.peakKB))
	cp, cn := median(changePlan), median(changeNone)
	fmt.Printf("| plan of a change of 10 members | %s | %s | %d | %s | %s |\n", d(cp.wall), d(cn.wall), cp.requests, d(cp.cpu), mib(cp.peakKB))
	ca := median(changeApply)
	fmt.Printf("| apply of that change (plan included) | %s | — | %d (%d PATCH) | %s | %s |\n", d(ca.wall), ca.requests, patches, d(ca.cpu), mib(ca.peakKB))
	return nil
}

func writeMembers(dir string, ids []string) error {
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "members.json"), b, 0o644)
}

// writeGroup writes an app and, when group, one group holding the ids.
func writeGroup(dir, baseURL string, ids []string, group bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	groupBlock := ""
	if group {
		if err := writeMembers(dir, ids); err != nil {
			return err
		}
		groupBlock = `
resource "scim_provisioned_group" "everyone" {
  connected_app_id = scim_connected_app.app.id
  compatibility    = scim_connected_app.app.compatibility
  display_name     = "Everyone"
  members          = jsondecode(file("${path.module}/members.json"))
}
`
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(fmt.Sprintf(`
terraform {
  required_providers {
    scim = { source = "openscim/scim" }
  }
}

provider "scim" {
  credentials = [{ url = %q, bearer_token = %q }]
}

resource "scim_connected_app" "app" {
  name     = "bench"
  base_url = %q
}
%s`, baseURL, token, baseURL, groupBlock)), 0o644)
}
