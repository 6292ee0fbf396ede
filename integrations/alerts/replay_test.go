package alerts

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestReplayGrafanaTimestamp: with the HMAC secret set, a notification
// signed without Grafana's timestamp (valid for ever if captured) or with
// an old one is refused and changes nothing; a fresh one declares.
func TestReplayGrafanaTimestamp(t *testing.T) {
	t.Parallel()
	const secret = "synthetic-grafana-hmac-secret"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{GrafanaSecret: secret})
		body := fixture(t, "grafana/firing.json")
		bodyOnly := map[string]string{GrafanaSignatureHeader: "5e5fe678d0f0852635c1ccff35b7a650086cdd1fe809a5d292b4a0fddfac2be4"}
		refused := []struct {
			name   string
			header map[string]string
			want   string
		}{
			{"body signed, no timestamp", bodyOnly, "Missing X-Grafana-Alerting-Timestamp"},
			{"signed six minutes ago", grafanaSigned(secret, fixtureNow.Add(-6*time.Minute), body), "refused as a possible replay"},
			{"signed a day ago", grafanaSigned(secret, fixtureNow.Add(-24*time.Hour), body), "refused as a possible replay"},
		}
		for _, tc := range refused {
			r := post(t, w.recv.Grafana(), body, testToken, tc.header)
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body.Error, tc.want) {
				t.Errorf("%s: got %d %q, want 401 saying %q", tc.name, r.status, r.body.Error, tc.want)
			}
		}
		if n := len(w.incidents()); n != 0 {
			t.Fatalf("got %d incidents after refused notifications, want none", n)
		}
		r := post(t, w.recv.Grafana(), body, testToken, grafanaSigned(secret, fixtureNow.Add(-time.Minute), body))
		if r.status != http.StatusOK || actions(r.body.Results) != actDeclared {
			t.Fatalf("fresh: got %d %s, want 200 declared", r.status, r.raw)
		}
		if n := len(w.incidents()); n != 1 {
			t.Errorf("got %d incidents, want 1", n)
		}
	})
}
