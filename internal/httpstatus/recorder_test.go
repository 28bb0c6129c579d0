package httpstatus

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRecorder(t *testing.T) {
	tests := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  int
	}{
		{"nothing written", func(http.ResponseWriter) {}, 0},
		{"body only", func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, http.StatusOK},
		{"header then body", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("x"))
		}, http.StatusCreated},
		{"first header wins", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotFound)
			w.WriteHeader(http.StatusOK)
		}, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			under := httptest.NewRecorder()
			r := &Recorder{ResponseWriter: under}
			tc.write(r)
			if r.Status != tc.want {
				t.Errorf("Status = %d, want %d", r.Status, tc.want)
			}
			if r.Unwrap() != under {
				t.Error("Unwrap does not return the wrapped writer")
			}
		})
	}
}
