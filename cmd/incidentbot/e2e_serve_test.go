package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakediscord"
)

// The serve end to end tests of each way chat reaches the bot (signed
// HTTP, Socket Mode, Discord interactions, the gateway, alerts), through
// the strict harness: every post the bot makes is one the test declares.

// TestServeSlackEndToEnd: health, readiness and metrics answer; a signed
// slash command is answered at once (its time counted in /metrics), then
// the workers open the war room with a pinned welcome; without
// DATABASE_URL the SQLite file is in the working folder. The generic playbook has no site check: tests reach no
// outside host.
func TestServeSlackEndToEnd(t *testing.T) {
	env := e2eDB(t)
	sc := newFakeSlack(t)
	h := newHarness(t, sc, env)
	waitFor(t, h.url("/readyz"), 200)
	if body := get(t, h.url("/metrics")); !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics lacks go_goroutines")
	}

	if got := h.command(alice, general, "declare sev1 type:generic Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("slash command answered %q, want INC-1 named", got)
	}
	if body := get(t, h.url("/metrics")); !strings.Contains(body, `incidentbot_http_request_duration_seconds_count{route="POST /slack/commands"} 1`) {
		t.Errorf("/metrics does not count the slash command's answer")
	}
	const room = "inc-1-checkout-returns-504"
	h.expect(room, `INC-1 Checkout returns 504`)
	h.expect(managers, `SEV1 · INC-1 Checkout returns 504`)
	h.settle()
	ch, ok := sc.api.ChannelByName(room)
	if !ok || len(sc.api.Pinned(ch.ID)) != 1 {
		t.Errorf("war room %s: found %v, want it with one pinned welcome", room, ok)
	}
	h.finish()
	if env["DATABASE_URL"] == "" {
		if _, err := os.Stat("incidentbot.db"); err != nil {
			t.Errorf("no SQLite file in the working folder: %v", err)
		}
	}
}

// TestServeSlackSocketMode: with an app token the bot takes commands over
// Socket Mode, so the slash command route is not served.
func TestServeSlackSocketMode(t *testing.T) {
	sc := newFakeSlack(t).overSocket()
	h := newHarness(t, sc, e2eDB(t))
	if resp, err := http.Post(h.url("/slack/commands"), "text/plain", nil); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/slack/commands in Socket Mode: got %v %v, want 404", resp, err)
	}
	scenarioDeclare(t, h)
}

// TestServeDiscordAndAlerts: Discord over HTTP and a generic alert
// together: the commands are registered first; a signed PING gets a PONG
// and a badly signed one 401; the alert, with the right token only, opens
// its war room on Discord.
func TestServeDiscordAndAlerts(t *testing.T) {
	const alertToken = "alert-token-1234"
	dc := newFakeDiscord(t)
	env := e2eDB(t)
	env["ALERT_WEBHOOK_TOKEN"], env["ALERT_PLATFORM"], env["ALERT_CHANNEL"] = alertToken, "discord", dc.channelID(general)
	all := dc.env()
	for k, v := range env {
		all[k] = v
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "register-discord-commands"}, envFrom(all), nil, &out, &out); err != nil {
		t.Fatalf("register-discord-commands: %v\n%s", err, out.String())
	}
	if n := len(dc.api.Commands(fakediscord.GuildID)); n != 1 {
		t.Fatalf("registered commands: got %d, want /incident alone", n)
	}
	h := newHarness(t, dc, env)

	ping := []byte(`{"id":"1","application_id":"` + fakediscord.AppID + `","type":1,"token":"t","version":1}`)
	forger := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	for _, tc := range []struct {
		key  ed25519.PrivateKey
		want int
	}{{dc.key, http.StatusOK}, {forger, http.StatusUnauthorized}} {
		if status, _ := dc.deliver(t, h.url(""), "1", ping, time.Now(), tc.key); status != tc.want {
			t.Errorf("PING: got %d, want %d", status, tc.want)
		}
	}

	// No playbook word in the title: the generic playbook checks no outside site.
	alert := `{"title":"Error rate above 20%","severity":"critical","dedupe_key":"errors","status":"firing"}`
	for _, tc := range []struct {
		token string
		want  int
	}{{"wrong", http.StatusUnauthorized}, {alertToken, http.StatusOK}} {
		if status, _ := sendAlert(t, h.url("/webhooks/generic"), tc.token, alert); status != tc.want {
			t.Errorf("alert with token %s: got %d, want %d", tc.token, status, tc.want)
		}
	}
	h.expect("inc-1-error-rate-above-20", `INC-1 Error rate above 20%`)
	h.expect(managers, `INC-1 Error rate above 20%`)
	h.settle()
	h.finish()
}

// TestServeDiscordGateway: in gateway mode the bot connects to Discord's
// gateway and takes interactions there, so the interactions route is not
// served.
func TestServeDiscordGateway(t *testing.T) {
	dc := newFakeDiscord(t).overGateway()
	h := newHarness(t, dc, e2eDB(t))
	if resp, err := http.Post(h.url("/discord/interactions"), "application/json", nil); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/discord/interactions in gateway mode: got %v %v, want 404", resp, err)
	}
	h.until("gateway connection", func() bool { return dc.api.GatewayConnections() > 0 })
	scenarioDeclare(t, h)
}

// scenarioDeclare: a declaration is answered naming INC-1, then opens its
// war room and tells the managers, and the bot posts nothing else.
func scenarioDeclare(t *testing.T, h *harness) {
	t.Helper()
	if got := h.command(alice, general, "declare sev2 type:generic Search is slow"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect("inc-1-search-is-slow", `INC-1 Search is slow`)
	h.expect(managers, `SEV2 · INC-1 Search is slow`)
	h.settle()
	h.finish()
}

// sendAlert posts a JSON alert notification to url with token, as an
// alert source does, and returns the status and the answer.
func sendAlert(t *testing.T, url, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, answer
}
