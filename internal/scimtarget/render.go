package scimtarget

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// timeFormat is xsd:dateTime with millisecond precision: fine enough that
// consecutive edits differ, coarse enough to read.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// etagOf is the weak entity tag of a resource version (RFC 7644 §3.14).
func etagOf(r *resource) string { return fmt.Sprintf(`W/"%d"`, r.version) }

// render builds the full representation of a stored resource: a deep copy of
// its attributes plus schemas, id and meta. base is the absolute SCIM base URL
// used for meta.location. withVersion is false when the ETag capability is
// off. The result still contains returned=never attributes (the control API
// shows them); stripNever removes them for SCIM responses.
func render(rt *resourceType, r *resource, base string, withVersion bool) map[string]any {
	out := copyDoc(r.doc)
	schemas := []any{rt.Schema}
	for _, ext := range rt.extensions {
		if _, ok := out[ext.ID]; ok {
			schemas = append(schemas, ext.ID)
		}
	}
	out["schemas"] = schemas
	out["id"] = r.id
	meta := map[string]any{
		"resourceType": rt.Name,
		"created":      formatTime(r.created),
		"lastModified": formatTime(r.lastModified),
		"location":     base + rt.Endpoint + "/" + r.id,
	}
	if withVersion {
		meta["version"] = etagOf(r)
	}
	out["meta"] = meta
	return out
}

// stripNever removes attributes whose returned characteristic is "never"
// (password) from a rendered resource.
func stripNever(rt *resourceType, doc map[string]any) {
	strip := func(attrs []*attribute, c map[string]any) {
		for _, a := range attrs {
			if a.Returned == retNever {
				delete(c, a.Name)
				continue
			}
			if !a.isComplex() {
				continue
			}
			var elems []any
			if a.MultiValued {
				elems, _ = c[a.Name].([]any)
			} else if c[a.Name] != nil {
				elems = []any{c[a.Name]}
			}
			for _, e := range elems {
				if m, ok := e.(map[string]any); ok {
					for _, sa := range a.SubAttributes {
						if sa.Returned == retNever {
							delete(m, sa.Name)
						}
					}
				}
			}
		}
	}
	strip(rt.core.Attributes, doc)
	for _, ext := range rt.extensions {
		if m, ok := doc[ext.ID].(map[string]any); ok {
			strip(ext.Attributes, m)
		}
	}
}

// projection is a parsed attributes= or excludedAttributes= list
// (RFC 7644 §3.4.2.5).
type projection struct {
	// whole[container][attr] is true when the attribute is named as a whole;
	// subs[container][attr] lists the named sub-attributes otherwise.
	whole   map[string]map[string]bool
	subs    map[string]map[string]map[string]bool
	wholeEx map[string]bool // whole extensions
}

// parseProjection parses a comma-separated attribute list; nil means no list
// was given. Names the schema does not know are ignored, as most servers do,
// so a list of only unknown names yields just the always-returned attributes.
func parseProjection(rt *resourceType, list string) *projection {
	if strings.TrimSpace(strings.ReplaceAll(list, ",", "")) == "" {
		return nil
	}
	p := &projection{whole: map[string]map[string]bool{}, subs: map[string]map[string]map[string]bool{}, wholeEx: map[string]bool{}}
	for _, item := range strings.Split(list, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		ref, ok := parseAttrPathString(rt, item)
		if !ok {
			continue
		}
		ck := ref.containerKey()
		switch {
		case ref.attr == nil:
			p.wholeEx[ck] = true
		case ref.sub == nil:
			if p.whole[ck] == nil {
				p.whole[ck] = map[string]bool{}
			}
			p.whole[ck][ref.attr.Name] = true
		default:
			if p.subs[ck] == nil {
				p.subs[ck] = map[string]map[string]bool{}
			}
			if p.subs[ck][ref.attr.Name] == nil {
				p.subs[ck][ref.attr.Name] = map[string]bool{}
			}
			p.subs[ck][ref.attr.Name][ref.sub.Name] = true
		}
	}
	return p
}

// isAlways reports attributes that are returned whatever the client asks:
// schemas, id and meta at the core level, and attributes declared
// returned=always.
func isAlways(ck string, a *attribute) bool {
	if ck == "" && (a.Name == "id" || a.Name == "meta") {
		return true
	}
	return a.Returned == retAlways
}

