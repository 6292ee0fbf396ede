package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/discord"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/playbooks"
	"incidentbot/server"
	"incidentbot/store"
)

const (
	alice   = "1202445566778899300" // declares: commander
	bob     = "1202445566778899301" // a bystander
	carol   = "1202445566778899302" // on call: tech-lead by role
	oncall  = "1302445566778899700" // the @oncall-web role
	general = "1302445566778899200" // where the incident is declared
)

var (
	seed, _ = hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	priv    = ed25519.NewKeyFromSeed(seed)
)

// errorLog records the records logged at ERROR.
type errorLog struct {
	slog.Handler
	mu   *sync.Mutex
	msgs *[]string
}

func (h errorLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.mu.Lock()
		*h.msgs = append(*h.msgs, r.Message)
		h.mu.Unlock()
	}
	return h.Handler.Handle(ctx, r)
}

func (h errorLog) WithAttrs(as []slog.Attr) slog.Handler {
	return errorLog{h.Handler.WithAttrs(as), h.mu, h.msgs}
}

func (h errorLog) WithGroup(name string) slog.Handler {
	return errorLog{h.Handler.WithGroup(name), h.mu, h.msgs}
}

// world is the bot on one store, talking to a fake Discord, reached
// through its HTTP interaction endpoint.
type world struct {
	t       testing.TB
	db      *store.DB
	discord *fakediscord.Server
	engine  *bot.Engine
	url     string
	clock   *incidentbot.ManualClock
	seq     int
	errMu   sync.Mutex
	errors  []string
	logMu   sync.Mutex
	logs    bytes.Buffer // every record, guarded by logMu
	summary fakediscord.Channel
	chat    *discord.Chat
	logger  *slog.Logger
}

// lockedWriter guards the log buffer, written by concurrent handlers.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newWorld(t testing.TB, db *store.DB) *world {
	w := &world{t: t, db: db, clock: incidentbot.NewManualClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))}
	text := slog.NewTextHandler(lockedWriter{&w.logMu, &w.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})
	logger := slog.New(errorLog{text, &w.errMu, &w.errors})
	w.discord = fakediscord.New(t, fakediscord.WithClock(w.clock.Now),
		fakediscord.WithMembers(
			fakediscord.Member{User: fakediscord.User{ID: alice, Username: "alice", GlobalName: "Alice"}},
			fakediscord.Member{User: fakediscord.User{ID: bob, Username: "bob"}},
			fakediscord.Member{User: fakediscord.User{ID: carol, Username: "carol"}, Roles: []string{oncall}},
		),
		fakediscord.WithRoles(fakediscord.Role{ID: oncall, Name: "oncall-web"}),
	)
	w.discord.AddChannel(fakediscord.Channel{ID: general, Name: "general"})
	w.summary = w.discord.AddChannel(fakediscord.Channel{Name: "managers"})
	chat, err := discord.NewChat(discord.ChatConfig{
		BotToken: incidentbot.Secret(w.discord.Token()), GuildID: fakediscord.GuildID, AppID: fakediscord.AppID, APIURL: w.discord.URL(),
	}, logger)
	if err != nil {
		t.Fatal(err)
	}
	w.engine, err = bot.New(bot.Config{SummaryChannels: map[string]string{incidentbot.PlatformDiscord: w.summary.ID}},
		bot.Deps{Store: db, Playbooks: playbooks.Defaults(), Chats: map[string]incidentbot.Chat{incidentbot.PlatformDiscord: chat},
			Clock: w.clock, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	w.chat, w.logger = chat, logger
	w.serve(nil)
	return w
}

// serve serves the interaction endpoint over HTTP through gate (nil: all
// admitted), replacing any earlier server: through serve's own routes and
// middleware (body limit, panic recovery), as in production.
func (w *world) serve(gate *commands.Gate) {
	in := discord.NewInbound(discord.InboundDeps{
		PublicKey: priv.Public().(ed25519.PublicKey), Handle: commands.NewHandler(w.engine, w.clock, w.logger).Handle,
		Service: w.engine, Deliveries: w.db, Chat: w.chat, Clock: w.clock, Logger: w.logger, GuildID: fakediscord.GuildID,
		Gate: gate,
	})
	srv := httptest.NewServer(server.NewServer(server.Deps{Logger: w.logger, DiscordInteractions: in.Interactions()}))
	w.t.Cleanup(srv.Close)
	w.url = srv.URL
}

// interaction builds an interaction body from a member in a channel.
func (w *world) interaction(typ int, user, channel string, data any) (id string, body []byte) {
	return w.interactionIn(fakediscord.GuildID, typ, user, channel, data)
}

// interactionIn builds an interaction from a member of guild; no guild is
// a direct message, which names a user instead of a member.
func (w *world) interactionIn(guild string, typ int, user, channel string, data any) (id string, body []byte) {
	w.seq++
	id = strconv.Itoa(1443211122233344400 + w.seq)
	from := map[string]any{"id": user, "username": "u" + user[len(user)-3:]}
	i := map[string]any{
		"id": id, "application_id": fakediscord.AppID, "type": typ, "token": "token-" + id, "version": 1,
		"channel_id": channel, "data": data,
	}
	if guild != "" {
		i["guild_id"] = guild
		i["member"] = map[string]any{"user": from, "roles": []string{}}
	} else {
		i["user"] = from
	}
	body, _ = json.Marshal(i)
	w.discord.AddInteraction(fakediscord.Interaction{ID: id, Token: "token-" + id, ChannelID: channel})
	return id, body
}

// deliver posts a signed interaction as Discord does and hands the answer
// to the fake, as Discord would show it.
func (w *world) deliver(id string, body []byte, ts time.Time, signer ed25519.PrivateKey) (int, map[string]any) {
	w.t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, w.url+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(signer, append([]byte(stamp), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		w.t.Fatalf("answer %s: %v", raw, err)
	}
	_ = w.discord.RecordResponse(id, raw) // a repeat finds the interaction answered already
	return resp.StatusCode, out
}

func (w *world) runJobs() {
	w.t.Helper()
	for range 20 {
		n, err := w.engine.RunDue(context.Background(), 0)
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (w *world) incidents() []*incidentbot.Incident {
	w.t.Helper()
	list, err := w.engine.List(context.Background(), incidentbot.Actor{Platform: incidentbot.PlatformDiscord, Workspace: fakediscord.GuildID, User: incidentbot.User{ID: alice}}, incidentbot.ListQuery{})
	if err != nil {
		w.t.Fatal(err)
	}
	return list.Incidents
}

func declare(title string) map[string]any {
	return map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{map[string]any{
		"name": "declare", "type": 1, "options": []any{
			map[string]any{"name": "title", "type": 3, "value": title},
			map[string]any{"name": "severity", "type": 3, "value": "sev1"},
			map[string]any{"name": "type", "type": 3, "value": "site-outage"},
		}}}}
}

func answerText(resp map[string]any) string {
	b, _ := json.Marshal(resp["data"])
	return string(b)
}
