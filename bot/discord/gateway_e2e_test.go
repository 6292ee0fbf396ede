package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/discord"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling the fake's state, not waiting for work
	}
}

// runGateway starts the gateway on its own Chat against w's fake Discord
// and returns a stop function giving Run's result; the test's end stops
// it too.
func runGateway(t *testing.T, w *world, db *store.DB) (stop func() error) {
	t.Helper()
	text := slog.NewTextHandler(lockedWriter{&w.logMu, &w.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})
	logger := slog.New(errorLog{text, &w.errMu, &w.errors})
	chat, err := discord.NewChat(discord.ChatConfig{
		BotToken: incidentbot.Secret(w.discord.Token()), GuildID: fakediscord.GuildID, AppID: fakediscord.AppID, APIURL: w.discord.URL(),
	}, logger)
	if err != nil {
		t.Fatal(err)
	}
	in := discord.NewInbound(discord.InboundDeps{
		PublicKey: priv.Public().(ed25519.PublicKey), Handle: commands.NewHandler(w.engine, w.clock, logger).Handle,
		Service: w.engine, Deliveries: db, Chat: chat, Clock: w.clock, Logger: logger, GuildID: fakediscord.GuildID,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- discord.NewGateway(chat, in, logger).Run(ctx) }()
	stopped, result := false, error(nil)
	stop = func() error {
		if stopped {
			return result
		}
		stopped = true
		cancel()
		select {
		case result = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return 10s after its context ended")
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// gatewayInteraction is an INTERACTION_CREATE payload from a member in a channel.
func gatewayInteraction(id, user, channel string, typ int, data any) map[string]any {
	return map[string]any{
		"id": id, "application_id": fakediscord.AppID, "type": typ, "token": "token-" + id, "version": 1,
		"guild_id": fakediscord.GuildID, "channel_id": channel, "data": data,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "u" + user[len(user)-3:]}, "roles": []string{}},
	}
}

func TestGatewayEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		stop := runGateway(t, w, db)
		eventually(t, "the gateway connection", func() bool { return w.discord.GatewayConnections() == 1 })

		// Declare over the gateway: answered through the interaction callback.
		const id = "1443211122233345001"
		if err := w.discord.Dispatch("INTERACTION_CREATE", gatewayInteraction(id, alice, general, 2, declare("Checkout returns 504"))); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the declare answer", func() bool {
			for _, m := range w.discord.Answers(id) {
				if strings.Contains(m.Content+embedText(m), "INC-1 declared") {
					return true
				}
			}
			return false
		})
		if cbs := w.discord.Callbacks(id); len(cbs) != 1 || cbs[0].Type != fakediscord.CallbackMessage && cbs[0].Type != fakediscord.CallbackDeferred {
			t.Errorf("got callbacks %+v, want one message answer", cbs)
		}

		// Discord delivers the same interaction again: noticed, nothing runs twice.
		if err := w.discord.Dispatch("INTERACTION_CREATE", gatewayInteraction(id, alice, general, 2, declare("Checkout returns 504"))); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the repeat to be noticed", func() bool {
			w.logMu.Lock()
			defer w.logMu.Unlock()
			return strings.Contains(w.logs.String(), "discord interaction repeated")
		})
		if cbs := w.discord.Callbacks(id); len(cbs) != 1 {
			t.Errorf("got %d callbacks after the repeat, want 1", len(cbs))
		}
		w.runJobs()
		incs := w.incidents()
		if len(incs) != 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}

		// The war room, with its pinned welcome.
		room, ok := w.discord.Channel(incs[0].WarRoom)
		if !ok {
			t.Fatalf("war room %q not found", incs[0].WarRoom)
		}
		if !strings.HasPrefix(room.Name, "inc-1-checkout-returns-504") {
			t.Errorf("got war room %q, want inc-1-checkout-returns-504", room.Name)
		}
		pins := w.discord.Pins(room.ID)
		if len(pins) != 1 || len(pins[0].Embeds) != 1 || !strings.Contains(pins[0].Embeds[0].Title, "INC-1") {
			t.Errorf("got pins %+v, want the welcome embed", pins)
		}
		if !w.discord.CanSend(room.ID, alice) || w.discord.CanSend(room.ID, bob) {
			t.Errorf("war room permissions: alice %v, bob %v; want alice only", w.discord.CanSend(room.ID, alice), w.discord.CanSend(room.ID, bob))
		}

		// Shutdown: Run returns nil and the connection closes.
		if err := stop(); err != nil {
			t.Errorf("Run: got %v, want nil", err)
		}
		eventually(t, "the connection to close", func() bool { return w.discord.GatewayConnections() == 0 })
		if err := w.discord.Dispatch("INTERACTION_CREATE", gatewayInteraction("1443211122233345002", alice, general, 2, declare("late"))); err == nil {
			t.Errorf("dispatch after shutdown: got no error, want the session ended")
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

func embedText(m fakediscord.Message) string {
	var b strings.Builder
	for _, e := range m.Embeds {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
	}
	return b.String()
}

func TestGatewayConnectFails(t *testing.T) {
	t.Parallel()
	const badToken = "not-the-token-4711"
	tests := []struct {
		name     string
		token    string // "" for the right one
		down     bool
		code     string
		mentions string
	}{
		{"bad token", badToken, false, incidentbot.EUNAUTHORIZED, "DISCORD_BOT_TOKEN"},
		{"gateway down", "", true, incidentbot.EUNAVAILABLE, "start the bot again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fakediscord.New(t)
			if tc.down {
				srv.FailNext(fakediscord.GatewayRoute, http.StatusServiceUnavailable, 0, "upstream connect error", 1)
			}
			token := tc.token
			if token == "" {
				token = srv.Token()
			}
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			chat, err := discord.NewChat(discord.ChatConfig{
				BotToken: incidentbot.Secret(token), GuildID: fakediscord.GuildID, AppID: fakediscord.AppID, APIURL: srv.URL(),
			}, logger)
			if err != nil {
				t.Fatal(err)
			}
			err = discord.NewGateway(chat, discord.NewInbound(discord.InboundDeps{}), logger).Run(context.Background())
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Fatalf("got code %q (%v), want %s", got, err, tc.code)
			}
			if msg := incidentbot.ErrorMessage(err); !strings.Contains(msg, tc.mentions) {
				t.Errorf("got message %q, want it to mention %q", msg, tc.mentions)
			}
			for name, s := range map[string]string{"error": err.Error(), "logs": logs.String()} {
				if strings.Contains(s, token) {
					t.Errorf("got the token in the %s: %q", name, s)
				}
			}
			if n := srv.GatewayConnections(); n != 0 {
				t.Errorf("got %d gateway connections, want 0", n)
			}
		})
	}
}

func TestGatewayResumes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t))
	stop := runGateway(t, w, w.db)
	// discordgo v0.29.0 sends its first heartbeat on a goroutine of its own
	// which, when the connection drops before that, closes whatever
	// connection the session has by then, invalidating the resumed session.
	eventually(t, "the first heartbeat", func() bool { return w.discord.GatewayHeartbeats() > 0 })

	// The network drops; what Discord sends meanwhile arrives after the RESUME.
	w.discord.DropGatewayConnections()
	const id = "1443211122233345101"
	if err := w.discord.Dispatch("INTERACTION_CREATE", gatewayInteraction(id, alice, general, 2, declare("Search is down"))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the declare answer after resuming", func() bool { return len(w.discord.Callbacks(id)) == 1 })
	if got := w.discord.GatewayResumes(); got != 1 {
		t.Errorf("got %d resumes, want 1", got)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: got %v, want nil", err)
	}
	eventually(t, "the connection to close", func() bool { return w.discord.GatewayConnections() == 0 })
}
