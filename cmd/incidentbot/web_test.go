package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// getBody fetches url and returns the status and body.
func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestWebServeZeroConfig: serve with no configuration at all starts,
// says once in its log that chat is off and how to turn it on, and serves
// the home page (saying so too), the status page, health and metrics (the
// database pools' and the routes' times among them).
func TestWebServeZeroConfig(t *testing.T) {
	s := startServe(t, map[string]string{})
	if n := strings.Count(s.logs.String(), `"msg":"chat is off`); n != 1 {
		t.Errorf("logged %d chat-is-off lines, want 1: %s", n, s.logs.String())
	}
	if !strings.Contains(s.logs.String(), "SLACK_BOT_TOKEN") {
		t.Errorf("the log does not say how to turn chat on: %s", s.logs.String())
	}
	for _, tc := range []struct{ path, want string }{
		{"/", "Chat is off"},
		{"/status", "All systems operational"},
		{"/status/summary.json", `"indicator":"none"`},
		{"/status/banner.js", "incidentbot-banner"},
		{"/assets/site.css", "font"},
		{"/readyz", ""},
		{"/metrics", "go_goroutines"},
		{"/metrics", `go_sql_wait_count_total{db_name="sqlite-writer"}`},
		{"/metrics", `incidentbot_http_request_duration_seconds_count{route="GET /status"} 1`},
	} {
		if code, body := getBody(t, s.url(tc.path)); code != http.StatusOK || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: got %d, want 200 with %q:\n%.400s", tc.path, code, tc.want, body)
		}
	}
	if code, _ := getBody(t, s.url("/slack/commands")); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		t.Errorf("GET /slack/commands with Slack off: got %d, want 404 or 405", code)
	}
	s.stop()
}

// TestWebDemoServe: demo --serve plays the demo, then serves its incident
// on the status page until stopped.
func TestWebDemoServe(t *testing.T) {
	t.Chdir(t.TempDir())
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"incidentbot", "demo", "--serve"}, envFrom(map[string]string{"HTTP_ADDR": addr}), nil, out, &syncBuffer{})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("demo --serve stopped: %v\n%s", err, out.String())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/status"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if !strings.Contains(string(b), `id="inc-1"`) || !strings.Contains(string(b), "Payments work again") || strings.Contains(string(b), "504") {
					t.Errorf("the status page does not show the demo incident by its customer message only:\n%s", b)
				}
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo --serve did not serve /status within 20s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
	if !strings.Contains(out.String(), "/status (Ctrl-C to stop)") {
		t.Errorf("demo --serve does not say where the pages are:\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("demo --serve returned %v after cancel, want nil", err)
	}
}

// TestWebStatusE2ESlack: through the real serve wiring, a SEV1 declared in
// Slack turns the public status page and its JSON into a major outage with
// the playbook's customer message (never the title) within seconds, and
// resolving it turns them back to operational.
func TestWebStatusE2ESlack(t *testing.T) {
	env := e2eDB(t)
	dir := t.TempDir()
	yaml := `name: shopdown
description: A playbook for the status page end-to-end test.
match: {types: [shopdown], default_severity: sev1}
channel: "{{.Key | lower}}-{{.Title | slug}}"
roles:
  - {name: commander, description: coordinates and decides, assign: declarer}
status_updates: {sev1: off, sev2: off, sev3: off, sev4: off}
templates:
  customer-en: "{{if eq .Status \"resolved\"}}All good again.{{else}}Checkout is being repaired; your cart is kept.{{end}}"
  customer-fr: "{{if eq .Status \"resolved\"}}Tout fonctionne.{{else}}Le paiement est en réparation ; votre panier est conservé.{{end}}"
`
	if err := os.WriteFile(filepath.Join(dir, "shopdown.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env["PLAYBOOKS_DIR"] = dir
	h := newHarness(t, newFakeSlack(t), env)

	summary := func() (indicator, body string) {
		_, b := getBody(t, h.url("/status/summary.json"))
		var s struct {
			Status    struct{ Indicator string }
			Incidents []struct {
				Updates []struct{ Body string } `json:"incident_updates"`
			}
		}
		if err := json.Unmarshal([]byte(b), &s); err != nil {
			t.Fatalf("summary.json: %v\n%s", err, b)
		}
		if len(s.Incidents) > 0 {
			body = s.Incidents[0].Updates[0].Body
		}
		return s.Status.Indicator, body
	}
	if ind, _ := summary(); ind != "none" {
		t.Fatalf("before any incident: indicator %q, want none", ind)
	}

	const room = "inc-1-secret-vendor-acme-broke-prod"
	if got := h.command(alice, general, "declare sev1 type:shopdown Secret vendor Acme broke prod"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q", got)
	}
	h.expect(room, `INC-1`)
	h.expect(managers, `INC-1`)
	h.settle() // the war room exists before a command is typed in it
	h.until("the status page shows the outage", func() bool {
		ind, body := summary()
		return ind == "critical" && body == "Checkout is being repaired; your cart is kept."
	})
	if _, page := getBody(t, h.url("/status?lang=fr")); !strings.Contains(page, "Le paiement est en réparation") || strings.Contains(page, "Acme") {
		t.Errorf("the French page lacks the customer message or shows the title:\n%s", page)
	}

	if got := h.command(alice, room, "resolve Rolled back"); !strings.Contains(got, "INC-1") {
		t.Fatalf("resolve answered %q", got)
	}
	// The resolve edits the posts in place: no new post to expect.
	h.until("the status page is operational again", func() bool {
		ind, body := summary()
		return ind == "none" && body == ""
	})
	if _, page := getBody(t, h.url("/status")); !strings.Contains(page, "All good again.") || strings.Contains(page, "Acme") {
		t.Errorf("the past incident lacks its resolved message or shows the title:\n%s", page)
	}
	h.settle()
	h.finish()
}
