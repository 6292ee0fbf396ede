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
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
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
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", in.Commands())
	mux.Handle("POST /slack/interactions", in.Interactions())
	mux.Handle("POST /slack/events", in.Events())
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
	badSignature
	sixMinutesOld
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
	if how == sixMinutesOld {
		at = at.Add(-6 * time.Minute)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	sig := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if how == badSignature {
		sig = "v0=" + strings.Repeat("0", 64)
	}
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

// drain runs the jobs due now until none is left.
func (w *world) drain() {
	w.t.Helper()
	for range 20 {
		n, err := w.eng.RunDue(context.Background(), 0)
		if err != nil {
			w.t.Fatalf("RunDue: %v", err)
		}
		if n == 0 {
			return
		}
	}
	w.t.Fatal("jobs still due after 20 rounds")
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

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1) // no pacing: the storm test below paces

		// Refused requests change nothing.
		for _, how := range []request{unsigned, badSignature, sixMinutesOld} {
			if code, body := w.command(alice, "declare sev1 Checkout returns 504", "", how); code != http.StatusUnauthorized {
				t.Errorf("request %d: got %d %s, want 401", how, code, body)
			}
		}
		if n := len(w.incidents()); n != 0 {
			t.Fatalf("got %d incidents after refused requests, want none", n)
		}

		// Declared three times: one incident, "join or declare anyway" for the repeats.
		code, body := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow)
		if code != http.StatusOK || !strings.Contains(body, `"response_type":"in_channel"`) || !strings.Contains(body, "INC-1 declared: Checkout returns 504") {
			t.Fatalf("got %d %s, want the declaration in the channel", code, body)
		}
		for range 2 {
			w.clock.Advance(time.Second)
			_, body := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow)
			if !strings.Contains(body, "INC-1 is already open here") || !strings.Contains(body, "declare sev1 Checkout returns 504 --force") {
				t.Errorf("got %s, want the offer to join INC-1 or declare anyway", body)
			}
		}
		if n := len(w.incidents()); n != 1 {
			t.Fatalf("got %d incidents, want 1", n)
		}

		// The war room.
		w.settle("war room ready", func() bool {
			_, ok := w.warRoom("inc-1-checkout-returns-504")
			return ok && len(w.srv.Messages(w.summary.ID)) > 0
		})
		room, _ := w.warRoom("inc-1-checkout-returns-504")
		for _, id := range []string{alice.ID, bob.ID, carol.ID, dan.ID} {
			if !strings.Contains(strings.Join(room.Members, ","), id) {
				t.Errorf("got members %v, want %s among them", room.Members, id)
			}
		}
		if topic := w.srv.Topic(room.ID); !strings.Contains(topic, "SEV1") {
			t.Errorf("got topic %q, want the severity in it", topic)
		}
		pinned := w.srv.Pinned(room.ID)[0]
		var welcome fakeslack.Message
		for _, m := range w.srv.Messages(room.ID) {
			if m.TS == pinned {
				welcome = m
			}
		}
		if !strings.Contains(text(welcome), "What happened") {
			t.Errorf("got pinned %s, want the welcome", text(welcome))
		}
		if got := find(w.srv.Messages(w.summary.ID), "INC-1"); len(got) != 1 {
			t.Errorf("got %d summaries of INC-1, want 1", len(got))
		}

		// Buttons: bob is not the commander, alice is.
		click := func(user fakeslack.User, action string) {
			t.Helper()
			code, _ := w.interact(map[string]any{
				"type": "block_actions", "team": map[string]string{"id": fakeslack.TeamID},
				"user":      map[string]string{"id": user.ID, "username": user.Name},
				"container": map[string]any{"type": "message", "message_ts": welcome.TS, "channel_id": room.ID},
				"channel":   map[string]string{"id": room.ID},
				"actions":   []map[string]string{{"action_id": action, "type": "button"}},
			})
			if code != http.StatusOK {
				t.Fatalf("click %s: got %d, want 200", action, code)
			}
		}
		click(bob, "resolve INC-1")
		w.eventually("bob's refusal", func() bool {
			for _, m := range w.srv.Messages(room.ID) {
				if m.EphemeralTo == bob.ID && strings.Contains(text(m), "commander") {
					return true
				}
			}
			return false
		})
		if inc := w.incidents()[0]; inc.Status != incidentbot.StatusInvestigating {
			t.Errorf("got status %s after bob's click, want investigating", inc.Status)
		}

		// The engine redraws the welcome and the summary after a change,
		// typed or clicked; the adapter only runs the command.
		edits := func(channel, ts string) int {
			for _, m := range w.srv.Messages(channel) {
				if m.TS == ts {
					return m.Edits
				}
			}
			return -1
		}
		summary := find(w.srv.Messages(w.summary.ID), "INC-1")[0]
		drawn := func(welcomeEdits, summaryEdits int) {
			t.Helper()
			w.settle("the redraws", func() bool { return edits(room.ID, welcome.TS) >= welcomeEdits })
			w.drain()
			if got, got2 := edits(room.ID, welcome.TS), edits(w.summary.ID, summary.TS); got != welcomeEdits || got2 != summaryEdits {
				t.Errorf("got the welcome edited %d times and the summary %d, want %d and %d", got, got2, welcomeEdits, summaryEdits)
			}
		}
		if code, body := w.command(alice, "ack INC-1", "", signedNow); code != http.StatusOK || !strings.Contains(body, "acknowledged") {
			t.Fatalf("typed ack: got %d %s", code, body)
		}
		base := edits(w.summary.ID, summary.TS)
		drawn(1, base+1)
		if m := find(w.srv.Messages(room.ID), "What happened"); len(m) != 1 || strings.Contains(text(m[0]), `"action_id":"ack INC-1"`) {
			t.Errorf("got welcome %s, want it redrawn without the Acknowledge button", dump(m))
		}
		if inc := w.incidents()[0]; inc.AcknowledgedAt == nil {
			t.Error("got no acknowledgement after alice's ack")
		}
		click(alice, "mitigated INC-1")
		click(alice, "mitigated INC-1") // a double tap
		w.eventually("alice's reply", func() bool {
			return len(find(w.srv.Messages(room.ID), "mitigated")) > 0 && w.incidents()[0].Status == incidentbot.StatusMitigated
		})
		drawn(2, base+2)
		if m := find(w.srv.Messages(room.ID), "What happened"); len(m) != 1 || !strings.Contains(text(m[0]), `"action_id":"ads resume INC-1"`) {
			t.Errorf("got welcome %s, want it redrawn with the Resume ads button", dump(m))
		}

		// A :pushpin: on a message puts it on the timeline at its own time.
		ts, _ := w.srv.AddMessage(room.ID, bob.ID, "Rolled back the 11:50 deploy")
		w.clock.Advance(time.Minute)
		ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "Ev0PIN1",
			"event":          map[string]any{"type": "reaction_added", "user": carol.ID, "reaction": "pushpin", "item": map[string]any{"type": "message", "channel": room.ID, "ts": ts}},
			"authorizations": []map[string]any{{"user_id": fakeslack.BotUserID}}})
		if code, body := w.send("/slack/events", ev, signedNow); code != http.StatusOK {
			t.Fatalf("event: got %d %s, want 200", code, body)
		}
		var pins []incidentbot.TimelineEvent
		w.eventually("the pinned message on the timeline", func() bool {
			timeline, err := db.Timeline(context.Background(), w.incidents()[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			pins = nil
			for _, e := range timeline {
				if e.Kind == incidentbot.EventPinned {
					pins = append(pins, e)
				}
			}
			return len(pins) > 0
		})
		sec, _, _ := strings.Cut(ts, ".")
		if len(pins) != 1 || pins[0].Text != "Rolled back the 11:50 deploy" || strconv.FormatInt(pins[0].At.Unix(), 10) != sec {
			t.Errorf("got pinned events %+v, want bob's message at its own time", pins)
		}

		// The modal.
		trigger := w.srv.NewTrigger()
		if code, body := w.command(alice, "declare", trigger, signedNow); code != http.StatusOK || body != "" {
			t.Fatalf("got %d %q, want an empty ack", code, body)
		}
		views := w.srv.Views()
		if len(views) != 1 || views[0].TriggerID != trigger {
			t.Fatalf("got views %+v, want the declare modal", views)
		}
		submit := func(title string) (int, string) {
			return w.interact(map[string]any{
				"type": "view_submission", "team": map[string]string{"id": fakeslack.TeamID},
				"user": map[string]string{"id": alice.ID, "username": "alice"},
				"view": map[string]any{"id": views[0].ID, "callback_id": views[0].CallbackID,
					"private_metadata": `{"origin_channel":"` + w.ops.ID + `"}`,
					"state": map[string]any{"values": map[string]any{
						"title":    map[string]any{"title_input": map[string]any{"type": "plain_text_input", "value": title}},
						"severity": map[string]any{"severity_select": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "sev2"}}},
						"type":     map[string]any{"type_select": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "checkout-failure"}}},
					}}},
			})
		}
		if code, body := submit(""); code != http.StatusOK || !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, `"title"`) {
			t.Errorf("got %d %s, want an inline error on the title", code, body)
		}
		if code, body := submit("Payments fail at Stripe"); code != http.StatusOK || body != "" {
			t.Errorf("got %d %q, want an empty ack closing the modal", code, body)
		}
		incs := w.incidents()
		if len(incs) != 2 || incs[0].Title != "Payments fail at Stripe" || incs[0].Severity != incidentbot.SEV2 || incs[0].Type != "checkout-failure" {
			t.Fatalf("got incidents %+v, want the modal's SEV2 checkout-failure", incs[0])
		}
		w.eventually("the confirmation", func() bool { return len(find(w.srv.Messages(w.ops.ID), "INC-2 declared")) > 0 })
		if got := find(w.srv.Messages(w.ops.ID), "INC-2 declared"); len(got) != 1 || got[0].EphemeralTo != alice.ID {
			t.Errorf("got %s, want one confirmation for alice in #ops", dump(got))
		}
		w.settle("second war room", func() bool { _, ok := w.warRoom("inc-2-payments-fail-at-stripe"); return ok })

		if errs := w.logs.errors(); len(errs) > 0 {
			t.Errorf("got ERROR logs:\n%s", strings.Join(errs, "\n"))
		}
	})
}

