package appcheck

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// TestAccountPrefix starts the userName of every test account the write
// probe creates; the rest is random hex and "@example.invalid".
const TestAccountPrefix = "scim-app-check-"

// testTitle is what the write probe PATCHes into the test account's
// title, testPutTitle what it then PUTs there.
const (
	testTitle    = "SCIM App Check (patched)"
	testPutTitle = "SCIM App Check (put)"
)

// WriteReport is what the write probe did.
type WriteReport struct {
	// UserName is the test account's userName.
	UserName string `json:"user_name"`
	// ID is the app's id of the account, "" if it was never created.
	ID    string      `json:"id,omitempty"`
	Steps []WriteStep `json:"steps"`
	// Gone says the account is no longer in the app (or was never made).
	Gone bool `json:"gone"`
	// Left says what is left in the app when not Gone.
	Left string `json:"left,omitempty"`

	// patch: a PATCH was applied (yes) or refused as unsupported (no),
	// or refused while a PUT of the same change was applied (no, with
	// patchRefused).
	patch         tri
	patchEvidence string
	patchRefused  bool
	// filteredPaths: a PATCH whose path has a value filter
	// (emails[type eq "work"].value) was applied (yes) or refused (no),
	// tried when a plain PATCH was applied.
	filteredPaths    tri
	filteredEvidence string
	// put: a PUT was applied (yes) or refused as unsupported (no).
	put         tri
	putEvidence string
	// deleteDeactivates: the app answered the DELETE with success and
	// kept the account, deactivated (yes).
	deleteDeactivates tri
	// ifMatch: a PATCH with If-Match carrying the app's own version was
	// accepted (yes) or answered 412 (no).
	ifMatch tri
	// versions: the read of the test account carried meta.version or an
	// ETag header (yes) or neither (no).
	versions tri
}

// WriteStep is one request of the write probe.
type WriteStep struct {
	// Step is create, find, patch, read, patch-filtered, put, delete,
	// deactivate or verify.
	Step string `json:"step"`
	// OK says the step did what it was for.
	OK       bool   `json:"ok"`
	Evidence string `json:"evidence"`
	Detail   string `json:"detail,omitempty"`
}

func (c *checker) progress(format string, args ...any) {
	if c.cfg.Progress != nil {
		fmt.Fprintf(c.cfg.Progress, format+"\n", args...)
	}
}

