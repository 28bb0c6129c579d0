package scimtarget

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotFound is returned (wrapped) by the control API when the resource does
// not exist; test with errors.Is.
var ErrNotFound = errors.New("scimtarget: resource not found")

// Is makes errors.Is(err, ErrNotFound) work for 404 errors.
func (e *scimError) Is(target error) bool {
	return target == ErrNotFound && e.status == http.StatusNotFound
}

func (t *Target) userType() *resourceType { return t.registry().resourceTypeByName("User") }

// renderAdmin renders a resource for the control API. Unlike SCIM responses
// it includes returned=never attributes such as password, so tests can check
// what a client sent.
func (t *Target) renderAdmin(rt *resourceType, r *resource, base string) map[string]any {
	if base == "" {
		base = t.baseURL
	}
	return render(rt, r, base, t.opts.Capabilities.ETag)
}

// editResource applies out-of-band edits (as an administrator would in the
// application's UI) through the PATCH engine with readOnly checks relaxed.
// All edits are applied atomically and bump meta.version once.
func (t *Target) editResource(rt *resourceType, id string, edits []patchOp) (map[string]any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	res := t.store.get(rt, id)
	if res == nil {
		return nil, fmt.Errorf("scimtarget: %w", notFound("%s %q not found", rt.Name, id))
	}
	p := &patcher{rt: rt, doc: copyDoc(res.doc), admin: true}
	for _, op := range edits {
		if err := p.apply(op); err != nil {
			return nil, fmt.Errorf("scimtarget: %s %s: %w", op.op, op.path, err)
		}
	}
	if err := t.commitLocked(rt, res, p.doc); err != nil {
		return nil, fmt.Errorf("scimtarget: %w", err)
	}
	return t.renderAdmin(rt, res, ""), nil
}

// editOp turns (path, value) into a replace, or a remove when value is nil.
func editOp(path string, value any) (patchOp, error) {
	if strings.TrimSpace(path) == "" {
		return patchOp{}, errors.New("scimtarget: empty attribute path")
	}
	v, err := normalizeGo(value)
	if err != nil {
		return patchOp{}, fmt.Errorf("scimtarget: value for %s: %w", path, err)
	}
	if v == nil {
		return patchOp{op: "remove", path: path}, nil
	}
	return patchOp{op: "replace", path: path, value: v, hasValue: true}, nil
}

// SetUserAttribute changes one attribute of a user behind the client's back.
// path is a SCIM attribute path ("title", "name.givenName",
// `emails[type eq "work"].value`,
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
// a nil value removes the attribute. A filtered path that matches nothing
// creates the element, as PATCH does. meta.version and lastModified are
// bumped when the value changes.
func (t *Target) SetUserAttribute(id, path string, value any) error {
	op, err := editOp(path, value)
	if err != nil {
		return err
	}
	_, err = t.editResource(t.userType(), id, []patchOp{op})
	return err
}

// SetUserAttributes applies several SetUserAttribute edits atomically, with
// a single version bump. Paths are applied in sorted order.
func (t *Target) SetUserAttributes(id string, attrs map[string]any) error {
	var ops []patchOp
	for _, k := range sortedKeys(attrs) {
		op, err := editOp(k, attrs[k])
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}
	_, err := t.editResource(t.userType(), id, ops)
	return err
}

// DeactivateUser sets active to false, as an administrator suspending the
// account would.
func (t *Target) DeactivateUser(id string) error { return t.SetUserAttribute(id, "active", false) }

// ActivateUser sets active to true.
func (t *Target) ActivateUser(id string) error { return t.SetUserAttribute(id, "active", true) }

// DeleteUser deletes a user out of band.
func (t *Target) DeleteUser(id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.userType()
	if !t.removeLocked(rt, id) {
		return fmt.Errorf("scimtarget: %w", notFound("User %q not found", id))
	}
	return nil
}

// AddUser creates a user as if someone had created it in the application.
// doc is a SCIM User representation; "schemas" may be omitted, readOnly
// attributes (groups) may be set, and an "id" may be given to get a
// predictable id. Uniqueness (userName) is enforced as for POST.
func (t *Target) AddUser(doc map[string]any) (string, error) {
	return t.addResource(t.userType(), doc)
}

func (t *Target) addResource(rt *resourceType, in map[string]any) (string, error) {
	norm, err := normalizeGo(in)
	if err != nil {
		return "", fmt.Errorf("scimtarget: %w", err)
	}
	m, ok := norm.(map[string]any)
	if !ok {
		return "", errors.New("scimtarget: document must be a JSON object")
	}
	doc, id, err := parseResourceDoc(rt, m, true)
	if err != nil {
		return "", fmt.Errorf("scimtarget: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	res, err := t.createLocked(rt, doc, id)
	if err != nil {
		return "", fmt.Errorf("scimtarget: %w", err)
	}
	return res.id, nil
}

// GetUser returns the user's full representation including password.
func (t *Target) GetUser(id string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.userType()
	res := t.store.get(rt, id)
	if res == nil {
		return nil, false
	}
	return t.renderAdmin(rt, res, ""), true
}

// Users returns all users in creation order.
func (t *Target) Users() []map[string]any {
	return t.users("")
}

func (t *Target) users(base string) []map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.userType()
	out := []map[string]any{}
	for _, r := range t.store.list(rt) {
		out = append(out, t.renderAdmin(rt, r, base))
	}
	return out
}

// FindUserByUserName finds a user by userName, case-insensitively as
// userName's caseExact=false demands.
func (t *Target) FindUserByUserName(userName string) (map[string]any, bool) {
	return t.findUser(userName, "")
}

func (t *Target) findUser(userName, base string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt := t.userType()
	for _, r := range t.store.list(rt) {
		if s, ok := r.doc["userName"].(string); ok && strings.EqualFold(s, userName) {
			return t.renderAdmin(rt, r, base), true
		}
	}
	return nil, false
}

// SetCapabilities changes the capabilities at run time.
func (t *Target) SetCapabilities(f func(*Capabilities)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.opts.Capabilities)
	t.opts.Capabilities = t.opts.Capabilities.clone()
}

// Capabilities returns the current capabilities.
func (t *Target) Capabilities() Capabilities {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.opts.Capabilities.clone()
}

// SetQuirks changes the quirks at run time.
func (t *Target) SetQuirks(f func(*Quirks)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.opts.Quirks)
	t.opts.Quirks = t.opts.Quirks.clone()
}

// Quirks returns the current quirks.
func (t *Target) Quirks() Quirks {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.opts.Quirks.clone()
}

// SetEnforceETags switches If-Match enforcement at run time.
func (t *Target) SetEnforceETags(enforce bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.opts.EnforceETags = enforce
}

// EnforceETags reports whether If-Match is enforced.
func (t *Target) EnforceETags() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.opts.EnforceETags
}

// Reset empties the target back to the options given to New: no resources,
// no faults, an empty request log, the initial capabilities, quirks and
// ETag enforcement, and the original schemas.
func (t *Target) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.changedReg.Store(nil)
	t.opts = t.initial.clone()
	t.buckets = nil
	t.store = newStore()
	t.faults.clear()
	t.log = nil
}
