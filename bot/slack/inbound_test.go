package slack

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakeslack"
)

const (
	// fixtures are copies of ../shared/fixtures/slack, byte for byte: the
	// signature test vector covers slash_command.form.txt exactly.
	fixtures      = "testdata/fixtures/"
	signingSecret = "0f2e8a9d4b7c6e1a3f5d9c8b7a6e5d4c"
	vectorTS      = "1795521600"
	vectorSig     = "v0=dd0659d91dabbc151f270b9098117379a242c054bc978453a83dc3e87edf3d4c"
)

var vectorTime = time.Unix(1795521600, 0)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// signed builds a request signed at ts as Slack would.
func signed(t testing.TB, path string, body []byte, ts time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(sign([]byte(signingSecret), stamp, body)))
	return r
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := fixture(t, "slash_command.form.txt")
	slackBody := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	tampered := []byte(strings.Replace(string(body), "sev1", "sev4", 1))
	tests := []struct {
		name, secret, ts, sig string
		body                  []byte
		now                   time.Time
		want                  error
	}{
		{"project vector", signingSecret, vectorTS, vectorSig, body, vectorTime, nil},
		{"slack vector", "8f742231b10e8888abcd99yyyzzz85a5", "1531420618",
			"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", slackBody, time.Unix(1531420618, 0), nil},
		{"4 minutes late", signingSecret, vectorTS, vectorSig, body, vectorTime.Add(4 * time.Minute), nil},
		{"6 minutes late", signingSecret, vectorTS, vectorSig, body, vectorTime.Add(6 * time.Minute), errStale},
		{"6 minutes early", signingSecret, vectorTS, vectorSig, body, vectorTime.Add(-6 * time.Minute), errStale},
		{"tampered body", signingSecret, vectorTS, vectorSig, tampered, vectorTime, errBadSignature},
		{"other secret", "not-the-secret", vectorTS, vectorSig, body, vectorTime, errBadSignature},
		{"no v0 prefix", signingSecret, vectorTS, strings.TrimPrefix(vectorSig, "v0="), body, vectorTime, errBadSignature},
		{"not hex", signingSecret, vectorTS, "v0=zz", body, vectorTime, errBadSignature},
		{"no signature", signingSecret, vectorTS, "", body, vectorTime, errNoSignature},
		{"no timestamp", signingSecret, "", vectorSig, body, vectorTime, errNoSignature},
		{"bad timestamp", signingSecret, "noon", vectorSig, body, vectorTime, errBadTimestamp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.ts != "" {
				h.Set("X-Slack-Request-Timestamp", tc.ts)
			}
			if tc.sig != "" {
				h.Set("X-Slack-Signature", tc.sig)
			}
			if got := verify([]byte(tc.secret), h, tc.body, tc.now); !errors.Is(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(vectorTS, vectorSig, fixture(f, "slash_command.form.txt"))
	f.Add("-1", "v0=", []byte{})
	f.Add("99999999999999999999", "v0=00", []byte("x"))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", sig)
		err := verify([]byte(signingSecret), h, body, vectorTime)
		if err == nil && sig != "v0="+hex.EncodeToString(sign([]byte(signingSecret), ts, body)) {
			t.Errorf("accepted signature %q for timestamp %q", sig, ts)
		}
	})
}

// recorder is a stub command handler remembering what it ran.
type recorder struct {
	mu    sync.Mutex
	calls []string // "user channel workspace: text"
	reply func(actor incidentbot.Actor, text string) commands.Reply
}

func (r *recorder) handle(_ context.Context, actor incidentbot.Actor, text string) commands.Reply {
	r.mu.Lock()
	r.calls = append(r.calls, actor.User.ID+" "+actor.User.Name+" "+actor.ChannelID+" "+actor.Workspace+": "+text)
	r.mu.Unlock()
	if r.reply != nil {
		return r.reply(actor, text)
	}
	return commands.Reply{Message: incidentbot.Message{Text: "ok: " + text, EphemeralTo: actor.User.ID}}
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// deliveries is an in-memory DeliveryStore.
type deliveries struct {
	mu   sync.Mutex
	seen map[string]bool
	err  error
}

func (d *deliveries) ClaimDelivery(_ context.Context, source, id string, _ time.Time) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return false, d.err
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	k := source + "/" + id
	first := !d.seen[k]
	d.seen[k] = true
	return first, nil
}

