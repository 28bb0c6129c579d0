package scimtarget

import (
	"fmt"
	"net/http"
	"strings"
)

// createLocked stores a new resource; id may be preset by out-of-band
// creation. t.mu must be held.
func (t *Target) createLocked(rt *resourceType, doc map[string]any, id string) (*resource, error) {
	if rt.normalize != nil {
		rt.normalize(doc)
	}
	if err := validateDoc(rt, doc); err != nil {
		return nil, err
	}
	if err := t.checkMembersLocked(rt, doc, id); err != nil {
		return nil, err
	}
	if name, val := t.store.conflict(rt, doc, "", t.opts.Quirks); name != "" {
		return nil, conflictError(t.opts.Quirks, rt, name, val)
	}
	if id == "" {
		id = t.newIDLocked(rt)
	} else if t.store.get(rt, id) != nil {
		return nil, newError(http.StatusConflict, errUniqueness, "id %q is already in use", id)
	}
	now := t.now()
	res := &resource{id: id, doc: doc, created: now, lastModified: now, version: 1}
	t.store.insert(rt, res)
	t.membershipsChangedLocked(rt)
	return res, nil
}

// commitLocked replaces a resource's attributes with doc after validation,
// bumping meta.version and lastModified only when something changed. t.mu
// must be held.
func (t *Target) commitLocked(rt *resourceType, res *resource, doc map[string]any) error {
	if rt.normalize != nil {
		rt.normalize(doc)
	}
	if err := validateDoc(rt, doc); err != nil {
		return err
	}
	if err := t.checkMembersLocked(rt, doc, res.id); err != nil {
		return err
	}
	if name, val := t.store.conflict(rt, doc, res.id, t.opts.Quirks); name != "" {
		return conflictError(t.opts.Quirks, rt, name, val)
	}
	if equalValues(res.doc, doc) {
		return nil
	}
	t.store.setDoc(rt, res, doc)
	res.version++
	res.lastModified = t.now()
	t.membershipsChangedLocked(rt)
	return nil
}

// respond writes a single resource with its ETag, honouring attributes= and
// excludedAttributes= (RFC 7644 §3.9 allows them on every operation).
func (c *call) respond(status int, rt *resourceType, doc map[string]any, etag string) error {
	if etag != "" && c.cfg.Capabilities.ETag {
		c.w.Header().Set("ETag", etag)
	}
	q := c.r.URL.Query()
	stripNever(rt, doc)
	applyProjection(rt, doc, parseProjection(rt, q.Get("attributes")), parseProjection(rt, q.Get("excludedAttributes")))
	c.present(rt, doc)
	writeJSON(c.w, status, doc)
	return nil
}

func (c *call) create(rt *resourceType) error {
	if containsFold(c.cfg.Quirks.NoCreateOn, rt.Name) {
		return c.methodNotAllowed("GET")
	}
	if err := c.checkContentType(); err != nil {
		return err
	}
	in, err := decodeObject(c.body)
	if err != nil {
		return err
	}
	doc, _, err := parseResourceDoc(rt, in, false)
	if err != nil {
		return err
	}
	adjustUser(c.cfg.Quirks, rt, doc)
	if err := c.checkMembersOnCreate(doc); err != nil {
		return err
	}
	if err := c.checkShape(rt, doc); err != nil {
		return err
	}
	t := c.t
	t.mu.Lock()
	res, err := t.createLocked(rt, doc, "")
	if err != nil {
		t.mu.Unlock()
		return err
	}
	out := render(rt, res, c.base, c.cfg.Capabilities.ETag)
	etag := etagOf(res)
	t.mu.Unlock()
	if !c.cfg.Quirks.NoLocationHeader {
		c.w.Header().Set("Location", out["meta"].(map[string]any)["location"].(string))
	}
	return c.respond(http.StatusCreated, rt, out, etag)
}

