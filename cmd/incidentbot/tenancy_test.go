package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakeslack"
)

// slashCommand posts a signed /incident command from team and returns the answer.
func slashCommand(t *testing.T, srv *served, secret, team, text string) string {
	t.Helper()
	form := url.Values{"team_id": {team}, "user_id": {"U02ALICE5K"}, "user_name": {"alice"},
		"channel_id": {"C0GENERAL1"}, "command": {"/incident"}, "text": {text}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + form))
	req, _ := http.NewRequest("POST", srv.url("/slack/commands"), strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%q from %s: got %d %s", text, team, resp.StatusCode, b)
	}
	return string(b)
}

// TestTenancyServe, through the real serve wiring: without SLACK_TEAM_IDS
// the bot serves the team its token belongs to (auth.test); without
// ALERT_WORKSPACE an alert incident belongs to that team, whose members
// list it and act on it; another team is refused and changes nothing.
func TestTenancyServe(t *testing.T) {
	slackAPI := fakeslack.New(t)
	const signingSecret = "3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f"
	srv := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN":      fakeslack.DefaultToken,
		"SLACK_SIGNING_SECRET": signingSecret,
		"SLACK_API_URL":        slackAPI.URL(),
		"ALERT_WEBHOOK_TOKEN":  "alert-token-5678",
		"ALERT_PLATFORM":       "slack",
		"ALERT_CHANNEL":        "C0GENERAL1",
	})
	if slackAPI.Calls("auth.test") != 1 {
		t.Errorf("auth.test called %d times at start, want 1", slackAPI.Calls("auth.test"))
	}
	alert := `{"title":"Error rate above 20%","severity":"critical","dedupe_key":"errors","status":"firing"}`
	req, _ := http.NewRequest("POST", srv.url("/webhooks/generic"), strings.NewReader(alert))
	req.Header.Set("Authorization", "Bearer alert-token-5678")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("alert: got %d, want 200", resp.StatusCode)
	}

	const other = "T09OTHERWS"
	for _, line := range []string{"list", "status INC-1", "resolve INC-1", "declare sev1 Their outage"} {
		if got := slashCommand(t, srv, signingSecret, other, line); !strings.Contains(got, "serves its own team") || strings.Contains(got, "Error rate") {
			t.Errorf("%q from another team: got %s, want the refusal", line, got)
		}
	}
	if got := slashCommand(t, srv, signingSecret, fakeslack.TeamID, "list"); !strings.Contains(got, "INC-1") {
		t.Errorf("list in the bot's own team: got %s, want the alert's INC-1", got)
	}
	if got := slashCommand(t, srv, signingSecret, fakeslack.TeamID, "status INC-1"); !strings.Contains(got, "investigating") {
		t.Errorf("status INC-1 in the bot's own team: got %s, want it still investigating", got)
	}
	if got := slashCommand(t, srv, signingSecret, fakeslack.TeamID, "list"); strings.Contains(got, "INC-2") {
		t.Errorf("list: got %s, want no incident declared from the other team", got)
	}
	srv.stop(fakeslack.DefaultToken, signingSecret, "alert-token-5678")
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
