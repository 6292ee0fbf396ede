package bot

import (
	"context"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// bareIncident stores an open incident with no jobs, and one job of kind,
// due now, for it.
func (f *fixture) bareIncident(kind string) (*incidentbot.Incident, incidentbot.Job) {
	f.t.Helper()
	inc := &incidentbot.Incident{
		Title: "Checkout down", Severity: incidentbot.SEV2, Status: incidentbot.StatusInvestigating, Type: "generic",
		Platform: incidentbot.PlatformConsole, Workspace: "console", DeclaredBy: alice, DeclaredAt: f.clock.Now(),
	}
	if err := f.db.CreateIncident(context.Background(), inc, incidentbot.Change{}); err != nil {
		f.t.Fatalf("CreateIncident: %v", err)
	}
	job, err := incidentbot.NewJob(inc, kind, kind, nil, f.clock.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.EnqueueJobs(context.Background(), job); err != nil {
		f.t.Fatalf("EnqueueJobs: %v", err)
	}
	return inc, f.job(inc, kind)
}

// run runs e's workers until the test ends.
func run(t *testing.T, e *Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not waiting for work
	}
}

// TestLeaseHeartbeatKeepsLongJob: a job that runs far longer than its
// lease keeps renewing it, so no other worker takes it over meanwhile.
func TestLeaseHeartbeatKeepsLongJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tune = func(c *Config, _ *Deps) { c.Lease, c.Workers = 30*time.Millisecond, 1 }
		f.eng = f.engine()
		started, finish := make(chan struct{}), make(chan struct{})
		f.eng.handlers["slow"] = func(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
			close(started)
			select {
			case <-finish:
				return nil, nil
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}
		inc, _ := f.bareIncident("slow")
		run(t, f.eng)
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the slow job never started")
		}
		// Ten minutes later on the engine's clock, the first lease (30 ms) is
		// long gone: only renewals can keep the job.
		f.clock.Advance(10 * time.Minute)
		eventually(t, "the lease is renewed past the new time", func() bool {
			j := f.job(inc, "slow")
			return j.LockedUntil != nil && j.LockedUntil.After(f.clock.Now())
		})
		if got, err := db.ClaimJobs(context.Background(), "other", f.clock.Now(), time.Minute, 1); err != nil || len(got) != 0 {
			t.Fatalf("another worker claimed %v (%v) while the job still ran", got, err)
		}
		close(finish)
		eventually(t, "the slow job is done", func() bool { return f.job(inc, "slow").State == incidentbot.JobDone })
		if j := f.job(inc, "slow"); j.Attempts != 1 {
			t.Errorf("got %d attempts, want 1: nobody else ran it", j.Attempts)
		}
	})
}

// failingCompletion is a store whose writes of a job's success fail, as
// when the database goes away between the side effect and its record.
type failingCompletion struct{ incidentbot.Store }

func (failingCompletion) CompleteJob(context.Context, incidentbot.Job, string, func(*incidentbot.Incident) (incidentbot.Change, error)) error {
	return incidentbot.Errorf(incidentbot.EUNAVAILABLE, "The database is not answering.")
}

// TestLeaseCrashedWorkerReclaimed: a job whose completion could not be
// written stays running under its worker's lease; another process takes
// it over once the short default lease ends (not minutes later), and a
// restart under the same worker name takes it over at once.
func TestLeaseCrashedWorkerReclaimed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		quick := func(context.Context, incidentbot.Job, *incidentbot.Incident) (complete, error) { return nil, nil }
		crashed := func(id string) *Engine {
			f.tune = func(c *Config, d *Deps) { c.WorkerID, d.Store = id, failingCompletion{d.Store} }
			e := f.engine()
			e.handlers["quick"] = quick
			if _, err := e.RunDue(context.Background(), 1); err == nil {
				t.Fatal("RunDue: the completion did not fail")
			}
			return e
		}

		t.Run("another process after the lease", func(t *testing.T) {
			inc, _ := f.bareIncident("quick")
			crashed("bot-1")
			if j := f.job(inc, "quick"); j.State != incidentbot.JobRunning {
				t.Fatalf("after the failed completion: got %s, want running", j.State)
			}
			f.tune = nil
			other := f.engine()
			other.handlers["quick"] = quick
			f.clock.Advance(DefaultLease - time.Second)
			if n, err := other.RunDue(context.Background(), 0); err != nil || n != 0 {
				t.Fatalf("within the lease: ran %d (%v), want 0", n, err)
			}
			f.clock.Advance(2 * time.Second)
			if n, err := other.RunDue(context.Background(), 0); err != nil || n != 1 {
				t.Fatalf("after the lease: ran %d (%v), want 1", n, err)
			}
			if j := f.job(inc, "quick"); j.State != incidentbot.JobDone || DefaultLease > 30*time.Second {
				t.Errorf("got %s with a %s lease, want done within 30 s", j.State, DefaultLease)
			}
		})

		t.Run("a restart with the same worker name at once", func(t *testing.T) {
			inc, _ := f.bareIncident("quick")
			crashed("bot-2")
			f.tune = func(c *Config, _ *Deps) { c.WorkerID = "bot-2" }
			restarted := f.engine()
			restarted.handlers["quick"] = quick
			run(t, restarted)
			eventually(t, "the restarted worker ran the job", func() bool { return f.job(inc, "quick").State == incidentbot.JobDone })
		})
	})
}

// TestJobsSagaStepBeforeNewerSaga: with two incidents declared at once,
// the first war room is ready (created, roles, welcome pinned) before the
// second saga even starts: each saga's next step runs before a newer
// saga's first, instead of every saga's step 1, then every step 2.
func TestJobsSagaStepBeforeNewerSaga(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := f.declare(incidentbot.DeclareRequest{Title: "Checkout down", Type: "generic"})
		second := f.declare(incidentbot.DeclareRequest{Title: "Search slow", Type: "generic"})
		for range 100 {
			if f.job(first, kindPinWelcome).State == incidentbot.JobDone {
				break
			}
			if n, err := f.eng.RunDue(context.Background(), 1); err != nil || n != 1 {
				t.Fatalf("RunDue: ran %d (%v) before the first war room was ready", n, err)
			}
		}
		if f.job(first, kindPinWelcome).State != incidentbot.JobDone {
			t.Fatal("the first war room's welcome was never pinned")
		}
		if got := f.reload(second).WarRoom; got != "" {
			t.Errorf("the second war room (%s) was made before the first was ready", got)
		}
		f.runAll(0)
		f.warRoom(second)
	})
}
