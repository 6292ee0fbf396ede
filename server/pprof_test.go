package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
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

// ProfileContention turns the mutex profile (and the block profile,
// which has no getter) on, and the profiles it turns on are served.
func TestProfileContention(t *testing.T) {
	defer runtime.SetBlockProfileRate(0)
	defer runtime.SetMutexProfileFraction(runtime.SetMutexProfileFraction(0))
	ProfileContention()
	if got := runtime.SetMutexProfileFraction(-1); got <= 0 {
		t.Fatalf("mutex profile fraction %d, want on", got)
	}
	h := NewServer(Deps{Logger: slog.New(slog.DiscardHandler), Ready: func(*http.Request) error { return nil }, Pprof: true})
	for _, p := range []string{"/debug/pprof/block", "/debug/pprof/mutex"} {
		r := httptest.NewRequest("GET", p, nil)
		r.RemoteAddr = "127.0.0.1:40000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("GET %s: got %d with %d bytes, want a profile", p, rec.Code, rec.Body.Len())
		}
	}
}
