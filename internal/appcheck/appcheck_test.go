package appcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

const testToken = "s3cret-app-check-token"

// newTarget starts the local SCIM target on 127.0.0.1 (NewTestServer)
// with the test token, three users and a group whose member is the first
// user, and returns it with its base URL.
func newTarget(t *testing.T, opts scimtarget.Options) (*scimtarget.Target, string) {
	t.Helper()
	opts.BearerTokens = []string{testToken}
	target, srv := scimtarget.NewTestServer(t, opts)
	var ids []string
	for _, n := range []string{"ada", "grace", "edsger"} {
		id, err := target.AddUser(map[string]any{
			"userName":    n + "@example.com",
			"displayName": n,
			"name":        map[string]any{"givenName": n, "familyName": "Test"},
			"emails":      []any{map[string]any{"value": n + "@example.com", "type": "work", "primary": true}},
			"title":       "Engineer",
			schemaEnterpriseUser: map[string]any{
				"employeeNumber": "1",
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := target.AddGroup(map[string]any{
		"displayName": "Engineers",
		"members":     []any{map[string]any{"value": ids[0]}},
	}); err != nil {
		t.Fatal(err)
	}
	target.ResetRequests()
	return target, scimtarget.BaseURL(srv)
}

func check(t *testing.T, base string, cfg Config) *Report {
	t.Helper()
	cfg.BaseURL = base
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	cfg.UserAgent = "scim-app-check/test"
	cfg.Timeout = 10 * time.Second
	rep, err := Check(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// result is the Result of a finding, failing the test when there is none.
func result(t *testing.T, rep *Report, id string) string {
	t.Helper()
	f, ok := rep.Finding(id)
	if !ok {
		t.Fatalf("no finding %s", id)
	}
	return f.Result
}

func wantResults(t *testing.T, rep *Report, want map[string]string) {
	t.Helper()
	for id, w := range want {
		if got := result(t, rep, id); got != w {
			f, _ := rep.Finding(id)
			t.Errorf("%s: %q, want %q (%s; %s)", id, got, w, f.Detail, f.Evidence)
		}
	}
}

func recommended(rep *Report) map[string]any {
	out := map[string]any{}
	for _, r := range rep.Recommendations {
		out[r.Field] = r.Value
	}
	return out
}

func text(t *testing.T, rep *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// noWrites fails when the check sent anything but GET.
func noWrites(t *testing.T, target *scimtarget.Target) {
	t.Helper()
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if n := target.Count(m, ""); n != 0 {
			t.Errorf("a read-only check sent %d %s requests", n, m)
		}
	}
	if n, all := target.Count("GET", ""), target.Count("", ""); n != all || n == 0 {
		t.Errorf("%d GETs of %d requests", n, all)
	}
}

// A well-behaved target: everything works as advertised, and nothing is
// recommended beyond what discovery gives.
func TestWellBehaved(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{
		"discovery.service_provider_config": "served",
		"discovery.resource_types":          "served",
		"discovery.schemas":                 "served",
		"advertised.patch":                  "supported",
		"advertised.etag":                   "supported",
		"advertised.filter":                 "supported",
		"advertised.bulk":                   "not supported",
		"advertised.sort":                   "supported",
		"advertised.change_password":        "not supported",
		"advertised.pagination":             "not advertised",
		"users.listing":                     "served",
		"users.paging_index":                "works",
		"users.paging_cursor":               "not offered",
		"users.page_size":                   "no limit seen",
		"users.filter_eq":                   "accepted",
		"users.filter_and":                  "accepted",
		"users.filter_or":                   "accepted",
		"users.filter_sw":                   "accepted",
		"users.filter_co":                   "accepted",
		"users.filter_pr":                   "accepted",
		"users.attributes":                  "honoured",
		"users.attributes_extension":        "accepted",
		"users.etag":                        "present",
		"users.listing_vs_read":             "yes",
		"groups.members":                    "yes",
		"groups.member_filter":              "not checked",
	})
	if f, _ := rep.Finding("advertised.filter"); f.Detail != "maxResults 200" {
		t.Errorf("filter detail %q", f.Detail)
	}
	if f, _ := rep.Finding("users.filter_eq"); strings.Contains(f.Detail, "found no user") {
		t.Errorf("eq found nothing: %s", f.Evidence)
	}
	if len(rep.Recommendations) != 0 {
		t.Errorf("recommendations for a well-behaved app: %+v", rep.Recommendations)
	}
	out := text(t, rep)
	for _, want := range []string{
		"paging by index: works",
		"GET /Users?startIndex=2&count=1: 200",
		`filter eq: accepted  [GET /Users?filter=userName eq "ada@example.com"&count=1: 200`,
		"none: what the provider derives from discovery fits",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testToken) {
		t.Error("the token reached the output")
	}
	noWrites(t, target)
	for _, r := range target.Requests() {
		if ua := r.Header.Get("User-Agent"); ua != "scim-app-check/test" {
			t.Errorf("%s %s: User-Agent %q", r.Method, r.Path, ua)
		}
		if !r.HasAuthorization {
			t.Errorf("%s %s: no Authorization", r.Method, r.Path)
		}
	}
}

// Without ETags, as advertised: reported, and nothing to recommend.
func TestNoETags(t *testing.T) {
	caps := scimtarget.DefaultCapabilities()
	caps.ETag = false
	target, base := newTarget(t, scimtarget.Options{Capabilities: caps})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{"advertised.etag": "not supported", "users.etag": "absent"})
	if f, _ := rep.Finding("users.etag"); f.Detail != "as advertised" || !strings.Contains(f.Evidence, "no meta.version, no ETag header") {
		t.Errorf("etag finding %+v", f)
	}
	if _, ok := rep.Recommendation("etag"); ok || len(rep.Recommendations) != 0 {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	noWrites(t, target)
}

// An app that serves versions although it says it has none gets a note
// (the If-Match test needs -write), not a recommendation.
func TestETagsNotAdvertised(t *testing.T) {
	target, _ := newTarget(t, scimtarget.Options{})
	h := target.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") {
			w.Header().Set("Content-Type", "application/scim+json")
			_, _ = w.Write([]byte(`{"patch":{"supported":true},"filter":{"supported":true,"maxResults":200},"etag":{"supported":false}}`))
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep := check(t, srv.URL+scimtarget.BasePath, Config{})
	wantResults(t, rep, map[string]string{"advertised.etag": "not supported", "users.etag": "present"})
	if len(rep.Recommendations) != 0 || !strings.Contains(strings.Join(rep.Notes, "\n"), "-write tests If-Match") {
		t.Errorf("recommendations %+v, notes %q", rep.Recommendations, rep.Notes)
	}
	rep = check(t, srv.URL+scimtarget.BasePath, Config{Write: true})
	if got := recommended(rep); got["etag"] != true || len(got) != 1 {
		t.Errorf("with -write: %+v", rep.Recommendations)
	}
}

// A page smaller than asked for is the app's limit.
func TestPageSize(t *testing.T) {
	caps := scimtarget.DefaultCapabilities()
	caps.FilterMaxResults = 2
	_, base := newTarget(t, scimtarget.Options{Capabilities: caps})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{"users.page_size": "at most 2"})
	if f, _ := rep.Finding("users.page_size"); f.Detail != "asked for 1000 of 3 users, the app served 2" {
		t.Errorf("detail %q", f.Detail)
	}
}

// Only eq filters: each other operator is refused with its status.
func TestOnlyEqFilters(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{Quirks: scimtarget.Quirks{OnlyEqFilters: true}})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{
		"users.filter_eq":  "accepted",
		"users.filter_and": "refused",
		"users.filter_or":  "refused",
		"users.filter_sw":  "refused",
		"users.filter_co":  "refused",
		"users.filter_pr":  "refused",
	})
	if f, _ := rep.Finding("users.filter_sw"); !strings.Contains(f.Evidence, ": 400 invalidFilter: ") {
		t.Errorf("sw evidence %q", f.Evidence)
	}
	if len(rep.Recommendations) != 0 {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	noWrites(t, target)
}

// An app that refuses extension attributes in the attributes parameter:
// attributes_parameter = false.
func TestRejectsAttributesParameter(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{Quirks: scimtarget.Quirks{RejectExtensionAttributesParam: true}})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{"users.attributes": "honoured", "users.attributes_extension": "refused"})
	if got := recommended(rep); len(got) != 1 || got["attributes_parameter"] != false {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	out := text(t, rep)
	for _, want := range []string{"compatibility = {\n    attributes_parameter = false\n  }", "attributes_parameter = false: the app refuses reads"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	noWrites(t, target)
}

// Missing /Schemas is reported with what the provider assumes instead.
func TestMissingSchemas(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{Quirks: scimtarget.Quirks{MissingDiscovery: []string{"/Schemas"}}})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{
		"discovery.service_provider_config": "served",
		"discovery.resource_types":          "served",
		"discovery.schemas":                 "missing",
	})
	if f, _ := rep.Finding("discovery.schemas"); !strings.HasPrefix(f.Evidence, "GET /Schemas: 404") {
		t.Errorf("evidence %q", f.Evidence)
	}
	if len(rep.Recommendations) != 0 {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	noWrites(t, target)
}

// A refused token ends the check with ErrTokenRefused, without the token.
func TestTokenRefused(t *testing.T) {
	_, base := newTarget(t, scimtarget.Options{})
	_, err := Check(context.Background(), Config{BaseURL: base, Token: "wrong-token-value", Timeout: 5 * time.Second})
	if !errors.Is(err, ErrTokenRefused) {
		t.Fatalf("err %v, want ErrTokenRefused", err)
	}
	if strings.Contains(err.Error(), "wrong-token-value") || !strings.Contains(err.Error(), "401") {
		t.Errorf("error %q", err)
	}

	// Discovery open to all: the refusal shows on /Users.
	_, base = newTarget(t, scimtarget.Options{PublicDiscovery: true})
	rep, err := Check(context.Background(), Config{BaseURL: base, Token: "wrong-token-value", Timeout: 5 * time.Second})
	if !errors.Is(err, ErrTokenRefused) || !strings.Contains(err.Error(), "GET /Users?count=1: 401") {
		t.Fatalf("err %v, want ErrTokenRefused on /Users", err)
	}
	if result(t, rep, "discovery.service_provider_config") != "served" {
		t.Errorf("findings %+v", rep.Findings)
	}
}

// An app that does not answer: ErrUnreachable.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL + "/scim/v2"
	srv.Close()
	_, err := Check(context.Background(), Config{BaseURL: base, Token: testToken, Timeout: 5 * time.Second})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err %v, want ErrUnreachable", err)
	}
}

