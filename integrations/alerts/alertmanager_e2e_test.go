package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
)

// alertmanagerBinaries are the names of Alertmanager: Debian's package,
// then upstream's release.
var alertmanagerBinaries = []string{"prometheus-alertmanager", "alertmanager"}

// TestRealAlertmanager runs a real Alertmanager with a webhook receiver
// pointing at the Receiver, feeds it alerts through its API, and checks
// that the group declares exactly one incident and that resolving it posts
// the resolve suggestion.
func TestRealAlertmanager(t *testing.T) {
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
	t.Parallel()

	w := newWorld(t, storetest.SQLite(t), Config{})
	w.clock.Set(time.Now().UTC())
	var deliveries, failures atomic.Int64
	hook := w.recv.Alertmanager()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		deliveries.Add(1)
		rec := httptest.NewRecorder()
		hook.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			failures.Add(1)
			t.Errorf("webhook answered %d: %s", rec.Code, rec.Body)
		}
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.WriteHeader(rec.Code)
		_, _ = rw.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)

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
`, srv.URL, testToken)
	cfgPath := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	var out bytes.Buffer
	cmd := exec.Command(bin,
		"--config.file="+cfgPath,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
		"--log.level=debug",
	)
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
	poll(t, 20*time.Second, "Alertmanager ready", func() bool {
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

	var inc *incidentbot.Incident
	poll(t, 30*time.Second, "one incident declared", func() bool {
		w.clock.Set(time.Now().UTC())
		w.runJobs()
		incs := w.incidents()
		if len(incs) > 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}
		if len(incs) == 1 && incs[0].WarRoom != "" {
			inc = incs[0]
			return true
		}
		return false
	})

	// A second pod joins the group: Alertmanager sends the whole group
	// again, the first alert included.
	postAlerts(t, base, []amAlertIn{{Labels: labels("b"), Annotations: annotations, StartsAt: started}})
	poll(t, 30*time.Second, "the second pod's alert on the timeline", func() bool {
		return len(w.events(inc.ID, incidentbot.EventAlertFired)) == 1
	})

	ended := time.Now().UTC().Add(-time.Second)
	postAlerts(t, base, []amAlertIn{
		{Labels: labels("a"), Annotations: annotations, StartsAt: started, EndsAt: ended},
		{Labels: labels("b"), Annotations: annotations, StartsAt: started, EndsAt: ended},
	})
	poll(t, 30*time.Second, "the resolve suggestion in the war room", func() bool {
		w.clock.Set(time.Now().UTC())
		w.runJobs()
		return len(resolveSuggestions(w.warRoom(inc), inc.Key)) > 0 && len(w.events(inc.ID, incidentbot.EventAlertResolved)) == 2
	})

	if n := len(resolveSuggestions(w.warRoom(inc), inc.Key)); n != 1 {
		t.Errorf("got %d resolve suggestions, want 1", n)
	}
	if n := len(w.incidents()); n != 1 {
		t.Errorf("got %d incidents, want 1", n)
	}
	if n := len(w.events(inc.ID, incidentbot.EventAlertFired)); n != 1 {
		t.Errorf("got %d alert_fired events, want 1 (the second pod)", n)
	}
	if d := deliveries.Load(); d < 3 {
		t.Errorf("got %d webhook deliveries, want at least 3 (firing, group grown, resolved)", d)
	}
	if f := failures.Load(); f != 0 {
		t.Errorf("got %d failed deliveries, want 0", f)
	}
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

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// poll calls cond on every tick until it holds or the deadline passes.
func poll(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s after %s", what, within)
		case <-tick.C:
		}
	}
}
