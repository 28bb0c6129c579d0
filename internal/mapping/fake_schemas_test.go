package mapping

import (
	"fmt"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// Extension URNs used by the tests.
const (
	enterprise = scim.SchemaEnterpriseUser
	custom     = "urn:example:params:scim:schemas:extension:custom:2.0:User"
)

// fakeSchemas implements Schemas from schema definitions the way discovery
// will: core User attributes with or without URN, extensions only with
// theirs, names case-insensitive.
type fakeSchemas map[string][]scim.Attribute // schema URN -> attributes

func (f fakeSchemas) LookupUserAttribute(p scim.Path) (*scim.Attribute, *scim.Attribute, error) {
	urn := p.Schema
	if urn == "" {
		urn = scim.SchemaUser
	}
	var attrs []scim.Attribute
	for k, v := range f {
		if strings.EqualFold(k, urn) {
			attrs = v
		}
	}
	top := findAttr(attrs, p.Attribute)
	if top == nil {
		return nil, nil, fmt.Errorf("no attribute %q in schema %s", p.Attribute, urn)
	}
	if p.SubAttribute == "" {
		return top, nil, nil
	}
	sub := findAttr(top.SubAttributes, p.SubAttribute)
	if sub == nil {
		return nil, nil, fmt.Errorf("no sub-attribute %q in %s", p.SubAttribute, top.Name)
	}
	return sub, top, nil
}

func findAttr(attrs []scim.Attribute, name string) *scim.Attribute {
	for i := range attrs {
		if strings.EqualFold(attrs[i].Name, name) {
			return &attrs[i]
		}
	}
	return nil
}

func str(name string, opts ...func(*scim.Attribute)) scim.Attribute {
	a := scim.Attribute{Name: name, Type: scim.TypeString, Mutability: scim.MutabilityReadWrite, Returned: "default"}
	for _, o := range opts {
		o(&a)
	}
	return a
}

func typed(t string) func(*scim.Attribute) { return func(a *scim.Attribute) { a.Type = t } }
func mut(m string) func(*scim.Attribute)   { return func(a *scim.Attribute) { a.Mutability = m } }
func returned(r string) func(*scim.Attribute) {
	return func(a *scim.Attribute) { a.Returned = r }
}
func caseExact(a *scim.Attribute)    { a.CaseExact = true }
func requiredAttr(a *scim.Attribute) { a.Required = true }
func multi(a *scim.Attribute)        { a.MultiValued = true }
func canonical(v ...string) func(*scim.Attribute) {
	return func(a *scim.Attribute) { a.CanonicalValues = v }
}
func complexOf(subs ...scim.Attribute) func(*scim.Attribute) {
	return func(a *scim.Attribute) { a.Type = scim.TypeComplex; a.SubAttributes = subs }
}

// multiValuedContact is the shape of emails and phoneNumbers (RFC 7643 §4.1.2).
func multiValuedContact(name string, types ...string) scim.Attribute {
	return str(name, multi, complexOf(
		str("value"),
		str("display"),
		str("type", canonical(types...)),
		str("primary", typed(scim.TypeBoolean)),
	))
}

// rfcSchemas is the RFC 7643 core User and Enterprise User schema (the parts
// the tests need), plus a custom extension with an integer, a decimal, an
// immutable and a multi-valued simple attribute.
var rfcSchemas = fakeSchemas{
	scim.SchemaUser: {
		str("id", mut(scim.MutabilityReadOnly), caseExact, returned("always")),
		str("externalId", caseExact),
		str("userName", requiredAttr),
		str("name", complexOf(str("formatted"), str("familyName"), str("givenName"), str("middleName"))),
		str("displayName"),
		str("nickName"),
		str("title"),
		str("userType"),
		str("locale"),
		str("timezone"),
		str("active", typed(scim.TypeBoolean)),
		str("password", mut(scim.MutabilityWriteOnly), returned("never"), caseExact),
		multiValuedContact("emails", "work", "home", "other"),
		multiValuedContact("phoneNumbers", "work", "home", "mobile", "fax", "pager", "other"),
		str("groups", multi, mut(scim.MutabilityReadOnly), complexOf(
			str("value", mut(scim.MutabilityReadOnly)),
			str("display", mut(scim.MutabilityReadOnly)),
			str("type", mut(scim.MutabilityReadOnly), canonical("direct", "indirect")),
		)),
	},
	enterprise: {
		str("employeeNumber"),
		str("costCenter"),
		str("organization"),
		str("division"),
		str("department"),
		str("manager", complexOf(
			str("value"),
			str("$ref", typed(scim.TypeReference)),
			str("displayName", mut(scim.MutabilityReadOnly)),
		)),
	},
	custom: {
		str("seniority", typed(scim.TypeInteger)),
		str("fte", typed(scim.TypeDecimal)),
		str("contractor", typed(scim.TypeBoolean)),
		str("startDate", typed(scim.TypeDateTime)),
		str("badge", mut(scim.MutabilityImmutable), caseExact),
		str("tags", multi),
		str("tier", canonical("gold", "silver")),
		str("clearance", requiredAttr),
	},
}

func ptr(s string) *string { return &s }
