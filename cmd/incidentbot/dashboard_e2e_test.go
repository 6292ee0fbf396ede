package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"incidentbot/internal/browsertest"
)

// TestWebDashboardLiveE2E: through the real serve wiring, with no sign-in
// configured, a browser on the loopback address opens the dashboard; a
// declaration and a status update typed in Slack reach the open page over
// Server-Sent Events, with no reload, and the harness holds the bot to
// exactly the posts it expects.
func TestWebDashboardLiveE2E(t *testing.T) {
	env := e2eDB(t) // may pause the test (t.Parallel): the browser's clock starts after
	b := browsertest.New(t)
	dir := t.TempDir()
	yaml := `name: dash
description: A playbook for the dashboard end-to-end test.
match: {types: [dash], default_severity: sev1}
channel: "{{.Key | lower}}-{{.Title | slug}}"
roles:
  - {name: commander, description: coordinates and decides, assign: declarer}
status_updates: {sev1: off, sev2: off, sev3: off, sev4: off}
`
	if err := os.WriteFile(filepath.Join(dir, "dash.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env["PLAYBOOKS_DIR"] = dir
	h := newHarness(t, newFakeSlack(t), env)

	b.Do(chromedp.Navigate(h.url("/")))
	if got := browsertest.Eval[string](b, `document.querySelector("h1").textContent`); got != "Dashboard" {
		t.Fatalf("a loopback browser without sign-in got %q, want the dashboard", got)
	}
	b.Until("the live stream is connected", `document.getElementById("open-incidents").hasAttribute("data-updated")`)
	browsertest.Eval[bool](b, `window.sameLoad = true`)

	const room = "inc-1-checkout-returns-504"
	start := time.Now()
	if got := h.command(alice, general, "declare sev1 type:dash Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q", got)
	}
	b.Until("the declared incident arrives", `document.getElementById("open-incidents").innerText.includes("Checkout returns 504")`)
	t.Logf("the declaration reached the dashboard %v after the command was sent", time.Since(start).Round(time.Millisecond))
	h.expect(room, `INC-1`)
	h.expect(managers, `INC-1`)
	h.settle()

	start = time.Now()
	if got := h.command(alice, room, "update Deploy rolled back; watching payments"); !strings.Contains(got, "Update posted") {
		t.Fatalf("update answered %q", got)
	}
	b.Until("the status update arrives", `document.getElementById("open-incidents").innerText.includes("Deploy rolled back")`)
	t.Logf("the update reached the dashboard %v after the command was sent", time.Since(start).Round(time.Millisecond))
	h.expect(room, `Deploy rolled back`)
	if !browsertest.Eval[bool](b, `window.sameLoad === true`) {
		t.Error("the page reloaded")
	}
	b.NoHorizontalScroll("/")
	b.NoErrors()
	h.settle()
	h.finish()
}
