package main

import (
	"strings"
	"testing"
)

// TestE2E* run whole incidents through the strict harness (harness_test.go):
// the real serve wiring, the real clock, the fakes over HTTP.

func TestE2ESlackIncident(t *testing.T) {
	scenarioIncident(t, newHarness(t, newFakeSlack(t), e2eDB(t)))
}

func TestE2EDiscordIncident(t *testing.T) {
	scenarioIncident(t, newHarness(t, newFakeDiscord(t), e2eDB(t)))
}

// scenarioIncident: declare, war room, resolve.
func scenarioIncident(t *testing.T, h *harness) {
	const room = "inc-1-checkout-returns-504"
	if got := h.command(alice, general, "declare sev2 type:generic Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect(room, `(?s)INC-1 Checkout returns 504.*Roles.*Checklist`)
	h.expect(managers, `SEV2 · INC-1 Checkout returns 504`)
	h.settle()

	if got := h.command(alice, room, "resolve Rolled back the payment module"); !strings.Contains(got, "resolved") {
		t.Fatalf("resolve answered %q, want it resolved", got)
	}
	h.settle()
	h.finish()
}
