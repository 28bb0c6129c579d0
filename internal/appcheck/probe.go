package appcheck

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// tri is a yes/no observation that may not have been made.
type tri int8

const (
	unknown tri = iota
	yes
	no
)

// Attribute parameter outcomes (observations.attributes).
const (
	attrsHonoured = "honoured"
	attrsIgnored  = "ignored"
	attrsRefused  = "refused"
)

// nobody is a userName no app holds (.invalid is reserved, RFC 2606): the
// filter probes use it when the app lists no user.
const nobody = "scim-app-check-nobody@example.invalid"

const (
	schemaUser           = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaEnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	schemaPatchOp        = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

// observations are what the recommendations are derived from.
type observations struct {
	// spcServed: /ServiceProviderConfig answered a document; spc is it,
	// or the defaults the provider assumes without one.
	spcServed bool
	spc       spcInfo
	// listing: GET /Users without a filter is served (yes) or refused (no).
	listing tri
	// listingTooMany: the refusal of a listing said scimType tooMany.
	listingTooMany bool
	// resourcesLower: the first list answer spelt its resources
	// "resources" (yes) or "Resources" (no); noPagingFields: it had
	// neither startIndex nor itemsPerPage (yes) or had them (no).
	resourcesLower tri
	noPagingFields tri
	// filters are the filter operators on userName tried (eq, and, or,
	// sw, co, pr): accepted (yes) or refused (no).
	filters map[string]tri
	// indexPaging: startIndex pages (yes) or is ignored or broken (no);
	// startIndexIgnored says it answered the first page again.
	indexPaging       tri
	startIndexIgnored bool
	cursorPaging      tri
	// attributes is attrsHonoured, attrsIgnored, attrsRefused or "".
	attributes string
	// attributesExtension: an attributes list naming an extension
	// attribute is accepted (yes) or refused (no).
	attributesExtension tri
	// listingLacks are attributes a read of one user has and its listed
	// representation does not; listingCompared says the comparison ran.
	listingLacks    []string
	listingCompared bool
	// metaVersion and etagHeader: seen on a read of one user.
	metaVersion tri
	etagHeader  tri
	// groupsListing: GET /Groups without a filter is served (yes) or
	// refused (no).
	groupsListing tri
	// groupsNoMembers: the first listed group shows no members (yes).
	groupsNoMembers tri
	// memberFilter: `members eq "<user id>"` on /Groups is answered.
	memberFilter tri
}

// spcInfo is what /ServiceProviderConfig advertises.
type spcInfo struct {
	patch, bulk, filter, sort, etag, changePassword bool
	bulkMaxOperations, bulkMaxPayloadSize           int
	maxResults                                      int
	// pagination is draft-ietf-scim-cursor-pagination's (RFC 9865's)
	// object, nil when absent.
	pagination map[string]any
}

// defaultSPC is what the provider assumes without /ServiceProviderConfig
// (scim.DefaultServiceProviderConfig): PATCH and filtering, nothing else.
func defaultSPC() spcInfo { return spcInfo{patch: true, filter: true} }

// user is the first user an app lists, the subject of the read probes.
type user struct {
	id, userName string
	listed       map[string]any
	// from is the listing request that gave it, for evidence.
	from string
}

func (c *checker) add(f Finding) { c.rep.Findings = append(c.rep.Findings, f) }

func tokenRefused(x *exchange) error {
	return fmt.Errorf("%w (%s)", ErrTokenRefused, x.evidence())
}

// probe runs the read-only probes.
func (c *checker) probe(ctx context.Context) error {
	rts, schemas, err := c.probeDiscovery(ctx)
	if err != nil {
		return err
	}
	u, err := c.probeUsers(ctx, rts, schemas)
	if err != nil {
		return err
	}
	c.probeGroups(ctx, u)
	return nil
}

// discoveryMissing: answers that mean "not served", as the provider reads
// them (it then assumes RFC defaults).
func discoveryMissing(status int) bool {
	return status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status == http.StatusNotImplemented
}

// probeDiscovery reads the three discovery documents and what
// /ServiceProviderConfig advertises. It returns the /ResourceTypes and
// /Schemas answers (nil when not served).
func (c *checker) probeDiscovery(ctx context.Context) (rts, schemas map[string]any, err error) {
	o := &c.rep.obs
	o.spc = defaultSPC()
	for _, ep := range []struct{ path, id, missing string }{
		{"/ServiceProviderConfig", "discovery.service_provider_config", "the provider assumes PATCH and filtering, and no bulk, sort, ETags or password changes"},
		{"/ResourceTypes", "discovery.resource_types", "the provider assumes User at /Users with the enterprise extension"},
		{"/Schemas", "discovery.schemas", "the provider assumes the schemas of RFC 7643"},
	} {
		x := c.get(ctx, ep.path)
		if x.err != nil && ep.path == "/ServiceProviderConfig" {
			return nil, nil, fmt.Errorf("%w: %s", ErrUnreachable, x.evidence())
		}
		if x.status == http.StatusUnauthorized {
			return nil, nil, tokenRefused(x)
		}
		f := Finding{ID: ep.id, Title: ep.path, Evidence: x.evidence()}
		if ep.path == "/ServiceProviderConfig" && x.err == nil && discoveryMissing(x.status) {
			// SCIM 1.1 spelt it in the plural, and some SCIM 2.0 apps
			// still do (Salesforce); the provider reads it there too.
			y := c.get(ctx, "/ServiceProviderConfigs")
			if y.status == http.StatusUnauthorized {
				return nil, nil, tokenRefused(y)
			}
			f.Evidence += "; " + y.evidence()
			if y.ok() && y.doc != nil {
				x = y
				f.Detail = "at /ServiceProviderConfigs, the SCIM 1.1 name, where the provider reads it too"
			}
		}
		switch {
		case x.err != nil:
			f.Result = "no answer"
		case x.ok() && x.doc != nil:
			f.Result = "served"
			switch ep.path {
			case "/ServiceProviderConfig":
				o.spcServed = true
				o.spc = parseSPC(x.doc)
			case "/ResourceTypes":
				rts = x.doc
				f.Detail = describeResourceTypes(x.doc)
			case "/Schemas":
				schemas = x.doc
				f.Detail = fmt.Sprintf("%d schemas", len(resources(x.doc)))
			}
		case x.ok():
			f.Result = "unreadable"
			f.Detail = "the answer is not a JSON object"
		case discoveryMissing(x.status):
			f.Result = "missing"
			f.Detail = ep.missing
		case x.status == http.StatusForbidden:
			f.Result = "refused"
			f.Detail = "the token may not read it; the provider stops at discovery answered 403"
		default:
			f.Result = "failed"
			f.Detail = "the provider stops at a discovery document answered " + strconv.Itoa(x.status)
		}
		c.add(f)
	}
	c.addAdvertised()
	return rts, schemas, nil
}

func parseSPC(doc map[string]any) spcInfo {
	s := spcInfo{}
	sup := func(name string) bool { b, _ := boolean(obj(doc, name), "supported"); return b }
	s.patch, s.bulk, s.filter = sup("patch"), sup("bulk"), sup("filter")
	s.sort, s.etag, s.changePassword = sup("sort"), sup("etag"), sup("changePassword")
	s.bulkMaxOperations, _ = num(obj(doc, "bulk"), "maxOperations")
	s.bulkMaxPayloadSize, _ = num(obj(doc, "bulk"), "maxPayloadSize")
	s.maxResults, _ = num(obj(doc, "filter"), "maxResults")
	s.pagination = obj(doc, "pagination")
	return s
}

func describeResourceTypes(doc map[string]any) string {
	var parts []string
	for _, rt := range resources(doc) {
		p := str(rt, "name") + " at " + str(rt, "endpoint")
		if exts, _ := list(rt, "schemaExtensions"); len(exts) > 0 {
			var names []string
			for _, e := range exts {
				if m, ok := e.(map[string]any); ok {
					names = append(names, str(m, "schema"))
				}
			}
			p += " (extensions " + strings.Join(names, ", ") + ")"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "no resource types"
	}
	return strings.Join(parts, "; ")
}

func supported(b bool) string {
	if b {
		return "supported"
	}
	return "not supported"
}

// addAdvertised reports what /ServiceProviderConfig advertises, or what
// the provider assumes without it.
func (c *checker) addAdvertised() {
	o := c.rep.obs
	s := o.spc
	src := func(field string) string {
		if !o.spcServed {
			return "no /ServiceProviderConfig: what the provider assumes"
		}
		return "/ServiceProviderConfig " + field
	}
	ev := func(field string, b bool) string { return src(field) + " = " + strconv.FormatBool(b) }
	bulk := Finding{ID: "advertised.bulk", Title: "bulk", Result: supported(s.bulk), Evidence: ev("bulk.supported", s.bulk)}
	if s.bulk {
		bulk.Detail = fmt.Sprintf("maxOperations %d, maxPayloadSize %d", s.bulkMaxOperations, s.bulkMaxPayloadSize)
	}
	filter := Finding{ID: "advertised.filter", Title: "filter", Result: supported(s.filter), Evidence: ev("filter.supported", s.filter)}
	if s.maxResults > 0 {
		filter.Detail = fmt.Sprintf("maxResults %d", s.maxResults)
	} else if s.filter {
		filter.Detail = "no maxResults"
	}
	pag := Finding{ID: "advertised.pagination", Title: "pagination (RFC 9865)", Result: "not advertised",
		Evidence: src(`has no "pagination"`)}
	if s.pagination != nil {
		pag.Result = "advertised"
		pag.Detail = describeObject(s.pagination)
		pag.Evidence = src("pagination")
	} else if o.spcServed {
		pag.Evidence = `/ServiceProviderConfig has no "pagination"`
	}
	c.rep.Findings = append(c.rep.Findings,
		Finding{ID: "advertised.patch", Title: "patch", Result: supported(s.patch), Evidence: ev("patch.supported", s.patch)},
		bulk, filter,
		Finding{ID: "advertised.etag", Title: "etag", Result: supported(s.etag), Evidence: ev("etag.supported", s.etag)},
		Finding{ID: "advertised.sort", Title: "sort", Result: supported(s.sort), Evidence: ev("sort.supported", s.sort)},
		Finding{ID: "advertised.change_password", Title: "changePassword", Result: supported(s.changePassword), Evidence: ev("changePassword.supported", s.changePassword)},
		pag,
	)
}

// describeObject lists an object's members, sorted: "a=1, b=true".
func describeObject(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
