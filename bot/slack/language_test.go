package slack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// eloise's Slack speaks French; the workspace speaks English.
var eloise = fakeslack.User{ID: "U06ELOISE", Name: "eloise", RealName: "Éloïse Martin", Email: "eloise@shop.example", Locale: "fr-FR"}

// One war room speaks the workspace's language while a French-speaking
// person's private replies are French: from her Slack locale (users.info,
// asked once, in the background when it is slow), then from her
// /incident lang choice.
func TestLanguagePerPerson(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1, fakeslack.WithUsers(eloise))
		if code, body := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow); code != http.StatusOK || !strings.Contains(body, "INC-1 declared") {
			t.Fatalf("declare: got %d %s", code, body)
		}
		w.settle("war room ready", func() bool { _, ok := w.warRoom("inc-1-checkout-returns-504"); return ok })
		room, _ := w.warRoom("inc-1-checkout-returns-504")

		private := func(user fakeslack.User, line string) string {
			t.Helper()
			w.clock.Advance(time.Second) // a request repeated at the same time is a replay
			code, body := w.send("/slack/commands", commandForm(room.ID, user, line, ""), signedNow)
			if code != http.StatusOK || !strings.Contains(body, `"response_type":"ephemeral"`) {
				t.Fatalf("%s by %s: got %d %s, want a private reply", line, user.Name, code, body)
			}
			return body
		}
		// Her locale is asked once; a reply waits for it only briefly (the
		// acknowledgement must stay fast), so on a slow machine her first
		// reply may still speak the workspace's language: the next do not.
		var body string
		deadline := time.Now().Add(10 * time.Second)
		for body = private(eloise, "aide"); !strings.Contains(body, "Commandes d'incident") && time.Now().Before(deadline); body = private(eloise, "aide") {
			time.Sleep(10 * time.Millisecond) // polling interval, not a wait for work
		}
		if !strings.Contains(body, "Commandes d'incident") || !strings.Contains(body, "déclarer") {
			t.Errorf("help for a fr-FR Slack user: got %s, want it in French", body)
		}
		if body := private(eloise, "frobnicate"); !strings.Contains(body, "Commande inconnue") {
			t.Errorf("an unknown command by a fr-FR Slack user: got %s, want French", body)
		}
		if body := private(alice, "help"); !strings.Contains(body, "Incident commands") {
			t.Errorf("help for an en-US Slack user: got %s, want English", body)
		}
		if n := w.srv.Calls("users.info"); n > 4 {
			t.Errorf("users.info called %d times, want each person's locale asked once", n)
		}
		before := w.srv.Calls("users.info")
		private(eloise, "help")
		if n := w.srv.Calls("users.info"); n != before {
			t.Errorf("users.info called again for a cached locale (%d, then %d)", before, n)
		}

		// Her own choice wins over her Slack's language.
		if body := private(eloise, "lang en"); !strings.Contains(body, "replies only you see are in English") {
			t.Errorf("lang en: got %s", body)
		}
		if body := private(eloise, "aide"); !strings.Contains(body, "Incident commands") {
			t.Errorf("help after lang en: got %s, want English", body)
		}
		if body := private(alice, "langue fr"); !strings.Contains(body, "en français") {
			t.Errorf("langue fr: got %s", body)
		}
		if body := private(alice, "aide"); !strings.Contains(body, "Commandes d'incident") {
			t.Errorf("help after lang fr: got %s, want French", body)
		}

		// The war room itself stays in the workspace's language.
		for _, m := range w.srv.Messages(room.ID) {
			if m.EphemeralTo == "" && (strings.Contains(text(m), "Commandes") || strings.Contains(text(m), "français")) {
				t.Errorf("a shared war-room post is French: %s", text(m))
			}
		}
		if errs := w.logs.errors(); len(errs) > 0 {
			t.Errorf("errors logged: %v", errs)
		}
	})
}
