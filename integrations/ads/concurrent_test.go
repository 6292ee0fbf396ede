package ads_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// watched wraps a platform: it counts the campaigns each status change
// really changed, and calls before (when set) ahead of every SetStatus.
type watched struct {
	incidentbot.AdPlatform
	before func(to incidentbot.CampaignStatus)

	mu      sync.Mutex
	changed map[incidentbot.CampaignStatus]map[string]int // by status, then campaign id
}

func watch(p incidentbot.AdPlatform) *watched {
	return &watched{AdPlatform: p, changed: map[incidentbot.CampaignStatus]map[string]int{}}
}

func (w *watched) SetStatus(ctx context.Context, cs []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	if w.before != nil {
		w.before(to)
	}
	res, err := w.AdPlatform.SetStatus(ctx, cs, to, opts)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.changed[to] == nil {
		w.changed[to] = map[string]int{}
	}
	for _, r := range res {
		if r.Err == nil && !opts.DryRun {
			w.changed[to][r.Campaign.ID]++
		}
	}
	return res, err
}

// take returns and forgets the counts of changes to status to.
func (w *watched) take(to incidentbot.CampaignStatus) map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.changed[to]
	delete(w.changed, to)
	return out
}

// replicas is two orchestrators, each over a store of its own on one
// database, sharing the fixture's platforms: two bot replicas.
type replicas struct {
	*fixture
	google, meta *watched
	orcs         [2]*ads.Orchestrator
}

func newReplicas(t *testing.T, dsn string) *replicas {
	t.Helper()
	dbs := [2]*store.DB{storetest.Open(t, dsn), storetest.Open(t, dsn)}
	r := &replicas{fixture: newFixture(t, dbs[0])}
	// A round trip per list and batch, so the two runs overlap.
	r.fixture.google.Latency, r.fixture.meta.Latency = 5*time.Millisecond, 5*time.Millisecond
	r.google, r.meta = watch(r.fixture.google), watch(r.fixture.meta)
	clock := incidentbot.ClockFunc(func() time.Time { return t0 })
	for i, db := range dbs {
		r.orcs[i] = ads.New(db, []incidentbot.AdPlatform{r.google, r.meta}, clock, slog.New(slog.DiscardHandler))
	}
	return r
}

// resumed returns how many times each campaign was set active since the last call.
func (r *replicas) resumed() map[string]int {
	out := r.google.take(active)
	for id, n := range r.meta.take(active) {
		if out == nil {
			out = map[string]int{}
		}
		out[id] += n
	}
	return out
}

// eachDatabase runs fn on a SQLite file and on a Postgres database, each
// opened twice.
func eachDatabase(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.SQLiteDSN(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.PostgresDSN(t))
	})
}

// TestAdsConcurrentResolve: two incidents hold the same campaigns and are
// resolved at the same moment on two replicas. Every campaign is resumed
// exactly once, by one of them; the other says it left it to that one.
func TestAdsConcurrentResolve(t *testing.T) {
	t.Parallel()
	const rounds = 20
	eachDatabase(t, func(t *testing.T, dsn string) {
		r := newReplicas(t, dsn)
		ctx := t.Context()
		for round := range rounds {
			a, b := r.incident(t, false), r.incident(t, false)
			if _, err := r.orcs[0].Pause(ctx, a, ads.Selection{}); err != nil {
				t.Fatalf("round %d: Pause a: %v", round, err)
			}
			if rep, err := r.orcs[1].Pause(ctx, b, ads.Selection{}); err != nil || len(rep.Shared) != len(allServing) {
				t.Fatalf("round %d: Pause b: got %d shared, err %v; want %d shared", round, len(rep.Shared), err, len(allServing))
			}
			r.setStatus(t, a, incidentbot.StatusResolved)
			r.setStatus(t, b, incidentbot.StatusResolved)

			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				reps  [2]ads.Report
				errs  [2]error
			)
			for i, inc := range []*incidentbot.Incident{a, b} {
				wg.Go(func() {
					<-start
					reps[i], errs[i] = r.orcs[i].Resume(ctx, inc, nil)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: Resume on replica %d: %v", round, i, err)
				}
			}

			counts := r.resumed()
			for _, id := range allServing {
				if n := counts[id]; n != 1 {
					t.Errorf("round %d: campaign %s resumed %d times, want once", round, id, n)
				}
			}
			r.wantStatuses(t, nil) // every campaign serves again
			recs := [2]map[string]incidentbot.CampaignPause{r.records(t, a), r.records(t, b)}
			keys := [2]string{a.Key, b.Key}
			for _, id := range allServing {
				var by []int
				for i := range recs {
					if recs[i][id].State == incidentbot.PauseResumed {
						by = append(by, i)
					}
				}
				if len(by) != 1 {
					t.Errorf("round %d: campaign %s: resumed by %d incidents, want exactly 1", round, id, len(by))
					continue
				}
				other := 1 - by[0]
				left := recs[other][id]
				if want := "still held by " + keys[by[0]]; left.State != incidentbot.PauseLeftPaused || i18n.Stored("en", left.Error) != want {
					t.Errorf("round %d: campaign %s in %s: got %s %q, want left_paused %q", round, id, keys[other], left.State, left.Error, want)
				}
			}
			if got := len(reps[0].Resumed) + len(reps[1].Resumed); got != len(allServing) {
				t.Errorf("round %d: reports name %d resumed campaigns, want %d", round, got, len(allServing))
			}
			if t.Failed() {
				return
			}
			r.setStatus(t, a, incidentbot.StatusClosed)
			r.setStatus(t, b, incidentbot.StatusClosed)
		}
	})
}

