package scimtarget

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BasePath is where NewTestServer and the standalone scim-target mount the
// SCIM API; the control API is under BasePath + "/_control/".
const BasePath = "/scim/v2"

// Handler returns an http.Handler serving the target under BasePath, the
// layout real SaaS SCIM endpoints use.
func (t *Target) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(BasePath+"/", http.StripPrefix(BasePath, t))
	return mux
}

// NewTestServer starts an httptest server on 127.0.0.1 serving a new Target
// under BasePath and closes it when the test ends. The SCIM base URL is
// BaseURL(srv), also available as t.BaseURL().
func NewTestServer(tb testing.TB, opts Options) (*Target, *httptest.Server) {
	tb.Helper()
	// httptest listens on 127.0.0.1; the address is known before Start, so
	// the handler can be installed without racing the server goroutines.
	srv := httptest.NewUnstartedServer(nil)
	if opts.BaseURL == "" {
		opts.BaseURL = "http://" + srv.Listener.Addr().String() + BasePath
	}
	t := New(opts)
	srv.Config.Handler = t.Handler()
	srv.Start()
	tb.Cleanup(srv.Close)
	return t, srv
}

// BaseURL returns the SCIM base URL of a server from NewTestServer.
func BaseURL(srv *httptest.Server) string {
	return strings.TrimSuffix(srv.URL, "/") + BasePath
}
