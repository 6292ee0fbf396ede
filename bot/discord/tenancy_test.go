package discord_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// otherGuild is a server the bot does not serve (a global command, a public bot).
const otherGuild = "1302445566778899999"

// incidentState is what a stranger's interaction must leave as it was.
type incidentState struct {
	Incident *incidentbot.Incident
	Timeline []incidentbot.TimelineEvent
	Jobs     int
	Channels int
}

func (w *world) state(id int64) incidentState {
	w.t.Helper()
	ctx := context.Background()
	inc, err := w.db.Incident(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	tl, err := w.db.Timeline(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	jobs, err := w.db.Jobs(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return incidentState{Incident: inc, Timeline: tl, Jobs: len(jobs), Channels: len(w.discord.Channels())}
}

// TestTenancyDiscordStrangers: signed interactions from another server
// (even by a user id that commands the incident here) and from a direct
// message get a private refusal and change nothing: no incident, no
// resolve, no status, no autocomplete of our keys.
func TestTenancyDiscordStrangers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.clock.Now()
		id, body := w.interaction(2, alice, general, declare("Checkout returns 504"))
		if status, _ := w.deliver(id, body, now, priv); status != http.StatusOK {
			t.Fatalf("declare: got %d", status)
		}
		w.runJobs()
		incs := w.incidents()
		if len(incs) != 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}
		inc := incs[0]
		before := w.state(inc.ID)

		autocomplete := map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{map[string]any{
			"name": "status", "type": 1, "options": []any{map[string]any{"name": "incident", "type": 3, "value": "", "focused": true}},
		}}}
		for _, from := range []struct{ name, guild, refusal string }{
			{"another server", otherGuild, "serves its own team's server only"},
			{"a direct message", "", "not in a direct message"},
		} {
			for _, tc := range []struct {
				name string
				typ  int
				data any
			}{
				{"declare", 2, declare("Their outage")},
				{"status button", 3, map[string]any{"custom_id": "status " + inc.Key, "component_type": 2}},
				{"resolve button", 3, map[string]any{"custom_id": "resolve " + inc.Key, "component_type": 2}},
			} {
				id, body := w.interactionIn(from.guild, tc.typ, alice, general, tc.data)
				status, resp := w.deliver(id, body, now, priv)
				d, _ := resp["data"].(map[string]any)
				if status != http.StatusOK || resp["type"] != 4.0 || d["flags"] != 64.0 || !strings.Contains(answerText(resp), from.refusal) {
					t.Errorf("%s, %s: got %d %v, want a private refusal saying %q", from.name, tc.name, status, resp, from.refusal)
				}
				if strings.Contains(answerText(resp), inc.Key) && tc.name == "declare" {
					t.Errorf("%s, %s: the refusal names %s", from.name, tc.name, inc.Key)
				}
			}
			id, body := w.interactionIn(from.guild, 4, alice, general, autocomplete)
			status, resp := w.deliver(id, body, now, priv)
			if status != http.StatusOK || resp["type"] != 8.0 || strings.Contains(answerText(resp), inc.Key) {
				t.Errorf("%s, autocomplete: got %d %v, want no choices", from.name, status, resp)
			}
		}
		w.runJobs()
		if got := w.incidents(); len(got) != 1 {
			t.Errorf("got %d incidents, want still 1", len(got))
		}
		if all, _ := db.FindIncidents(context.Background(), incidentbot.IncidentFilter{}); len(all) != 1 {
			t.Errorf("got %d incidents stored, want 1", len(all))
		}
		if after := w.state(inc.ID); !reflect.DeepEqual(before, after) {
			t.Errorf("the incident changed:\nbefore %+v\nafter  %+v", before, after)
		}

		// Our own server still autocompletes the key.
		id, body = w.interaction(4, bob, general, autocomplete)
		if _, resp := w.deliver(id, body, now, priv); !strings.Contains(answerText(resp), inc.Key) {
			t.Errorf("own server autocomplete: got %v, want %s", resp, inc.Key)
		}
	})
}

// TestTenancyDiscordGatewayStrangers: the gateway refuses the same way.
func TestTenancyDiscordGatewayStrangers(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	runGateway(t, w, w.db)
	eventually(t, "the gateway connection", func() bool { return w.discord.GatewayConnections() == 1 })
	for _, tc := range []struct{ id, guild, refusal string }{
		{"1443211122233346001", otherGuild, "serves its own team's server only"},
		{"1443211122233346002", "", "not in a direct message"},
	} {
		i := gatewayInteraction(tc.id, alice, general, 2, declare("Their outage"))
		if tc.guild == "" {
			delete(i, "guild_id")
			i["user"] = i["member"].(map[string]any)["user"]
			delete(i, "member")
		} else {
			i["guild_id"] = tc.guild
		}
		if err := w.discord.Dispatch("INTERACTION_CREATE", i); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the refusal", func() bool {
			for _, m := range w.discord.Answers(tc.id) {
				if strings.Contains(m.Content+embedText(m), tc.refusal) {
					return true
				}
			}
			return false
		})
	}
	w.runJobs()
	if all, _ := w.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{}); len(all) != 0 {
		t.Errorf("got %d incidents, want none", len(all))
	}
}
