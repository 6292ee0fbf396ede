package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/mock"
)

// eventBody builds an event_callback the way Slack sends it to the bot.
func eventBody(t *testing.T, id string, ev map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": "T01SHOPX9Q", "event_id": id, "event": ev,
		"authorizations": []map[string]any{{"team_id": "T01SHOPX9Q", "user_id": "U05INCBOT1", "is_bot": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorded is what the service was asked to record.
type recorded struct {
	mu     sync.Mutex
	actors []incidentbot.Actor
	events []incidentbot.TimelineEvent
}

func (r *recorded) service(err error) *mock.IncidentService {
	return &mock.IncidentService{RecordFn: func(_ context.Context, a incidentbot.Actor, key string, ev incidentbot.TimelineEvent, announce *incidentbot.Message) (*incidentbot.Incident, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if key != "" || announce != nil {
			panic("pins must go to the war room's incident, unannounced")
		}
		r.actors = append(r.actors, a)
		r.events = append(r.events, ev)
		if err != nil {
			return nil, err
		}
		return &incidentbot.Incident{ID: 42, Key: "INC-42"}, nil
	}}
}

func (r *recorded) got() []incidentbot.TimelineEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]incidentbot.TimelineEvent(nil), r.events...)
}

func TestPins(t *testing.T) {
	t.Parallel()
	type step struct {
		id string
		ev func(room, ts string) map[string]any
	}
	pin := func(user, text string) func(room, ts string) map[string]any {
		return func(room, ts string) map[string]any {
			msg := map[string]any{"type": "message", "ts": ts, "user": bob.ID}
			if text != "" {
				msg["text"] = text
			}
			return map[string]any{"type": "pin_added", "user": user, "channel_id": room, "event_ts": "1795521900.000100",
				"item": map[string]any{"type": "message", "channel": room, "created_by": user, "message": msg}}
		}
	}
	react := func(user, reaction string) func(room, ts string) map[string]any {
		return func(room, ts string) map[string]any {
			return map[string]any{"type": "reaction_added", "user": user, "reaction": reaction, "item_user": bob.ID,
				"event_ts": "1795521900.000100", "item": map[string]any{"type": "message", "channel": room, "ts": ts}}
		}
	}
	tests := []struct {
		name      string
		steps     []step
		recordErr error
		gone      bool // the message was deleted before the event came
		want      []string
		wantLog   string
	}{
		{name: "pin carries its text", steps: []step{{"Ev1", pin(alice.ID, "DB failover started")}}, want: []string{"DB failover started"}},
		{name: "pin without text reads history", steps: []step{{"Ev1", pin(alice.ID, "")}}, want: []string{"Database restarted at 12:01"}},
		{name: "pushpin reaction", steps: []step{{"Ev1", react(alice.ID, "pushpin")}}, want: []string{"Database restarted at 12:01"}},
		{name: "other reaction", steps: []step{{"Ev1", react(alice.ID, "eyes")}}},
		{name: "bot's own pin", steps: []step{{"Ev1", pin("U05INCBOT1", "Welcome")}}},
		{name: "pinned and reacted is one entry",
			steps: []step{{"Ev1", pin(alice.ID, "")}, {"Ev2", react(carol.ID, "pushpin")}, {"Ev1", pin(alice.ID, "")}},
			want:  []string{"Database restarted at 12:01"}},
		{name: "not a war room", steps: []step{{"Ev1", react(alice.ID, "pushpin")}},
			recordErr: incidentbot.Errorf(incidentbot.ENOTFOUND, "This channel is not an incident war room."),
			want:      []string{"Database restarted at 12:01"}, wantLog: "pin outside a war room ignored"},
		{name: "message gone", steps: []step{{"Ev1", react(alice.ID, "pushpin")}}, gone: true, wantLog: "pinned message not read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			var logs bytes.Buffer
			rec := &recorded{}
			e.in.deps.Service = rec.service(tc.recordErr)
			e.in.deps.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			room, err := e.chat.CreateChannel(context.Background(), "inc-42-checkout", incidentbot.ChannelOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ts, _ := e.srv.AddMessage(room.ID, bob.ID, "Database restarted at 12:01")
			if tc.gone {
				ts = "1795521000.000100"
			}
			for _, s := range tc.steps {
				w := serve(e.in.Events(), signed(t, "/slack/events", eventBody(t, s.id, s.ev(room.ID, ts)), vectorTime))
				if w.Code != 200 {
					t.Fatalf("got %d %s, want 200", w.Code, w.Body)
				}
			}
			got := rec.got()
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events %+v, want %q", len(got), got, tc.want)
			}
			at, _ := tsTime(ts)
			for i, ev := range got {
				if ev.Text != tc.want[i] || ev.Kind != incidentbot.EventPinned || !ev.At.Equal(at) || ev.Actor.ID == "" {
					t.Errorf("got %+v, want a pinned event %q at %s by a person", ev, tc.want[i], at)
				}
				if a := rec.actors[i]; a.ChannelID != room.ID || a.Platform != "slack" || a.Workspace != "T01SHOPX9Q" {
					t.Errorf("got actor %+v, want one in %s", a, room.ID)
				}
			}
			if tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("got logs %s, want %q", logs.String(), tc.wantLog)
			}
			if strings.Contains(logs.String(), `"level":"ERROR"`) || strings.Contains(logs.String(), `"level":"WARN"`) {
				t.Errorf("got logs %s, want nothing at WARN or ERROR", logs.String())
			}
		})
	}
}

func TestTSTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1795521661.000200", time.Unix(1795521661, 200_000).UTC(), true},
		{"1795521661", time.Unix(1795521661, 0).UTC(), true},
		{"1795521661.5", time.Unix(1795521661, 500_000_000).UTC(), true},
		{"", time.Time{}, false},
		{"abc.000100", time.Time{}, false},
		{"1795521661.0000001", time.Time{}, false},
		{"-5.000100", time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, ok := tsTime(tc.in)
			if ok != tc.ok || !got.Equal(tc.want) {
				t.Errorf("got %s %v, want %s %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
