package elimitytarget

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// This file is ours: the storage behind the library's ResourceHandler
// interface. Everything that reaches these methods has already been
// validated by the library (attribute names canonicalised, values typed,
// unknown attributes dropped, readOnly attributes ignored); the handler
// stores what it is given and hands it back.

// account is one stored User: the attributes as the library validated them
// (core attributes at the top level, "externalId" among them, the
// enterprise extension's attributes in a map under its URN).
type account struct {
	id       string
	attrs    map[string]any
	created  time.Time
	modified time.Time
}

// userHandler is the in-memory User store.
type userHandler struct {
	core       schema.Schema
	extensions []schema.Schema
	now        func() time.Time

	mu    sync.Mutex
	users map[string]*account
	order []string // creation order, so lists are stable
}

func newUserHandler(core schema.Schema, extensions ...schema.Schema) *userHandler {
	return &userHandler{core: core, extensions: extensions, now: time.Now, users: map[string]*account{}}
}

var _ scim.ResourceHandler = (*userHandler)(nil)

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// deepCopy copies a JSON-shaped value, so the store never shares maps or
// slices with the library or with a caller.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case scim.ResourceAttributes:
		return deepCopy(map[string]any(v))
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

func (a *account) resource() scim.Resource {
	created, modified := a.created, a.modified
	r := scim.Resource{
		ID:         a.id,
		Attributes: deepCopy(a.attrs).(map[string]any),
		Meta:       scim.Meta{Created: &created, LastModified: &modified},
	}
	if ext, ok := a.attrs["externalId"].(string); ok {
		r.ExternalID = optional.NewString(ext)
	}
	return r
}

// userNameTaken reports whether another account has userName. userName is
// caseExact=false and uniqueness=server in the library's User schema; the
// library leaves enforcing uniqueness to the handler, so a store does it.
func (h *userHandler) userNameTaken(userName any, exceptID string) bool {
	name, _ := userName.(string)
	if name == "" {
		// Groups have no userName.
		return false
	}
	for id, a := range h.users {
		if id == exceptID {
			continue
		}
		if other, _ := a.attrs["userName"].(string); strings.EqualFold(other, name) {
			return true
		}
	}
	return false
}

func (h *userHandler) Create(_ *http.Request, attributes scim.ResourceAttributes) (scim.Resource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.userNameTaken(attributes["userName"], "") {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	now := h.now()
	a := &account{id: newID(), attrs: deepCopy(attributes).(map[string]any), created: now, modified: now}
	h.users[a.id] = a
	h.order = append(h.order, a.id)
	return a.resource(), nil
}

func (h *userHandler) Get(_ *http.Request, id string) (scim.Resource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.users[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	return a.resource(), nil
}

// filterable is what the library's filter.Validator.PassesFilter looks at:
// the stored attributes plus the common attribute "id".
func (a *account) filterable() map[string]any {
	m := deepCopy(a.attrs).(map[string]any)
	m["id"] = a.id
	return m
}

func (h *userHandler) GetAll(_ *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	// The filter was parsed and validated by the library; whether an
	// account matches is the library's filter.Validator's call too.
	var matched []*account
	for _, id := range h.order {
		a := h.users[id]
		if params.FilterValidator != nil && params.FilterValidator.PassesFilter(a.filterable()) != nil {
			continue
		}
		matched = append(matched, a)
	}
	// Paging is the handler's job (ListRequestParams carries the library's
	// clamped count and 1-based startIndex). As in the library's own example
	// handler, an empty page is an empty slice ("Resources": []); nil would
	// be rendered as "Resources": null. With count=0 the page stays nil, as
	// the example handler does too.
	page := scim.Page{TotalResults: len(matched)}
	if params.Count > 0 {
		page.Resources = []scim.Resource{}
	}
	start := params.StartIndex - 1
	for i := start; i < len(matched) && i < start+params.Count; i++ {
		page.Resources = append(page.Resources, matched[i].resource())
	}
	return page, nil
}

func (h *userHandler) Replace(_ *http.Request, id string, attributes scim.ResourceAttributes) (scim.Resource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.users[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	if h.userNameTaken(attributes["userName"], id) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	a.attrs = deepCopy(attributes).(map[string]any)
	a.modified = h.now()
	return a.resource(), nil
}

func (h *userHandler) Delete(_ *http.Request, id string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.users[id]; !ok {
		return scimerrors.ScimErrorResourceNotFound(id)
	}
	delete(h.users, id)
	for i, o := range h.order {
		if o == id {
			h.order = append(h.order[:i], h.order[i+1:]...)
			break
		}
	}
	return nil
}

// Patch applies the operations the library parsed and validated, in order,
// to a copy of the account; the account changes only when all succeed
// (RFC 7644 §3.5.2: a PATCH is atomic). It always answers with the
// resulting resource (200), never 204.
func (h *userHandler) Patch(_ *http.Request, id string, operations []scim.PatchOperation) (scim.Resource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.users[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	attrs := deepCopy(a.attrs).(map[string]any)
	for _, op := range operations {
		if err := h.applyOp(attrs, op); err != nil {
			return scim.Resource{}, err
		}
	}
	if h.userNameTaken(attrs["userName"], id) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	a.attrs = attrs
	a.modified = h.now()
	return a.resource(), nil
}

// snapshot returns what the store holds for one account, with its id.
func (h *userHandler) snapshot(id string) (map[string]any, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.users[id]
	if !ok {
		return nil, false
	}
	return a.filterable(), true
}

func (h *userHandler) all() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]map[string]any, 0, len(h.order))
	for _, id := range h.order {
		out = append(out, h.users[id].filterable())
	}
	return out
}

// jsonText renders v for error messages.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
