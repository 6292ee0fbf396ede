package discord_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// withLocale sets the locale Discord sends with every interaction.
func withLocale(t *testing.T, body []byte, locale string) []byte {
	t.Helper()
	var i map[string]any
	if err := json.Unmarshal(body, &i); err != nil {
		t.Fatal(err)
	}
	i["locale"] = locale
	out, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The declaration shows in the channel in the workspace's language, while
// the help a French-speaking member asks for, only she sees, is French:
// from the interaction's locale.
func TestLanguagePerPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.clock.Now()
		id, body := w.interaction(2, alice, general, declare("Checkout returns 504"))
		status, resp := w.deliver(id, withLocale(t, body, "fr"), now, priv)
		if status != http.StatusOK || !strings.Contains(answerText(resp), "INC-1 declared") {
			t.Fatalf("declare by a French-speaking member: got %d %s, want the English confirmation for the channel", status, answerText(resp))
		}
		help := map[string]any{"id": "1", "name": "incident", "type": 1}
		for _, tc := range []struct{ locale, want string }{
			{"fr", "Commandes d'incident"},
			{"en-GB", "Incident commands"},
			{"de", "Incident commands"}, // a language the bot does not speak: the workspace's
		} {
			id, body := w.interaction(2, bob, general, help)
			status, resp := w.deliver(id, withLocale(t, body, tc.locale), now, priv)
			d, _ := resp["data"].(map[string]any)
			if status != http.StatusOK || !strings.Contains(answerText(resp), tc.want) || d["flags"] != 64.0 {
				t.Errorf("help for locale %s: got %d %s, want a private reply with %q", tc.locale, status, answerText(resp), tc.want)
			}
		}
	})
}
