package scimtarget

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
)

// resource is one stored resource. doc holds the client-visible attributes in
// stored form (canonical names, extensions nested under their URN) without
// id, schemas and meta, which are rendered from the other fields.
type resource struct {
	id           string
	doc          map[string]any
	created      time.Time
	lastModified time.Time
	version      int
}

// collection is the set of resources of one type, kept in creation order so
// that list results are deterministic.
type collection struct {
	order []*resource
	byID  map[string]*resource
}

// store is the generic resource store, keyed by resource type name. It is not
// synchronised itself; Target.mu guards it.
type store struct {
	cols map[string]*collection
}

func newStore() *store { return &store{cols: map[string]*collection{}} }

func (s *store) col(rt *resourceType) *collection {
	c := s.cols[rt.Name]
	if c == nil {
		c = &collection{byID: map[string]*resource{}}
		s.cols[rt.Name] = c
	}
	return c
}

func (s *store) get(rt *resourceType, id string) *resource {
	return s.col(rt).byID[id]
}

func (s *store) list(rt *resourceType) []*resource {
	return append([]*resource(nil), s.col(rt).order...)
}

func (s *store) insert(rt *resourceType, r *resource) {
	c := s.col(rt)
	c.order = append(c.order, r)
	c.byID[r.id] = r
}

func (s *store) remove(rt *resourceType, id string) bool {
	c := s.col(rt)
	if _, ok := c.byID[id]; !ok {
		return false
	}
	delete(c.byID, id)
	for i, r := range c.order {
		if r.id == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	return true
}

// conflict reports the first attribute of doc whose value another resource
// (other than exceptID) already has, honouring uniqueness and caseExact from
// the schema, or "" when there is none.
func (s *store) conflict(rt *resourceType, doc map[string]any, exceptID string, q Quirks) string {
	var checks []attrRef
	for _, a := range rt.core.Attributes {
		if a.Uniqueness != uniqNone && a.Name != "id" && !a.isComplex() {
			checks = append(checks, attrRef{attr: a})
		}
	}
	for _, ext := range rt.extensions {
		for _, a := range ext.Attributes {
			if a.Uniqueness != uniqNone && !a.isComplex() {
				checks = append(checks, attrRef{ext: ext, attr: a})
			}
		}
	}
	if q.UniqueExternalID {
		checks = append(checks, attrRef{attr: rt.topAttr("externalId")})
	}
	for _, ref := range checks {
		mine := ref.values(doc)
		if len(mine) == 0 {
			continue
		}
		for _, other := range s.col(rt).order {
			if other.id == exceptID {
				continue
			}
			for _, theirs := range ref.values(other.doc) {
				for _, m := range mine {
					if sameValue(ref.attr, m, theirs) {
						return ref.String()
					}
				}
			}
		}
	}
	return ""
}

func sameValue(a *attribute, x, y any) bool {
	xs, ok1 := x.(string)
	ys, ok2 := y.(string)
	if ok1 && ok2 && !a.CaseExact {
		return strings.EqualFold(xs, ys)
	}
	return equalValues(x, y)
}

// newID returns a random (version 4) UUID, the id format most SCIM servers
// use and clients tend to assume.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
