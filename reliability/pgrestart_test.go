//go:build reliability

package reliability

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
)

// TestReliabilityPostgresRestart: two replicas on a Postgres instance of
// the suite's own; it stops for about 10 s while sagas are running and
// commands keep coming, then starts again. Both replicas report not ready
// while it is down and ready again soon after; every declare answered with
// an incident key is in the store, none answered otherwise is, and nothing
// is doubled.
func TestReliabilityPostgresRestart(t *testing.T) {
	if pending(t, defect3) {
		t.SkipNow()
	}
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
	declare := func(r *replica, title string) {
		status, body := signedSlack(t, r.url(""), signingSecret, c.command("13005."+title, "declare sev2 type:rel "+title), time.Now(), nil)
		mu.Lock()
		defer mu.Unlock()
		declared[title] = ""
		if status == http.StatusOK {
			declared[title] = keyRe.FindString(body)
		}
	}
	for i := range 4 {
		declare(replicas[i%2], fmt.Sprintf("Before %d checkout returns 504", i))
	}

	pg.stop()
	down := time.Now()
	// While it is down (10 s): commands get an answer, /readyz says not
	// ready in time, /healthz still says the process is up.
	probe := &http.Client{Timeout: 5 * time.Second}
	for i := 0; time.Since(down) < 10*time.Second; i++ {
		r := replicas[i%2]
		if i < 4 {
			declare(r, fmt.Sprintf("During %d checkout returns 504", i))
		}
		resp, err := probe.Get(r.url("/readyz"))
		if err != nil {
			t.Fatalf("%s /readyz while Postgres is down: %v, want an answer within 5 s", r.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s /readyz while Postgres is down: %d, want 503", r.name, resp.StatusCode)
		}
		if resp, err := probe.Get(r.url("/healthz")); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s /healthz while Postgres is down: %v, want 200", r.name, err)
		} else {
			resp.Body.Close()
		}
		time.Sleep(250 * time.Millisecond) // pacing the probes through the outage, not a wait for work
	}

	pg.start()
	up := time.Now()
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
	t.Logf("ready again %s after Postgres came back", time.Since(up).Round(100*time.Millisecond))
	for i := range 4 {
		declare(replicas[i%2], fmt.Sprintf("After %d checkout returns 504", i))
	}
	idle(t, db, 3*time.Minute)
	t.Logf("every saga finished %s after Postgres came back", time.Since(up).Round(100*time.Millisecond))

	incs, err := db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	perTitle := map[string][]string{}
	var keys []string
	for _, inc := range incs {
		perTitle[inc.Title] = append(perTitle[inc.Title], inc.Key)
		keys = append(keys, inc.Key)
	}
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
			t.Errorf("%q: declared after the restart, answered without an incident", title)
		}
	}
	t.Logf("declares: %d, incidents: %d, lost: %d, created without saying so: %d", len(declared), len(incs), lost, phantom)
	for _, p := range c.sagaCounts(keys) {
		t.Error(p)
	}
}
