package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/console"
	"incidentbot/playbooks"
	"incidentbot/store"
)

const testToken = "synthetic-alert-webhook-token"

// syncBuffer collects log lines from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func slogTo(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// world is the real engine on a real store with the console chat, and a
// Receiver in front of it.
type world struct {
	t     testing.TB
	db    *store.DB
	chat  *console.Chat
	clock *incidentbot.ManualClock
	eng   *bot.Engine
	recv  *Receiver
	logs  *syncBuffer
}

// fixtureNow is shortly after the fixtures' alerts started firing.
var fixtureNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newWorld(t testing.TB, db *store.DB, cfg Config) *world {
	t.Helper()
	w := &world{t: t, db: db, chat: console.NewChat(nil, console.DefaultDirectory()), clock: incidentbot.NewManualClock(fixtureNow), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	eng, err := bot.New(bot.Config{}, bot.Deps{
		Store:     db,
		Playbooks: playbooks.Defaults(),
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: w.chat},
		Clock:     w.clock,
		Logger:    logger,
	})
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	w.eng = eng
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	cfg.Platform, cfg.Workspace, cfg.Channel = incidentbot.PlatformConsole, "console", console.GeneralChannelID
	w.recv = New(cfg, eng, db, w.clock, logger)
	return w
}

// runJobs runs every due job: the war-room saga and the announcements.
func (w *world) runJobs() {
	w.t.Helper()
	if _, err := w.eng.RunDue(context.Background(), 0); err != nil {
		w.t.Fatalf("RunDue: %v", err)
	}
}

// incidents returns every incident, newest first.
func (w *world) incidents() []*incidentbot.Incident {
	w.t.Helper()
	found, err := w.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		w.t.Fatalf("FindIncidents: %v", err)
	}
	return found
}

// events returns the incident's timeline events of one kind.
// declaredLinks reads the alert links the declared event of inc keeps.
func declaredLinks(t *testing.T, w *world, inc *incidentbot.Incident) incidentbot.AlertLinks {
	t.Helper()
	evs := w.events(inc.ID, incidentbot.EventDeclared)
	if len(evs) != 1 {
		t.Fatalf("got %d declared events, want 1", len(evs))
	}
	var l incidentbot.AlertLinks
	if len(evs[0].Data) > 0 {
		if err := json.Unmarshal(evs[0].Data, &l); err != nil {
			t.Fatalf("declared event data %s: %v", evs[0].Data, err)
		}
	}
	return l
}

func (w *world) events(id int64, kind incidentbot.EventKind) []incidentbot.TimelineEvent {
	w.t.Helper()
	all, err := w.db.Timeline(context.Background(), id)
	if err != nil {
		w.t.Fatalf("Timeline: %v", err)
	}
	var out []incidentbot.TimelineEvent
	for _, ev := range all {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// warRoom returns the messages of the incident's war room.
func (w *world) warRoom(inc *incidentbot.Incident) []console.Posted {
	w.t.Helper()
	got, err := w.db.Incident(context.Background(), inc.ID)
	if err != nil {
		w.t.Fatalf("Incident: %v", err)
	}
	if got.WarRoom == "" {
		w.t.Fatalf("%s has no war room yet", got.Key)
	}
	ch, ok := w.chat.Channel(got.WarRoom)
	if !ok {
		w.t.Fatalf("war room %s not in the chat", got.WarRoom)
	}
	return ch.Messages
}

// reply is a webhook answer.
type reply struct {
	status int
	body   response
	raw    string
}

// post sends body to h with the bearer token (none when token is "").
func post(t testing.TB, h http.Handler, body []byte, token string, header map[string]string) reply {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/x", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := reply{status: rec.Code, raw: rec.Body.String()}
	if err := json.Unmarshal(rec.Body.Bytes(), &r.body); err != nil {
		t.Fatalf("answer is not JSON: %v: %q", err, r.raw)
	}
	return r
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes a fixture, lets fn change it and encodes it again.
func edit(t testing.TB, body []byte, fn func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	fn(p)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func actions(rs []result) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Action)
	}
	return strings.Join(s, ",")
}

// grafanaSigned returns the headers Grafana sends with an HMAC secret and
// the timestamp header configured: the hex HMAC-SHA256 of "ts:body".
func grafanaSigned(secret string, at time.Time, body []byte) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + ":"))
	mac.Write(body)
	return map[string]string{GrafanaSignatureHeader: hex.EncodeToString(mac.Sum(nil)), GrafanaTimestampHeader: ts}
}
