package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakeslack"
)

// acks records what envelopes were acked with.
type acks struct {
	mu  sync.Mutex
	got map[string][]string // envelope id -> JSON payloads
}

func (a *acks) ack(id string) func(payload any) error {
	return func(payload any) error {
		b, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.got == nil {
			a.got = map[string][]string{}
		}
		a.got[id] = append(a.got[id], string(b))
		return nil
	}
}

func (a *acks) of(id string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.got[id]
}

func newSocket(e *env) *Socket {
	return &Socket{in: e.in}
}

func TestSocketEnvelopes(t *testing.T) {
	t.Parallel()
	cmd := `{"team_id":"T01SHOPX9Q","channel_id":"C01OPS4X7Z","user_id":"U02ALICE5K","user_name":"alice","command":"/incident","text":"status INC-42","trigger_id":"1.2.3"}`
	tests := []struct {
		name     string
		reqs     []socketmode.Request
		storeErr error
		wantAcks map[string][]string // substrings of each ack, in order
		wantRuns []string
	}{
		{name: "slash command answered in the ack",
			reqs:     []socketmode.Request{{Type: "slash_commands", EnvelopeID: "e1", Payload: json.RawMessage(cmd)}},
			wantAcks: map[string][]string{"e1": {`"text":"ok: status INC-42"`}},
			wantRuns: []string{"U02ALICE5K alice C01OPS4X7Z T01SHOPX9Q: status INC-42"}},
		{name: "redelivered envelope acked once more, run once",
			reqs: []socketmode.Request{
				{Type: "slash_commands", EnvelopeID: "e1", Payload: json.RawMessage(cmd)},
				{Type: "slash_commands", EnvelopeID: "e1", Payload: json.RawMessage(cmd), RetryAttempt: 1, RetryReason: "timeout"},
			},
			wantAcks: map[string][]string{"e1": {`"text":"ok: status INC-42"`, "null"}},
			wantRuns: []string{"U02ALICE5K alice C01OPS4X7Z T01SHOPX9Q: status INC-42"}},
		{name: "modal errors in the ack",
			reqs: []socketmode.Request{{Type: "interactive", EnvelopeID: "e2",
				Payload: json.RawMessage(`{"type":"view_submission","user":{"id":"U02ALICE5K"},"view":{"callback_id":"incident.declare","state":{"values":{}}}}`)}},
			wantAcks: map[string][]string{"e2": {`"response_action":"errors"`}}},
		{name: "button acked then run",
			reqs: []socketmode.Request{{Type: "interactive", EnvelopeID: "e3",
				Payload: json.RawMessage(`{"type":"block_actions","team":{"id":"T01SHOPX9Q"},"user":{"id":"U02ALICE5K","username":"alice"},"actions":[{"action_id":"status INC-42"}]}`)}},
			wantAcks: map[string][]string{"e3": {"null"}},
			wantRuns: []string{"U02ALICE5K alice  T01SHOPX9Q: status INC-42"}},
		{name: "event deduplicated by event id across envelopes",
			reqs: []socketmode.Request{
				{Type: "events_api", EnvelopeID: "e4", Payload: json.RawMessage(`{"type":"event_callback","team_id":"T01SHOPX9Q","event_id":"Ev1","event":{"type":"app_mention","user":"U02ALICE5K","channel":"C1"}}`)},
				{Type: "events_api", EnvelopeID: "e5", RetryAttempt: 1, Payload: json.RawMessage(`{"type":"event_callback","team_id":"T01SHOPX9Q","event_id":"Ev1","event":{"type":"app_mention","user":"U02ALICE5K","channel":"C1"}}`)},
			},
			wantAcks: map[string][]string{"e4": {"null"}, "e5": {"null"}},
			wantRuns: []string{"U02ALICE5K  C1 T01SHOPX9Q: help"}},
		{name: "event not recorded is not acked, so Slack redelivers",
			storeErr: incidentbot.Errorf(incidentbot.EUNAVAILABLE, "database down"),
			reqs: []socketmode.Request{{Type: "events_api", EnvelopeID: "e6",
				Payload: json.RawMessage(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U02ALICE5K","channel":"C1"}}`)}},
			wantAcks: map[string][]string{}},
		{name: "malformed and unknown acked",
			reqs: []socketmode.Request{
				{Type: "slash_commands", EnvelopeID: "e7", Payload: json.RawMessage(`"nope"`)},
				{Type: "interactive", EnvelopeID: "e8", Payload: json.RawMessage(`[]`)},
				{Type: "something_new", EnvelopeID: "e9", Payload: json.RawMessage(`{}`)},
			},
			wantAcks: map[string][]string{"e7": {"null"}, "e8": {"null"}, "e9": {"null"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			e.store.err = tc.storeErr
			e.use((&declares{}).service())
			s := newSocket(e)
			a := &acks{}
			for _, r := range tc.reqs {
				s.envelope(context.Background(), r, a.ack(r.EnvelopeID))
			}
			for id, want := range tc.wantAcks {
				got := a.of(id)
				if len(got) != len(want) {
					t.Fatalf("envelope %s: got acks %q, want %d", id, got, len(want))
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("envelope %s ack %d: got %s, want %q", id, i, got[i], want[i])
					}
				}
			}
			if len(tc.wantAcks) == 0 && len(a.got) != 0 {
				t.Errorf("got acks %v, want none", a.got)
			}
			calls := e.rec.got()
			if len(calls) != len(tc.wantRuns) {
				t.Fatalf("got runs %q, want %q", calls, tc.wantRuns)
			}
			for i := range calls {
				if calls[i] != tc.wantRuns[i] {
					t.Errorf("got run %q, want %q", calls[i], tc.wantRuns[i])
				}
			}
		})
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling an external server, not waiting for work of ours
	}
}

func TestSocketOverWebSocket(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	var logs bytes.Buffer
	e.in.deps.Logger = slog.New(slog.NewJSONHandler(&syncWriter{w: &logs}, nil))
	s := NewSocket(SocketDeps{AppToken: incidentbot.Secret(e.srv.AppToken()), APIURL: e.srv.URL(), InboundDeps: e.in.deps})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitFor(t, "the socket to connect", func() bool { return e.srv.SocketConnections() == 1 })

	id, err := e.srv.SendEnvelope(fakeslack.Envelope{Type: "slash_commands", Payload: map[string]string{
		"team_id": "T01SHOPX9Q", "channel_id": "C01OPS4X7Z", "user_id": alice.ID, "user_name": "alice", "text": "list",
	}})
	if err != nil {
		t.Fatal(err)
	}
	var payload json.RawMessage
	waitFor(t, "the ack", func() bool {
		p, ok := e.srv.Ack(id)
		payload = p
		return ok
	})
	if !strings.Contains(string(payload), `"text":"ok: list"`) {
		t.Errorf("got ack %s, want the command's answer", payload)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("got Run error %v, want nil after cancel", err)
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) || strings.Contains(logs.String(), `"level":"WARN"`) {
		t.Errorf("got logs %s, want nothing at WARN or ERROR", logs.String())
	}

	t.Run("bad token", func(t *testing.T) {
		s := NewSocket(SocketDeps{AppToken: "xapp-wrong", APIURL: e.srv.URL(), InboundDeps: e.in.deps})
		err := s.Run(context.Background())
		if incidentbot.ErrorCode(err) != incidentbot.EUNAUTHORIZED || !strings.Contains(incidentbot.ErrorMessage(err), "SLACK_APP_TOKEN") ||
			strings.Contains(err.Error(), "xapp-wrong") {
			t.Errorf("got %v, want EUNAUTHORIZED naming SLACK_APP_TOKEN, without the token", err)
		}
	})
}

// syncWriter serialises writes from the socket's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestShedSocketCommand: over Socket Mode too, a command beyond the
// in-flight limit is acked at once with the busy answer and runs nothing.
func TestShedSocketCommand(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	gate := commands.NewGate(1, 2*time.Second)
	e.in.deps.Gate = gate
	s := newSocket(e)
	hold, inside, errc := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		errc <- gate.Run(t.Context(), func(context.Context) { close(inside); <-hold })
	}()
	<-inside
	cmd := `{"team_id":"T01SHOPX9Q","channel_id":"C01OPS4X7Z","user_id":"U02ALICE5K","user_name":"alice","command":"/incident","text":"status INC-42"}`
	a := &acks{}
	s.envelope(t.Context(), socketmode.Request{Type: "slash_commands", EnvelopeID: "e1", Payload: json.RawMessage(cmd)}, a.ack("e1"))
	close(hold)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if got := a.of("e1"); len(got) != 1 || !strings.Contains(got[0], commands.Busy) {
		t.Errorf("got acks %q, want one saying %q", got, commands.Busy)
	}
	if calls := e.rec.got(); len(calls) != 0 {
		t.Errorf("got runs %q, want none", calls)
	}
}
