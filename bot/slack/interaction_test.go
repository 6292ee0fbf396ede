package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/mock"
)

// click builds a block_actions payload for a click on a message.
func click(t *testing.T, room, ts, actionID, user string) []byte {
	t.Helper()
	value := ""
	if strings.HasPrefix(actionID, "incident.") {
		value = "INC-42" // the older layout: the key in the value
	}
	b, err := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": "T01SHOPX9Q"},
		"user":      map[string]string{"id": user, "username": "alice"},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": room, "is_ephemeral": false},
		"channel":   map[string]string{"id": room},
		"actions":   []map[string]string{{"action_id": actionID, "type": "button", "value": value}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return []byte("payload=" + url.QueryEscape(string(b)))
}

func TestRepeatedClicks(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	clock := incidentbot.NewManualClock(vectorTime)
	e.in.deps.Clock = clock
	room, _ := e.chat.CreateChannel(context.Background(), "inc-42", incidentbot.ChannelOptions{})
	_ = e.chat.Invite(context.Background(), room.ID, []string{alice.ID, bob.ID})
	steps := []struct {
		advance time.Duration
		user    string
		action  string
		ran     bool
	}{
		{0, alice.ID, "update INC-42", true},
		{time.Second, alice.ID, "update INC-42", false},        // double tap
		{2 * time.Second, alice.ID, "update INC-42", false},    // impatient
		{0, bob.ID, "update INC-42", true},                     // someone else
		{0, alice.ID, "status INC-42", true},                   // another button
		{3 * clickWindow, alice.ID, "update INC-42", true},     // later: a new decision
		{clickWindow / 2, alice.ID, "update INC-42", false},    // and its double tap
		{4 * clickWindow, alice.ID, "incident.status", true},   // old layout
		{clickWindow / 10, alice.ID, "incident.status", false}, // deduplicated too
	}
	n := 0
	for i, s := range steps {
		clock.Advance(s.advance)
		w := serve(e.in.Interactions(), signed(t, "/slack/interactions", click(t, room.ID, "1795521661.000200", s.action, s.user), clock.Now()))
		if w.Code != 200 {
			t.Fatalf("step %d: got %d, want 200", i, w.Code)
		}
		if s.ran {
			n++
		}
		if got := len(e.rec.got()); got != n {
			t.Fatalf("step %d (%s by %s): got %d commands run, want %d", i, s.action, s.user, got, n)
		}
	}

	// Without a record a replay could not be told apart: the click is
	// refused, and Slack shows the person it failed.
	t.Run("store down refuses clicks", func(t *testing.T) {
		e := newInbound(t)
		e.store.err = incidentbot.Errorf(incidentbot.EUNAVAILABLE, "database down")
		w := serve(e.in.Interactions(), signed(t, "/slack/interactions", click(t, "C1", "1795521661.000200", "status INC-42", alice.ID), vectorTime))
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("got %d, want 503", w.Code)
		}
		if got := len(e.rec.got()); got != 0 {
			t.Errorf("got %d commands run, want none", got)
		}
	})
}

// TestClickRunsTheCommand: a click is the button's command line run as
// the person who clicked, the reply theirs, as if typed. The adapter reads
// no state and edits nothing: the engine redraws what it keeps (see the
// end-to-end tests).
func TestClickRunsTheCommand(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"ack INC-42", "incident.ack", "resolve INC-42", "status INC-42"} {
		t.Run(action, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			e.use(&mock.IncidentService{}) // any call panics: the adapter asks the service nothing
			ctx := context.Background()
			room, _ := e.chat.CreateChannel(ctx, "inc-42", incidentbot.ChannelOptions{})
			_ = e.chat.Invite(ctx, room.ID, []string{alice.ID})
			ref, err := e.chat.Post(ctx, room.ID, incidentbot.Message{Title: "INC-42 Checkout down", Text: "Welcome"})
			if err != nil {
				t.Fatal(err)
			}
			w := serve(e.in.Interactions(), signed(t, "/slack/interactions", click(t, room.ID, ref.ID, action, alice.ID), vectorTime))
			if w.Code != 200 {
				t.Fatalf("got %d, want 200", w.Code)
			}
			line := commandLine(action, "INC-42")
			if got := e.rec.got(); len(got) != 1 || !strings.HasSuffix(got[0], ": "+line) || !strings.HasPrefix(got[0], alice.ID+" ") {
				t.Errorf("got commands %q, want %q run for alice", got, line)
			}
			msgs := e.srv.Messages(room.ID)
			if len(msgs) != 2 || msgs[0].Edits != 0 || msgs[1].EphemeralTo != alice.ID || msgs[1].Text != "ok: "+line {
				t.Errorf("got %+v, want the clicked message untouched and the reply to alice", msgs)
			}
		})
	}
}
