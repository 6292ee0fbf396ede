package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"incidentbot"
)

// TestSSRFProbeAllowPrivate: serve's prober refuses a typed URL at a
// loopback address unless PROBE_ALLOW_PRIVATE=true; a trusted one passes.
func TestSSRFProbeAllowPrivate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name         string
		allowPrivate bool
		trusted      bool
		blocked      bool
	}{
		{"typed, default", false, false, true},
		{"typed, PROBE_ALLOW_PRIVATE", true, false, false},
		{"from a playbook", false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := prober(config{ProbeTimeout: 5 * time.Second, ProbeConfirm: 1, ProbeAllowPrivate: tc.allowPrivate})
			got := p.Probe(t.Context(), incidentbot.ProbeTarget{URL: srv.URL + "/", Trusted: tc.trusted})
			if got.Blocked != tc.blocked || got.Healthy == tc.blocked {
				t.Errorf("got blocked %t healthy %t (%s), want blocked %t", got.Blocked, got.Healthy, got.Text(), tc.blocked)
			}
		})
	}
}