func (d *deliveries) ClaimDeliveries(ctx context.Context, source string, ids []string, at time.Time) ([]bool, error) {
	return incidentbot.ClaimEach(ctx, d.ClaimDelivery, source, ids, at)
}

func (d *deliveries) PruneDeliveries(context.Context, time.Time) (int64, error) { return 0, nil }

type env struct {
	in    *Inbound
	rec   *recorder
	store *deliveries
	srv   *fakeslack.Server
	chat  *Chat
}

// use makes svc the service behind the declare modal: it opens the modal
// and runs its form as a command.
func (e *env) use(svc incidentbot.IncidentService) {
	e.in.deps.Service = svc
	e.in.deps.Run = commands.NewHandler(svc, e.in.deps.Clock, nil).Run
}

func newInbound(t *testing.T) *env {
	t.Helper()
	srv, chat, _ := newChat(t)
	e := &env{rec: &recorder{}, store: &deliveries{}, srv: srv, chat: chat}
	e.in = NewInbound(InboundDeps{
		SigningSecret: signingSecret,
		Teams:         []string{fakeslack.TeamID},
		Handle:        e.rec.handle,
		Deliveries:    e.store,
		Chat:          chat,
		Clock:         incidentbot.ClockFunc(func() time.Time { return vectorTime }),
		Logger:        slog.New(slog.DiscardHandler),
	})
	return e
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestCommands(t *testing.T) {
	t.Parallel()
	body := fixture(t, "slash_command.form.txt")
	t.Run("fixture as signed", func(t *testing.T) {
		t.Parallel()
		e := newInbound(t)
		e.rec.reply = func(incidentbot.Actor, string) commands.Reply {
			return commands.Reply{InChannel: true, Message: incidentbot.Message{Title: "INC-42 declared", Severity: incidentbot.SEV1}}
		}
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(string(body)))
		r.Header.Set("X-Slack-Request-Timestamp", vectorTS)
		r.Header.Set("X-Slack-Signature", vectorSig)
		w := serve(e.in.Commands(), r)
		if w.Code != http.StatusOK {
			t.Fatalf("got %d %s, want 200", w.Code, w.Body)
		}
		var got slashResponse
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.ResponseType != "in_channel" || got.Text != "INC-42 declared" || len(got.Attachments) != 1 {
			t.Errorf("got %s, want an in_channel reply with a colour bar", w.Body)
		}
		want := "U02ALICE5K alice C01OPS4X7Z T01SHOPX9Q: declare sev1 Checkout down"
		if calls := e.rec.got(); len(calls) != 1 || calls[0] != want {
			t.Errorf("got calls %q, want [%q]", calls, want)
		}
	})
	refusals := []struct {
		name string
		req  func() *http.Request
		code int
	}{
		{"unsigned", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(string(body)))
		}, http.StatusUnauthorized},
		{"tampered", func() *http.Request {
			tampered := strings.Replace(string(body), "sev1", "sev4", 1)
			r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(tampered))
			r.Header.Set("X-Slack-Request-Timestamp", vectorTS)
			r.Header.Set("X-Slack-Signature", vectorSig)
			return r
		}, http.StatusUnauthorized},
		{"six minutes old", func() *http.Request {
			return signed(t, "/slack/commands", body, vectorTime.Add(-6*time.Minute))
		}, http.StatusUnauthorized},
		{"too large", func() *http.Request {
			return signed(t, "/slack/commands", []byte(strings.Repeat("a", maxBody+1)), vectorTime)
		}, http.StatusRequestEntityTooLarge},
		{"no user", func() *http.Request {
			return signed(t, "/slack/commands", []byte("text=status"), vectorTime)
		}, http.StatusBadRequest},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			w := serve(e.in.Commands(), tc.req())
			if w.Code != tc.code {
				t.Errorf("got %d %q, want %d", w.Code, w.Body, tc.code)
			}
			if calls := e.rec.got(); len(calls) != 0 {
				t.Errorf("got calls %q, want none", calls)
			}
		})
	}
}

