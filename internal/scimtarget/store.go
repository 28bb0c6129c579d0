package scimtarget

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode"
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
	// unique indexes the values of each attribute a uniqueness check has
	// looked at (by attrRef.String()), built on its first check and kept
	// up to date after, so a check does not scan every resource.
	unique map[string]*valueIndex
}

// valueIndex holds the resources with each value of one attribute. String
// values are filed under their case-folded form (foldKey), so a lookup
// finds every resource sameValue may call equal, whether the attribute is
// caseExact or not (sameValue then decides); other values, rare in unique
// attributes, are kept apart and compared one by one.
type valueIndex struct {
	ref      attrRef
	byString map[string]map[*resource]struct{}
	other    map[*resource]struct{}
}

func newValueIndex(ref attrRef, resources []*resource) *valueIndex {
	ix := &valueIndex{ref: ref, byString: map[string]map[*resource]struct{}{}, other: map[*resource]struct{}{}}
	for _, r := range resources {
		ix.add(r)
	}
	return ix
}

func (ix *valueIndex) add(r *resource) {
	for _, v := range ix.ref.values(r.doc) {
		if s, ok := v.(string); ok {
			k := foldKey(s)
			if ix.byString[k] == nil {
				ix.byString[k] = map[*resource]struct{}{}
			}
			ix.byString[k][r] = struct{}{}
		} else {
			ix.other[r] = struct{}{}
		}
	}
}

func (ix *valueIndex) drop(r *resource) {
	for _, v := range ix.ref.values(r.doc) {
		if s, ok := v.(string); ok {
			k := foldKey(s)
			delete(ix.byString[k], r)
			if len(ix.byString[k]) == 0 {
				delete(ix.byString, k)
			}
		} else {
			delete(ix.other, r)
		}
	}
}

// candidates returns the resources that may hold a value equal to v.
func (ix *valueIndex) candidates(v any, all []*resource) []*resource {
	s, ok := v.(string)
	if !ok {
		return all
	}
	var out []*resource
	for r := range ix.byString[foldKey(s)] {
		out = append(out, r)
	}
	for r := range ix.other {
		out = append(out, r)
	}
	return out
}

// foldKey maps every rune of s to the smallest rune of its Unicode
// simple-folding orbit: two strings are strings.EqualFold exactly when
// their keys are equal.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// index returns the value index of ref, building it on first use.
func (c *collection) index(ref attrRef) *valueIndex {
	key := ref.String()
	if ix := c.unique[key]; ix != nil {
		return ix
	}
	if c.unique == nil {
		c.unique = map[string]*valueIndex{}
	}
	ix := newValueIndex(ref, c.order)
	c.unique[key] = ix
	return ix
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
	for _, ix := range c.unique {
		ix.add(r)
	}
}

// setDoc replaces the attributes of a stored resource.
func (s *store) setDoc(rt *resourceType, r *resource, doc map[string]any) {
	c := s.col(rt)
	for _, ix := range c.unique {
		ix.drop(r)
	}
	r.doc = doc
	for _, ix := range c.unique {
		ix.add(r)
	}
}

func (s *store) remove(rt *resourceType, id string) bool {
	c := s.col(rt)
	r, ok := c.byID[id]
	if !ok {
		return false
	}
	for _, ix := range c.unique {
		ix.drop(r)
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
// (other than exceptID) already has, with that value, honouring uniqueness
// and caseExact from the schema, or "" when there is none.
func (s *store) conflict(rt *resourceType, doc map[string]any, exceptID string, q Quirks) (string, any) {
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
	checks = append(checks, uniqueRefs(rt, q)...)
	c := s.col(rt)
	for _, ref := range checks {
		mine := ref.values(doc)
		if len(mine) == 0 {
			continue
		}
		ix := c.index(ref)
		for _, m := range mine {
			for _, other := range ix.candidates(m, c.order) {
				if other.id == exceptID {
					continue
				}
				for _, theirs := range ref.values(other.doc) {
					if sameValue(ref.attr, m, theirs) {
						return ref.String(), m
					}
				}
			}
		}
	}
	return "", nil
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
