// Package httpstatus records the status code a handler answers with, for
// the request logs of the test SCIM servers (internal/scimtarget, its
// scim-target command and internal/elimitytarget).
package httpstatus

import "net/http"

// Recorder is an http.ResponseWriter that remembers the first status code
// written: the one passed to WriteHeader, or 200 when the handler writes a
// body first. Status stays 0 if nothing was written (a dropped connection).
// Unwrap lets http.ResponseController reach the underlying writer, which
// the test target's connection-drop faults need to hijack it.
type Recorder struct {
	http.ResponseWriter
	Status int
}

func (r *Recorder) WriteHeader(code int) {
	if r.Status == 0 {
		r.Status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *Recorder) Write(b []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