// TestAdsConcurrentHandoff: the incident that paused the campaigns
// resolves while another still holds them: it leaves them paused and hands
// them to the other, which leads from then on (its spend avoided counts
// from the handoff) and resumes them when it resolves.
func TestAdsConcurrentHandoff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		a, b := f.incident(t, false), f.incident(t, false)
		if _, err := f.orc.Pause(ctx, a, ads.Selection{}); err != nil {
			t.Fatalf("Pause a: %v", err)
		}
		if _, err := f.orc.Pause(ctx, b, ads.Selection{}); err != nil {
			t.Fatalf("Pause b: %v", err)
		}
		later := t0.Add(time.Hour)
		f.orc = ads.New(db, []incidentbot.AdPlatform{f.google, f.meta}, incidentbot.ClockFunc(func() time.Time { return later }), nil)

		rep, err := f.orc.Resume(ctx, a, nil)
		if err != nil {
			t.Fatalf("Resume a: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, allServing)
		f.wantStatuses(t, allPaused())
		for id, r := range f.records(t, b) {
			if r.Shared || r.State != incidentbot.PausePaused || r.PausedAt == nil || !r.PausedAt.Equal(later) {
				t.Errorf("b's record %s after the handoff: got shared %v, state %s, paused at %v; want not shared, paused, paused at %v",
					id, r.Shared, r.State, r.PausedAt, later)
			}
		}
		for id, r := range f.records(t, a) {
			if r.State != incidentbot.PauseLeftPaused || i18n.Stored("en", r.Error) != "still held by "+b.Key {
				t.Errorf("a's record %s: got %s %q, want left_paused, still held by %s", id, r.State, r.Error, b.Key)
			}
		}

		rep, err = f.orc.Resume(ctx, b, nil)
		if err != nil {
			t.Fatalf("Resume b: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, allServing, nil)
		f.wantStatuses(t, nil)
	})
}

// TestAdsConcurrentPauseDuringResume: a pause that meets a campaign whose
// resume by another incident is under way neither joins a hold that is
// going away nor races the resume: it leaves the campaign to its next run,
// says so with a retryable error, and that run pauses it.
func TestAdsConcurrentPauseDuringResume(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		a := f.incident(t, false)
		if _, err := f.orc.Pause(ctx, a, ads.Selection{Platforms: []string{"meta"}}); err != nil {
			t.Fatalf("Pause a: %v", err)
		}
		meta := watch(f.meta)
		entered, release := make(chan struct{}), make(chan struct{})
		meta.before = func(to incidentbot.CampaignStatus) {
			if to == active {
				close(entered)
				<-release
			}
		}
		orc := ads.New(db, []incidentbot.AdPlatform{f.google, meta}, incidentbot.ClockFunc(func() time.Time { return t0 }), nil)
		done := make(chan error, 1)
		go func() {
			_, err := orc.Resume(ctx, a, nil)
			done <- err
		}()
		<-entered // a's resume is recorded and on its way to Meta

		d := f.incident(t, false)
		rep, err := orc.Pause(ctx, d, ads.Selection{Platforms: []string{"meta"}})
		if code := incidentbot.ErrorCode(err); code != incidentbot.EUNAVAILABLE {
			t.Errorf("Pause d during a's resume: got error %v, want code %s", err, incidentbot.EUNAVAILABLE)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		wantSummary(t, rep, "Nothing to pause: no matching campaign is serving; meta: 2 campaigns not paused yet (being resumed by "+a.Key+
			"): run the pause again in a moment.")
		if recs := f.records(t, d); len(recs) != 0 {
			t.Errorf("d holds %d records, want none until its next run", len(recs))
		}

		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Resume a: %v", err)
		}
		rep, err = orc.Pause(ctx, d, ads.Selection{Platforms: []string{"meta"}})
		if err != nil {
			t.Fatalf("Pause d again: %v", err)
		}
		wantReport(t, rep, []string{"m1", "m2"}, nil, nil, nil, nil)
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"m1": paused, "m2": paused})
	})
}
