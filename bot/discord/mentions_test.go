package discord_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestMentionsDiscordAllowedOnEveryWrite: user text saying @everyone,
// @here or a role, long enough to be split over several posts, notifies
// nobody: every send, edit and follow-up carries allowed_mentions.
func TestMentionsDiscordAllowedOnEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.clock.Now()
		id, body := w.interaction(2, alice, general, declare("Checkout down @everyone <@&"+oncall+">"))
		if status, resp := w.deliver(id, body, now, priv); status != http.StatusOK || !strings.Contains(answerText(resp), "INC-1 declared") {
			t.Fatalf("declare: got %d %v", status, resp)
		}
		w.runJobs()
		inc := w.incidents()[0]

		// From #general, so the update is posted in the war room.
		text := "@everyone look " + strings.Repeat("x", 2800) + " @here <@&" + oncall + "> <@" + bob + "> @everyone again"
		id, body = w.interaction(2, alice, general, map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{map[string]any{
			"name": "update", "type": 1, "options": []any{
				map[string]any{"name": "text", "type": 3, "value": text},
				map[string]any{"name": "incident", "type": 3, "value": inc.Key},
			}}}})
		if status, _ := w.deliver(id, body, now, priv); status != http.StatusOK {
			t.Fatalf("update: got %d", status)
		}
		w.runJobs()
		// An edit: the acknowledgement redraws the welcome.
		id, body = w.interaction(3, alice, inc.WarRoom, map[string]any{"custom_id": "ack " + inc.Key, "component_type": 2})
		if status, _ := w.deliver(id, body, now, priv); status != http.StatusOK {
			t.Fatalf("ack: got %d", status)
		}
		w.clock.Advance(2 * time.Second) // the redraws wait for their window to end
		w.runJobs()

		writes := w.discord.Writes()
		var edits, posted int
		for _, wr := range writes {
			if wr.AllowedMentions == nil {
				t.Errorf("write to %s (message %s, edit %v) has no allowed_mentions", wr.ChannelID, wr.MessageID, wr.Edit)
			}
			if len(wr.Pinged) > 0 {
				t.Errorf("write to %s (message %s) pinged %v, want nobody", wr.ChannelID, wr.MessageID, wr.Pinged)
			}
			if wr.Edit {
				edits++
			}
		}
		for _, m := range w.discord.Messages(inc.WarRoom) {
			if len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Description, "@everyone again") {
				posted++
			}
		}
		if edits == 0 || posted != 1 {
			t.Errorf("got %d edits and %d posts of the update among %d writes, want some edits and one post", edits, posted, len(writes))
		}
	})
}
