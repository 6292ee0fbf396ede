package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestTenancySlackStrangers: signed requests from a team the bot does not
// serve (or naming none), even by the user id that commands the incident
// here, are refused and change nothing: slash commands get a private
// refusal, a form its error, clicks and events nothing.
func TestTenancySlackStrangers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		if code, body := w.command(alice, "declare sev1 type:generic Checkout returns 504", "", signedNow); code != http.StatusOK || !strings.Contains(body, "INC-1") {
			t.Fatalf("declare: got %d %s", code, body)
		}
		w.settle("war room", func() bool { _, ok := w.warRoom("inc-1-checkout-returns-504"); return ok })
		inc := w.incidents()[0]
		state := func() any {
			tl, err := db.Timeline(context.Background(), inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := db.Jobs(context.Background(), inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Incident(context.Background(), inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return []any{got, tl, len(jobs), len(w.srv.Views())}
		}
		before := state()
		ts, _ := w.srv.AddMessage(inc.WarRoom, alice.ID, "Rolled back the deploy")

		for _, team := range []string{"T09OTHERWS", ""} {
			for _, line := range []string{"status INC-1", "declare sev1 Their outage", "resolve INC-1", "postmortem INC-1", "declare"} {
				form := url.Values{"team_id": {team}, "channel_id": {inc.WarRoom}, "user_id": {alice.ID}, "user_name": {"alice"},
					"command": {"/incident"}, "text": {line}, "trigger_id": {w.srv.NewTrigger()}}
				code, body := w.send("/slack/commands", []byte(form.Encode()), signedNow)
				if code != http.StatusOK || !strings.Contains(body, "serves its own team") || !strings.Contains(body, `"ephemeral"`) || strings.Contains(body, "Checkout") {
					t.Errorf("team %q, %q: got %d %s, want a private refusal", team, line, code, body)
				}
			}
			click, _ := json.Marshal(map[string]any{
				"type": "block_actions", "team": map[string]string{"id": team},
				"user":    map[string]string{"id": alice.ID, "username": "alice"},
				"channel": map[string]string{"id": inc.WarRoom},
				"actions": []map[string]string{{"action_id": "resolve INC-1", "type": "button"}},
			})
			if code, _ := w.send("/slack/interactions", []byte("payload="+url.QueryEscape(string(click))), signedNow); code != http.StatusOK {
				t.Errorf("team %q click: got %d, want 200", team, code)
			}
			code, body := w.interact(map[string]any{
				"type": "view_submission", "team": map[string]string{"id": team},
				"user": map[string]string{"id": alice.ID, "username": "alice"},
				"view": map[string]any{"callback_id": "incident.declare", "private_metadata": `{"origin_channel":"` + w.ops.ID + `"}`,
					"state": map[string]any{"values": map[string]any{
						"title":    map[string]any{"title_input": map[string]any{"type": "plain_text_input", "value": "Their outage"}},
						"severity": map[string]any{"severity_select": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "sev1"}}},
					}}},
			})
			if code != http.StatusOK || !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, "serves its own team") {
				t.Errorf("team %q form: got %d %s, want the refusal on the form", team, code, body)
			}
			ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": team, "event_id": "Ev0STRANGER" + team,
				"event": map[string]any{"type": "reaction_added", "user": alice.ID, "reaction": "pushpin", "item": map[string]any{"type": "message", "channel": inc.WarRoom, "ts": ts}}})
			if code, body := w.send("/slack/events", ev, signedNow); code != http.StatusOK {
				t.Errorf("team %q event: got %d %s, want 200", team, code, body)
			}
		}
		w.settle("nothing left to run", func() bool { return true })
		if got := w.incidents(); len(got) != 1 {
			t.Errorf("got %d incidents, want 1", len(got))
		}
		if after := state(); !reflect.DeepEqual(before, after) {
			t.Errorf("the incident changed:\nbefore %+v\nafter  %+v", before, after)
		}
		// Events are answered before they are handled, so their refusals are
		// logged a moment after the 200: wait for all of them.
		w.eventually("every refusal logged", func() bool {
			return strings.Count(w.logs.String(), "slack request from another workspace refused") == 2*(5+3)
		})

		// The same pin from the bot's own team lands on the timeline.
		ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "Ev0OWN",
			"event": map[string]any{"type": "reaction_added", "user": alice.ID, "reaction": "pushpin", "item": map[string]any{"type": "message", "channel": inc.WarRoom, "ts": ts}}})
		w.send("/slack/events", ev, signedNow)
		w.eventually("the pin on the timeline", func() bool {
			tl, _ := db.Timeline(context.Background(), inc.ID)
			return slices.ContainsFunc(tl, func(e incidentbot.TimelineEvent) bool { return e.Kind == incidentbot.EventPinned })
		})
	})
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