// progressProbe is the -write progress output; at each line it records
// what the target held and had been sent.
type progressProbe struct {
	mu     sync.Mutex
	target *scimtarget.Target
	buf    bytes.Buffer
	lines  []progressLine
}

type progressLine struct {
	text          string
	writesBefore  int
	accountExists bool
}

func (p *progressProbe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	writes := 0
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		writes += p.target.Count(m, "")
	}
	exists := false
	for _, u := range p.target.Users() {
		if name, _ := u["userName"].(string); strings.HasPrefix(name, TestAccountPrefix) {
			exists = true
		}
	}
	p.lines = append(p.lines, progressLine{string(b), writes, exists})
	return p.buf.Write(b)
}

// -write: the announcement comes before the first write, the account
// exists while it is worked on and is gone after.
func TestWriteProbe(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	pp := &progressProbe{target: target}
	rep := check(t, base, Config{Write: true, Progress: pp})
	w := rep.Write
	if w == nil || !w.Gone || w.Left != "" || w.ID == "" {
		t.Fatalf("write report %+v", w)
	}
	if !strings.HasPrefix(w.UserName, TestAccountPrefix) || !strings.HasSuffix(w.UserName, "@example.invalid") {
		t.Errorf("userName %q", w.UserName)
	}
	if len(pp.lines) == 0 || !strings.Contains(pp.lines[0].text, "creating the test account "+w.UserName) {
		t.Fatalf("no announcement first: %q", pp.buf.String())
	}
	if pp.lines[0].writesBefore != 0 || pp.lines[0].accountExists {
		t.Errorf("the announcement came after %d writes", pp.lines[0].writesBefore)
	}
	var sawExisting bool
	for _, l := range pp.lines {
		if strings.Contains(l.text, "-write: read:") {
			sawExisting = l.accountExists
		}
	}
	if !sawExisting {
		t.Errorf("the account did not exist while it was read back:\n%s", pp.buf.String())
	}
	last := pp.lines[len(pp.lines)-1]
	if last.accountExists || !strings.Contains(last.text, "is gone") {
		t.Errorf("last line %q, account exists %v", last.text, last.accountExists)
	}
	if _, ok := target.FindUserByUserName(w.UserName); ok {
		t.Error("the test account is still there")
	}
	// PATCH of the title, PATCH through a filtered path, PUT.
	for m, want := range map[string]int{"POST": 1, "PATCH": 2, "DELETE": 1, "PUT": 1} {
		if got := target.Count(m, ""); got != want {
			t.Errorf("%d %s requests, want %d", got, m, want)
		}
	}
	// The PATCH of the title carried the version the create gave.
	for _, r := range target.Requests() {
		if r.Method == "PATCH" && bytes.Contains(r.Body, []byte(`"path":"title"`)) && r.Header.Get("If-Match") != `W/"1"` {
			t.Errorf("the PATCH carried If-Match %q", r.Header.Get("If-Match"))
		}
		if r.Method == "PUT" && (!bytes.Contains(r.Body, []byte(`"title":"SCIM App Check (put)"`)) || bytes.Contains(r.Body, []byte(`"meta"`))) {
			t.Errorf("PUT body %s", r.Body)
		}
		if r.Method == "POST" && !bytes.Contains(r.Body, []byte(`"displayName":"SCIM App Check"`)) {
			t.Errorf("POST body %s", r.Body)
		}
	}
	if w.patch != yes || w.ifMatch != yes || w.put != yes || w.filteredPaths != yes || len(rep.Recommendations) != 0 {
		t.Errorf("patch %v, If-Match %v, put %v, filtered paths %v, recommendations %+v", w.patch, w.ifMatch, w.put, w.filteredPaths, rep.Recommendations)
	}
	if out := text(t, rep); !strings.Contains(out, "Write probe: test account "+w.UserName+": create, patch, read, patch-filtered, put, read, delete, verify; the account is gone") {
		t.Errorf("output:\n%s", out)
	}
}

