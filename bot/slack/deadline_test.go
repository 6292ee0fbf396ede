package slack_test

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

// A declare against a stuck database is answered "busy" within the
// command's deadline, and nothing is created once the database is back:
// the person is not told "busy" for an incident that exists.
func TestDeadlineSlackCommandBusyAndNothingCreated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		const timeout = 400 * time.Millisecond
		w.serve(commands.NewGate(4, timeout))
		release := storetest.Freeze(t, db)
		start := time.Now()
		code, reply := w.command(alice, "declare sev1 Checkout returns 504", "", signedNow)
		took := time.Since(start)
		// Busy, or Stuck when cancelling the frozen query outlasts the grace
		// (a loaded machine): both honest, neither claims a declaration.
		if code != http.StatusOK || !strings.Contains(reply, commands.Busy) && !strings.Contains(reply, commands.Stuck) {
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
		w.serve(gate)
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
