package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
)

// alertmanagerBinaries are the names of Alertmanager: Debian's package,
// then upstream's release.
var alertmanagerBinaries = []string{"prometheus-alertmanager", "alertmanager"}

// TestE2EAlertmanager runs a real Alertmanager whose webhook receiver is
// serve, through the strict harness: a firing group declares exactly one
// incident, a second pod joining the group goes on its timeline, and the
// group resolving posts one resolve suggestion in the war room.
func TestE2EAlertmanager(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Alertmanager end-to-end test")
	}
	var bin string
	for _, name := range alertmanagerBinaries {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("Alertmanager not installed (apt-get install prometheus-alertmanager): skipping the end-to-end test")
	}
	const token = "e2e-alert-token-5c1f0a9b7d3e"
	sc := newFakeSlack(t)
	env := e2eDB(t)
	env["ALERT_WEBHOOK_TOKEN"], env["ALERT_PLATFORM"], env["ALERT_CHANNEL"] = token, incidentbot.PlatformSlack, sc.channelID(general)
	h := newHarness(t, sc, env)

	// Between Alertmanager and serve, to count the deliveries and their answers.
	target, _ := url.Parse(h.url(""))
	var deliveries, failures atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		deliveries.Add(1)
		if resp.StatusCode != http.StatusOK {
			failures.Add(1)
		}
		return nil
	}
	hook := httptest.NewServer(proxy)
	t.Cleanup(hook.Close)

	dir := t.TempDir()
	config := fmt.Sprintf(`route:
  receiver: incidentbot
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: incidentbot
    webhook_configs:
      - url: %s/webhooks/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: %s
`, hook.URL, token)
	cfgPath := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	var out bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=debug")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("alertmanager output:\n%s", out.String())
		}
	})
	base := "http://" + addr
	h.until("Alertmanager ready", func() bool {
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	started := time.Now().UTC().Add(-time.Minute)
	labels := func(pod string) map[string]string {
		return map[string]string{"alertname": "CheckoutErrorRate", "service": "checkout", "env": "e2e", "severity": "critical", "pod": pod}
	}
	annotations := map[string]string{"summary": "Checkout 5xx ratio above 20%", "runbook_url": "https://runbooks.shop.example/checkout-5xx"}
	postAlerts(t, base, []amAlertIn{{Labels: labels("a"), Annotations: annotations, StartsAt: started}})
	const room = "inc-1-checkouterrorrate-checkout-5xx-ratio-above-20"
	h.expect(room, `(?s)INC-1 CheckoutErrorRate: Checkout 5xx ratio above 20%.*What happened`)
	h.expect(room, noShopURL)
	h.expect(managers, `SEV1 · INC-1 CheckoutErrorRate: Checkout 5xx ratio above 20%`)
	h.settle()
	inc := h.incidents()[0]

	// A second pod joins the group: Alertmanager sends the whole group
	// again, the first alert included.
	events := func(kind incidentbot.EventKind) int {
		timeline, err := h.db.Timeline(context.Background(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range timeline {
			if e.Kind == kind {
				n++
			}
		}
		return n
	}
	postAlerts(t, base, []amAlertIn{{Labels: labels("b"), Annotations: annotations, StartsAt: started}})
	h.expect(room, `(?s)Alert joined INC-1: CheckoutErrorRate.*pod=b`)
	h.until("the second pod's alert on the timeline", func() bool { return events(incidentbot.EventAlertFired) == 1 })

	ended := time.Now().UTC().Add(-time.Second)
	postAlerts(t, base, []amAlertIn{
		{Labels: labels("a"), Annotations: annotations, StartsAt: started, EndsAt: ended},
		{Labels: labels("b"), Annotations: annotations, StartsAt: started, EndsAt: ended},
	})
	h.expect(room, `the alerts behind INC-1 have stopped firing`) // the resolve suggestion, once
	h.until("both alerts resolved on the timeline", func() bool { return events(incidentbot.EventAlertResolved) == 2 })
	h.settle()
	if n := len(h.incidents()); n != 1 {
		t.Errorf("got %d incidents, want 1", n)
	}
	if n := events(incidentbot.EventAlertFired); n != 1 {
		t.Errorf("got %d alert_fired events, want 1 (the second pod)", n)
	}
	if d := deliveries.Load(); d < 3 {
		t.Errorf("got %d webhook deliveries, want at least 3 (firing, group grown, resolved)", d)
	}
	if f := failures.Load(); f != 0 {
		t.Errorf("got %d failed deliveries, want 0", f)
	}
	h.finish()
}

// amAlertIn is an alert as posted to Alertmanager's API v2.
type amAlertIn struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt,omitzero"`
}

func postAlerts(t *testing.T, base string, alerts []amAlertIn) {
	t.Helper()
	b, err := json.Marshal(alerts)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("post alerts: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("post alerts: got status %d, want 200", resp.StatusCode)
	}
}
