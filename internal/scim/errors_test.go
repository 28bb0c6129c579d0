package scim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{
			"scim conflict",
			&Error{Method: "POST", URL: "https://x/Users", Status: 409, ScimType: "uniqueness", Detail: `User with userName "x" already exists`},
			`SCIM POST https://x/Users: HTTP 409 (scimType "uniqueness"): User with userName "x" already exists`,
		},
		{
			"status text when no detail",
			&Error{Method: "GET", URL: "https://x/Users/1", Status: 404},
			`SCIM GET https://x/Users/1: HTTP 404: Not Found`,
		},
		{
			"snippet",
			&Error{Method: "GET", URL: "u", Status: 502, Snippet: "<html>bad</html>"},
			`SCIM GET u: HTTP 502: Bad Gateway; response body: <html>bad</html>`,
		},
		{
			"retry after and attempts",
			&Error{Method: "GET", URL: "u", Status: 429, Detail: "slow down", RetryAfter: 30 * time.Second, Attempts: 5},
			`SCIM GET u: HTTP 429: slow down; server asked to retry after 30s (gave up after 5 attempts)`,
		},
		{
			"unknown status",
			&Error{Method: "GET", URL: "u", Status: 599},
			`SCIM GET u: HTTP 599`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestNewErrorParsesBodies(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		ctype        string
		body         string
		retryAfter   string
		wantScimType string
		wantDetail   string
		wantSnippet  string
		wantRetry    time.Duration
	}{
		{"scim error", 409, "application/scim+json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"exists"}`, "", "uniqueness", "exists", "", 0},
		{"scim error numeric status no scimType", 409, "application/json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":409,"detail":"dup"}`, "", "", "dup", "", 0},
		{"scim error without detail", 400, "application/json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter"}`, "", "invalidFilter", "", "", 0},
		{"message shape", 400, "application/json", `{"message":"Invalid email"}`, "", "", "Invalid email", "", 0},
		{"nested error object", 403, "application/json", `{"error":{"code":"Forbidden","message":"Insufficient privileges"}}`, "", "", "Insufficient privileges", "", 0},
		{"errors list", 400, "application/json", `{"errors":[{"message":"a"},"b"]}`, "", "", "a; b", "", 0},
		{"oauth style", 401, "application/json", `{"error":"invalid_token","error_description":"expired"}`, "", "", "expired", "", 0},
		{"unknown json", 500, "application/json", `{"foo":  "bar"}`, "", "", "", `{"foo": "bar"}`, 0},
		{"html", 503, "text/html", "<html>\n<body>\tMaintenance\n</body></html>", "120", "", "", "<html> <body> Maintenance </body></html>", 120 * time.Second},
		{"malformed json", 500, "application/json", `{"detail": "x`, "", "", "", `{"detail": "x`, 0},
		{"empty body", 404, "", ``, "", "", "", "", 0},
		{"secret in non-scim body", 500, "application/json", `{"password":"hunter2","x":1}`, "", "", "", `{"password":"[REDACTED]","x":1}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			resp.Header.Set("Content-Type", tt.ctype)
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			e := newError("GET", "https://x/Users", resp, []byte(tt.body))
			if e.Status != tt.status || e.ScimType != tt.wantScimType || e.Detail != tt.wantDetail || e.Snippet != tt.wantSnippet || e.RetryAfter != tt.wantRetry {
				t.Errorf("got status=%d scimType=%q detail=%q snippet=%q retry=%s", e.Status, e.ScimType, e.Detail, e.Snippet, e.RetryAfter)
			}
		})
	}
}

func TestSnippetIsBounded(t *testing.T) {
	body := "<html>" + strings.Repeat("word  \n ", 200) + "</html>"
	s := makeSnippet([]byte(body), "text/html")
	if len(s) > maxSnippet+len("…") {
		t.Errorf("snippet length %d", len(s))
	}
	if strings.Contains(s, "  ") || strings.Contains(s, "\n") {
		t.Errorf("whitespace not collapsed: %q", s)
	}
	if !strings.HasSuffix(s, "…") {
		t.Errorf("no truncation marker: %q", s)
	}
}

func TestErrorPredicates(t *testing.T) {
	wrap := func(e error) error { return fmt.Errorf("reading user: %w", e) }
	tests := []struct {
		name                                       string
		err                                        error
		notFound, conflict, precondition, unauthzd bool
	}{
		{"404", wrap(&Error{Status: 404}), true, false, false, false},
		{"409 no scimType", wrap(&Error{Status: 409}), false, true, false, false},
		{"409 uniqueness", &Error{Status: 409, ScimType: "uniqueness"}, false, true, false, false},
		{"400 uniqueness", &Error{Status: 400, ScimType: "uniqueness"}, false, true, false, false},
		{"412", wrap(&Error{Status: 412}), false, false, true, false},
		{"401", wrap(&Error{Status: 401}), false, false, false, true},
		{"403", &Error{Status: 403}, false, false, false, true},
		{"500", &Error{Status: 500}, false, false, false, false},
		{"ambiguous wrapping 504", &ambiguousError{Err: &Error{Status: 504}}, false, false, false, false},
		{"plain error", errors.New("boom"), false, false, false, false},
		{"nil", nil, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if IsNotFound(tt.err) != tt.notFound || IsConflict(tt.err) != tt.conflict ||
				IsPreconditionFailed(tt.err) != tt.precondition || IsUnauthorized(tt.err) != tt.unauthzd {
				t.Errorf("predicates wrong for %v", tt.err)
			}
		})
	}
	if e, ok := AsError(wrap(&Error{Status: 418})); !ok || e.Status != 418 {
		t.Error("AsError through wrapping")
	}
	if _, ok := AsError(errors.New("x")); ok {
		t.Error("AsError on plain error")
	}
	if !IsAmbiguous(wrap(&ambiguousError{Method: "POST", Err: errors.New("EOF")})) || IsAmbiguous(errors.New("x")) {
		t.Error("IsAmbiguous")
	}
}

func TestResponseErrorMessage(t *testing.T) {
	e := &ResponseError{Method: "POST", URL: "https://x/Users", Status: 201, ContentType: "text/html", Snippet: "<html>", Reason: "expected JSON"}
	want := `SCIM POST https://x/Users: unusable HTTP 201 response: expected JSON (content type "text/html"); response body: <html>`
	if e.Error() != want {
		t.Errorf("got %s", e.Error())
	}
}
