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
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/discord"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
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
// admitted), replacing any earlier server.
func (w *world) serve(gate *commands.Gate) {
	in := discord.NewInbound(discord.InboundDeps{
		PublicKey: priv.Public().(ed25519.PublicKey), Handle: commands.NewHandler(w.engine, w.clock, w.logger).Handle,
		Service: w.engine, Deliveries: w.db, Chat: w.chat, Clock: w.clock, Logger: w.logger, GuildID: fakediscord.GuildID,
		Gate: gate,
	})
	srv := httptest.NewServer(in.Interactions())
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

func TestDiscordEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.clock.Now()

		// Declare from #general; the same delivery again changes nothing.
		id, body := w.interaction(2, alice, general, declare("Checkout returns 504"))
		status, resp := w.deliver(id, body, now, priv)
		if status != http.StatusOK || resp["type"] != 4.0 || !strings.Contains(answerText(resp), "INC-1 declared") {
			t.Fatalf("declare: got %d %v, want a public confirmation", status, resp)
		}
		if d, _ := resp["data"].(map[string]any); d["flags"] != nil {
			t.Errorf("got flags %v on the declare confirmation, want it public", d["flags"])
		}
		if status, _ := w.deliver(id, body, now, priv); status != http.StatusOK {
			t.Errorf("repeat: got %d, want 200", status)
		}
		w.runJobs()
		incs := w.incidents()
		if len(incs) != 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}
		inc := incs[0]

		// The war room: in the Incidents category, private, with the right people.
		room, ok := w.discord.Channel(inc.WarRoom)
		if !ok {
			t.Fatalf("war room %q not found", inc.WarRoom)
		}
		parent, _ := w.discord.Channel(room.ParentID)
		if parent.Name != "Incidents" || parent.Type != fakediscord.ChannelCategory {
			t.Errorf("got parent %+v, want the Incidents category", parent)
		}
		if !strings.HasPrefix(room.Name, "inc-1-checkout-returns-504") || !strings.Contains(room.Topic, "INC-1") {
			t.Errorf("got war room %q with topic %q, want inc-1-checkout-returns-504 about INC-1", room.Name, room.Topic)
		}
		for _, tc := range []struct {
			who  string
			want bool
		}{{alice, true}, {carol, true}, {fakediscord.BotUserID, true}, {bob, false}} {
			if got := w.discord.CanSend(room.ID, tc.who); got != tc.want {
				t.Errorf("member %s can write in the war room: got %v, want %v", tc.who, got, tc.want)
			}
		}
		pins := w.discord.Pins(room.ID)
		if len(pins) != 1 || len(pins[0].Embeds) != 1 || !strings.Contains(pins[0].Embeds[0].Title, "INC-1") ||
			pins[0].Embeds[0].Color != 0xE74C3C || len(pins[0].Components) == 0 {
			t.Errorf("got pins %+v, want the red welcome embed with buttons", pins)
		}
		if len(w.discord.Messages(w.summary.ID)) == 0 {
			t.Errorf("got no summary for managers, want one")
		}

		// Forged, tampered or stale requests: 401, nothing changes.
		other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
		for name, tc := range map[string]struct {
			signer ed25519.PrivateKey
			at     time.Time
		}{"bad signature": {other, now}, "stale timestamp": {priv, now.Add(-6 * time.Minute)}} {
			id, body := w.interaction(2, alice, general, declare("Another outage "+name))
			if status, _ := w.deliver(id, body, tc.at, tc.signer); status != http.StatusUnauthorized {
				t.Errorf("%s: got %d, want 401", name, status)
			}
		}
		w.runJobs()
		if n := len(w.incidents()); n != 1 {
			t.Errorf("got %d incidents after refused requests, want 1", n)
		}

		// A button from someone who is not the commander is refused, privately.
		id, body = w.interaction(3, bob, room.ID, map[string]any{"custom_id": "resolve " + inc.Key, "component_type": 2})
		status, resp = w.deliver(id, body, now, priv)
		d, _ := resp["data"].(map[string]any)
		if status != http.StatusOK || resp["type"] != 4.0 || d["flags"] != 64.0 || !strings.Contains(strings.ToLower(answerText(resp)), "commander") {
			t.Errorf("bob resolves: got %d %v, want a private refusal naming the commander", status, resp)
		}
		if got := w.incidents()[0].Status; got != incidentbot.StatusInvestigating {
			t.Errorf("got status %s after a refused click, want investigating", got)
		}

		// A typed /incident ack: the engine redraws the welcome, without
		// its Acknowledge button.
		welcome := func() (edited bool, buttons string) {
			pin := w.discord.Pins(room.ID)[0]
			b, _ := json.Marshal(pin.Components)
			return pin.EditedAt != nil, string(b)
		}
		if edited, buttons := welcome(); edited || !strings.Contains(buttons, `"ack `+inc.Key+`"`) {
			t.Fatalf("got the welcome edited %v with buttons %s, want untouched, with Acknowledge", edited, buttons)
		}
		ack := map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{map[string]any{"name": "ack", "type": 1,
			"options": []any{map[string]any{"name": "incident", "type": 3, "value": inc.Key}}}}}
		id, body = w.interaction(2, alice, general, ack)
		if status, resp := w.deliver(id, body, now, priv); status != http.StatusOK || !strings.Contains(answerText(resp), "acknowledged") {
			t.Errorf("alice types ack: got %d %v, want a confirmation", status, resp)
		}
		w.clock.Advance(2 * time.Second) // redraws wait for their window to end
		w.runJobs()
		if edited, buttons := welcome(); !edited || strings.Contains(buttons, `"ack `+inc.Key+`"`) {
			t.Errorf("got the welcome edited %v with buttons %s, want redrawn without Acknowledge", edited, buttons)
		}

		// The commander's click works, answers privately, and the welcome follows.
		id, body = w.interaction(3, alice, room.ID, map[string]any{"custom_id": "mitigated " + inc.Key, "component_type": 2})
		if status, resp := w.deliver(id, body, now, priv); status != http.StatusOK || !strings.Contains(answerText(resp), "mitigated") {
			t.Errorf("alice clicks mitigated: got %d %v, want a confirmation", status, resp)
		}
		w.clock.Advance(2 * time.Second)
		w.runJobs()
		if _, buttons := welcome(); !strings.Contains(buttons, `"ads resume `+inc.Key+`"`) {
			t.Errorf("got the welcome's buttons %s after mitigated, want Resume ads", buttons)
		}

		w.errMu.Lock()
		defer w.errMu.Unlock()
		if len(w.errors) > 0 {
			t.Errorf("got errors logged: %q, want none", w.errors)
		}
		w.logMu.Lock()
		defer w.logMu.Unlock()
		if strings.Contains(w.logs.String(), w.discord.Token()) {
			t.Errorf("got the bot token in the logs")
		}
	})
}
