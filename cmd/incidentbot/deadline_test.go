package main

import (
	"strings"
	"testing"

	"incidentbot/commands"
	"incidentbot/internal/storetest"
)

// TestDeadlineServe: with the database stuck, a declare through the real
// serve wiring is answered busy within the command deadline, and nothing
// follows: no war room, no summary (the strict harness fails on any post),
// no ERROR logged.
func TestDeadlineServe(t *testing.T) {
	for _, tc := range []struct {
		name string
		chat func(*testing.T) chatFake
	}{
		{"slack", func(t *testing.T) chatFake { return newFakeSlack(t) }},
		{"discord", func(t *testing.T) chatFake { return newFakeDiscord(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := e2eDB(t)
			env["COMMAND_TIMEOUT"] = "500ms"
			h := newHarness(t, tc.chat(t), env)
			dsn := env["DATABASE_URL"]
			if dsn == "" {
				dsn = "incidentbot.db" // serve's, in the working folder
			}
			release := storetest.FreezeDSN(t, dsn)
			// Busy, or Stuck when cancelling the frozen query outlasts the
			// grace (a loaded machine): neither claims a declaration.
			if got := h.command(alice, general, "declare sev1 Checkout returns 504"); !strings.Contains(got, commands.Busy) && !strings.Contains(got, commands.Stuck) {
				t.Errorf("declare answered %q, want %q", got, commands.Busy)
			}
			release()
			h.settle()
			h.finish()
		})
	}
}
