package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/mock"
)

// savedMessages is a SavedMessages with a fixed welcome message.
type savedMessages map[string]incidentbot.MessageRef

func (s savedMessages) Message(_ context.Context, _ int64, purpose string) (incidentbot.MessageRef, error) {
	if r, ok := s[purpose]; ok {
		return r, nil
	}
	return incidentbot.MessageRef{}, incidentbot.Errorf(incidentbot.ENOTFOUND, "no %s message", purpose)
}

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

func TestClickRedraws(t *testing.T) {
	t.Parallel()
	ackAt := vectorTime
	open := &incidentbot.Incident{ID: 42, Key: "INC-42", Title: "Checkout down", Severity: incidentbot.SEV1,
		Status: incidentbot.StatusInvestigating, DeclaredAt: vectorTime.Add(-time.Hour)}
	acked := *open
	acked.AcknowledgedAt = &ackAt
	resolved := acked
	resolved.Status = incidentbot.StatusResolved
	tests := []struct {
		name        string
		action      string
		states      []*incidentbot.Incident // what Status returns, in turn
		welcome     bool                    // the clicked message is the welcome
		wantEdit    string                  // in the updated message
		wantStatus  int                     // Status calls
		wantPrivate bool                    // the reply went to the person instead
	}{
		{name: "ack redraws the status", action: "ack INC-42", states: []*incidentbot.Incident{open, &acked},
			wantEdit: "INC-42 Checkout down", wantStatus: 2},
		{name: "resolve redraws the welcome", action: "resolve INC-42", states: []*incidentbot.Incident{&acked, &resolved},
			welcome: true, wantEdit: "What happened:", wantStatus: 2},
		{name: "old layout ack", action: "incident.ack", states: []*incidentbot.Incident{open, &acked},
			wantEdit: "INC-42 Checkout down", wantStatus: 2},
		{name: "refused: answered aside", action: "resolve INC-42", states: []*incidentbot.Incident{open, open},
			wantStatus: 2, wantPrivate: true},
		{name: "not a state change", action: "status INC-42", wantPrivate: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			ctx := context.Background()
			room, _ := e.chat.CreateChannel(ctx, "inc-42", incidentbot.ChannelOptions{})
			_ = e.chat.Invite(ctx, room.ID, []string{alice.ID})
			ref, err := e.chat.Post(ctx, room.ID, incidentbot.Message{Title: "INC-42 Checkout down", Text: "Welcome"})
			if err != nil {
				t.Fatal(err)
			}
			if tc.welcome {
				e.in.deps.Messages = savedMessages{"welcome": ref}
			} else {
				e.in.deps.Messages = savedMessages{}
			}
			var mu sync.Mutex
			calls := 0
			e.in.deps.Service = &mock.IncidentService{StatusFn: func(_ context.Context, a incidentbot.Actor, key string) (*incidentbot.IncidentStatus, error) {
				mu.Lock()
				defer mu.Unlock()
				inc := tc.states[min(calls, len(tc.states)-1)]
				calls++
				if key != "INC-42" || a.User.ID != alice.ID {
					t.Errorf("got Status(%s, %s), want INC-42 for alice", a.User.ID, key)
				}
				c := *inc
				return &incidentbot.IncidentStatus{Incident: &c}, nil
			}}
			w := serve(e.in.Interactions(), signed(t, "/slack/interactions", click(t, room.ID, ref.ID, tc.action, alice.ID), vectorTime))
			if w.Code != 200 {
				t.Fatalf("got %d, want 200", w.Code)
			}
			if calls != tc.wantStatus {
				t.Errorf("got %d Status calls, want %d", calls, tc.wantStatus)
			}
			msgs := e.srv.Messages(room.ID)
			if tc.wantPrivate {
				if len(msgs) != 2 || msgs[1].EphemeralTo != alice.ID || msgs[0].Edits != 0 {
					t.Errorf("got %+v, want the clicked message untouched and a reply to alice", msgs)
				}
				return
			}
			if len(msgs) != 1 || msgs[0].Edits != 1 {
				t.Fatalf("got %+v, want the clicked message edited once and nothing else", msgs)
			}
			all := msgs[0].Text + string(msgs[0].Blocks) + string(msgs[0].Attachments)
			if !strings.Contains(all, tc.wantEdit) {
				t.Errorf("got %s, want %q", all, tc.wantEdit)
			}
		})
	}
}
