package scimtarget

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// serveControl serves the test control API under /_control/. It needs no
// SCIM authentication and is not recorded in the request log: it is the test
// harness talking, not the client under test. Bodies are JSON with
// snake_case names.
//
//	GET    /_control/users[?userName=x]   list users, or find one by userName
//	POST   /_control/users                create a user out of band
//	GET    /_control/users/{id}           one user (password included)
//	PATCH  /_control/users/{id}           {"path": p, "value": v} or {"attributes": {p: v}}
//	DELETE /_control/users/{id}           delete out of band
//	POST   /_control/users/{id}/activate  and /deactivate
//	GET    /_control/groups[?displayName=x]  list groups, or find one by displayName
//	POST   /_control/groups               create a group out of band
//	GET    /_control/groups/{id}          one group
//	PATCH  /_control/groups/{id}          {"displayName": name} renames it
//	DELETE /_control/groups/{id}          delete out of band
//	POST   /_control/groups/{id}/members  {"value": id} adds a member
//	DELETE /_control/groups/{id}/members/{member}  removes one
//	GET    /_control/faults               pending faults
//	POST   /_control/faults               inject a Fault (latency_ms for latency)
//	DELETE /_control/faults               clear faults
//	GET|PUT /_control/capabilities        PUT merges the given fields
//	GET|PUT /_control/quirks              PUT merges the given fields
//	GET|PUT /_control/etags               {"enforce": bool}
//	GET|PUT /_control/rate-limits         {"rules": [RateRule...]}; PUT replaces them
//	GET    /_control/requests             {"counts": {"GET /Users/{id}": n}, "requests": [...]}
//	DELETE /_control/requests             clear the log
//	GET    /_control/schemas[/{urn}]      the schemas as served now
//	PATCH  /_control/schemas/{urn}/attributes/{path}  {"mutability": "readOnly"}
//	DELETE /_control/schemas/{urn}/attributes/{path}  remove the attribute from the schema
//	DELETE /_control/schemas              restore the original schemas
//	POST   /_control/reset                back to the initial options and schemas, no data
func (t *Target) serveControl(w http.ResponseWriter, r *http.Request, p string, base string) {
	status, v, err := t.control(r, p, base)
	if err != nil {
		code := http.StatusBadRequest
		var se *scimError
		if errors.As(err, &se) {
			code = se.status
		}
		writeControl(w, code, map[string]any{"error": err.Error()})
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeControl(w, status, v)
}

func writeControl(w http.ResponseWriter, status int, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(map[string]any{"error": err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

func controlError(status int, format string, args ...any) error {
	return newError(status, "", format, args...)
}

func readJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodySize))
	if err != nil {
		return controlError(http.StatusBadRequest, "reading body: %v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return controlError(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	return nil
}

func (t *Target) control(r *http.Request, p, base string) (int, any, error) {
	segs := splitPath(p)
	if len(segs) == 0 {
		return 0, nil, controlError(http.StatusNotFound, "unknown control endpoint %q", p)
	}
	m := r.Method
	switch segs[0] {
	case "users":
		return t.controlUsers(r, segs[1:], base)
	case "groups":
		return t.controlGroups(r, segs[1:])
	case "schemas":
		return t.controlSchemas(r, segs[1:])
	case "faults":
		switch m {
		case http.MethodGet:
			return http.StatusOK, map[string]any{"faults": t.Faults()}, nil
		case http.MethodPost:
			var f Fault
			if err := readJSON(r, &f); err != nil {
				return 0, nil, err
			}
			t.InjectFault(f)
			return http.StatusCreated, f, nil
		case http.MethodDelete:
			t.ClearFaults()
			return http.StatusNoContent, nil, nil
		}
	case "capabilities":
		switch m {
		case http.MethodGet:
			return http.StatusOK, t.Capabilities(), nil
		case http.MethodPut:
			c := t.Capabilities()
			if err := readJSON(r, &c); err != nil {
				return 0, nil, err
			}
			t.SetCapabilities(func(cur *Capabilities) { *cur = c })
			return http.StatusOK, t.Capabilities(), nil
		}
	case "quirks":
		switch m {
		case http.MethodGet:
			return http.StatusOK, t.Quirks(), nil
		case http.MethodPut:
			q := t.Quirks()
			if err := readJSON(r, &q); err != nil {
				return 0, nil, err
			}
			t.SetQuirks(func(cur *Quirks) { *cur = q })
			return http.StatusOK, t.Quirks(), nil
		}
	case "rate-limits":
		switch m {
		case http.MethodGet:
			return http.StatusOK, map[string]any{"rules": t.RateLimits()}, nil
		case http.MethodPut:
			var body struct {
				Rules []RateRule `json:"rules"`
			}
			if err := readJSON(r, &body); err != nil {
				return 0, nil, err
			}
			t.SetRateLimits(body.Rules)
			return http.StatusOK, map[string]any{"rules": t.RateLimits()}, nil
		}
	case "etags":
		switch m {
		case http.MethodGet:
			return http.StatusOK, map[string]bool{"enforce": t.EnforceETags()}, nil
		case http.MethodPut:
			var body struct {
				Enforce *bool `json:"enforce"`
			}
			if err := readJSON(r, &body); err != nil {
				return 0, nil, err
			}
			if body.Enforce == nil {
				return 0, nil, controlError(http.StatusBadRequest, `body must be {"enforce": true|false}`)
			}
			t.SetEnforceETags(*body.Enforce)
			return http.StatusOK, map[string]bool{"enforce": t.EnforceETags()}, nil
		}
	case "requests":
		switch m {
		case http.MethodGet:
			return http.StatusOK, map[string]any{"counts": t.requestCounts(), "requests": t.Requests()}, nil
		case http.MethodDelete:
			t.ResetRequests()
			return http.StatusNoContent, nil, nil
		}
	case "reset":
		if m == http.MethodPost {
			t.Reset()
			return http.StatusNoContent, nil, nil
		}
	default:
		return 0, nil, controlError(http.StatusNotFound, "unknown control endpoint %q", p)
	}
	return 0, nil, controlError(http.StatusMethodNotAllowed, "method %s not allowed on /_control%s", m, p)
}

func (t *Target) controlUsers(r *http.Request, rest []string, base string) (int, any, error) {
	m := r.Method
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		if un := r.URL.Query().Get("userName"); un != "" {
			u, ok := t.findUser(un, base)
			if !ok {
				return 0, nil, controlError(http.StatusNotFound, "no user with userName %q", un)
			}
			return http.StatusOK, u, nil
		}
		return http.StatusOK, map[string]any{"users": t.users(base)}, nil
	case len(rest) == 0 && m == http.MethodPost:
		var doc map[string]any
		if err := readJSON(r, &doc); err != nil {
			return 0, nil, err
		}
		id, err := t.AddUser(doc)
		if err != nil {
			return 0, nil, err
		}
		u, _ := t.getUser(id, base)
		return http.StatusCreated, u, nil
	case len(rest) == 1:
		id := rest[0]
		switch m {
		case http.MethodGet:
			u, ok := t.getUser(id, base)
			if !ok {
				return 0, nil, controlError(http.StatusNotFound, "no user %q", id)
			}
			return http.StatusOK, u, nil
		case http.MethodPatch:
			var body struct {
				Path       *string        `json:"path"`
				Value      any            `json:"value"`
				Attributes map[string]any `json:"attributes"`
			}
			if err := readJSON(r, &body); err != nil {
				return 0, nil, err
			}
			attrs := body.Attributes
			if body.Path != nil {
				if attrs == nil {
					attrs = map[string]any{}
				}
				attrs[*body.Path] = body.Value
			}
			if len(attrs) == 0 {
				return 0, nil, controlError(http.StatusBadRequest, `body must be {"path": ..., "value": ...} or {"attributes": {...}}`)
			}
			if err := t.SetUserAttributes(id, attrs); err != nil {
				return 0, nil, err
			}
			u, _ := t.getUser(id, base)
			return http.StatusOK, u, nil
		case http.MethodDelete:
			if err := t.DeleteUser(id); err != nil {
				return 0, nil, err
			}
			return http.StatusNoContent, nil, nil
		}
	case len(rest) == 2 && m == http.MethodPost && (rest[1] == "activate" || rest[1] == "deactivate"):
		err := t.ActivateUser(rest[0])
		if rest[1] == "deactivate" {
			err = t.DeactivateUser(rest[0])
		}
		if err != nil {
			return 0, nil, err
		}
		u, _ := t.getUser(rest[0], base)
		return http.StatusOK, u, nil
	}
	return 0, nil, controlError(http.StatusNotFound, "unknown control endpoint /_control/users/%s (%s)", strings.Join(rest, "/"), m)
}

func (t *Target) getUser(id, base string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.userType()
	res := t.store.get(rt, id)
	if res == nil {
		return nil, false
	}
	return t.renderAdmin(rt, res, base), true
}

func (t *Target) controlGroups(r *http.Request, rest []string) (int, any, error) {
	m := r.Method
	one := func(id string, status int) (int, any, error) {
		g, ok := t.GetGroup(id)
		if !ok {
			return 0, nil, controlError(http.StatusNotFound, "no group %q", id)
		}
		return status, g, nil
	}
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		if name := r.URL.Query().Get("displayName"); name != "" {
			for _, g := range t.Groups() {
				if n, _ := g["displayName"].(string); strings.EqualFold(n, name) {
					return http.StatusOK, g, nil
				}
			}
			return 0, nil, controlError(http.StatusNotFound, "no group with displayName %q", name)
		}
		return http.StatusOK, map[string]any{"groups": t.Groups()}, nil
	case len(rest) == 0 && m == http.MethodPost:
		var doc map[string]any
		if err := readJSON(r, &doc); err != nil {
			return 0, nil, err
		}
		id, err := t.AddGroup(doc)
		if err != nil {
			return 0, nil, err
		}
		return one(id, http.StatusCreated)
	case len(rest) == 1 && m == http.MethodGet:
		return one(rest[0], http.StatusOK)
	case len(rest) == 1 && m == http.MethodPatch:
		var body struct {
			DisplayName string `json:"displayName"`
		}
		if err := readJSON(r, &body); err != nil {
			return 0, nil, err
		}
		if body.DisplayName == "" {
			return 0, nil, controlError(http.StatusBadRequest, `body must be {"displayName": ...}`)
		}
		if err := t.RenameGroup(rest[0], body.DisplayName); err != nil {
			return 0, nil, err
		}
		return one(rest[0], http.StatusOK)
	case len(rest) == 1 && m == http.MethodDelete:
		if err := t.DeleteGroup(rest[0]); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	case len(rest) == 2 && rest[1] == "members" && m == http.MethodPost:
		var body struct {
			Value string `json:"value"`
		}
		if err := readJSON(r, &body); err != nil {
			return 0, nil, err
		}
		if err := t.AddGroupMember(rest[0], body.Value); err != nil {
			return 0, nil, err
		}
		return one(rest[0], http.StatusOK)
	case len(rest) == 3 && rest[1] == "members" && m == http.MethodDelete:
		if err := t.RemoveGroupMember(rest[0], rest[2]); err != nil {
			return 0, nil, err
		}
		return one(rest[0], http.StatusOK)
	}
	return 0, nil, controlError(http.StatusNotFound, "unknown control endpoint /_control/groups/%s (%s)", strings.Join(rest, "/"), m)
}
