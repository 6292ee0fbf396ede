package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/store"
)

// TestReplayServeEndToEnd runs the real serve wiring: a signed declare
// replayed byte for byte runs once, the per-person limit and the alert caps
// come from the environment, and the store holds exactly what was allowed.
func TestReplayServeEndToEnd(t *testing.T) {
	slackAPI := fakeslack.New(t)
	const signingSecret = "0f2e8a9d4b7c6e1a3f5d9c8b7a6e5d4c"
	const alertToken = "alert-token-replay-5678"
	srv := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN":                      fakeslack.DefaultToken,
		"SLACK_SIGNING_SECRET":                 signingSecret,
		"SLACK_API_URL":                        slackAPI.URL(),
		"ALERT_WEBHOOK_TOKEN":                  alertToken,
		"ALERT_PLATFORM":                       "slack",
		"ALERT_CHANNEL":                        "C0GENERAL1",
		"ALERT_MAX_INCIDENTS_PER_NOTIFICATION": "2",
		"ALERT_MAX_INCIDENTS_PER_MINUTE":       "3",
		"DECLARE_MAX_PER_USER_PER_MINUTE":      "2",
	})
	waitFor(t, srv.url("/readyz"), 200)
	declare := func(text string) string {
		return url.Values{"team_id": {fakeslack.TeamID}, "user_id": {"U02ALICE5K"}, "user_name": {"alice"},
			"channel_id": {"C0GENERAL1"}, "command": {"/incident"}, "text": {text}}.Encode()
	}

	// One signed request sent three times: one incident.
	form := declare("declare sev2 type:generic Checkout returns 504 --force")
	at := time.Now()
	for i := range 3 {
		status, body := postSlackAt(t, srv.url("/slack/commands"), signingSecret, form, at)
		switch {
		case status != http.StatusOK:
			t.Fatalf("send %d: got %d %s, want 200", i+1, status, body)
		case i == 0 && !strings.Contains(string(body), "INC-1"):
			t.Fatalf("first: got %s, want INC-1 declared", body)
		case i > 0 && len(body) != 0:
			t.Errorf("replay %d: got %s, want an empty answer", i, body)
		}
	}

	// Alice's second declaration in the minute is her last.
	if _, body := postSlack(t, srv.url("/slack/commands"), signingSecret, declare("declare sev3 type:generic Search is slow")); !strings.Contains(string(body), "INC-2") {
		t.Fatalf("second declaration: got %s, want INC-2", body)
	}
	if _, body := postSlack(t, srv.url("/slack/commands"), signingSecret, declare("declare sev3 type:generic Images missing")); !strings.Contains(string(body), "You declared 2 incidents in the last minute") {
		t.Errorf("third declaration: got %s, want the limit explained", body)
	}

	// Four distinct alerts, two incidents per notification: two incidents
	// and the storm holding the other two.
	alerts := make([]map[string]any, 4)
	for i := range alerts {
		alerts[i] = map[string]any{"status": "firing", "startsAt": "2026-11-24T11:52:30Z", "fingerprint": fmt.Sprint("fp", i),
			"labels": map[string]string{"alertname": fmt.Sprint("Storm", i), "severity": "critical"}}
	}
	notification, _ := json.Marshal(map[string]any{"version": "4", "status": "firing", "alerts": alerts})
	req, _ := http.NewRequest(http.MethodPost, srv.url("/webhooks/alertmanager"), strings.NewReader(string(notification)))
	req.Header.Set("Authorization", "Bearer "+alertToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Results []struct{ Action, Incident string }
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("alerts: got %d (%v), want 200", resp.StatusCode, err)
	}
	var got []string
	for _, r := range answer.Results {
		got = append(got, r.Action+" "+r.Incident)
	}
	if want := "declared INC-3,declared INC-4,attached INC-5,attached INC-5"; strings.Join(got, ",") != want {
		t.Errorf("alerts: got %q, want %q", strings.Join(got, ","), want)
	}

	srv.until("five war rooms", func() bool {
		n := 0
		for _, ch := range slackAPI.Channels() {
			if strings.HasPrefix(ch.Name, "inc-") {
				n++
			}
		}
		return n == 5
	})
	srv.stop(fakeslack.DefaultToken, signingSecret, alertToken)

	db, err := store.Open(context.Background(), slog.New(slog.DiscardHandler), "sqlite:"+filepath.Join(srv.dir, "incidentbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	incs, err := db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil || len(incs) != 5 {
		t.Fatalf("got %d incidents (%v), want 5", len(incs), err)
	}
	if !strings.HasPrefix(incs[0].Title, "Alert storm") {
		t.Errorf("got newest incident %q, want the alert storm", incs[0].Title)
	}
}
