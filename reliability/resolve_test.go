//go:build reliability

package reliability

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakemeta"
	"incidentbot/internal/storetest"
)

// TestReliabilityConcurrentResolve: two incidents hold the same paused
// campaigns; both are resolved at the same moment, one on each replica.
// Every campaign is serving again afterwards, whoever resumed it. Three
// rounds, as the race does not lose every time.
func TestReliabilityConcurrentResolve(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	const campaigns = 6
	c := newCluster(t, dsn, campaigns)
	c.meta.SetLatency(300 * time.Millisecond) // as the real API: each resume reads the campaigns before it acts
	a, b := c.start("a"), c.start("b")
	db := openStore(t, dsn)
	ctx := context.Background()

	left := 0
	for round := range 3 {
		// Two incidents, each holding every campaign.
		var incs [2]*incidentbot.Incident
		for i, r := range []*replica{a, b} {
			title := fmt.Sprintf("Round %d outage %d", round, i)
			if got := c.send(r, c.command(fmt.Sprintf("13002.%d.%d", round, i), "declare sev1 type:rel "+title), time.Now(), nil); !strings.Contains(got, "INC-") {
				t.Fatalf("declare answered %q", got)
			}
			idle(t, db, 60*time.Second)
			found, err := db.FindIncidents(ctx, incidentbot.IncidentFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, inc := range found {
				if inc.Title == title {
					incs[i] = inc
				}
			}
			if incs[i] == nil || incs[i].WarRoom == "" {
				t.Fatalf("round %d: %q has no war room", round, title)
			}
			pauses, err := db.Pauses(ctx, incs[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(pauses) != campaigns {
				t.Fatalf("round %d: %s holds %d campaigns, want %d", round, incs[i].Key, len(pauses), campaigns)
			}
		}
		for id, status := range c.meta.Statuses() {
			if status != fakemeta.Paused {
				t.Fatalf("round %d: campaign %s is %s before the resolves, want PAUSED", round, id, status)
			}
		}

		// Both resolved at once, one on each replica, from their war rooms.
		var wg sync.WaitGroup
		for i, r := range []*replica{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := strings.Replace(c.command(fmt.Sprintf("13002.%d.%d.resolve", round, i), "resolve Rolled back"),
					"channel_id="+c.general, "channel_id="+incs[i].WarRoom, 1)
				if got := c.send(r, form, time.Now(), nil); !strings.Contains(got, "resolved") {
					t.Errorf("round %d: resolve %s answered %q", round, incs[i].Key, got)
				}
			}()
		}
		wg.Wait()
		idle(t, db, 60*time.Second)
		for id, status := range c.meta.Statuses() {
			if status != fakemeta.Active {
				left++
				t.Errorf("round %d: campaign %s is %s after both resolves, want ACTIVE", round, id, status)
				_, cid, _ := strings.Cut(id, "/")
				c.meta.SetStatus(cid, fakemeta.Active) // by hand, so the next round starts serving
			}
		}
	}
	t.Logf("campaigns left paused: %d of %d", left, 3*campaigns)
}
