package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakeslack"
)

// TestReplayServeEndToEnd runs the real serve wiring on the strict
// harness: a signed declare replayed byte for byte runs once, the
// per-person limit and the alert caps come from the environment, and the
// store and the chat hold exactly what was allowed: one war room and one
// manager summary per incident, even when an alert storm declares several
// at once.
func TestReplayServeEndToEnd(t *testing.T) {
	const alertToken = "alert-token-replay-5678"
	sc := newFakeSlack(t)
	env := e2eDB(t)
	env["ALERT_WEBHOOK_TOKEN"], env["ALERT_PLATFORM"], env["ALERT_CHANNEL"] = alertToken, "slack", sc.channelID(general)
	env["ALERT_MAX_INCIDENTS_PER_NOTIFICATION"] = "2"
	env["ALERT_MAX_INCIDENTS_PER_MINUTE"] = "3"
	env["DECLARE_MAX_PER_USER_PER_MINUTE"] = "2"
	h := newHarness(t, sc, env)
	declare := func(line string) string { return sc.slashForm(fakeslack.TeamID, alice, general, line).Encode() }

	// One signed request sent three times: one incident.
	form := declare("declare sev2 type:generic Checkout returns 504 --force")
	at := time.Now()
	for i := range 3 {
		status, body := postSlackAt(t, h.url("/slack/commands"), sc.secret, form, at)
		switch {
		case status != http.StatusOK:
			t.Fatalf("send %d: got %d %s, want 200", i+1, status, body)
		case i == 0 && !strings.Contains(string(body), "INC-1"):
			t.Fatalf("first: got %s, want INC-1 declared", body)
		case i > 0 && len(body) != 0:
			t.Errorf("replay %d: got %s, want an empty answer", i, body)
		}
	}
	h.expect("inc-1-checkout-returns-504", `(?s)INC-1 Checkout returns 504.*What happened`)
	h.expect(managers, `INC-1 Checkout returns 504`)

	// Alice's second declaration in the minute is her last.
	if got := h.command(alice, general, "declare sev3 type:generic Search is slow"); !strings.Contains(got, "INC-2") {
		t.Fatalf("second declaration: got %s, want INC-2", got)
	}
	h.expect("inc-2-search-is-slow", `(?s)INC-2 Search is slow.*What happened`)
	h.expect(managers, `INC-2 Search is slow`)
	if got := h.command(alice, general, "declare sev3 type:generic Images missing"); !strings.Contains(got, "You declared 2 incidents in the last minute") {
		t.Errorf("third declaration: got %s, want the limit explained", got)
	}

	// Four distinct alerts, two incidents per notification: two incidents
	// and the storm holding the other two, all declared at once.
	alerts := make([]map[string]any, 4)
	for i := range alerts {
		alerts[i] = map[string]any{"status": "firing", "startsAt": "2026-11-24T11:52:30Z", "fingerprint": fmt.Sprint("fp", i),
			"labels": map[string]string{"alertname": fmt.Sprint("Storm", i), "severity": "critical"}}
	}
	notification, _ := json.Marshal(map[string]any{"version": "4", "status": "firing", "alerts": alerts})
	req, _ := http.NewRequest(http.MethodPost, h.url("/webhooks/alertmanager"), strings.NewReader(string(notification)))
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
	for i, key := range []string{"INC-3", "INC-4"} {
		room := fmt.Sprintf("inc-%d-storm%d", i+3, i)
		h.expect(room, key+` Storm`)
		h.expect(managers, key+` Storm`)
	}
	const storm = "inc-5-alert-storm-more-alerts-than-incidents-allowed"
	h.expect(storm, `INC-5 Alert storm`)
	h.expect(storm, `Alert storm: 2 more alerts joined INC-5(?s).*Storm2, Storm3`)
	h.expect(managers, `INC-5 Alert storm`)
	h.settle()

	incs := h.incidents()
	if len(incs) != 5 {
		t.Fatalf("got %d incidents, want 5", len(incs))
	}
	if !strings.HasPrefix(incs[0].Title, "Alert storm") {
		t.Errorf("got newest incident %q, want the alert storm", incs[0].Title)
	}
	h.finish()
}
