package scim

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets below run their seeds (f.Add and testdata/fuzz/<name>/)
// as ordinary tests in `go test ./...`; `make fuzz` explores further.

// FuzzParsePath: ParsePath never panics, and a path it accepts prints in a
// form that parses back to the same path (the provider stores and compares
// paths by their String()).
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"userName",
		"name.givenName",
		`emails[type eq "work"].value`,
		`emails[type eq "work" and primary eq true].value`,
		`emails[type eq "work" or type eq "home"]`,
		`emails[not (type eq "work")].value`,
		`emails[type pr]`,
		`emails[type eq "w\"x"].value`,
		`emails[type eq "caf\u00e9"].value`,
		`addresses[type eq "work" and (primary eq true or postalCode sw "9")].locality`,
		SchemaEnterpriseUser + ":department",
		SchemaEnterpriseUser + ":manager.value",
		SchemaUser + ":userName",
		`urn:example:ext:1.0:User:tags[value eq 3].display`,
		`members[value eq "2819c223-7f76-453a-919d-413861904646"]`,
		`x[y eq null]`,
		`x[y gt 1.5e3]`,
		`x[y eq 1e999]`,
		"  userName  ",
		"",
		"name.",
		"emails[",
		`emails[type eq "work"`,
		"a.b.c",
		"name.givenName[type eq \"x\"]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}
		str := p.String()
		p2, err := ParsePath(str)
		if err != nil {
			t.Fatalf("ParsePath(%q) gave %q, which does not parse: %v", s, str, err)
		}
		if got := p2.String(); got != str {
			t.Fatalf("round trip of %q: String() %q, then %q", s, str, got)
		}
		if p.Schema != p2.Schema || p.Attribute != p2.Attribute || p.SubAttribute != p2.SubAttribute || p.Filter != p2.Filter {
			t.Fatalf("round trip of %q changed the parts: %#v -> %#v", s, p, p2)
		}
		if p.IsFiltered() != p2.IsFiltered() {
			t.Fatalf("round trip of %q changed IsFiltered", s)
		}
		pairs, ok := p.FilterEquals()
		pairs2, ok2 := p2.FilterEquals()
		if ok != ok2 || !reflect.DeepEqual(pairs, pairs2) {
			t.Fatalf("round trip of %q changed FilterEquals: %v %v -> %v %v", s, pairs, ok, pairs2, ok2)
		}
		// An element carrying the filter's eq pairs is selected by the
		// filter: that is how ExpandFilteredOps and BuildResource make an
		// element the same path finds again.
		if ok {
			el := map[string]any{}
			for k, v := range pairs {
				el[k] = v
			}
			if !p.Matches(el) {
				t.Fatalf("%q does not match the element %v built from its own filter", s, el)
			}
		}
		_ = p.Matches(map[string]any{"type": "work", "value": "x", "primary": true})
		_ = p.Matches(nil)
	})
}

