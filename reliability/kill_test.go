//go:build reliability

package reliability

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/storetest"
)

// TestReliabilityKill: kill -9 the replica inside each saga step, after the
// fake applied the call and before the replica read the answer (the worst
// moment: the effect is done, its record is not). The other replica
// finishes the saga within the lease and a few seconds, and nothing is
// doubled: one war room, welcome, pin and summary, each campaign paused
// once.
func TestReliabilityKill(t *testing.T) {
	slackCall := func(method string, text ...string) func(c call) bool {
		return func(c call) bool {
			if c.path != "/api/"+method {
				return false
			}
			for _, s := range text {
				if !strings.Contains(c.form.Get("text"), s) {
					return false
				}
			}
			return true
		}
	}
	for _, step := range []struct {
		name  string
		meta  bool // the call goes to Meta, not Slack
		match func(c call) bool
	}{
		{"create_channel", false, slackCall("conversations.create")},
		{"invite", false, slackCall("conversations.invite")},
		{"topic", false, slackCall("conversations.setTopic")},
		{"welcome", false, slackCall("chat.postMessage", "Roles", "Checklist")},
		{"pin", false, slackCall("pins.add")},
		{"summary", false, slackCall("chat.postMessage", "· INC-")},
		{"pause_ads", true, func(c call) bool { return c.method == http.MethodPost }},
	} {
		t.Run(step.name, func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			c := newCluster(t, dsn, 4)
			replicas := map[string]*replica{"a": c.start("a"), "b": c.start("b")}
			db := openStore(t, dsn)
			g := c.slackGate
			if step.meta {
				g = c.metaGate
			}
			tr := g.trap(true, step.match)
			defer close(tr.release)

			c.send(replicas["a"], c.command("13003.kill."+step.name, "declare sev2 type:rel Checkout returns 504"), time.Now(), nil)
			inside := tr.wait(t, 30*time.Second)
			replicas[inside].kill()

			limit := leaseSetting + 15*time.Second // the lease, then a few seconds on a loaded machine
			took := idle(t, db, max(limit, 3*time.Minute))
			t.Logf("killed %s inside %s; the saga finished %s later", inside, step.name, took.Round(100*time.Millisecond))
			if took > limit {
				t.Errorf("the saga finished %s after the kill, want within %s (lease %s)", took.Round(time.Second), limit, leaseSetting)
			}

			c.checkOneSaga(t, db, 4)
		})
	}
}

// TestReliabilityKillRestart: kill -9 the only replica inside
// conversations.create and start it again under the same WORKER_ID, with
// a 30 s lease: it takes its job back at once instead of waiting out the
// lease, and nothing is doubled.
func TestReliabilityKillRestart(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	c := newCluster(t, dsn, 4)
	const lease = 30 * time.Second
	c.env["JOB_LEASE"] = lease.String()
	a := c.start("a")
	db := openStore(t, dsn)
	tr := c.slackGate.trap(true, func(c call) bool { return c.path == "/api/conversations.create" })
	defer close(tr.release)

	c.send(a, c.command("13004.restart", "declare sev2 type:rel Checkout returns 504"), time.Now(), nil)
	tr.wait(t, 30*time.Second)
	a.kill()
	killed := time.Now()
	c.start("a") // the same WORKER_ID
	idle(t, db, 3*time.Minute)
	took := time.Since(killed)
	t.Logf("killed inside create_channel and restarted: the saga finished %s after the kill", took.Round(100*time.Millisecond))
	if took >= lease {
		t.Errorf("the saga finished %s after the kill, want well within the %s lease (the restarted worker takes its jobs back)", took.Round(time.Second), lease)
	}
	c.checkOneSaga(t, db, 4)
}
