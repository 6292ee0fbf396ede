package bot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestAdsConcurrentResolveEngines: two incidents hold the same campaigns;
// both are resolved, and two engines on one store run the resume jobs at
// the same time. Each campaign serves again, resumed by one incident; the
// other's timeline says which one holds it on.
func TestAdsConcurrentResolveEngines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		meet := &meeting{AdPlatform: f.google}
		f.tune = func(_ *Config, d *Deps) {
			d.Ads = ads.New(f.db, []incidentbot.AdPlatform{meet}, f.clock, d.Logger)
		}
		engines := []*Engine{f.engine(), f.engine()}
		f.eng = engines[0]
		ctx := context.Background()
		for round := range 5 {
			a, b := ready(t, f), ready(t, f)
			for _, inc := range []*incidentbot.Incident{a, b} {
				if _, err := f.eng.SetStatus(ctx, actor(alice, inc.WarRoom), "", incidentbot.StatusResolved, "Fixed"); err != nil {
					t.Fatal(err)
				}
			}
			meet.arm(2) // both resumes have listed before either decides
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, e := range engines {
				wg.Go(func() {
					<-start
					if _, err := e.RunDue(ctx, 0); err != nil {
						t.Errorf("RunDue: %v", err)
					}
				})
			}
			close(start)
			wg.Wait()
			f.runAll(0)

			for _, id := range []string{"g1", "g2"} {
				if got := status(f, key(id)); got != incidentbot.CampaignActive {
					t.Errorf("round %d: campaign %s: got %s, want active", round, id, got)
				}
				var resumedBy, leftBy []string
				reasons := map[string]string{}
				for _, inc := range []*incidentbot.Incident{a, b} {
					for _, ev := range events(f.timeline(inc), incidentbot.EventAdsResumed) {
						var detail []pauseDetail
						if err := json.Unmarshal(ev.Data, &detail); err != nil {
							t.Fatalf("ads_resumed data: %v", err)
						}
						for _, d := range detail {
							switch {
							case d.ID != id:
							case d.State == string(incidentbot.PauseResumed):
								resumedBy = append(resumedBy, inc.Key)
							case d.State == string(incidentbot.PauseLeftPaused):
								leftBy = append(leftBy, inc.Key)
								reasons[inc.Key] = d.Error
							}
						}
					}
				}
				if len(resumedBy) != 1 || len(leftBy) != 1 {
					t.Errorf("round %d: campaign %s: resumed on the timeline of %v, left paused on %v; want one each", round, id, resumedBy, leftBy)
					continue
				}
				if want := "still held by " + resumedBy[0]; reasons[leftBy[0]] != want {
					t.Errorf("round %d: campaign %s on %s's timeline: got %q, want %q", round, id, leftBy[0], reasons[leftBy[0]], want)
				}
			}
			if t.Failed() {
				return
			}
			for _, inc := range []*incidentbot.Incident{a, b} {
				if _, err := f.eng.SetStatus(ctx, actor(alice, inc.WarRoom), "", incidentbot.StatusClosed, ""); err != nil {
					t.Fatal(err)
				}
			}
			f.runAll(0)
		}
	})
}

// meeting is an ad platform whose armed listings wait for each other:
// the two resumes both read the campaigns before either goes on, as two
// replicas resolving at the same moment do.
type meeting struct {
	incidentbot.AdPlatform

	mu      sync.Mutex
	waiting int
	all     chan struct{}
}

// arm makes the next n listings wait until all n have listed.
func (m *meeting) arm(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.waiting, m.all = n, make(chan struct{})
}

func (m *meeting) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	cs, err := m.AdPlatform.Campaigns(ctx)
	m.mu.Lock()
	if m.waiting == 0 {
		m.mu.Unlock()
		return cs, err
	}
	m.waiting--
	all := m.all
	if m.waiting == 0 {
		close(all)
	}
	m.mu.Unlock()
	select {
	case <-all:
	case <-ctx.Done():
	case <-time.After(10 * time.Second): // the other never came: go on alone
	}
	return cs, err
}