func (c *call) get(rt *resourceType, id string) error {
	// Checked before the lookup: parameters are validated first, so an
	// unknown id gets the 400 too.
	if err := c.checkAttributesParam(c.r.URL.Query().Get("attributes")); err != nil {
		return err
	}
	t := c.t
	t.mu.Lock()
	res := t.store.get(rt, id)
	if res == nil {
		t.mu.Unlock()
		return notFound("%s %q not found", rt.Name, id)
	}
	out := render(rt, res, c.base, c.cfg.Capabilities.ETag)
	etag := etagOf(res)
	t.mu.Unlock()
	if inm := c.r.Header.Get("If-None-Match"); inm != "" && c.cfg.Capabilities.ETag && etagMatches(inm, etag) {
		c.w.Header().Set("ETag", etag)
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return c.respond(http.StatusOK, rt, out, etag)
}

// checkIfMatch enforces If-Match when EnforceETags is on. Requests without
// the header pass: RFC 7644 §3.14 makes it optional.
func (c *call) checkIfMatch(res *resource) error {
	if !c.cfg.EnforceETags || !c.cfg.Capabilities.ETag {
		return nil
	}
	h := c.r.Header.Get("If-Match")
	if h == "" {
		return nil
	}
	if !etagMatches(h, etagOf(res)) {
		return newError(http.StatusPreconditionFailed, "", "If-Match %s does not match the current version %s; the resource was modified, fetch it again", h, etagOf(res))
	}
	return nil
}

// etagMatches compares an If-Match/If-None-Match header with an entity tag.
// SCIM versions are weak tags, so the comparison ignores the W/ prefix.
func etagMatches(header, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == want {
			return true
		}
	}
	return false
}

// passwordCheck rejects password changes when the changePassword capability
// is off. Sending the unchanged password (as a PUT of the full resource may)
// is not a change.
func (c *call) passwordCheck(old, new map[string]any) error {
	if c.cfg.Capabilities.ChangePassword {
		return nil
	}
	nv, ok := new["password"]
	if !ok || equalValues(nv, old["password"]) {
		return nil
	}
	return newError(http.StatusBadRequest, errMutability, "password changes are not supported (changePassword.supported is false)")
}

func (c *call) replace(rt *resourceType, id string) error {
	if c.cfg.Quirks.NoPut || containsFold(c.cfg.Quirks.NoPutOn, rt.Name) {
		return c.methodNotAllowed("GET, PATCH, DELETE")
	}
	if err := c.checkContentType(); err != nil {
		return err
	}
	in, err := decodeObject(c.body)
	if err != nil {
		return err
	}
	doc, _, err := parseResourceDoc(rt, in, false)
	if err != nil {
		return err
	}
	var out map[string]any
	var etag string
	err = c.t.locked(func() error {
		res := c.t.store.get(rt, id)
		if res == nil {
			return notFound("%s %q not found", rt.Name, id)
		}
		if err := c.checkIfMatch(res); err != nil {
			return err
		}
		mergePut(c.cfg.Quirks, rt, res.doc, doc)
		if err := keepOnReplace(rt, res.doc, doc); err != nil {
			return err
		}
		if err := c.updateRules(rt, res.doc, doc); err != nil {
			return err
		}
		adjustUser(c.cfg.Quirks, rt, doc)
		if err := c.passwordCheck(res.doc, doc); err != nil {
			return err
		}
		if err := c.checkShape(rt, doc); err != nil {
			return err
		}
		if err := c.t.commitLocked(rt, res, doc); err != nil {
			return err
		}
		out, etag = render(rt, res, c.base, c.cfg.Capabilities.ETag), etagOf(res)
		return nil
	})
	if err != nil {
		return err
	}
	return c.respond(http.StatusOK, rt, out, etag)
}

// keepOnReplace carries over what a PUT cannot change or cannot see:
// readOnly attributes, and writeOnly ones the client omitted (it could not
// have read them back). Changing an immutable value is a mutability error.
func keepOnReplace(rt *resourceType, old, new map[string]any) error {
	level := func(attrs []*attribute, o, n map[string]any, prefix string) error {
		for _, a := range attrs {
			ov, had := o[a.Name]
			nv, has := n[a.Name]
			switch a.Mutability {
			case mutReadOnly:
				if had {
					n[a.Name] = deepCopy(ov)
				}
			case mutWriteOnly:
				if had && !has {
					n[a.Name] = deepCopy(ov)
				}
			case mutImmutable:
				if had && has && !equalValues(ov, nv) {
					return newError(http.StatusBadRequest, errMutability, "attribute %q is immutable", prefix+a.Name)
				}
			}
			// readOnly sub-attributes of complex values (manager.displayName).
			if a.isComplex() && !a.MultiValued {
				om, _ := ov.(map[string]any)
				nm, _ := nv.(map[string]any)
				for _, sa := range a.SubAttributes {
					if sa.Mutability == mutReadOnly && om != nil && om[sa.Name] != nil && nm != nil {
						nm[sa.Name] = deepCopy(om[sa.Name])
					}
				}
			}
		}
		return nil
	}
	if err := level(rt.core.Attributes, old, new, ""); err != nil {
		return err
	}
	for _, ext := range rt.extensions {
		o, _ := old[ext.ID].(map[string]any)
		if o == nil {
			continue
		}
		n, _ := new[ext.ID].(map[string]any)
		created := n == nil
		if created {
			n = map[string]any{}
		}
		if err := level(ext.Attributes, o, n, ext.ID+":"); err != nil {
			return err
		}
		if created && len(n) > 0 {
			new[ext.ID] = n
		}
	}
	return nil
}