// TestRateLimitStorm: Slack answers 429 to a run of posts; the engine
// retries after Retry-After and every message lands exactly once.
func TestRateLimitStorm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, 50*time.Millisecond) // paced, faster than Slack so the test is quick
		w.srv.RateLimitNext("chat.postMessage", 3*time.Second, 6)
		if code, body := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow); code != http.StatusOK {
			t.Fatalf("got %d %s, want 200", code, body)
		}
		w.settle("war room ready through the storm", func() bool {
			_, ok := w.warRoom("inc-1-checkout-returns-504")
			return ok && len(w.srv.Messages(w.summary.ID)) > 0
		})
		room, _ := w.warRoom("inc-1-checkout-returns-504")
		if got := find(w.srv.Messages(room.ID), "What happened"); len(got) != 1 {
			t.Errorf("got %d welcome messages, want 1", len(got))
		}
		if got := find(w.srv.Messages(w.summary.ID), "INC-1"); len(got) != 1 {
			t.Errorf("got %d summaries, want 1", len(got))
		}
		posted := 0
		for _, ch := range w.srv.Channels() {
			for _, m := range w.srv.Messages(ch.ID) {
				if m.EphemeralTo == "" && m.User == fakeslack.BotUserID {
					posted++
				}
			}
		}
		if calls := w.srv.Calls("chat.postMessage"); calls != posted+6 {
			t.Errorf("got %d chat.postMessage calls for %d messages, want the 6 refused ones retried and none posted twice", calls, posted)
		}
		if errs := w.logs.errors(); len(errs) > 0 {
			t.Errorf("got ERROR logs:\n%s", strings.Join(errs, "\n"))
		}
	})
}
