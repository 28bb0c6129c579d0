package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// growState grows the Terraform state in dir from m to n instances of the
// resources of type typ, keyed p00000, p00001, ... and split into
// resources as blocks says: each new instance is a copy of p00000 with the
// key replaced (the configurations derive every value from the key),
// passed through copyInstance when given (which may rewrite it, for
// instance to point at a new account), in the resource its key belongs to,
// made like the first one where the state has none yet. The serial is
// bumped. This lets the refresh of 10,000 resources be measured without
// Terraform's own apply of them, which takes most of an hour here.
func growState(dir, typ string, m, n int, copyInstance func(key string, inst string) (string, error)) error {
	file := filepath.Join(dir, "terraform.tfstate")
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	resources, _ := state["resources"].([]any)
	byName := map[string]map[string]any{}
	var template string
	var first map[string]any
	have := 0
	for _, r := range resources {
		res, _ := r.(map[string]any)
		if res["type"] != typ {
			continue
		}
		byName[fmt.Sprint(res["name"])] = res
		instances, _ := res["instances"].([]any)
		have += len(instances)
		for _, in := range instances {
			if inst, _ := in.(map[string]any); inst["index_key"] == "p00000" {
				b, err := json.Marshal(inst)
				if err != nil {
					return err
				}
				template, first = string(b), res
			}
		}
	}
	if template == "" || have != m {
		return fmt.Errorf("%s: %d instances of %s and no p00000 to copy, want %d", file, have, typ, m)
	}
	for j, blk := range blocks(n) {
		name := blockName(j)
		res, ok := byName[name]
		if !ok {
			res = map[string]any{}
			for k, v := range first {
				res[k] = v
			}
			res["name"] = name
			res["instances"] = []any{}
			resources = append(resources, res)
			byName[name] = res
		}
		instances, _ := res["instances"].([]any)
		for i := max(blk[0], m); i < blk[1]; i++ {
			key := fmt.Sprintf("p%05d", i)
			text := strings.ReplaceAll(template, "p00000", key)
			if copyInstance != nil {
				if text, err = copyInstance(key, text); err != nil {
					return err
				}
			}
			var inst any
			if err := json.Unmarshal([]byte(text), &inst); err != nil {
				return err
			}
			instances = append(instances, inst)
		}
		res["instances"] = instances
	}
	state["resources"] = resources
	serial, _ := state["serial"].(float64)
	state["serial"] = serial + 1
	out, err := json.Marshal(state)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, 0o644)
}

// copyAccount returns a copyInstance for scim_provisioned_user: it creates
// in the target a copy of the account of p00000 for the new key, and points
// the instance at it.
func copyAccount(target *scimtarget.Target) func(key, inst string) (string, error) {
	var first map[string]any
	var firstID string
	return func(key, inst string) (string, error) {
		if first == nil {
			for _, u := range target.Users() {
				if strings.HasPrefix(fmt.Sprint(u["userName"]), "p00000@") {
					first, firstID = u, u["id"].(string)
				}
			}
			if first == nil {
				return "", fmt.Errorf("the target has no account for p00000")
			}
		}
		b, err := json.Marshal(first)
		if err != nil {
			return "", err
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), "p00000", key)), &doc); err != nil {
			return "", err
		}
		id := "seeded-" + key
		delete(doc, "meta")
		doc["id"] = id
		if _, err := target.AddUser(doc); err != nil {
			return "", fmt.Errorf("copying the account of p00000 for %s: %w", key, err)
		}
		return strings.ReplaceAll(inst, firstID, id), nil
	}
}
