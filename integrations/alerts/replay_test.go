package alerts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
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

// stormBody is one Alertmanager notification of n distinct critical
// alerts named prefix0, prefix1 ...
func stormBody(t testing.TB, prefix string, n int) []byte {
	t.Helper()
	alerts := make([]map[string]any, n)
	for i := range alerts {
		alerts[i] = map[string]any{
			"status":      "firing",
			"labels":      map[string]string{"alertname": fmt.Sprintf("%s%d", prefix, i), "severity": "critical"},
			"startsAt":    "2026-11-24T11:52:30Z",
			"fingerprint": fmt.Sprintf("%s-%d", prefix, i),
		}
	}
	b, err := json.Marshal(map[string]any{"version": "4", "status": "firing", "receiver": "incidentbot", "alerts": alerts})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// count returns how many results have each action, and the incidents named.
func count(rs []result) (map[string]int, map[string]bool) {
	actions, incs := map[string]int{}, map[string]bool{}
	for _, r := range rs {
		actions[r.Action]++
		if r.Incident != "" {
			incs[r.Incident] = true
		}
	}
	return actions, incs
}

// TestAlertStormOneNotification: 4,000 distinct alerts in one
// notification open the capped number of incidents and one storm incident
// holding the rest, each listed on its timeline; re-sends (now, and after
// the minute) change nothing.
func TestAlertStormOneNotification(t *testing.T) {
	t.Parallel()
	const total = 4000
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{MaxBody: 4 << 20})
		body := stormBody(t, "Storm", total)
		r := post(t, w.recv.Alertmanager(), body, testToken, nil)
		if r.status != http.StatusOK || len(r.body.Results) != total {
			t.Fatalf("got %d with %d results, want 200 with %d", r.status, len(r.body.Results), total)
		}
		acts, _ := count(r.body.Results)
		if acts[actDeclared] != 10 || acts[actAttached] != total-10 {
			t.Fatalf("got %v, want 10 declared and %d attached", acts, total-10)
		}
		incs := w.incidents()
		if len(incs) != 11 {
			t.Fatalf("got %d incidents, want 10 and the storm", len(incs))
		}
		storm := incs[0] // newest first
		if storm.DedupeKey != stormKey {
			t.Fatalf("got newest incident %q (%s), want the storm", storm.Title, storm.DedupeKey)
		}
		// Every alert is accounted for: its own incident, or on the storm's timeline.
		keys := map[string]bool{}
		for _, inc := range incs[1:] {
			keys[inc.DedupeKey] = true
		}
		for _, res := range r.body.Results {
			if res.Action == actAttached && res.Incident != storm.Key {
				t.Fatalf("alert %s attached to %s, want the storm %s", res.Fingerprint, res.Incident, storm.Key)
			}
		}
		events := w.events(storm.ID, incidentbot.EventAlertFired)
		if len(events) != 1 {
			t.Fatalf("got %d alert events on the storm, want 1 for the notification", len(events))
		}
		var data struct {
			Alerts []stormedAlert `json:"alerts"`
		}
		if err := json.Unmarshal(events[0].Data, &data); err != nil {
			t.Fatal(err)
		}
		for _, a := range data.Alerts {
			keys[a.Key] = true
		}
		if len(keys) != total {
			t.Errorf("got %d distinct alerts accounted for, want %d", len(keys), total)
		}

		w.runJobs()
		said := false
		for _, m := range w.warRoom(storm) {
			said = said || strings.Contains(m.Message.Title, fmt.Sprintf("Alert storm: %d more alerts joined %s", total-10, storm.Key))
		}
		if !said {
			t.Errorf("the storm's war room does not say why the alerts are there")
		}

		// Alertmanager re-sends every group_interval: nothing changes,
		// though the caps have room again.
		w.clock.Advance(5 * time.Minute)
		r = post(t, w.recv.Alertmanager(), body, testToken, nil)
		if acts, _ := count(r.body.Results); r.status != http.StatusOK || acts[actDuplicate] != total {
			t.Fatalf("re-send: got %d %v, want every alert a duplicate", r.status, acts)
		}
		if n := len(w.incidents()); n != 11 {
			t.Errorf("got %d incidents after re-sends, want 11", n)
		}
		if n := len(w.events(storm.ID, incidentbot.EventAlertFired)); n != 1 {
			t.Errorf("got %d alert events on the storm after re-sends, want 1", n)
		}
	})
}

// TestAlertStormPerMinute: the per-minute cap holds across notifications
// and replicas (two receivers and engines on one store), and frees after
// the minute.
func TestAlertStormPerMinute(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cfg := Config{MaxPerNotification: 10, MaxPerMinute: 15}
		a, b := newWorld(t, db, cfg), newWorld(t, db, cfg)
		send := func(w *world, prefix string, n int) map[string]int {
			t.Helper()
			r := post(t, w.recv.Alertmanager(), stormBody(t, prefix, n), testToken, nil)
			if r.status != http.StatusOK {
				t.Fatalf("%s: got %d %s", prefix, r.status, r.raw)
			}
			acts, _ := count(r.body.Results)
			return acts
		}
		if got := send(a, "First", 10); got[actDeclared] != 10 {
			t.Fatalf("first: got %v, want 10 declared", got)
		}
		if got := send(b, "Second", 10); got[actDeclared] != 5 || got[actAttached] != 5 {
			t.Fatalf("second, other replica: got %v, want 5 declared and 5 in the storm", got)
		}
		a.clock.Advance(time.Minute)
		if got := send(a, "Third", 3); got[actDeclared] != 3 {
			t.Errorf("a minute later: got %v, want 3 declared", got)
		}
		if n := len(a.incidents()); n != 10+5+1+3 {
			t.Errorf("got %d incidents, want 19", n)
		}
	})
}

// TestAlertStormReplicas: two replicas receive the same storm at once (as
// from an Alertmanager pair): the caps hold, one storm incident, and no
// alert is lost.
func TestAlertStormReplicas(t *testing.T) {
	t.Parallel()
	const total = 300
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cfg := Config{MaxPerNotification: 10, MaxPerMinute: 15}
		worlds := []*world{newWorld(t, db, cfg), newWorld(t, db, cfg)}
		body := stormBody(t, "Twin", total)
		replies := make([]reply, len(worlds))
		var wg sync.WaitGroup
		for i, w := range worlds {
			wg.Go(func() { replies[i] = post(t, w.recv.Alertmanager(), body, testToken, nil) })
		}
		wg.Wait()
		handled := map[string]bool{}
		for i, r := range replies {
			if r.status != http.StatusOK {
				t.Fatalf("replica %d: got %d %s", i, r.status, r.raw)
			}
			for _, res := range r.body.Results {
				if res.Action == actDeclared || res.Action == actAttached {
					handled[res.Fingerprint] = true
				}
			}
		}
		if len(handled) != total {
			t.Errorf("got %d alerts declared or attached, want all %d", len(handled), total)
		}
		incs := worlds[0].incidents()
		storms := 0
		for _, inc := range incs {
			if inc.DedupeKey == stormKey {
				storms++
			}
		}
		if storms != 1 || len(incs) > cfg.MaxPerMinute+1 {
			t.Errorf("got %d incidents with %d storms, want at most %d and one storm", len(incs), storms, cfg.MaxPerMinute+1)
		}
	})
}