// FuzzPatchBuilding: building, validating, expanding and locally applying
// PATCH operations never panic, whatever the paths, values and the current
// resource; a successful ApplyPatch yields a resource that marshals to JSON,
// and a successful expansion leaves no filtered path behind.
func FuzzPatchBuilding(f *testing.F) {
	const current = `{"id":"1","userName":"a","name":{"givenName":"A"},"emails":[{"type":"work","value":"a@x"},{"type":"home","value":"a@h","primary":true}],"` +
		SchemaEnterpriseUser + `":{"department":"R&D"},"meta":{"version":"W/\"1\""}}`
	f.Add("replace", `emails[type eq "work"].value`, `"b@x"`, "add", `title`, `"Boss"`, current)
	f.Add("add", `emails[type eq "other"].value`, `"o@x"`, "remove", `emails[type eq "home"]`, ``, current)
	f.Add("remove", `emails[type eq "work"].value`, ``, "replace", `emails[type eq "work"]`, `{"value":"c@x"}`, current)
	f.Add("add", ``, `{"title":"T","`+SchemaEnterpriseUser+`":{"costCenter":"9"}}`, "replace", SchemaEnterpriseUser+":department", `"Ops"`, current)
	f.Add("Replace", `emails`, `[{"type":"work","value":"z"}]`, "add", `emails[type eq "work"].display`, `"Z"`, current)
	f.Add("replace", `emails.value`, `"v"`, "add", `emails[type eq "work"].value`, `"w"`, current)
	f.Add("add", `emails[type eq "work" or type eq "home"].value`, `"v"`, "remove", `name.givenName`, ``, current)
	f.Add("add", `emails[type eq "work"].value`, `"v"`, "add", `emails[type eq "work"].value`, `"w"`, `{"emails":"not a list"}`)
	f.Add("add", `emails[type eq "work"].value`, `"v"`, "add", `x[y eq 1e999].z`, `1`, `{"emails":{"type":"work","value":"single"}}`)
	f.Add("move", `userName`, `"x"`, "remove", ``, ``, `null`)
	f.Add("replace", ``, `"not an object"`, "replace", `userName`, `null`, `[]`)
	f.Add("add", `urn:x:Ext:tags`, `["a",{"b":1}]`, "add", `urn:x:Ext:tags`, `"c"`, `{"urn:x:Ext":"scalar"}`)
	f.Fuzz(func(t *testing.T, op1, path1, value1, op2, path2, value2, currentJSON string) {
		current, _, err := decodeResource(json.RawMessage(currentJSON))
		if err != nil {
			current = nil
		}
		ops := build(nil, op1, path1, value1)
		ops = build(ops, op2, path2, value2)
		// Raw operations reach validateOps and ApplyPatch as well, with
		// op names the provider never produces.
		ops = append(ops, PatchOp{Op: op2, Path: path1, Value: jsonValue(value1)})
		verr := validateOps(ops)

		expanded, err := ExpandFilteredOps(ops, current)
		if err == nil {
			for _, op := range expanded {
				if op.Path == "" {
					continue
				}
				p, perr := ParsePath(op.Path)
				if perr != nil {
					t.Fatalf("expansion produced the unparseable path %q: %v", op.Path, perr)
				}
				if p.IsFiltered() {
					t.Fatalf("expansion left the filtered path %q", op.Path)
				}
			}
			if _, err := json.Marshal(PatchRequest{Schemas: []string{messagePatchOp}, Operations: expanded}); err != nil {
				t.Fatalf("expanded operations do not marshal: %v", err)
			}
		}

		res, err := ApplyPatch(current, ops)
		if err != nil {
			return
		}
		if verr != nil {
			t.Fatalf("ApplyPatch accepted operations that validateOps rejects (%v)", verr)
		}
		if _, ok := res["meta"]; ok {
			t.Fatalf("ApplyPatch kept meta: %v", res)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("ApplyPatch result does not marshal to JSON: %v\n%#v", err, res)
		}
	})
}

// build appends one operation through the builder's API, picked by name.
func build(ops []PatchOp, op, path, value string) []PatchOp {
	switch name := strings.ToLower(strings.TrimSpace(op)); name {
	case PatchAdd, PatchReplace:
		return append(ops, PatchOp{Op: name, Path: path, Value: jsonValue(value)})
	case PatchRemove:
		return append(ops, PatchOp{Op: name, Path: path})
	default:
		return append(ops, PatchOp{Op: op, Path: path, Value: jsonValue(value)})
	}
}

// jsonValue decodes s as JSON, or keeps it as a string when it is not JSON;
// "" is no value.
func jsonValue(s string) any {
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	return v
}