func (w *WriteReport) step(c *checker, name string, ok bool, x *exchange, detail string) {
	s := WriteStep{Step: name, OK: ok, Evidence: x.evidence(), Detail: detail}
	w.Steps = append(w.Steps, s)
	line := "scim-app-check: -write: " + name + ": " + s.Evidence
	if detail != "" {
		line += " (" + detail + ")"
	}
	c.progress("%s", line)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// testAccount is the POST body of the test account; externalID, when
// not empty, is sent as its externalId.
func testAccount(userName, externalID string) map[string]any {
	doc := map[string]any{
		"schemas":     []string{schemaUser},
		"userName":    userName,
		"displayName": "SCIM App Check",
		"name": map[string]any{
			"givenName":  "SCIM",
			"familyName": "App Check",
			"formatted":  "SCIM App Check",
		},
		"emails": []map[string]any{{"value": userName, "type": "work", "primary": true}},
		"active": true,
	}
	if externalID != "" {
		doc["externalId"] = externalID
	}
	return doc
}

// writeProbe creates a test account, PATCHes its title, reads it back,
// PATCHes its work email through a filtered path, PUTs it with another
// title, reads it back and deletes it, deactivating it when the delete is
// refused. It announces itself on Progress before the first write and,
// whatever fails, tries to remove what it made and says what is left.
func (c *checker) writeProbe(ctx context.Context) *WriteReport {
	tag := randomHex(8)
	w := &WriteReport{UserName: TestAccountPrefix + tag + "@example.invalid"}
	c.progress("scim-app-check: -write: creating the test account %s in %s, then changing it by PATCH and by PUT, reading it back and deleting it", w.UserName, c.base)
	// Removal goes on when the check is interrupted: it is what leaves the
	// app as it was.
	cleanup := context.WithoutCancel(ctx)

	x := c.do(ctx, http.MethodPost, "/Users", nil, testAccount(w.UserName, ""), nil)
	if x.err == nil && x.status == http.StatusBadRequest {
		// Some apps require an externalId (GitHub); a refused create made
		// nothing, so it is tried once more with one.
		w.step(c, "create", false, x, "")
		x = c.do(ctx, http.MethodPost, "/Users", nil, testAccount(w.UserName, TestAccountPrefix+tag), nil)
		x.shown += " (with externalId)"
	}
	version := ""
	if x.ok() {
		w.ID = str(x.doc, "id")
		if w.ID == "" {
			if loc := x.header.Get("Location"); loc != "" {
				if u, err := url.Parse(loc); err == nil {
					w.ID, _ = url.PathUnescape(path.Base(u.Path))
				}
			}
		}
		version = versionOf(x)
		w.step(c, "create", w.ID != "", x, "id "+quoteOr(w.ID, "none in the answer"))
	} else {
		w.step(c, "create", false, x, "")
	}
	if w.ID == "" {
		// A create that failed without a clear refusal (no answer, 5xx,
		// or no id) may still have made the account: look for it.
		if x.err == nil && x.status >= 400 && x.status < 500 {
			w.Gone = true
			c.progress("scim-app-check: -write: the app refused the test account; nothing was created")
			return w
		}
		f := c.get(cleanup, "/Users", param{"filter", "userName eq " + filterValue(w.UserName)}, param{"count", "1"})
		if rs := resources(f.doc); f.ok() && len(rs) > 0 {
			w.ID = str(rs[0], "id")
			version = str(obj(rs[0], "meta"), "version")
			w.step(c, "find", w.ID != "", f, "the account was made: id "+quoteOr(w.ID, "none"))
		} else {
			w.step(c, "find", f.ok(), f, "no such account")
		}
		if w.ID == "" {
			w.Gone = f.ok()
			if !w.Gone {
				w.Left = "unknown: the create got no clear answer and the account could not be looked up; look for userName " + w.UserName
			}
			c.finishWrite(w)
			return w
		}
	}
	item := "/Users/" + url.PathEscape(w.ID)

	// PATCH the title, with If-Match when the app gave a version.
	patch := map[string]any{
		"schemas":    []string{schemaPatchOp},
		"Operations": []map[string]any{{"op": "replace", "path": "title", "value": testTitle}},
	}
	var hdr map[string]string
	if version != "" {
		hdr = map[string]string{"If-Match": version}
	}
	p := c.do(ctx, http.MethodPatch, item, nil, patch, hdr)
	if version != "" {
		p.shown += " (If-Match " + version + ")"
	}
	if p.status == http.StatusPreconditionFailed && version != "" {
		w.ifMatch = no
		w.step(c, "patch", false, p, "the app refused its own version in If-Match")
		p = c.do(ctx, http.MethodPatch, item, nil, patch, nil)
	} else if p.ok() && version != "" {
		w.ifMatch = yes
	}
	w.patchEvidence = p.evidence()
	switch {
	case p.ok():
		w.patch = yes
		w.step(c, "patch", true, p, "title replaced")
	case p.err == nil && (p.status == http.StatusNotImplemented || p.status == http.StatusMethodNotAllowed):
		w.patch = no
		w.step(c, "patch", false, p, "the app has no PATCH")
	case p.err == nil && p.status >= 400 && p.status < 500 && p.status != http.StatusTooManyRequests:
		// Refused: whether PATCH works at all shows when a PUT of the
		// same change is applied.
		w.patchRefused = true
		w.step(c, "patch", false, p, "")
	default:
		w.step(c, "patch", false, p, "")
	}

	// Read it back.
	r := c.get(ctx, item)
	if r.ok() {
		w.versions = no
		if versionOf(r) != "" {
			w.versions = yes
		}
	}
	switch {
	case !r.ok():
		w.step(c, "read", false, r, "")
	case w.patch == yes && str(r.doc, "title") != testTitle:
		w.step(c, "read", false, r, "title is "+quoteOr(str(r.doc, "title"), "unset")+", not the one the PATCH set")
		w.patch = unknown
	default:
		w.step(c, "read", true, r, "title "+quoteOr(str(r.doc, "title"), "unset"))
	}
	current := r.doc
	if !r.ok() {
		current = nil
	}

	if w.patch == yes {
		c.patchFiltered(ctx, w, item, current)
	}
	if current != nil {
		if got := c.putProbe(ctx, w, item, current); got != nil {
			current = got
		}
	}

	c.remove(cleanup, w, item, current)
	c.finishWrite(w)
	return w
}

// patchFiltered PATCHes the test account's work email, to the value it
// has, through a path with a value filter: does the app take those paths?
func (c *checker) patchFiltered(ctx context.Context, w *WriteReport, item string, current map[string]any) {
	email := w.UserName
	if l, _ := list(current, "emails"); len(l) > 0 {
		for _, e := range l {
			if m, ok := e.(map[string]any); ok && strings.EqualFold(str(m, "type"), "work") && str(m, "value") != "" {
				email = str(m, "value")
			}
		}
	}
	op := map[string]any{
		"schemas":    []string{schemaPatchOp},
		"Operations": []map[string]any{{"op": "replace", "path": `emails[type eq "work"].value`, "value": email}},
	}
	p := c.do(ctx, http.MethodPatch, item, nil, op, nil)
	p.shown += ` (path emails[type eq "work"].value)`
	w.filteredEvidence = p.evidence()
	switch {
	case p.ok():
		w.filteredPaths = yes
		w.step(c, "patch-filtered", true, p, "the work email set to the value it had")
	case p.err == nil && (p.status == http.StatusBadRequest || p.status == http.StatusNotImplemented):
		w.filteredPaths = no
		w.step(c, "patch-filtered", false, p, "the app refuses a PATCH path with a value filter")
	default:
		w.step(c, "patch-filtered", false, p, "")
	}
}

// putProbe PUTs the test account as last read (without meta and the
// read-only groups) with another title, and reads it back. It returns the
// account as read after the PUT, nil when it was not read.
func (c *checker) putProbe(ctx context.Context, w *WriteReport, item string, current map[string]any) map[string]any {
	doc := map[string]any{}
	for k, v := range current {
		if !strings.EqualFold(k, "meta") && !strings.EqualFold(k, "groups") {
			doc[k] = v
		}
	}
	doc["title"] = testPutTitle
	u := c.do(ctx, http.MethodPut, item, nil, doc, nil)
	w.putEvidence = u.evidence()
	switch {
	case u.ok():
	case u.err == nil && (u.status == http.StatusNotImplemented || u.status == http.StatusMethodNotAllowed):
		w.put = no
		w.step(c, "put", false, u, "the app has no PUT")
		return nil
	default:
		w.step(c, "put", false, u, "")
		return nil
	}
	r := c.get(ctx, item)
	if !r.ok() {
		w.step(c, "put", true, u, "")
		w.step(c, "read", false, r, "")
		return nil
	}
	if got := str(r.doc, "title"); got != testPutTitle {
		w.step(c, "put", true, u, "")
		w.step(c, "read", false, r, "title is "+quoteOr(got, "unset")+", not the one the PUT set")
		return r.doc
	}
	w.put = yes
	w.step(c, "put", true, u, "title replaced")
	w.step(c, "read", true, r, "title "+strconv.Quote(testPutTitle))
	if w.patchRefused {
		// The change the PATCH was refused is one the app makes: its
		// PATCH does not serve updates.
		w.patch = no
		w.patchEvidence += "; " + u.evidence()
	}
	return r.doc
}

// remove deletes the test account, or deactivates it when the app refuses
// the delete (by PATCH, or by PUT of current, its last read, when the app
// has no PATCH), then reads it to tell what is left.
func (c *checker) remove(ctx context.Context, w *WriteReport, item string, current map[string]any) {
	d := c.do(ctx, http.MethodDelete, item, nil, nil, nil)
	deleted := d.ok() || d.status == http.StatusNotFound
	w.step(c, "delete", deleted, d, "")
	if !deleted {
		deactivate := map[string]any{
			"schemas":    []string{schemaPatchOp},
			"Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
		}
		a := c.do(ctx, http.MethodPatch, item, nil, deactivate, nil)
		w.step(c, "deactivate", a.ok(), a, "active=false, since the delete was refused")
		if !a.ok() && current != nil {
			doc := map[string]any{}
			for k, v := range current {
				if !strings.EqualFold(k, "meta") {
					doc[k] = v
				}
			}
			doc["active"] = false
			u := c.do(ctx, http.MethodPut, item, nil, doc, nil)
			w.step(c, "deactivate", u.ok(), u, "active=false by PUT, since the PATCH was refused")
		}
	}
	v := c.get(ctx, item)
	switch {
	case v.err == nil && v.status == http.StatusNotFound:
		w.Gone = true
		w.step(c, "verify", true, v, "the account is gone")
	case v.ok():
		active, hasActive := boolean(v.doc, "active")
		state := "active"
		if hasActive && !active {
			state = "deactivated"
		}
		if deleted && d.status != http.StatusNotFound && state == "deactivated" {
			// Slack and Salesforce document this: DELETE deactivates.
			w.deleteDeactivates = yes
			w.Left = fmt.Sprintf("the test account is still in the app, deactivated: the app answered the DELETE with %d "+
				"but keeps the account, inactive (its DELETE deactivates): id %q, userName %q", d.status, w.ID, w.UserName)
			w.step(c, "verify", false, v, "still there, deactivated by the DELETE")
			break
		}
		w.Left = fmt.Sprintf("the test account is still in the app, %s: id %q, userName %q", state, w.ID, w.UserName)
		w.step(c, "verify", false, v, "still there, "+state)
	default:
		w.Left = fmt.Sprintf("unknown: the read after the delete failed; look for id %q, userName %q", w.ID, w.UserName)
		w.step(c, "verify", false, v, "")
	}
}

func (c *checker) finishWrite(w *WriteReport) {
	if w.Gone {
		c.progress("scim-app-check: -write: done; the test account %s is gone", w.UserName)
		return
	}
	c.progress("scim-app-check: -write: LEFT IN THE APP: %s; remove it by hand", w.Left)
}

// Summary says in one line what the write probe did and what is left.
func (w *WriteReport) Summary() string {
	var did []string
	for _, s := range w.Steps {
		r := s.Step
		if !s.OK {
			r += " (failed)"
		}
		did = append(did, r)
	}
	out := "test account " + w.UserName + ": " + strings.Join(did, ", ")
	if w.Gone && w.ID == "" {
		return out + "; nothing was created"
	}
	if w.Gone {
		return out + "; the account is gone"
	}
	return out + "; " + w.Left
}

// versionOf is the version an answer gives: meta.version, else ETag.
func versionOf(x *exchange) string {
	if v := str(obj(x.doc, "meta"), "version"); v != "" {
		return v
	}
	return x.header.Get("ETag")
}

func quoteOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return fmt.Sprintf("%q", s)
}
