package slack_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/slack"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/playbooks"
	"incidentbot/server"
	"incidentbot/store"
)

const secret = "e2e-signing-secret-0123456789abcdef"

var (
	alice = fakeslack.User{ID: "U02ALICE5K", Name: "alice", RealName: "Alice Martin", DisplayName: "alice", Email: "alice@shop.example"}
	bob   = fakeslack.User{ID: "U03BOB7Q2Z", Name: "bob", RealName: "Bob Stone", Email: "bob@shop.example"}
	carol = fakeslack.User{ID: "U04CAROL9X", Name: "carol", RealName: "Carol Diaz", Email: "carol@shop.example"}
	dan   = fakeslack.User{ID: "U05DAN3MKT", Name: "dan", RealName: "Dan Roy", Email: "dan@shop.example"}
)

// logBuffer collects JSON log lines from every goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// errors returns the lines logged at ERROR.
func (l *logBuffer) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			out = append(out, line)
		}
	}
	return out
}

// world is the bot as served in production: the real engine on a real
// store, the Slack adapter on a fake Slack, the inbound handlers over HTTP.
type world struct {
	t       testing.TB
	db      *store.DB
	srv     *fakeslack.Server
	eng     *bot.Engine
	clock   *incidentbot.ManualClock
	logs    *logBuffer
	http    *httptest.Server
	ops     fakeslack.Channel // where people type commands
	summary fakeslack.Channel
	chat    *slack.Chat
	logger  *slog.Logger
}

