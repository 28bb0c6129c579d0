package appcheck

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// probeUsers reads /Users: the listing, paging, the largest page, filters,
// the attributes parameter, and one user (its ETag, and whether the
// listing shows as much of it as a read). It returns the first listed
// user, whose id is empty when the app lists none.
func (c *checker) probeUsers(ctx context.Context, rts, schemas map[string]any) (user, error) {
	o := &c.rep.obs
	var u user

	// A listing without filter. A token the app refuses shows here at the
	// latest (discovery may be public).
	x := c.get(ctx, "/Users", param{"count", "1"})
	switch {
	case x.err != nil:
		return u, fmt.Errorf("%w: %s", ErrUnreachable, x.evidence())
	case x.status == http.StatusUnauthorized || x.status == http.StatusForbidden:
		return u, tokenRefused(x)
	case x.status >= 300 && x.status < 400, x.status == http.StatusNotFound:
		return u, fmt.Errorf("no SCIM /Users at %s: %s", c.base, x.evidence())
	}
	total, haveTotal := num(x.doc, "totalResults")
	listing := Finding{ID: "users.listing", Title: "listing without filter", Evidence: x.evidence()}
	notChecked := "the app refuses listings without a filter"
	switch scimType, _ := x.scimError(); {
	case x.ok():
		o.listing = yes
		listing.Result = "served"
		listing.Evidence += listed(x.doc, "")
		if rs := resources(x.doc); len(rs) > 0 {
			u = user{id: str(rs[0], "id"), userName: str(rs[0], "userName"), listed: rs[0], from: x.shown}
		}
		c.noteListForm(x)
	case x.status >= 500:
		// A failure says nothing about what the app lists.
		listing.Result = "failed"
		listing.Detail = "the app failed the listing; whether it lists without a filter is not known"
		notChecked = "the listing without filter failed"
	case strings.EqualFold(scimType, "tooMany"):
		o.listing, o.listingTooMany = no, true
		listing.Result = "refused"
		listing.Detail = "the app lists users only with a filter (tooMany)"
	default:
		o.listing = no
		listing.Result = "refused"
		listing.Detail = "the app refuses to list users without a filter"
	}
	c.add(listing)

	if o.listing == yes {
		if uu := c.probePaging(ctx, total, haveTotal); uu.id != "" {
			u = uu
		}
		c.probeCursor(ctx, total, haveTotal)
		c.probePageSize(ctx)
	} else {
		for _, p := range []struct{ id, title string }{
			{"users.paging_index", "paging by index"}, {"users.paging_cursor", "paging by cursor"}, {"users.page_size", "largest page"},
		} {
			c.add(Finding{ID: p.id, Title: p.title, Result: "not checked", Detail: notChecked, Evidence: x.evidence()})
		}
	}

	c.probeFilters(ctx, u)
	c.addListForm()
	c.probeAttributes(ctx, u, rts, schemas)
	c.probeRead(ctx, u)
	return u, nil
}

