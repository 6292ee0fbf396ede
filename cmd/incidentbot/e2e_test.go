package main

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestE2E* run whole incidents through the strict harness (harness_test.go):
// the real serve wiring, the real clock, the fakes over HTTP.

func TestE2ESlackIncident(t *testing.T) {
	scenarioIncident(t, newHarness(t, newFakeSlack(t), quickPlaybook(t, e2eDB(t))))
}

func TestE2EDiscordIncident(t *testing.T) {
	scenarioIncident(t, newHarness(t, newFakeDiscord(t), quickPlaybook(t, e2eDB(t))))
}

// quickPlaybook adds to env a PLAYBOOKS_DIR holding the "quick" playbook:
// a status update every minute (the shortest cadence a playbook may ask)
// at sev2, so a reminder comes within the test.
func quickPlaybook(t *testing.T, env map[string]string) map[string]string {
	dir := t.TempDir()
	yaml := `name: quick
description: A playbook for end-to-end tests, with a reminder every minute.
match: {types: [quick], default_severity: sev2}
channel: "{{.Key | lower}}-{{.Title | slug}}"
roles:
  - {name: commander, description: coordinates and decides, assign: declarer}
status_updates: {sev1: 1m, sev2: 1m, sev3: 1m, sev4: off}
checklist:
  - Confirm the problem from outside
`
	if err := os.WriteFile(filepath.Join(dir, "quick.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env["PLAYBOOKS_DIR"] = dir
	return env
}

// scenarioIncident: declare, the war room, an update typed in the war
// room that everyone sees, the reminder a minute later, resolve.
func scenarioIncident(t *testing.T, h *harness) {
	const room = "inc-1-checkout-returns-504"
	if got := h.command(alice, general, "declare sev2 type:quick Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect(room, `(?s)INC-1 Checkout returns 504.*Roles.*Checklist`)
	h.expect(managers, `SEV2 · INC-1 Checkout returns 504`)
	h.settle()

	if got := h.command(alice, room, "update Payment module rolled back"); !strings.Contains(got, "Update posted") {
		t.Fatalf("update answered %q, want it posted", got)
	}
	h.expect(room, `(?s)Update from alice.*Payment module rolled back`)
	h.settle()

	// No update for a minute: the commander (no comms lead here) is nudged.
	h.expect(room, `No update for 1m: post one with /incident update`)
	h.settleWithin(150 * time.Second) // generous: a loaded machine delays the workers

	if got := h.command(alice, room, "resolve Rolled back the payment module"); !strings.Contains(got, "resolved") {
		t.Fatalf("resolve answered %q, want it resolved", got)
	}
	h.settle()
	h.finish()
}

// flakyNet stands between the bot and an API: up, it forwards to the API;
// down, nobody listens on its address, so connections are refused.
type flakyNet struct {
	t      *testing.T
	addr   string
	target *url.URL
	srv    *http.Server
}

func newFlakyNet(t *testing.T, target string) *flakyNet {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	n := &flakyNet{t: t, addr: freeAddr(t), target: u}
	n.up()
	t.Cleanup(func() { n.srv.Close() })
	return n
}

// url is target's URL through the flaky network.
func (n *flakyNet) url() string { return "http://" + n.addr + n.target.Path }

func (n *flakyNet) up() {
	ln, err := net.Listen("tcp", n.addr)
	if err != nil {
		n.t.Fatalf("listen again on %s: %v", n.addr, err)
	}
	n.srv = &http.Server{Handler: httputil.NewSingleHostReverseProxy(&url.URL{Scheme: n.target.Scheme, Host: n.target.Host})}
	go n.srv.Serve(ln)
}

func (n *flakyNet) down() { n.srv.Close() }

// TestE2ENetworkDown: the chat API cannot be reached when an incident is
// declared (connection refused); the bot retries and opens the war room
// once the network is back, with nothing logged at ERROR.
func TestE2ENetworkDown(t *testing.T) {
	for _, tc := range []struct {
		name string
		chat func(t *testing.T) (chatFake, string) // the fake and its API URL
		env  string                                // the variable pointing serve at the API
	}{
		{"slack", func(t *testing.T) (chatFake, string) { c := newFakeSlack(t); return c, c.api.URL() }, "SLACK_API_URL"},
		{"discord", func(t *testing.T) (chatFake, string) { c := newFakeDiscord(t); return c, c.api.URL() }, "DISCORD_API_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chat, api := tc.chat(t)
			link := newFlakyNet(t, api)
			env := quickPlaybook(t, e2eDB(t))
			env[tc.env] = link.url()
			h := newHarness(t, chat, env)
			link.down()
			if got := h.command(alice, general, "declare sev2 type:quick Checkout returns 504"); !strings.Contains(got, "INC-1") {
				t.Fatalf("declare answered %q, want INC-1 named", got)
			}
			h.until("a refused create_channel retried", func() bool {
				return regexp.MustCompile(`"msg":"job will retry".*"kind":"create_channel".*connection refused`).MatchString(h.logs.String())
			})
			link.up()
			h.expect("inc-1-checkout-returns-504", `(?s)INC-1 Checkout returns 504.*Roles.*Checklist`)
			h.expect(managers, `SEV2 · INC-1 Checkout returns 504`)
			h.settle()
			h.finish()
		})
	}
}