func newWorld(t testing.TB, db *store.DB, postInterval time.Duration, opts ...fakeslack.Option) *world {
	t.Helper()
	w := &world{t: t, db: db, clock: incidentbot.NewManualClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)), logs: &logBuffer{}}
	opts = append([]fakeslack.Option{
		fakeslack.WithClock(w.clock.Now),
		fakeslack.WithUsers(alice, bob, carol, dan),
		fakeslack.WithUserGroups(
			fakeslack.UserGroup{ID: "S01ONCALL", Handle: "oncall-web", Users: []string{bob.ID, carol.ID}},
			fakeslack.UserGroup{ID: "S02SUPPORT", Handle: "support-leads", Users: []string{carol.ID}},
			fakeslack.UserGroup{ID: "S03MARKET", Handle: "marketing", Users: []string{dan.ID}},
		),
	}, opts...)
	w.srv = fakeslack.New(t, opts...)
	w.ops = w.srv.AddChannel("ops", "", false)
	w.summary = w.srv.AddChannel("incidents", "", false)
	logger := slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	chat := slack.NewChat(slack.ChatConfig{BotToken: incidentbot.Secret(w.srv.Token()), APIURL: w.srv.URL(), PostInterval: postInterval}, logger)
	ctx := context.Background()
	if err := chat.Invite(ctx, w.ops.ID, []string{alice.ID, bob.ID, carol.ID}); err != nil {
		t.Fatal(err)
	}
	eng, err := bot.New(bot.Config{SummaryChannels: map[string]string{incidentbot.PlatformSlack: w.summary.ID}}, bot.Deps{
		Store: db, Playbooks: playbooks.Defaults(), Chats: map[string]incidentbot.Chat{incidentbot.PlatformSlack: chat},
		Clock: w.clock, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.eng = eng
	w.chat, w.logger = chat, logger
	w.serve(nil)
	return w
}

// serve serves the inbound handlers over HTTP through gate (nil: all
// admitted), replacing any earlier server.
func (w *world) serve(gate *commands.Gate) {
	h := commands.NewHandler(w.eng, w.clock, w.logger)
	in := slack.NewInbound(slack.InboundDeps{
		SigningSecret: secret,
		Teams:         []string{fakeslack.TeamID},
		Handle:        h.Handle,
		Run:           h.Run,
		Service:       w.eng,
		Deliveries:    w.db,
		Chat:          w.chat,
		Gate:          gate,
		Clock:         w.clock,
		Logger:        w.logger,
	})
	// serve's own routes and middleware (body limit, panic recovery), as in production.
	mux := server.NewServer(server.Deps{Logger: w.logger,
		SlackCommands: in.Commands(), SlackInteractions: in.Interactions(), SlackEvents: in.Events()})
	if w.http != nil {
		w.http.Close()
	}
	w.http = httptest.NewServer(mux)
	w.t.Cleanup(w.http.Close)
}

// request is how a request is signed.
type request int

const (
	signedNow request = iota
	unsigned
)

// send posts body to path as Slack would, and returns the status and body.
func (w *world) send(path string, body []byte, how request) (int, string) {
	w.t.Helper()
	return w.sendAt(path, body, how, w.clock.Now())
}

// sendAt is send with the request signed at the given time: sent twice with
// the same time and body, it is a byte-identical replay.
func (w *world) sendAt(path string, body []byte, how request, at time.Time) (int, string) {
	w.t.Helper()
	code, reply, err := w.sendWith(path, body, how, at, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return code, reply
}

// sendWith is sendAt with more headers, and an error rather than a fatal
// one, so goroutines may send.
func (w *world) sendWith(path string, body []byte, how request, at time.Time, h http.Header) (int, string, error) {
	r, err := http.NewRequest(http.MethodPost, w.http.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	for k, v := range h {
		r.Header[k] = v
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	sig := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if how != unsigned {
		r.Header.Set("X-Slack-Request-Timestamp", ts)
		r.Header.Set("X-Slack-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// command runs a slash command typed by user in #ops.
func (w *world) command(user fakeslack.User, text, trigger string, how request) (int, string) {
	w.t.Helper()
	return w.send("/slack/commands", commandForm(w.ops.ID, user, text, trigger), how)
}

func commandForm(channel string, user fakeslack.User, text, trigger string) []byte {
	form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {channel}, "channel_name": {"ops"}, "user_id": {user.ID},
		"user_name": {user.Name}, "command": {"/incident"}, "text": {text}, "trigger_id": {trigger}}
	return []byte(form.Encode())
}

// interact sends an interactivity payload.
func (w *world) interact(payload any) (int, string) {
	w.t.Helper()
	return w.send("/slack/interactions", w.payload(payload), signedNow)
}

func (w *world) payload(v any) []byte {
	w.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	return []byte("payload=" + url.QueryEscape(string(b)))
}

// settle runs due jobs, advancing the clock, until cond holds.
func (w *world) settle(what string, cond func() bool) {
	w.t.Helper()
	for range 60 {
		if _, err := w.eng.RunDue(context.Background(), 0); err != nil {
			w.t.Fatalf("RunDue: %v", err)
		}
		if cond() {
			return
		}
		w.clock.Advance(5 * time.Second)
	}
	w.t.Fatalf("%s: not reached after 60 rounds of jobs", what)
}

// eventually polls cond until it holds: the handlers finish their work
// after Slack has its answer.
func (w *world) eventually(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (w *world) incidents() []*incidentbot.Incident {
	w.t.Helper()
	incs, err := w.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	return incs
}

// warRoom returns the war room named name once its welcome is pinned.
func (w *world) warRoom(name string) (fakeslack.Channel, bool) {
	ch, ok := w.srv.ChannelByName(name)
	return ch, ok && len(w.srv.Pinned(ch.ID)) == 1
}

func text(m fakeslack.Message) string { return m.Text + string(m.Blocks) + string(m.Attachments) }

// dump shows messages briefly, for failures.
func dump(msgs []fakeslack.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		t := text(m)
		if len(t) > 200 {
			t = t[:200] + "..."
		}
		fmt.Fprintf(&b, "\n  %s to=%q edits=%d: %s", m.TS, m.EphemeralTo, m.Edits, t)
	}
	return b.String()
}

func find(msgs []fakeslack.Message, sub string) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range msgs {
		if strings.Contains(text(m), sub) {
			out = append(out, m)
		}
	}
	return out
}
