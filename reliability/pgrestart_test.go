//go:build reliability

package reliability

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestReliabilityPostgresRestart: the suite's own Postgres stops for about
// 10 s (a restart, a failover) while sagas run and commands keep coming,
// then starts again.
func TestReliabilityPostgresRestart(t *testing.T) {
	scenarioOutage(t, (*pgCluster).stop, (*pgCluster).start)
}

// TestReliabilityPostgresFrozen: the suite's own Postgres freezes for
// about 10 s (SIGSTOP: a stalled disk, a paused VM), connections open and
// silent, then thaws.
func TestReliabilityPostgresFrozen(t *testing.T) {
	scenarioOutage(t, (*pgCluster).freeze, (*pgCluster).thaw)
}

// scenarioOutage: two replicas on a Postgres instance of the suite's own,
// which goes (down) for about 10 s and comes back (up). Meanwhile both
// replicas answer commands within Slack's 3 s, report not ready within
// their probe's timeout and alive; after, they are ready again, every
// declare answered with an incident key is in the store, none answered
// otherwise is, and nothing is doubled.
func scenarioOutage(t *testing.T, down, up func(*pgCluster)) {
	pg := newPGCluster(t)
	dsn := pg.database("incidentbot")
	c := newCluster(t, dsn, 2)
	c.slack.SetLatency("", 100*time.Millisecond) // sagas still running when the database goes
	a, b := c.start("a"), c.start("b")
	replicas := []*replica{a, b}
	db := openStore(t, dsn)

	keyRe := regexp.MustCompile(`INC-\d+`)
	var mu sync.Mutex
	declared := map[string]string{} // title -> key in the answer, "" for none
	declare := func(r *replica, title string) time.Duration {
		start := time.Now()
		status, body := signedSlack(t, r.url(""), signingSecret, c.command("13005."+title, "declare sev2 type:rel "+title), time.Now(), nil)
		mu.Lock()
		defer mu.Unlock()
		declared[title] = ""
		if status == http.StatusOK {
			declared[title] = keyRe.FindString(body)
		}
		return time.Since(start)
	}
	for i := range 4 {
		declare(replicas[i%2], fmt.Sprintf("Before %d checkout returns 504", i))
	}

	down(pg)
	went := time.Now()
	probe := &http.Client{Timeout: 5 * time.Second}
	for i := 0; time.Since(went) < 10*time.Second; i++ {
		r := replicas[i%2]
		if i < 4 {
			if took := declare(r, fmt.Sprintf("During %d checkout returns 504", i)); took > 3*time.Second {
				t.Errorf("%s answered a declare in %s while Postgres was out, want within Slack's 3 s", r.name, took.Round(10*time.Millisecond))
			}
		}
		start := time.Now()
		resp, err := probe.Get(r.url("/readyz"))
		if err != nil {
			t.Fatalf("%s /readyz while Postgres was out: %v, want an answer within 5 s", r.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s /readyz while Postgres was out: %d after %s, want 503", r.name, resp.StatusCode, time.Since(start).Round(10*time.Millisecond))
		}
		if resp, err := probe.Get(r.url("/healthz")); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s /healthz while Postgres was out: %v, want 200", r.name, err)
		} else {
			resp.Body.Close()
		}
		time.Sleep(250 * time.Millisecond) // pacing the probes through the outage, not a wait for work
	}

	up(pg)
	back := time.Now()
	for _, r := range replicas {
		waitUntil(t, 30*time.Second, r.name+" ready again", func() bool {
			resp, err := probe.Get(r.url("/readyz"))
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}
	t.Logf("ready again %s after Postgres came back", time.Since(back).Round(100*time.Millisecond))
	for i := range 4 {
		declare(replicas[i%2], fmt.Sprintf("After %d checkout returns 504", i))
	}
	idle(t, db, 3*time.Minute)
	t.Logf("every saga finished %s after Postgres came back", time.Since(back).Round(100*time.Millisecond))

	perTitle, keys := byTitle(t, db)
	lost, phantom := 0, 0
	for title, key := range declared {
		got := perTitle[title]
		switch {
		case len(got) > 1:
			t.Errorf("%q: incidents %v, want one", title, got)
		case key != "" && (len(got) == 0 || got[0] != key):
			lost++
			t.Errorf("%q: answered %s, store holds %v", title, key, got)
		case key == "" && len(got) > 0:
			phantom++
			t.Errorf("%q: the answer named no incident, yet the store holds %v", title, got)
		case key == "" && strings.HasPrefix(title, "After"):
			t.Errorf("%q: declared after Postgres came back, answered without an incident", title)
		}
	}
	t.Logf("declares: %d, incidents: %d, lost: %d, created without saying so: %d", len(declared), len(keys), lost, phantom)
	for _, p := range c.sagaCounts(keys) {
		t.Error(p)
	}
}