func (c *call) patch(rt *resourceType, id string) error {
	if !c.cfg.Capabilities.Patch {
		return newError(http.StatusNotImplemented, "", "PATCH is not supported (patch.supported is false)")
	}
	if err := c.checkGroupPatchBytes(rt); err != nil {
		return err
	}
	if err := c.checkContentType(); err != nil {
		return err
	}
	ops, err := parsePatchRequest(c.body)
	if err != nil {
		return err
	}
	unwrapNestedMembers(c.cfg.Quirks, ops)
	if err := c.checkPatchOps(rt, ops); err != nil {
		return err
	}
	if err := c.checkGroupPatchSize(rt, ops); err != nil {
		return err
	}
	var out map[string]any
	var etag string
	err = c.t.locked(func() error {
		res := c.t.store.get(rt, id)
		if res == nil {
			return notFound("%s %q not found", rt.Name, id)
		}
		if err := c.checkIfMatch(res); err != nil {
			return err
		}
		if err := c.checkMemberOps(rt, ops, res.doc); err != nil {
			return err
		}
		p := &patcher{rt: rt, doc: copyDoc(res.doc), quirks: c.cfg.Quirks}
		for i, op := range ops {
			if err := p.apply(op); err != nil {
				if se, ok := err.(*scimError); ok {
					se.detail = fmt.Sprintf("operation %d (%s %s): %s", i, op.op, op.path, se.detail)
				}
				return err
			}
		}
		if err := c.updateRules(rt, res.doc, p.doc); err != nil {
			return err
		}
		adjustUser(c.cfg.Quirks, rt, p.doc)
		if err := c.passwordCheck(res.doc, p.doc); err != nil {
			return err
		}
		if err := c.checkShape(rt, p.doc); err != nil {
			return err
		}
		if err := c.t.commitLocked(rt, res, p.doc); err != nil {
			return err
		}
		out, etag = render(rt, res, c.base, c.cfg.Capabilities.ETag), etagOf(res)
		return nil
	})
	if err != nil {
		return err
	}
	if c.cfg.Quirks.PatchReturnsNoContent || containsFold(c.cfg.Quirks.PatchNoContentOn, rt.Name) {
		if c.cfg.Capabilities.ETag {
			c.w.Header().Set("ETag", etag)
		}
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if containsFold(c.cfg.Quirks.PatchEmptyObjectOn, rt.Name) {
		if c.cfg.Capabilities.ETag {
			c.w.Header().Set("ETag", etag)
		}
		writeJSON(c.w, http.StatusOK, map[string]any{})
		return nil
	}
	return c.respond(http.StatusOK, rt, out, etag)
}

func (c *call) delete(rt *resourceType, id string) error {
	q := c.cfg.Quirks
	if containsFold(q.NoDeleteOn, rt.Name) {
		return c.methodNotAllowed("GET, PUT, PATCH")
	}
	err := c.t.locked(func() error {
		res := c.t.store.get(rt, id)
		if res == nil {
			return notFound("%s %q not found", rt.Name, id)
		}
		if err := c.checkIfMatch(res); err != nil {
			return err
		}
		if containsFold(q.DeleteDeactivates, rt.Name) && rt.topAttr("active") != nil {
			// DeleteDeactivates: the resource stays, inactive.
			doc := copyDoc(res.doc)
			doc[rt.topAttr("active").Name] = false
			return c.t.commitLocked(rt, res, doc)
		}
		c.t.removeLocked(rt, id)
		return nil
	})
	if err != nil {
		return err
	}
	if containsFold(q.DeleteEmptyObjectOn, rt.Name) {
		writeJSON(c.w, http.StatusOK, map[string]any{})
		return nil
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// locked runs f with t.mu held.
func (t *Target) locked(f func() error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return f()
}