// FuzzDecodeResponses feeds arbitrary bodies, statuses, content types and
// headers through the functions that turn HTTP answers into results and
// errors. Going through an HTTP server would make each execution cost a
// round trip, so the decode functions are called directly. None may panic;
// snippets and details stay bounded, on one line and valid UTF-8.
func FuzzDecodeResponses(f *testing.F) {
	add := func(body string, status int, ct, retryAfter, location string) {
		f.Add([]byte(body), status, ct, retryAfter, location)
	}
	add(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"uniqueness","detail":"User exists","status":"409"}`, 409, "application/scim+json", "", "")
	add(`{"message":"Rate limited"}`, 429, "application/json", "120", "")
	add(`{"error":{"message":"bad","code":1}}`, 400, "application/json", "Wed, 21 Oct 2015 07:28:00 GMT", "")
	add(`{"errors":[{"detail":"one"},"two",3]}`, 422, "application/json", "-1", "")
	add(`{"error":"invalid_client","error_description":"client_secret=hunter2 is wrong","access_token":"abc"}`, 401, "application/json", "", "")
	add("<html><body>Sign in\n\n to continue"+strings.Repeat(" lorem ipsum", 60)+"</body></html>", 200, "text/html; charset=utf-8", "", "")
	add("client_secret=s3cr3t&grant_type=client_credentials", 400, "application/x-www-form-urlencoded", "", "")
	add(`{"id":"2819c223","userName":"bjensen","meta":{"location":"https://x/Users/2819c223","version":"W/\"3\""}}`, 201, "application/scim+json", "", "https://x/scim/v2/Users/2819c223")
	add(`{"totalResults":1,"resources":[{"id":"1"}]}`, 200, "application/json", "", "/Users/")
	add(`{"patch":{"supported":"true"},"filter":{"supported":true,"maxResults":"200"},"bulk":{"supported":false,"maxOperations":1e3},"etag":{"supported":1},"authenticationSchemes":[{"type":"oauthbearertoken","primary":true}]}`, 200, "application/scim+json", "", "")
	add(`[{"id":"User","name":"User","endpoint":"Users","schema":"urn:ietf:params:scim:schemas:core:2.0:User"}]`, 200, "application/json", "", "")
	add(`{"Resources":[{"id":"urn:ietf:params:scim:schemas:core:2.0:User","attributes":[{"name":"emails","type":"complex","multiValued":true,"subAttributes":[{"name":"value","type":"string"}]}]}]}`, 200, "application/json", "", "")
	add(`{"detail":`+`"`+strings.Repeat("é", 700)+`"}`, 500, "application/json", "", "")
	add("\xff\xfe{\"password\":\"p\xc3", 502, "text/plain", "  5  ", "")
	add(`null`, 204, "", "", "")
	add(`{"password":"abc","nested":[{"token":"t"}],"Operations":[{"op":"replace","path":"password","value":"x"}]}`, 200, "application/scim+json", "", "")
	add(`{"id":1,"meta":"x"}`, 200, "application/json", "99999999999999999999", "::")
	add(`{"a":1}{"b":2}`, 503, "application/problem+json", "Mon, 02 Jan 2006 15:04:05 GMT", "https://x/Users/%zz")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, status int, contentType, retryAfter, location string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Content-Type", contentType)
		resp.Header.Set("Retry-After", retryAfter)

		e := newError(http.MethodPost, "https://scim.example.com/Users", resp, body)
		checkSnippet(t, "Error.Snippet", e.Snippet)
		if n := utf8.RuneCountInString(e.Detail); len(e.Detail) > 1000+len("…") {
			t.Fatalf("Error.Detail is %d bytes (%d runes), want at most 1000 plus an ellipsis", len(e.Detail), n)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %s", e.RetryAfter)
		}
		_ = e.Error()
		_, _ = AsError(e)
		_ = IsConflict(e) || IsNotFound(e) || IsUnauthorized(e) || IsPreconditionFailed(e)

		checkSnippet(t, "makeSnippet", makeSnippet(body, contentType))
		_ = (&ResponseError{Method: "GET", URL: "u", Status: status, ContentType: contentType, Snippet: makeSnippet(body, contentType), Reason: "r"}).Error()
		_ = redactBody(body, contentType)
		_ = redactJSON(body)

		if d, ok := parseRetryAfter(retryAfter, now); ok && d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %s", retryAfter, d)
		} else if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) failed but returned %s", retryAfter, d)
		}

		if res, ok, err := decodeResource(body); err == nil && ok {
			_, _, _, _ = res.ID(), res.Meta(), res.Location(), res.Version()
			_ = looksLikeList(res)
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("decoded resource does not marshal back: %v", err)
			}
		} else if err == nil && res != nil {
			t.Fatalf("decodeResource reported no resource but returned %v", res)
		}
		_ = rawKeys(body)
		_ = idFromLocation(location)

		spc, spcErr := decodeServiceProviderConfig(body)
		rts, rtsErr := decodeList[ResourceType](body)
		schemas, schErr := decodeList[Schema](body)
		_ = spcErr
		d := &Discovery{ServiceProviderConfig: spc}
		if rtsErr == nil {
			d.ResourceTypes = rts
		}
		_ = d.UserResourceType()
		// Lookups fall back to the built-in schemas, which are costly to
		// build, so they run only on bodies that decoded as schemas.
		if schErr == nil && len(schemas) > 0 {
			d.Schemas = schemas
			for _, p := range lookupPaths {
				_, _, _ = d.LookupUserAttribute(p)
			}
		}
	})
}

var lookupPaths = []Path{
	mustParsePath(`emails[type eq "work"].value`),
	mustParsePath(SchemaEnterpriseUser + ":manager.value"),
	mustParsePath("titel"),
}

// checkSnippet asserts what every snippet promises: bounded, one line, valid
// UTF-8.
func checkSnippet(t *testing.T, what, s string) {
	t.Helper()
	if len(s) > maxSnippet+len("…") {
		t.Fatalf("%s is %d bytes, want at most %d: %q", what, len(s), maxSnippet+len("…"), s)
	}
	if strings.ContainsAny(s, "\r\n\t") {
		t.Fatalf("%s spans lines: %q", what, s)
	}
	if !utf8.ValidString(s) {
		t.Fatalf("%s is not valid UTF-8: %q", what, s)
	}
}
