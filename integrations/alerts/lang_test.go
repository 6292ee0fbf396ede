package alerts

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
)

// TestFrench: a receiver configured in French on Paris time writes the
// description, the timeline, the storm and the resolve suggestion in
// French, times in Paris time with the zone.
func TestFrench(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t), Config{Language: "fr", Location: paris(t), MaxPerNotification: 1})
	h := w.recv.Alertmanager()

	// Three pods of one service: one incident, two alerts joining it.
	group := fixture(t, "alertmanager/storm_group.json")
	if r := post(t, h, group, testToken, nil); actions(r.body.Results) != "declared,attached,attached" {
		t.Fatalf("group: got %d %s, want declared then attached twice", r.status, r.raw)
	}
	inc := w.incidents()[0]
	// startsAt 11:51:45 UTC is 12:51 in Paris in November (CET).
	for _, want := range []string{"*Étiquettes\u00a0:*", "*Liens\u00a0:*", "_Alertmanager, alerte aa04fbda3b2427ff, active depuis le 24 novembre 2026, 12:51 CET._"} {
		if !strings.Contains(inc.Impact, want) {
			t.Errorf("description lacks %q:\n%s", want, inc.Impact)
		}
	}
	fired := w.events(inc.ID, incidentbot.EventAlertFired)
	want := "Alertmanager\u00a0: alerte déclenchée, CheckoutHighLatency: Checkout p99 latency above 2s."
	if len(fired) != 2 || fired[0].Text != want {
		t.Fatalf("got timeline %+v, want 2 entries saying %q", fired, want)
	}

	// More distinct alerts than the per-notification cap: the storm.
	r := post(t, h, stormBody(t, "Storm", 3), testToken, nil)
	if got := actions(r.body.Results); r.status != http.StatusOK || got != "declared,attached,attached" {
		t.Fatalf("storm: got %s, want one declared, two in the storm", r.raw)
	}
	if want := "Tempête d'alertes\u00a0: plus d'alertes que les plafonds d'incidents ne le permettent\u00a0; regroupée dans INC-3."; r.body.Results[1].Reason != want {
		t.Errorf("got reason %q, want %q", r.body.Results[1].Reason, want)
	}
	storm := w.incidents()[0]
	if want := "Tempête d'alertes\u00a0: plus d'alertes que d'incidents permis"; storm.DedupeKey != stormKey || storm.Title != want {
		t.Fatalf("got newest incident %q (%s), want the storm titled %q", storm.Title, storm.DedupeKey, want)
	}
	joined := w.events(storm.ID, incidentbot.EventAlertFired)
	if want := "Alertmanager\u00a0: 2 alertes ont rejoint la tempête d'alertes\u00a0: Storm1, Storm2."; len(joined) != 1 || joined[0].Text != want {
		t.Errorf("got storm timeline %+v, want %q", joined, want)
	}
	w.runJobs()
	if !posted(w.warRoom(storm), "🌩️ Tempête d'alertes\u00a0: 2 alertes de plus sur INC-3") {
		t.Errorf("the storm's war room lacks the French storm post")
	}

	// The three pods recover: a French suggestion with its French button.
	resolved := edit(t, group, func(p map[string]any) {
		p["status"] = statusResolved
		for _, a := range p["alerts"].([]any) {
			a.(map[string]any)["status"] = statusResolved
		}
	})
	if r := post(t, h, resolved, testToken, nil); actions(r.body.Results) != "resolved,resolved,resolved" {
		t.Fatalf("resolved: got %d %s, want resolved three times", r.status, r.raw)
	}
	w.runJobs()
	ended := w.events(inc.ID, incidentbot.EventAlertResolved)
	if want := "Alertmanager\u00a0: fin de l'alerte CheckoutHighLatency: Checkout p99 latency above 2s."; len(ended) != 3 || ended[0].Text != want {
		t.Errorf("got timeline %+v, want 3 entries saying %q", ended, want)
	}
	suggested := slices.ContainsFunc(w.warRoom(inc), func(m console.Posted) bool {
		return strings.HasPrefix(m.Message.Title, "✅ Fin de l'alerte\u00a0: ") && slices.ContainsFunc(m.Message.Buttons, func(b incidentbot.Button) bool {
			return b.ActionID == "resolve "+inc.Key && b.Label == "Résoudre l'incident"
		})
	})
	if !suggested {
		t.Errorf("the war room lacks the French resolve suggestion")
	}
}

// paris is the time zone of the French tests.
func paris(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// posted reports whether a message titled title was posted.
func posted(msgs []console.Posted, title string) bool {
	return slices.ContainsFunc(msgs, func(m console.Posted) bool { return m.Message.Title == title })
}