// applyProjection filters a rendered (never-stripped) resource in place.
func applyProjection(rt *resourceType, doc map[string]any, include, exclude *projection) {
	type level struct {
		ck    string
		attrs []*attribute
		c     map[string]any
	}
	levels := []level{{"", append(append([]*attribute{}, commonAttributes...), rt.core.Attributes...), doc}}
	for _, ext := range rt.extensions {
		if m, ok := doc[ext.ID].(map[string]any); ok {
			levels = append(levels, level{ext.ID, ext.Attributes, m})
		}
	}
	for _, lv := range levels {
		for _, a := range lv.attrs {
			v, ok := lv.c[a.Name]
			if !ok || isAlways(lv.ck, a) {
				continue
			}
			if include != nil && !include.wholeEx[lv.ck] {
				switch {
				case include.whole[lv.ck][a.Name]:
				case include.subs[lv.ck][a.Name] != nil:
					lv.c[a.Name] = keepSubs(v, include.subs[lv.ck][a.Name], true)
				default:
					delete(lv.c, a.Name)
					continue
				}
			} else if include == nil && a.Returned == retRequest {
				delete(lv.c, a.Name)
				continue
			}
			if exclude != nil {
				switch {
				case exclude.wholeEx[lv.ck] || exclude.whole[lv.ck][a.Name]:
					delete(lv.c, a.Name)
				case exclude.subs[lv.ck][a.Name] != nil:
					lv.c[a.Name] = keepSubs(lv.c[a.Name], exclude.subs[lv.ck][a.Name], false)
				}
			}
			if lv.c[a.Name] == nil {
				delete(lv.c, a.Name)
			}
		}
		if lv.ck != "" && len(lv.c) == 0 {
			delete(doc, lv.ck)
		}
	}
	// Extensions that were projected away entirely.
	for _, ext := range rt.extensions {
		if _, ok := doc[ext.ID]; !ok {
			continue
		}
		if include != nil && !include.wholeEx[ext.ID] && include.whole[ext.ID] == nil && include.subs[ext.ID] == nil {
			delete(doc, ext.ID)
		}
		if exclude != nil && exclude.wholeEx[ext.ID] {
			delete(doc, ext.ID)
		}
	}
}

// keepSubs keeps (keep=true) or drops (keep=false) the named sub-attributes
// of a complex value or of every element of a multi-valued one. It returns
// nil when nothing is left.
func keepSubs(v any, names map[string]bool, keep bool) any {
	filterMap := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, sv := range m {
			if names[k] == keep {
				out[k] = sv
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	switch x := v.(type) {
	case map[string]any:
		if m := filterMap(x); m != nil {
			return m
		}
		return nil
	case []any:
		var out []any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				if fm := filterMap(m); fm != nil {
					out = append(out, fm)
				}
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

// sortResources orders rendered resources by sortBy (RFC 7644 §3.4.2.3).
// Unassigned values sort last in ascending order; the sort is stable so that
// ties keep creation order.
func sortResources(docs []map[string]any, ref attrRef, descending bool) {
	key := func(d map[string]any) (any, bool) {
		vals := ref.values(d)
		if len(vals) == 0 {
			return nil, false
		}
		// For multi-valued attributes the primary value decides.
		if ref.attr != nil && ref.attr.MultiValued && ref.sub != nil {
			if elems, ok := ref.container(d, false)[ref.attr.Name].([]any); ok {
				for _, e := range elems {
					if m, ok := e.(map[string]any); ok {
						if p, _ := m["primary"].(bool); p {
							if v, ok := m[ref.sub.Name]; ok {
								return v, true
							}
						}
					}
				}
			}
		}
		return vals[0], true
	}
	leaf := ref.leaf()
	less := func(a, b any) int {
		switch x := a.(type) {
		case string:
			y, _ := b.(string)
			if leaf.Type == typeDateTime {
				tx, _ := time.Parse(time.RFC3339Nano, x)
				ty, _ := time.Parse(time.RFC3339Nano, y)
				return tx.Compare(ty)
			}
			if !leaf.CaseExact {
				x, y = strings.ToLower(x), strings.ToLower(y)
			}
			return strings.Compare(x, y)
		case bool:
			y, _ := b.(bool)
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
		fx, _ := toFloat(a)
		fy, _ := toFloat(b)
		return compareFloat(fx, fy)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		ki, oki := key(docs[i])
		kj, okj := key(docs[j])
		if !oki || !okj {
			// Present before absent ascending; absent first descending.
			if descending {
				return !oki && okj
			}
			return oki && !okj
		}
		c := less(ki, kj)
		if descending {
			return c > 0
		}
		return c < 0
	})
}
