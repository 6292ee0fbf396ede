package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakediscord"
)

// Discord end to end through the strict harness: signed interactions reach
// serve's routes and middleware, and every post the bot makes is one the
// scenario declares.

// TestE2EDiscordInteractions: a declaration delivered twice declares once;
// the war room is private to the right people, in the Incidents category,
// with a pinned red welcome; forged and stale requests change nothing; a
// click checks rights and answers privately; a typed ack and a click make
// the engine redraw the welcome's buttons.
func TestE2EDiscordInteractions(t *testing.T) {
	const (
		carol  = "carol"
		oncall = "1302445566778899700" // the @oncall-web role
	)
	dc := newFakeDiscord(t,
		fakediscord.WithMembers(fakediscord.Member{User: fakediscord.User{ID: "1202445566778899302", Username: carol}, Roles: []string{oncall}}),
		fakediscord.WithRoles(fakediscord.Role{ID: oncall, Name: "oncall-web"}))
	dc.members[carol] = fakediscord.User{ID: "1202445566778899302", Username: carol}
	h := newHarness(t, dc, e2eDB(t))
	now := time.Now()

	declare := map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{map[string]any{
		"name": "declare", "type": 1, "options": []any{
			map[string]any{"name": "title", "type": 3, "value": "Checkout returns 504"},
			map[string]any{"name": "severity", "type": 3, "value": "sev1"},
			map[string]any{"name": "type", "type": 3, "value": "site-outage"},
		}}}}
	id, body := dc.interaction(2, alice, dc.channelID(general), declare)
	if status, raw := dc.deliver(t, h.url(""), id, body, now, dc.key); status != http.StatusOK {
		t.Fatalf("declare: got %d %s, want 200", status, raw)
	}
	if a := dc.answer(t, id); !strings.Contains(discordText(a), "INC-1 declared") || a.Flags&64 != 0 {
		t.Fatalf("declare: got %q flags %d, want a public confirmation", discordText(a), a.Flags)
	}
	if status, _ := dc.deliver(t, h.url(""), id, body, now, dc.key); status != http.StatusOK {
		t.Errorf("repeat: got %d, want 200", status)
	}
	h.expect("inc-1-checkout-returns-504", `INC-1 Checkout returns 504`)
	h.expect("inc-1-checkout-returns-504", noShopURL)
	h.expect(managers, `INC-1 Checkout returns 504`)
	h.settle()
	incs := h.incidents()
	if len(incs) != 1 {
		t.Fatalf("got %d incidents, want 1", len(incs))
	}
	inc := incs[0]

	// The war room: in the Incidents category, private, with the right people.
	room, ok := dc.api.Channel(inc.WarRoom)
	if !ok {
		t.Fatalf("war room %q not found", inc.WarRoom)
	}
	parent, _ := dc.api.Channel(room.ParentID)
	if parent.Name != "Incidents" || parent.Type != fakediscord.ChannelCategory {
		t.Errorf("got parent %+v, want the Incidents category", parent)
	}
	if !strings.HasPrefix(room.Name, "inc-1-checkout-returns-504") || !strings.Contains(room.Topic, "INC-1") {
		t.Errorf("got war room %q with topic %q, want inc-1-checkout-returns-504 about INC-1", room.Name, room.Topic)
	}
	for _, tc := range []struct {
		who  string
		want bool
	}{{dc.members[alice].ID, true}, {dc.members[carol].ID, true}, {fakediscord.BotUserID, true}, {dc.members[bob].ID, false}} {
		if got := dc.api.CanSend(room.ID, tc.who); got != tc.want {
			t.Errorf("member %s can write in the war room: got %v, want %v", tc.who, got, tc.want)
		}
	}
	pins := dc.api.Pins(room.ID)
	if len(pins) != 1 || len(pins[0].Embeds) != 1 || !strings.Contains(pins[0].Embeds[0].Title, "INC-1") ||
		pins[0].Embeds[0].Color != 0xE74C3C || len(pins[0].Components) == 0 {
		t.Fatalf("got pins %+v, want the red welcome embed with buttons", pins)
	}

	// Forged or stale requests: 401, nothing changes.
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	for name, tc := range map[string]struct {
		signer ed25519.PrivateKey
		at     time.Time
	}{"bad signature": {other, now}, "stale timestamp": {dc.key, now.Add(-6 * time.Minute)}} {
		id, body := dc.interaction(2, alice, dc.channelID(general), interactionData("declare sev1 Another outage "+name))
		if status, _ := dc.deliver(t, h.url(""), id, body, tc.at, tc.signer); status != http.StatusUnauthorized {
			t.Errorf("%s: got %d, want 401", name, status)
		}
	}
	h.settle()
	if n := len(h.incidents()); n != 1 {
		t.Errorf("got %d incidents after refused requests, want 1", n)
	}

	// A button from someone who is not the commander is refused, privately.
	click := func(user, action string) fakediscord.Message {
		t.Helper()
		id, body := dc.interaction(3, user, room.ID, map[string]any{"custom_id": action, "component_type": 2})
		if status, raw := dc.deliver(t, h.url(""), id, body, time.Now(), dc.key); status != http.StatusOK {
			t.Fatalf("%s clicks %s: got %d %s", user, action, status, raw)
		}
		return dc.answer(t, id)
	}
	if a := click(bob, "resolve "+inc.Key); a.Flags&64 == 0 || !strings.Contains(strings.ToLower(discordText(a)), "commander") {
		t.Errorf("bob resolves: got %q flags %d, want a private refusal naming the commander", discordText(a), a.Flags)
	}
	if got := h.incidents()[0].Status; got != incidentbot.StatusInvestigating {
		t.Errorf("got status %s after a refused click, want investigating", got)
	}

	// A typed /incident ack: the engine redraws the welcome, without its
	// Acknowledge button; the commander's click then redraws it again.
	welcome := func() (edited bool, buttons string) {
		pin := dc.api.Pins(room.ID)[0]
		b, _ := json.Marshal(pin.Components)
		return pin.EditedAt != nil, string(b)
	}
	if edited, buttons := welcome(); edited || !strings.Contains(buttons, `"ack `+inc.Key+`"`) {
		t.Fatalf("got the welcome edited %v with buttons %s, want untouched, with Acknowledge", edited, buttons)
	}
	if got := h.command(alice, general, "ack "+inc.Key); !strings.Contains(got, "acknowledged") {
		t.Errorf("alice types ack: got %q, want a confirmation", got)
	}
	h.until("the welcome redrawn without Acknowledge", func() bool {
		edited, buttons := welcome()
		return edited && !strings.Contains(buttons, `"ack `+inc.Key+`"`)
	})
	if a := click(alice, "mitigated "+inc.Key); !strings.Contains(discordText(a), "mitigated") {
		t.Errorf("alice clicks mitigated: got %q, want a confirmation", discordText(a))
	}
	h.until("the welcome redrawn with Resume ads", func() bool {
		_, buttons := welcome()
		return strings.Contains(buttons, `"ads resume `+inc.Key+`"`)
	})
	h.settle()
	h.finish()
}
