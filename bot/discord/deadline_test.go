package discord_test

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/discord"
	"incidentbot/commands"
	fake "incidentbot/internal/fake/discord"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// gated serves w's interactions through gate instead of admitting all.
func gated(w *world, gate *commands.Gate) {
	w.t.Helper()
	logger := slog.New(slog.NewTextHandler(lockedWriter{&w.logMu, &w.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	chat, err := discord.NewChat(discord.ChatConfig{
		BotToken: incidentbot.Secret(w.discord.Token()), GuildID: fake.GuildID, AppID: fake.AppID, APIURL: w.discord.URL(),
	}, logger)
	if err != nil {
		w.t.Fatal(err)
	}
	in := discord.NewInbound(discord.InboundDeps{
		PublicKey: priv.Public().(ed25519.PublicKey), Handle: commands.NewHandler(w.engine, w.clock, logger).Handle,
		Service: w.engine, Deliveries: w.db, Chat: chat, Clock: w.clock, Logger: logger, GuildID: fake.GuildID,
		Gate: gate,
	})
	srv := httptest.NewServer(in.Interactions())
	w.t.Cleanup(srv.Close)
	w.url = srv.URL
}

// A declare against a stuck database is answered "busy" (ephemeral, in
// the interaction's own response, within Discord's 3 s) and nothing is
// created once the database is back.
func TestDeadlineDiscordInteractionBusyAndNothingCreated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		const timeout = 400 * time.Millisecond
		gated(w, commands.NewGate(4, timeout))
		release := storetest.Freeze(t, db)
		id, body := w.interaction(2, alice, general, declare("Checkout returns 504"))
		start := time.Now()
		code, resp := w.deliver(id, body, w.clock.Now(), priv)
		took := time.Since(start)
		if code != http.StatusOK || !strings.Contains(answerText(resp), commands.Busy) {
			t.Errorf("got %d %s, want 200 and %q", code, answerText(resp), commands.Busy)
		}
		if took > timeout+time.Second {
			t.Errorf("answered after %v, want within about %v", took, timeout)
		}
		release()
		if n := len(w.incidents()); n != 0 {
			t.Errorf("got %d incidents after a busy answer, want 0", n)
		}
		id, body = w.interaction(2, alice, general, declare("Checkout returns 504"))
		if code, resp := w.deliver(id, body, w.clock.Now(), priv); code != http.StatusOK || !strings.Contains(answerText(resp), "INC-1") {
			t.Errorf("after release: got %d %s, want INC-1 declared", code, answerText(resp))
		}
	})
}

// With every slot taken, one more interaction is answered busy at once.
func TestShedDiscordInteraction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		gate := commands.NewGate(1, 2*time.Second)
		gated(w, gate)
		hold, inside, errc := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			errc <- gate.Run(t.Context(), func(ctx context.Context) { close(inside); <-hold })
		}()
		<-inside
		id, body := w.interaction(2, alice, general, declare("Checkout returns 504"))
		start := time.Now()
		code, resp := w.deliver(id, body, w.clock.Now(), priv)
		if took := time.Since(start); took > time.Second {
			t.Errorf("shed after %v, want at once", took)
		}
		close(hold)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if code != http.StatusOK || !strings.Contains(answerText(resp), commands.Busy) {
			t.Errorf("got %d %s, want %q", code, answerText(resp), commands.Busy)
		}
		if n := len(w.incidents()); n != 0 {
			t.Errorf("got %d incidents, want 0", n)
		}
	})
}
