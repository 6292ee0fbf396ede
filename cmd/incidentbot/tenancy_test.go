package main

import (
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakeslack"
)

// TestTenancyServe, through the real serve wiring: without SLACK_TEAM_IDS
// the bot serves the team its token belongs to (auth.test); without
// ALERT_WORKSPACE an alert incident belongs to that team, whose members
// list it and act on it; another team is refused and changes nothing.
func TestTenancyServe(t *testing.T) {
	const alertToken = "alert-token-5678"
	sc := newFakeSlack(t)
	env := e2eDB(t)
	env["ALERT_WEBHOOK_TOKEN"], env["ALERT_PLATFORM"], env["ALERT_CHANNEL"] = alertToken, "slack", sc.channelID(general)
	h := newHarness(t, sc, env)
	if n := sc.api.Calls("auth.test"); n != 1 {
		t.Errorf("auth.test called %d times at start, want 1", n)
	}
	alert := `{"title":"Error rate above 20%","severity":"critical","dedupe_key":"errors","status":"firing"}`
	if status, body := sendAlert(t, h.url("/webhooks/generic"), alertToken, alert); status != http.StatusOK {
		t.Fatalf("alert: got %d %s, want 200", status, body)
	}
	h.expect("inc-1-error-rate-above-20", `INC-1 Error rate above 20%`)
	h.expect(managers, `INC-1 Error rate above 20%`)
	h.settle()

	const other = "T09OTHERWS"
	for _, line := range []string{"list", "status INC-1", "resolve INC-1", "declare sev1 Their outage"} {
		if got := sc.commandFrom(t, h.url(""), other, alice, general, line); !strings.Contains(got, "serves its own team") || strings.Contains(got, "Error rate") {
			t.Errorf("%q from another team: got %s, want the refusal", line, got)
		}
	}
	if got := h.command(alice, general, "list"); !strings.Contains(got, "INC-1") || strings.Contains(got, "INC-2") {
		t.Errorf("list in the bot's own team: got %s, want the alert's INC-1 alone", got)
	}
	if got := h.command(alice, general, "status INC-1"); !strings.Contains(got, "investigating") {
		t.Errorf("status INC-1 in the bot's own team: got %s, want it still investigating", got)
	}
	if incs := h.incidents(); len(incs) != 1 {
		t.Errorf("got %d incidents, want the alert's alone: none declared from the other team", len(incs))
	}
	h.settle()
	h.finish()
}

// TestTenancyAlertWorkspace: alert incidents belong to ALERT_WORKSPACE, else
// to the bot's own workspace on ALERT_PLATFORM.
func TestTenancyAlertWorkspace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg  config
		want string
	}{
		{config{AlertPlatform: "slack", AlertWorkspace: "T02AGENCY7"}, "T02AGENCY7"},
		{config{AlertPlatform: "slack", DiscordGuildID: "1302445566778899100"}, fakeslack.TeamID},
		{config{AlertPlatform: "discord", DiscordGuildID: "1302445566778899100"}, "1302445566778899100"},
	}
	for _, tc := range tests {
		if got := alertWorkspace(tc.cfg, fakeslack.TeamID); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