func TestInteractions(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	ctx := context.Background()
	ch, err := e.chat.CreateChannel(ctx, "inc-42-checkout-down", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.chat.Invite(ctx, ch.ID, []string{alice.ID}); err != nil {
		t.Fatal(err)
	}
	payload := strings.ReplaceAll(string(fixture(t, "block_actions.json")), "C07W4RR00M", ch.ID)
	modern := strings.ReplaceAll(payload, `"action_id": "incident.ack",
      "block_id"`, `"action_id": "resolve INC-42",
      "block_id"`)
	tests := []struct {
		name, payload, want string
	}{
		{"fixture layout", payload, "ack INC-42"},
		{"action id is the command", modern, "resolve INC-42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.srv.Messages(ch.ID))
			body := []byte("payload=" + url.QueryEscape(tc.payload))
			w := serve(e.in.Interactions(), signed(t, "/slack/interactions", body, vectorTime))
			if w.Code != http.StatusOK || w.Body.Len() != 0 {
				t.Fatalf("got %d %q, want an empty 200", w.Code, w.Body)
			}
			calls := e.rec.got()
			want := "U02ALICE5K alice " + ch.ID + " T01SHOPX9Q: " + tc.want
			if calls[len(calls)-1] != want {
				t.Errorf("got call %q, want %q", calls[len(calls)-1], want)
			}
			msgs := e.srv.Messages(ch.ID)
			if len(msgs) != before+1 || msgs[len(msgs)-1].EphemeralTo != alice.ID {
				t.Errorf("got %d messages (last %+v), want one more, ephemeral to alice", len(msgs), msgs[len(msgs)-1])
			}
		})
	}

	t.Run("ignored and refused", func(t *testing.T) {
		n := len(e.rec.got())
		w := serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(`{"type":"view_closed"}`)), vectorTime))
		if w.Code != http.StatusOK {
			t.Errorf("view_closed: got %d, want 200", w.Code)
		}
		w = serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload=%7B"), vectorTime))
		if w.Code != http.StatusBadRequest {
			t.Errorf("bad payload: got %d, want 400", w.Code)
		}
		r := signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(payload)), vectorTime)
		r.Header.Set("X-Slack-Signature", vectorSig)
		if w = serve(e.in.Interactions(), r); w.Code != http.StatusUnauthorized {
			t.Errorf("bad signature: got %d, want 401", w.Code)
		}
		if got := len(e.rec.got()); got != n {
			t.Errorf("got %d new calls, want none", got-n)
		}
	})
}

func TestEvents(t *testing.T) {
	t.Parallel()
	t.Run("url verification", func(t *testing.T) {
		t.Parallel()
		e := newInbound(t)
		w := serve(e.in.Events(), signed(t, "/slack/events", fixture(t, "url_verification.json"), vectorTime))
		var got map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &got)
		if w.Code != http.StatusOK || got["challenge"] != "q7Lx2VbN9sTk4HcR0wYp8MzE3uJd6FgA1iKoPq5XnB2yWs" {
			t.Errorf("got %d %s, want the challenge", w.Code, w.Body)
		}
	})
	t.Run("app mention retried", func(t *testing.T) {
		t.Parallel()
		e := newInbound(t)
		ctx := context.Background()
		ch, err := e.chat.CreateChannel(ctx, "inc-42", incidentbot.ChannelOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.chat.Invite(ctx, ch.ID, []string{alice.ID}); err != nil {
			t.Fatal(err)
		}
		body := []byte(strings.ReplaceAll(string(fixture(t, "events_app_mention.json")), "C07W4RR00M", ch.ID))
		for retry := range 4 {
			r := signed(t, "/slack/events", body, vectorTime)
			if retry > 0 {
				r.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
				r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
			}
			if w := serve(e.in.Events(), r); w.Code != http.StatusOK {
				t.Fatalf("delivery %d: got %d %s, want 200", retry, w.Code, w.Body)
			}
		}
		want := "U02ALICE5K  " + ch.ID + " T01SHOPX9Q: help"
		if calls := e.rec.got(); len(calls) != 1 || calls[0] != want {
			t.Errorf("got calls %q, want [%q]", calls, want)
		}
		if msgs := e.srv.Messages(ch.ID); len(msgs) != 1 || msgs[0].EphemeralTo != alice.ID {
			t.Errorf("got messages %+v, want one help reply for alice", msgs)
		}
	})
	t.Run("own events ignored", func(t *testing.T) {
		t.Parallel()
		e := newInbound(t)
		body := []byte(strings.Replace(string(fixture(t, "events_app_mention.json")), `"user": "U02ALICE5K"`, `"user": "U05INCBOT1"`, 1))
		if w := serve(e.in.Events(), signed(t, "/slack/events", body, vectorTime)); w.Code != http.StatusOK {
			t.Fatalf("got %d, want 200", w.Code)
		}
		if calls := e.rec.got(); len(calls) != 0 {
			t.Errorf("got calls %q, want none", calls)
		}
	})
	t.Run("store down", func(t *testing.T) {
		t.Parallel()
		e := newInbound(t)
		e.store.err = incidentbot.Errorf(incidentbot.EUNAVAILABLE, "database down")
		w := serve(e.in.Events(), signed(t, "/slack/events", fixture(t, "events_app_mention.json"), vectorTime))
		if w.Code != http.StatusInternalServerError || len(e.rec.got()) != 0 {
			t.Errorf("got %d and %d calls, want 500 and none, so Slack retries", w.Code, len(e.rec.got()))
		}
	})
	t.Run("stale", func(t *testing.T) {
		t.Parallel()
		e := newInbound(t)
		w := serve(e.in.Events(), signed(t, "/slack/events", fixture(t, "events_app_mention.json"), vectorTime.Add(-6*time.Minute)))
		if w.Code != http.StatusUnauthorized || len(e.store.seen) != 0 {
			t.Errorf("got %d with %d deliveries claimed, want 401 and none", w.Code, len(e.store.seen))
		}
	})
}

