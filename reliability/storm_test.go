//go:build reliability

package reliability

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/storetest"
)

// TestReliabilityReplayStorm: two replicas on one Postgres. Each declare is
// sent to one replica and, at the same moment, to the other: as Slack
// retries it (X-Slack-Retry-Num, same trigger id, signed anew), byte for
// byte (a replay), or as a second identical command (a double submit).
// Every command makes exactly one incident, war room, welcome, pin and
// summary.
func TestReliabilityReplayStorm(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	c := newCluster(t, dsn, 0)
	a, b := c.start("a"), c.start("b")
	db := openStore(t, dsn)

	type group struct {
		name   string
		n      int
		second func(form string, at time.Time, i int) (string, time.Time, http.Header)
	}
	groups := []group{
		{name: "retry", n: 20, second: func(form string, at time.Time, _ int) (string, time.Time, http.Header) {
			return form, at.Add(time.Second), http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}
		}},
		{name: "replay", n: 20, second: func(form string, at time.Time, _ int) (string, time.Time, http.Header) {
			return form, at, nil
		}},
		{name: "double", n: 10, second: nil}, // second: the same text with a trigger of its own
	}
	titles := map[string]string{} // title -> group
	var wg sync.WaitGroup
	for _, g := range groups {
		for i := range g.n {
			title := fmt.Sprintf("Storm %s %d checkout returns 504", g.name, i)
			titles[title] = g.name
			text := "declare sev2 type:rel " + title
			trigger := fmt.Sprintf("%d.%d.%s", 13000+i, time.Now().UnixNano(), g.name)
			form := c.command(trigger, text)
			at := time.Now()
			first, second := a, b
			secondForm, secondAt, header := form, at, http.Header(nil)
			if g.second != nil {
				secondForm, secondAt, header = g.second(form, at, i)
			} else {
				second = a // a double submit reaches the same replica
				secondForm = c.command(trigger+".2", text)
			}
			wg.Add(2)
			go func() { defer wg.Done(); c.send(first, form, at, nil) }()
			go func() { defer wg.Done(); c.send(second, secondForm, secondAt, header) }()
		}
		wg.Wait()
	}
	idle(t, db, 90*time.Second)

	perTitle, keys := byTitle(t, db)
	extra := map[string]int{}
	for title, g := range titles {
		if n := len(perTitle[title]); n != 1 {
			t.Errorf("%q: %d incidents, want 1", title, n)
			extra[g] += n - 1
		}
	}
	for _, g := range groups {
		t.Logf("%s: %d commands, %d extra incidents", g.name, g.n, extra[g.name])
	}
	if len(keys) != len(titles) {
		t.Errorf("%d incidents in the store, want %d", len(keys), len(titles))
	}
	sort.Strings(keys)
	for _, p := range c.sagaCounts(keys) {
		t.Error(p)
	}
	for _, r := range []*replica{a, b} {
		if !r.stop() {
			t.Errorf("%s did not stop cleanly: %v", r.name, r.err)
		}
	}
}
