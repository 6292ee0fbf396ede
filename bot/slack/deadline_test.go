package slack_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/slack"
	"incidentbot/commands"
	fake "incidentbot/internal/fake/slack"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// gated serves w's commands through gate instead of admitting all.
func gated(w *world, gate *commands.Gate) {
	w.t.Helper()
	logger := slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	chat := slack.NewChat(slack.ChatConfig{BotToken: incidentbot.Secret(w.srv.Token()), APIURL: w.srv.URL()}, logger)
	in := slack.NewInbound(slack.InboundDeps{
		SigningSecret: secret,
		Teams:         []string{fake.TeamID},
		Handle:        commands.NewHandler(w.eng, w.clock, logger).Handle,
		Service:       w.eng,
		Deliveries:    w.db,
		Messages:      w.db,
		Chat:          chat,
		Gate:          gate,
		Clock:         w.clock,
		Logger:        logger,
	})
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", in.Commands())
	mux.Handle("POST /slack/interactions", in.Interactions())
	w.http.Close()
	w.http = httptest.NewServer(mux)
	w.t.Cleanup(w.http.Close)
}

// A declare against a stuck database is answered "busy" within the
// command's deadline, and nothing is created once the database is back:
// the person is not told "busy" for an incident that exists.
func TestDeadlineSlackCommandBusyAndNothingCreated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		const timeout = 400 * time.Millisecond
		gated(w, commands.NewGate(4, timeout))
		release := storetest.Freeze(t, db)
		start := time.Now()
		code, reply := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow)
		took := time.Since(start)
		if code != http.StatusOK || !strings.Contains(reply, commands.Busy) {
			t.Errorf("got %d %s, want 200 and %q", code, reply, commands.Busy)
		}
		// The deadline plus Run's grace, with room for a loaded machine; a
		// stalled handler would take the whole freeze (until release).
		if took > timeout+time.Second {
			t.Errorf("answered after %v, want within about %v", took, timeout)
		}
		release()
		if n := len(w.incidents()); n != 0 {
			t.Errorf("got %d incidents after a busy answer, want 0", n)
		}
		// Unfrozen, the same command (a new request) works.
		w.clock.Advance(time.Second)
		code, reply = w.command(alice, "declare sev1 Checkout returns 504", "", signedNow)
		if code != http.StatusOK || !strings.Contains(reply, "INC-1 declared") {
			t.Errorf("after release: got %d %s, want INC-1 declared", code, reply)
		}
	})
}

// With every slot taken, one more command is answered busy at once and
// runs nothing.
func TestShedSlackCommand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		gate := commands.NewGate(1, 2*time.Second)
		gated(w, gate)
		hold := make(chan struct{})
		inside := make(chan struct{})
		errc := make(chan error, 1)
		go func() {
			errc <- gate.Run(t.Context(), func(ctx context.Context) { close(inside); <-hold })
		}()
		<-inside
		start := time.Now()
		code, reply := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow)
		if took := time.Since(start); took > time.Second {
			t.Errorf("shed after %v, want at once", took)
		}
		close(hold)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if code != http.StatusOK || !strings.Contains(reply, commands.Busy) {
			t.Errorf("got %d %s, want %q", code, reply, commands.Busy)
		}
		if n := len(w.incidents()); n != 0 {
			t.Errorf("got %d incidents, want 0", n)
		}
	})
}
