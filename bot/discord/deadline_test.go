package discord_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot/commands"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// A declare against a stuck database is answered "busy" (ephemeral, in
// the interaction's own response, within Discord's 3 s) and nothing is
// created once the database is back.
func TestDeadlineDiscordInteractionBusyAndNothingCreated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		const timeout = 400 * time.Millisecond
		w.serve(commands.NewGate(4, timeout))
		release := storetest.Freeze(t, db)
		id, body := w.interaction(2, alice, general, declare("Checkout returns 504"))
		start := time.Now()
		code, resp := w.deliver(id, body, w.clock.Now(), priv)
		took := time.Since(start)
		// Busy, or Stuck when cancelling the frozen query outlasts the grace
		// (a loaded machine): both honest, neither claims a declaration.
		if text := answerText(resp); code != http.StatusOK || !strings.Contains(text, commands.Busy) && !strings.Contains(text, commands.Stuck) {
			t.Errorf("got %d %s, want 200 and %q", code, text, commands.Busy)
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
		w.serve(gate)
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