// listed describes a list answer for evidence: ", totalResults 3, 1 user".
func listed(doc map[string]any, noun string) string {
	if noun == "" {
		noun = "user"
	}
	s := ""
	if n, ok := num(doc, "totalResults"); ok {
		s += fmt.Sprintf(", totalResults %d", n)
	}
	if n, ok := num(doc, "itemsPerPage"); ok {
		s += fmt.Sprintf(", itemsPerPage %d", n)
	}
	n := len(resources(doc))
	s += ", " + strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// firstID is the id of the first resource of a list answer.
func firstID(x *exchange) string {
	if rs := resources(x.doc); len(rs) > 0 {
		return str(rs[0], "id")
	}
	return ""
}

// probePaging pages by index: startIndex=1 and 2, one user each.
func (c *checker) probePaging(ctx context.Context, total int, haveTotal bool) user {
	o := &c.rep.obs
	var u user
	p1 := c.get(ctx, "/Users", param{"startIndex", "1"}, param{"count", "1"})
	if rs := resources(p1.doc); p1.ok() && len(rs) > 0 {
		u = user{id: str(rs[0], "id"), userName: str(rs[0], "userName"), listed: rs[0], from: p1.shown}
	}
	if n, ok := num(p1.doc, "totalResults"); p1.ok() && ok {
		total, haveTotal = n, true
	}
	f := Finding{ID: "users.paging_index", Title: "paging by index", Evidence: p1.evidence() + idOf(p1)}
	if !p1.ok() {
		f.Result = "refused"
		o.indexPaging = no
		c.add(f)
		return u
	}
	if haveTotal && total < 2 {
		f.Result = "inconclusive"
		f.Detail = fmt.Sprintf("the app lists %d user(s); two are needed to tell", total)
		c.add(f)
		return u
	}
	p2 := c.get(ctx, "/Users", param{"startIndex", "2"}, param{"count", "1"})
	f.Evidence += "; " + p2.evidence() + idOf(p2)
	id1, id2 := firstID(p1), firstID(p2)
	switch {
	case !p2.ok():
		f.Result = "refused"
		f.Detail = "startIndex=2 is refused"
		o.indexPaging = no
	case id1 == "" && id2 == "":
		f.Result = "inconclusive"
		f.Detail = "the app listed no user"
	case id2 == "" && haveTotal:
		f.Result = "broken"
		f.Detail = fmt.Sprintf("startIndex=2 answered no user although totalResults is %d", total)
		o.indexPaging = no
	case id2 == "":
		f.Result = "inconclusive"
		f.Detail = "startIndex=2 answered no user, and without totalResults that may be the end"
	case id1 == id2:
		f.Result = "ignored"
		f.Detail = "startIndex=2 answered the same user as startIndex=1"
		o.indexPaging = no
		o.startIndexIgnored = true
	default:
		f.Result = "works"
		f.Detail = "startIndex=2 answered the next user"
		o.indexPaging = yes
	}
	c.add(f)
	return u
}

func idOf(x *exchange) string {
	if !x.ok() {
		return ""
	}
	if id := firstID(x); id != "" {
		return ", id " + strconv.Quote(id)
	}
	return ", no user"
}

// probeCursor asks for the first page by cursor (RFC 9865).
func (c *checker) probeCursor(ctx context.Context, total int, haveTotal bool) {
	o := &c.rep.obs
	x := c.get(ctx, "/Users", param{"cursor", ""}, param{"count", "1"})
	f := Finding{ID: "users.paging_cursor", Title: "paging by cursor", Evidence: x.evidence()}
	next := str(x.doc, "nextCursor")
	switch {
	case !x.ok():
		f.Result = "refused"
		o.cursorPaging = no
	case next != "":
		f.Result = "works"
		f.Evidence += listed(x.doc, "") + ", nextCursor present"
		o.cursorPaging = yes
	case haveTotal && total >= 2:
		f.Result = "not offered"
		f.Evidence += listed(x.doc, "") + ", no nextCursor"
		f.Detail = fmt.Sprintf("no nextCursor although the app lists %d users", total)
		o.cursorPaging = no
	default:
		f.Result = "inconclusive"
		f.Evidence += listed(x.doc, "") + ", no nextCursor"
		f.Detail = "no nextCursor, and the app may list a single user"
	}
	c.add(f)
}

// probePageSize asks for 1000 users and, when the app refuses that count,
// for the page size it advertises (or 100).
func (c *checker) probePageSize(ctx context.Context) {
	s := c.rep.obs.spc
	const ask = 1000
	x := c.get(ctx, "/Users", param{"count", strconv.Itoa(ask)})
	f := Finding{ID: "users.page_size", Title: "largest page", Evidence: x.evidence()}
	asked := ask
	fallback, why := 0, ""
	if !x.ok() && x.err == nil && x.status >= 400 && x.status < 500 {
		fallback, why = 100, "a common limit"
		if n, ok := num(s.pagination, "maxPageSize"); ok && n > 0 {
			fallback, why = n, "the advertised pagination.maxPageSize"
		} else if s.maxResults > 0 {
			fallback, why = s.maxResults, "the advertised filter.maxResults"
		}
		if fallback < ask {
			asked = fallback
			x = c.get(ctx, "/Users", param{"count", strconv.Itoa(fallback)})
			f.Evidence += "; " + x.evidence()
		}
	}
	if !x.ok() {
		f.Result = "refused"
		c.add(f)
		return
	}
	n := len(resources(x.doc))
	f.Evidence += listed(x.doc, "")
	total, haveTotal := num(x.doc, "totalResults")
	switch {
	case haveTotal && n < min(asked, total):
		f.Result = fmt.Sprintf("at most %d", n)
		f.Detail = fmt.Sprintf("asked for %d of %d users, the app served %d", asked, total, n)
	case asked < ask:
		f.Result = fmt.Sprintf("count=%d refused", ask)
		f.Detail = fmt.Sprintf("count=%d (%s) is served", asked, why)
	default:
		f.Result = "no limit seen"
		f.Detail = fmt.Sprintf("count=%d served all %d users", asked, n)
	}
	if s.maxResults > 0 && n > s.maxResults {
		f.Detail += fmt.Sprintf("; more than the advertised maxResults %d", s.maxResults)
	}
	c.add(f)
}

// filterValue quotes v for a filter (RFC 7644 §3.4.2.2: a JSON string).
func filterValue(v string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
}

// probeFilters tries each filter operator on userName, with the first
// listed user's userName (or one no app holds).
func (c *checker) probeFilters(ctx context.Context, u user) {
	o := &c.rep.obs
	v := u.userName
	if v == "" {
		v = nobody
	}
	r := []rune(v)
	prefix := string(r[:(len(r)+1)/2])
	inner := v
	if len(r) > 2 {
		inner = string(r[1 : len(r)-1])
	}
	q := filterValue(v)
	for _, p := range []struct{ op, filter string }{
		{"eq", "userName eq " + q},
		{"and", "userName eq " + q + " and userName eq " + q},
		{"or", "userName eq " + q + " or userName eq " + filterValue(nobody)},
		{"sw", "userName sw " + filterValue(prefix)},
		{"co", "userName co " + filterValue(inner)},
		{"pr", "userName pr"},
	} {
		x := c.get(ctx, "/Users", param{"filter", p.filter}, param{"count", "1"})
		f := Finding{ID: "users.filter_" + p.op, Title: "filter " + p.op, Evidence: x.evidence()}
		switch {
		case x.err != nil:
			f.Result = "no answer"
		case x.ok():
			f.Result = "accepted"
			o.filters[p.op] = yes
			f.Evidence += listed(x.doc, "")
			if p.op == "eq" && u.userName != "" && len(resources(x.doc)) == 0 {
				f.Detail = "but found no user with the userName the listing gave"
			}
			c.noteListForm(x)
		case x.status >= 400 && x.status < 500:
			f.Result = "refused"
			o.filters[p.op] = no
		default:
			f.Result = "failed"
		}
		c.add(f)
	}
}

// onlyEq: of the filter operators tried, eq alone was accepted.
func (o observations) onlyEq() bool {
	if o.filters["eq"] != yes {
		return false
	}
	for _, op := range []string{"and", "or", "sw", "co", "pr"} {
		if o.filters[op] != no {
			return false
		}
	}
	return true
}

// listForm is the first list answer in index form, for the finding
// users.list_form.
type listForm struct {
	evidence string
	// key is how the answer spelt "Resources", "" when it had none.
	key                               string
	totalResults, startIndex, perPage bool
}

// noteListForm keeps the form of the first list answer (not a cursor
// answer) that was served.
func (c *checker) noteListForm(x *exchange) {
	if c.form != nil || !x.ok() || x.doc == nil {
		return
	}
	f := &listForm{evidence: x.shown}
	for k := range x.doc {
		if strings.EqualFold(k, "Resources") {
			f.key = k
		}
	}
	_, f.totalResults = lookupFold(x.doc, "totalResults")
	_, f.startIndex = lookupFold(x.doc, "startIndex")
	_, f.perPage = lookupFold(x.doc, "itemsPerPage")
	c.form = f
}

// addListForm reports how list answers are spelt: "Resources" and the
// paging members of RFC 7644 §3.4.2.
func (c *checker) addListForm() {
	o := &c.rep.obs
	f := Finding{ID: "users.list_form", Title: "list answer form"}
	lf := c.form
	if lf == nil {
		f.Result, f.Detail, f.Evidence = "not checked", "no list answer was served", "no list answer"
		c.add(f)
		return
	}
	var has, odd []string
	for _, m := range []struct {
		name string
		ok   bool
	}{{"totalResults", lf.totalResults}, {"startIndex", lf.startIndex}, {"itemsPerPage", lf.perPage}} {
		if m.ok {
			has = append(has, m.name)
		}
	}
	switch lf.key {
	case "":
	case "Resources":
		o.resourcesLower = no
		has = append(has, lf.key)
	default:
		has = append(has, strconv.Quote(lf.key))
		if lf.key == "resources" {
			o.resourcesLower = yes
		}
		odd = append(odd, strconv.Quote(lf.key)+" for Resources")
	}
	if !lf.startIndex && !lf.perPage {
		o.noPagingFields = yes
		odd = append(odd, "no startIndex or itemsPerPage")
	} else {
		o.noPagingFields = no
	}
	f.Evidence = lf.evidence + ": " + strings.Join(has, ", ")
	if len(has) == 0 {
		f.Evidence = lf.evidence + ": none of totalResults, startIndex, itemsPerPage, Resources"
	}
	if len(odd) == 0 {
		f.Result = "standard"
	} else {
		f.Result = "non-standard"
		f.Detail = strings.Join(odd, "; ")
	}
	c.add(f)
}

// probeAttributes asks for attributes=userName on a listing (honoured,
// ignored or refused), then for an extension attribute on a read (some
// apps refuse those only).
func (c *checker) probeAttributes(ctx context.Context, u user, rts, schemas map[string]any) {
	o := &c.rep.obs
	params := []param{{"attributes", "userName"}, {"count", "1"}}
	if o.listing == no {
		v := u.userName
		if v == "" {
			v = nobody
		}
		params = append([]param{{"filter", "userName eq " + filterValue(v)}}, params...)
	}
	x := c.get(ctx, "/Users", params...)
	f := Finding{ID: "users.attributes", Title: "attributes=userName", Evidence: x.evidence()}
	switch {
	case x.err != nil:
		f.Result = "no answer"
	case !x.ok():
		f.Result = attrsRefused
		o.attributes = attrsRefused
	default:
		rs := resources(x.doc)
		if len(rs) == 0 {
			f.Result = "accepted"
			f.Detail = "no user in the answer to tell whether it was honoured"
			break
		}
		var extra []string
		for k := range rs[0] {
			switch strings.ToLower(k) {
			case "id", "username", "schemas", "meta":
			default:
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		if len(extra) == 0 {
			f.Result = attrsHonoured
			o.attributes = attrsHonoured
			f.Evidence += ", the user holds only id, userName, schemas and meta"
		} else {
			f.Result = attrsIgnored
			o.attributes = attrsIgnored
			f.Evidence += ", the user also holds " + strings.Join(limit(extra, 6), ", ")
			f.Detail = "the provider drops what it did not ask for itself"
		}
	}
	c.add(f)

	attr := extensionAttribute(rts, schemas)
	ext := Finding{ID: "users.attributes_extension", Title: "attributes with an extension attribute"}
	var y *exchange
	if u.id != "" {
		y = c.get(ctx, "/Users/"+url.PathEscape(u.id), param{"attributes", "userName," + attr})
	} else {
		params[len(params)-2] = param{"attributes", "userName," + attr}
		y = c.get(ctx, "/Users", params...)
	}
	ext.Evidence = y.evidence()
	switch {
	case y.err != nil:
		ext.Result = "no answer"
	case y.ok():
		ext.Result = "accepted"
		o.attributesExtension = yes
	default:
		ext.Result = "refused"
		ext.Detail = "reads naming an extension attribute fail while attributes is sent"
		o.attributesExtension = no
	}
	c.add(ext)
}

func limit(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string(nil), s[:n]...), fmt.Sprintf("and %d more", len(s)-n))
}

// extensionAttribute is an extension attribute of User to name in
// attributes=: the enterprise extension's employeeNumber when the app has
// that extension or does not say, else the first attribute /Schemas gives
// of the first extension /ResourceTypes names.
func extensionAttribute(rts, schemas map[string]any) string {
	def := schemaEnterpriseUser + ":employeeNumber"
	var exts []string
	for _, rt := range resources(rts) {
		if !strings.EqualFold(str(rt, "endpoint"), "/Users") && !strings.EqualFold(str(rt, "name"), "User") {
			continue
		}
		l, _ := list(rt, "schemaExtensions")
		for _, e := range l {
			if m, ok := e.(map[string]any); ok && str(m, "schema") != "" {
				exts = append(exts, str(m, "schema"))
			}
		}
	}
	if len(exts) == 0 {
		return def
	}
	for _, e := range exts {
		if strings.EqualFold(e, schemaEnterpriseUser) {
			return def
		}
	}
	for _, s := range resources(schemas) {
		if !strings.EqualFold(str(s, "id"), exts[0]) {
			continue
		}
		attrs, _ := list(s, "attributes")
		for _, a := range attrs {
			if m, ok := a.(map[string]any); ok && str(m, "name") != "" {
				return exts[0] + ":" + str(m, "name")
			}
		}
	}
	return def
}

// probeRead reads the first listed user by itself: its ETag and
// meta.version, and whether its listed representation holds as much.
func (c *checker) probeRead(ctx context.Context, u user) {
	o := &c.rep.obs
	etag := Finding{ID: "users.etag", Title: "ETags"}
	cmp := Finding{ID: "users.listing_vs_read", Title: "listing as complete as a read"}
	if u.id == "" {
		etag.Result, cmp.Result = "not checked", "not checked"
		etag.Detail, cmp.Detail = "the app lists no user to read", "the app lists no user to read"
		etag.Evidence, cmp.Evidence = "no user listed", "no user listed"
		c.add(etag)
		c.add(cmp)
		return
	}
	x := c.get(ctx, "/Users/"+url.PathEscape(u.id))
	etag.Evidence, cmp.Evidence = x.evidence(), x.evidence()
	if !x.ok() || x.doc == nil {
		etag.Result, cmp.Result = "not checked", "not checked"
		etag.Detail = "the first listed user could not be read"
		cmp.Detail = etag.Detail
		c.add(etag)
		c.add(cmp)
		return
	}
	version := str(obj(x.doc, "meta"), "version")
	header := x.header.Get("ETag")
	o.metaVersion, o.etagHeader = no, no
	var seen []string
	if version != "" {
		o.metaVersion = yes
		seen = append(seen, "meta.version "+version)
	} else {
		seen = append(seen, "no meta.version")
	}
	if header != "" {
		o.etagHeader = yes
		seen = append(seen, "ETag header "+header)
	} else {
		seen = append(seen, "no ETag header")
	}
	etag.Evidence += ", " + strings.Join(seen, ", ")
	switch {
	case version != "" && header != "":
		etag.Result = "present"
	case version != "" || header != "":
		etag.Result = "partial"
	default:
		etag.Result = "absent"
	}
	switch adv := o.spc.etag; {
	case adv && etag.Result == "absent":
		etag.Detail = "although etag.supported is true"
	case !adv && etag.Result != "absent":
		etag.Detail = "although etag.supported is false"
	default:
		etag.Detail = "as advertised"
	}
	c.add(etag)

	if u.listed == nil {
		cmp.Result = "not checked"
		c.add(cmp)
		return
	}
	o.listingCompared = true
	lacks := lacking(u.listed, x.doc)
	o.listingLacks = lacks
	cmp.Evidence = u.from + " and " + cmp.Evidence
	if len(lacks) == 0 {
		cmp.Result = "yes"
		cmp.Evidence += ": the listed user holds every attribute the read does"
	} else {
		cmp.Result = "no"
		cmp.Evidence += ": the listed user lacks " + strings.Join(limit(lacks, 6), ", ")
	}
	c.add(cmp)
}

// lacking are the attributes read holds and listed does not: top-level
// attributes and, one level down, the sub-attributes of complex attributes
// and of extensions (a listing may keep an extension but leave out some
// of its attributes). meta and multi-valued attributes are compared only
// as present or absent. Names compare case-insensitively (RFC 7643 §2.1);
// an extension's attributes are named "<urn>:<name>", the others
// "<attribute>.<sub-attribute>".
func lacking(listed, read map[string]any) []string {
	var out []string
	for k, v := range read {
		lv, ok := lookupFold(listed, k)
		if !ok {
			out = append(out, k)
			continue
		}
		sub, isObj := v.(map[string]any)
		lsub, listedObj := lv.(map[string]any)
		if !isObj || !listedObj || strings.EqualFold(k, "meta") {
			continue
		}
		sep := "."
		if strings.HasPrefix(strings.ToLower(k), "urn:") {
			sep = ":"
		}
		for sk := range sub {
			if _, ok := lookupFold(lsub, sk); !ok {
				out = append(out, k+sep+sk)
			}
		}
	}
	sort.Strings(out)
	return out
}
