package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The profiler is off unless asked for, and then answers loopback clients
// only, never one relayed by a proxy.
func TestPprofLoopbackOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		on      bool
		remote  string
		forward string
		want    int
	}{
		{"off by default", false, "127.0.0.1:40000", "", http.StatusNotFound},
		{"loopback v4", true, "127.0.0.1:40000", "", http.StatusOK},
		{"loopback v6", true, "[::1]:40000", "", http.StatusOK},
		{"private network", true, "10.0.0.7:40000", "", http.StatusForbidden},
		{"public", true, "203.0.113.9:40000", "", http.StatusForbidden},
		{"through a local proxy", true, "127.0.0.1:40000", "203.0.113.9", http.StatusForbidden},
		{"garbage address", true, "nonsense", "", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := NewServer(Deps{Logger: slog.New(slog.DiscardHandler), Ready: func(*http.Request) error { return nil }, Pprof: tc.on})
			r := httptest.NewRequest("GET", "/debug/pprof/", nil)
			r.RemoteAddr = tc.remote
			if tc.forward != "" {
				r.Header.Set("X-Forwarded-For", tc.forward)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tc.want {
				t.Errorf("got %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