// A refused DELETE: the account is deactivated and reported as left.
func TestWriteProbeDeleteRefused(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	target.InjectFault(scimtarget.Fault{Method: "DELETE", Path: "/Users/*", Status: http.StatusMethodNotAllowed})
	var progress bytes.Buffer
	rep := check(t, base, Config{Write: true, Progress: &progress})
	w := rep.Write
	if w.Gone || !strings.Contains(w.Left, "deactivated") || !strings.Contains(w.Left, w.ID) {
		t.Fatalf("write report %+v", w)
	}
	u, ok := target.FindUserByUserName(w.UserName)
	if !ok || u["active"] != false {
		t.Fatalf("account %v %v", ok, u)
	}
	if !strings.Contains(progress.String(), "LEFT IN THE APP") {
		t.Errorf("progress:\n%s", progress.String())
	}
}

// A failed PATCH still removes the account.
func TestWriteProbePatchFails(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	target.InjectFault(scimtarget.Fault{Method: "PATCH", Path: "/Users/*", Status: http.StatusNotImplemented})
	rep := check(t, base, Config{Write: true})
	w := rep.Write
	if !w.Gone || w.patch != no {
		t.Fatalf("write report %+v", w)
	}
	if got := recommended(rep); len(got) != 1 || got["patch"] != false {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	if _, ok := target.FindUserByUserName(w.UserName); ok {
		t.Error("the test account is still there")
	}
}

// A create the app refuses, also with an externalId, leaves nothing to
// remove.
func TestWriteProbeCreateRefused(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	target.InjectFault(scimtarget.Fault{Method: "POST", Path: "/Users", Status: http.StatusBadRequest, Times: 2})
	rep := check(t, base, Config{Write: true})
	if w := rep.Write; !w.Gone || w.ID != "" || !strings.HasSuffix(w.Summary(), ": create (failed), create (failed); nothing was created") {
		t.Errorf("write %+v: %s", w, w.Summary())
	}
	if n := target.Count("DELETE", "") + target.Count("PATCH", ""); n != 0 {
		t.Errorf("%d removals of nothing", n)
	}
}

// A create that gets no answer may have made the account: it is looked up
// and removed.
func TestWriteProbeCreateUnanswered(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	target.InjectFault(scimtarget.Fault{Method: "POST", Path: "/Users", DropAfterWrite: true})
	rep := check(t, base, Config{Write: true})
	w := rep.Write
	if !w.Gone || w.ID == "" || w.Steps[1].Step != "find" {
		t.Fatalf("write %+v", w)
	}
	if _, ok := target.FindUserByUserName(w.UserName); ok {
		t.Error("the test account is still there")
	}
}

// The JSON report carries findings, recommendations and the HCL.
func TestJSON(t *testing.T) {
	_, base := newTarget(t, scimtarget.Options{Quirks: scimtarget.Quirks{RejectExtensionAttributesParam: true}})
	rep := check(t, base, Config{})
	var b bytes.Buffer
	if err := rep.WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	var j struct {
		ReportVersion   string           `json:"report_version"`
		Checked         bool             `json:"checked"`
		Findings        []Finding        `json:"findings"`
		Recommendations []Recommendation `json:"recommendations"`
		Compatibility   string           `json:"compatibility"`
	}
	if err := json.Unmarshal(b.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j.ReportVersion != "1" || !j.Checked || len(j.Findings) < 20 || len(j.Recommendations) != 1 ||
		j.Compatibility != "compatibility = {\n  attributes_parameter = false\n}\n" {
		t.Errorf("%s", b.String())
	}
}

// The target's aws_identity_center personality (cursor paging, startIndex
// ignored, groups with empty members, member filters) is recognised from
// its behaviour, on a URL that does not say so.
func TestAWSIdentityCenterPersonality(t *testing.T) {
	if _, ok := scimtarget.LookupPersonality("aws_identity_center"); !ok {
		t.Skip("the target has no aws_identity_center personality")
	}
	target, base := newTarget(t, scimtarget.Options{Personality: "aws_identity_center"})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{
		"users.paging_index":   "ignored",
		"users.paging_cursor":  "works",
		"users.page_size":      "count=1000 refused",
		"users.attributes":     "ignored",
		"users.filter_eq":      "accepted",
		"users.filter_and":     "refused",
		"users.etag":           "absent",
		"groups.members":       "none shown",
		"groups.member_filter": "works",
	})
	if got := recommended(rep); len(got) != 1 || got["vendor"] != "aws_identity_center" {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	out := text(t, rep)
	if !strings.Contains(out, `vendor = "aws_identity_center"`) {
		t.Errorf("output:\n%s", out)
	}
	noWrites(t, target)

	// The write probe copes with its required attributes and hidden ETags.
	rep = check(t, base, Config{Write: true})
	if w := rep.Write; !w.Gone || w.patch != yes || w.ifMatch != unknown {
		t.Errorf("write report %+v", w)
	}
	if got := recommended(rep); len(got) != 1 {
		t.Errorf("recommendations with -write %+v", rep.Recommendations)
	}
}

// An app that holds nobody yet: the probes that need a user say so, the
// filters use a userName no app holds, and -write still settles ETags.
func TestEmptyApp(t *testing.T) {
	target, srv := scimtarget.NewTestServer(t, scimtarget.Options{BearerTokens: []string{testToken}})
	base := scimtarget.BaseURL(srv)
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{
		"users.listing":         "served",
		"users.paging_index":    "inconclusive",
		"users.paging_cursor":   "inconclusive",
		"users.filter_eq":       "accepted",
		"users.etag":            "not checked",
		"users.listing_vs_read": "not checked",
		"groups.members":        "inconclusive",
		"groups.member_filter":  "not checked",
	})
	if f, _ := rep.Finding("users.filter_eq"); !strings.Contains(f.Evidence, nobody) {
		t.Errorf("eq evidence %q", f.Evidence)
	}
	if len(rep.Recommendations) != 0 {
		t.Errorf("recommendations %+v", rep.Recommendations)
	}
	noWrites(t, target)

	rep = check(t, base, Config{Write: true})
	if w := rep.Write; !w.Gone || w.versions != yes || w.ifMatch != yes || len(rep.Recommendations) != 0 {
		t.Errorf("write %+v, recommendations %+v", w, rep.Recommendations)
	}
	if n := len(target.Users()); n != 0 {
		t.Errorf("%d users left", n)
	}
}

// A listing that fails (5xx) says nothing about filters: no conclusion,
// and no batch_reads = false.
func TestListingFails(t *testing.T) {
	target, base := newTarget(t, scimtarget.Options{})
	target.InjectFault(scimtarget.Fault{Method: "GET", Path: "/Users", Status: http.StatusInternalServerError})
	rep := check(t, base, Config{})
	wantResults(t, rep, map[string]string{
		"users.listing":      "failed",
		"users.paging_index": "not checked",
		"users.filter_eq":    "accepted",
	})
	if f, _ := rep.Finding("users.paging_index"); f.Detail != "the listing without filter failed" {
		t.Errorf("paging %+v", f)
	}
	if rep.obs.listing != unknown || len(rep.Recommendations) != 0 {
		t.Errorf("listing %v, recommendations %+v", rep.obs.listing, rep.Recommendations)
	}
}
