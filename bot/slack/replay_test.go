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

// A captured signed request stays valid for the 5-minute signature window:
// replayed byte for byte, it must not run again, on any route without a
// delivery id of its own.
func TestReplaySignedCommand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		body := commandForm(w.ops.ID, alice, "declare sev1 Checkout returns 504 --force", "")
		at := w.clock.Now()
		code, reply := w.sendAt("/slack/commands", body, signedNow, at)
		if code != http.StatusOK || !strings.Contains(reply, "INC-1 declared") {
			t.Fatalf("got %d %s, want INC-1 declared", code, reply)
		}
		for i := range 2 {
			w.clock.Advance(time.Minute) // still inside the window
			code, reply := w.sendAt("/slack/commands", body, signedNow, at)
			if code != http.StatusOK || reply != "" {
				t.Errorf("replay %d: got %d %q, want an empty 200", i+1, code, reply)
			}
		}
		w.clock.Advance(4 * time.Minute) // now 6 minutes after the signature
		if code, _ := w.sendAt("/slack/commands", body, signedNow, at); code != http.StatusUnauthorized {
			t.Errorf("stale replay: got %d, want 401", code)
		}
		if code, _ := w.sendAt("/slack/commands", body, unsigned, at); code != http.StatusUnauthorized {
			t.Errorf("unsigned: got %d, want 401", code)
		}
		if n := len(w.incidents()); n != 1 {
			t.Fatalf("got %d incidents, want 1", n)
		}
		w.settle("war room ready", func() bool {
			_, ok := w.warRoom("inc-1-checkout-returns-504")
			return ok
		})
		rooms := 0
		for _, ch := range w.srv.Channels() {
			if strings.HasPrefix(ch.Name, "inc-") {
				rooms++
			}
		}
		if rooms != 1 {
			t.Errorf("got %d war rooms, want 1", rooms)
		}

		// A new request (another timestamp) is a person asking again: it runs.
		code, reply = w.command(alice, "declare sev1 Checkout returns 504 --force", "", signedNow)
		if code != http.StatusOK || !strings.Contains(reply, "INC-2 declared") {
			t.Errorf("fresh request: got %d %s, want INC-2 declared", code, reply)
		}
	})
}

func TestReplaySignedClick(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		if code, reply := w.command(alice, "declare sev2 Search is slow", "", signedNow); code != http.StatusOK {
			t.Fatalf("declare: got %d %s", code, reply)
		}
		w.settle("war room ready", func() bool {
			_, ok := w.warRoom("inc-1-search-is-slow")
			return ok
		})
		room, _ := w.warRoom("inc-1-search-is-slow")
		replies := func() int {
			n := 0
			for _, m := range w.srv.Messages(room.ID) {
				if m.EphemeralTo == alice.ID {
					n++
				}
			}
			return n
		}
		body := w.payload(map[string]any{
			"type": "block_actions", "team": map[string]string{"id": fakeslack.TeamID},
			"user":      map[string]string{"id": alice.ID, "username": alice.Name},
			"container": map[string]any{"type": "message", "message_ts": w.srv.Pinned(room.ID)[0], "channel_id": room.ID},
			"channel":   map[string]string{"id": room.ID},
			"actions":   []map[string]string{{"action_id": "status INC-1", "type": "button"}},
		})
		at := w.clock.Now()
		if code, _ := w.sendAt("/slack/interactions", body, signedNow, at); code != http.StatusOK {
			t.Fatalf("click: got %d, want 200", code)
		}
		w.eventually("the status reply", func() bool { return replies() == 1 })
		for i := range 2 {
			// Past the double-click window: only the replay record stops it.
			w.clock.Advance(time.Minute)
			if code, body := w.sendAt("/slack/interactions", body, signedNow, at); code != http.StatusOK || body != "" {
				t.Errorf("replay %d: got %d %q, want an empty 200", i+1, code, body)
			}
		}
		// Closing the server waits for every handler, replies included.
		w.http.Close()
		if n := replies(); n != 1 {
			t.Errorf("got %d replies to alice, want 1: the replays ran", n)
		}
	})
}