// BenchmarkCommands measures the acknowledgement path of a signed slash
// command (verify, parse, reply, render), with a stub handler.
func BenchmarkCommands(b *testing.B) {
	body := fixture(b, "slash_command.form.txt")
	in := NewInbound(InboundDeps{
		SigningSecret: signingSecret,
		Handle: func(_ context.Context, a incidentbot.Actor, text string) commands.Reply {
			return commands.Reply{Message: incidentbot.Message{Title: "INC-42", Text: text, Severity: incidentbot.SEV1}}
		},
		Clock: incidentbot.ClockFunc(func() time.Time { return vectorTime }),
	})
	h := in.Commands()
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(string(body)))
		r.Header.Set("X-Slack-Request-Timestamp", vectorTS)
		r.Header.Set("X-Slack-Signature", vectorSig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("got %d, want 200", w.Code)
		}
	}
}

// FuzzInbound sends any signed body to each handler: no panic, only the
// statuses the handlers document, and the secret never in an answer.
func FuzzInbound(f *testing.F) {
	f.Add(fixture(f, "slash_command.form.txt"))
	f.Add([]byte("payload=" + url.QueryEscape(string(fixture(f, "block_actions.json")))))
	f.Add(fixture(f, "events_app_mention.json"))
	f.Add(fixture(f, "url_verification.json"))
	f.Add([]byte(`{"type":"event_callback","event":{"type":"app_mention"}}`))
	f.Add([]byte("payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%7B%7D%5D%7D"))
	f.Add([]byte("payload=" + url.QueryEscape(string(fixture(f, "view_submission.json")))))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"pin_added","user":"U1","item":{"type":"message","channel":"C1","message":{"ts":"1795521661.000200","text":"x"}}}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev2","event":{"type":"reaction_added","user":"U1","reaction":"pushpin","item":{"type":"message","channel":"C1","ts":"1.2"}}}`))
	svc := (&declares{}).service()
	svc.RecordFn = func(context.Context, incidentbot.Actor, string, incidentbot.TimelineEvent, *incidentbot.Message) (*incidentbot.Incident, error) {
		return nil, incidentbot.Errorf(incidentbot.ENOTFOUND, "not a war room")
	}
	in := NewInbound(InboundDeps{
		Service:       svc,
		SigningSecret: signingSecret,
		Handle: func(_ context.Context, a incidentbot.Actor, text string) commands.Reply {
			return commands.Reply{Message: incidentbot.Message{Text: text, EphemeralTo: a.User.ID}}
		},
		Deliveries: &deliveries{},
		Clock:      incidentbot.ClockFunc(func() time.Time { return vectorTime }),
	})
	handlers := map[string]http.Handler{"commands": in.Commands(), "interactions": in.Interactions(), "events": in.Events()}
	f.Fuzz(func(t *testing.T, body []byte) {
		for name, h := range handlers {
			w := serve(h, signed(t, "/slack/"+name, body, vectorTime))
			switch w.Code {
			case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			default:
				t.Errorf("%s: got status %d, want 200, 400 or 413", name, w.Code)
			}
			if strings.Contains(w.Body.String(), signingSecret) {
				t.Errorf("%s: got the signing secret in the answer", name)
			}
		}
	})
}
