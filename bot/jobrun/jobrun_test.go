package jobrun

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// world is one store, a fixed clock, and the failures the runner recorded.
type world struct {
	t     *testing.T
	db    *store.DB
	clock *incidentbot.ManualClock
	logs  *syncBuffer

	mu     sync.Mutex
	failed []error // errors passed to Config.Failure, in order
}

func newWorld(t *testing.T, db *store.DB) *world {
	return &world{t: t, db: db, clock: incidentbot.NewManualClock(time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)), logs: &syncBuffer{}}
}

// runner returns a runner named id with one lane of one worker over s.
func (w *world) runner(id string, s Store, lease time.Duration, handlers map[string]Handler) *Runner {
	return New(Config{
		ID:           id,
		Release:      true,
		Lanes:        []Lane{{Workers: 1}},
		Lease:        lease,
		JobTimeout:   time.Minute,
		PollInterval: 10 * time.Millisecond,
		MaxAttempts:  3,
		Clock:        w.clock,
		Logger:       slog.New(slog.NewTextHandler(w.logs, nil)),
		Failure: func(inc *incidentbot.Incident, job incidentbot.Job, err error) incidentbot.Change {
			w.mu.Lock()
			w.failed = append(w.failed, err)
			w.mu.Unlock()
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventActionFailed, Text: "Could not " + job.Kind}}}
		},
	}, s, handlers)
}

// job stores an open incident and one job of kind for it, due now.
func (w *world) job(kind string) incidentbot.Job {
	w.t.Helper()
	inc := &incidentbot.Incident{
		Title: "Checkout down", Severity: incidentbot.SEV2, Status: incidentbot.StatusInvestigating, Type: "generic",
		Platform: incidentbot.PlatformConsole, Workspace: "console", DeclaredAt: w.clock.Now(),
	}
	if err := w.db.CreateIncident(context.Background(), inc, incidentbot.Change{}); err != nil {
		w.t.Fatalf("CreateIncident: %v", err)
	}
	job, err := incidentbot.NewJob(inc, kind, kind, nil, w.clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.EnqueueJobs(context.Background(), job); err != nil {
		w.t.Fatalf("EnqueueJobs: %v", err)
	}
	return w.reload(job)
}

// reload returns job as the store holds it now.
func (w *world) reload(job incidentbot.Job) incidentbot.Job {
	w.t.Helper()
	jobs, err := w.db.Jobs(context.Background(), job.IncidentID)
	if err != nil {
		w.t.Fatalf("Jobs: %v", err)
	}
	for _, j := range jobs {
		if j.Key == job.Key {
			return j
		}
	}
	w.t.Fatalf("job %s not found", job.Key)
	return job
}

// run runs r's workers until the test ends.
func run(t *testing.T, r *Runner) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Run(ctx) }()
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

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOutcomes: what each way a handler ends leaves on the job.
func TestOutcomes(t *testing.T) {
	t.Parallel()
	unavailable := incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Slack is not answering.")
	tests := []struct {
		name     string
		handler  Handler // nil: no handler for the kind
		state    incidentbot.JobState
		attempts int
		runAt    time.Duration // after now, for a job put back
		lastErr  string
		failed   string // the error message Failure got, "" when not called
	}{
		{"done", func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) { return nil, nil },
			incidentbot.JobDone, 1, 0, "", ""},
		{"deferred counts no attempt", func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) {
			return nil, &incidentbot.Deferral{Wait: 3 * time.Second, Reason: "channel pace"}
		}, incidentbot.JobPending, 0, 3 * time.Second, "", ""},
		{"blocked retries after its wait", func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) {
			return nil, &Blocked{Retry: 2 * time.Second, Reason: "war room not ready"}
		}, incidentbot.JobPending, 1, 2 * time.Second, "war room not ready", ""},
		{"transient retries", func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) {
			return nil, unavailable
		},
			incidentbot.JobPending, 1, -1, unavailable.Error(), ""},
		{"permanent fails", func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown channel.")
		}, incidentbot.JobFailed, 1, 0, "Unknown channel.", "Unknown channel."},
		{"panic fails", func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) { panic("boom") },
			incidentbot.JobFailed, 1, 0, "panic: boom", "The bot hit an internal error."},
		{"unknown kind fails", nil, incidentbot.JobFailed, 1, 0, "", `This bot version does not know jobs of kind "unknown kind fails".`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, storetest.SQLite(t))
			handlers := map[string]Handler{}
			if tc.handler != nil {
				handlers[tc.name] = tc.handler
			}
			job := w.job(tc.name)
			r := w.runner("w", w.db, time.Minute, handlers)
			if n, err := r.RunDue(context.Background(), 1); err != nil || n != 1 {
				t.Fatalf("RunDue: ran %d (%v), want 1", n, err)
			}
			got := w.reload(job)
			if got.State != tc.state || got.Attempts != tc.attempts {
				t.Errorf("got %s after %d attempts, want %s after %d", got.State, got.Attempts, tc.state, tc.attempts)
			}
			if tc.lastErr != "" && !bytes.Contains([]byte(got.LastError), []byte(tc.lastErr)) {
				t.Errorf("last error: got %q, want it to hold %q", got.LastError, tc.lastErr)
			}
			switch wait := got.RunAt.Sub(w.clock.Now()); {
			case tc.runAt > 0 && wait != tc.runAt:
				t.Errorf("runs again in %s, want %s", wait, tc.runAt)
			case tc.runAt < 0 && (wait < 500*time.Millisecond || wait > time.Second):
				t.Errorf("runs again in %s, want a first backoff of 0.5 to 1 s", wait)
			}
			var msg string
			if len(w.failed) == 1 {
				msg = incidentbot.ErrorMessage(w.failed[0])
			}
			if len(w.failed) > 1 || msg != tc.failed {
				t.Errorf("Failure got %v, want %q", w.failed, tc.failed)
			}
		})
	}
}

// TestTransientGivesUp: a transient failure is retried until MaxAttempts
// runs, then the job fails with the Change Failure describes.
func TestTransientGivesUp(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t))
	runs := 0
	r := w.runner("w", w.db, time.Minute, map[string]Handler{"flaky": func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) {
		runs++
		return nil, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Slack is not answering.")
	}})
	job := w.job("flaky")
	for w.reload(job).State == incidentbot.JobPending {
		w.clock.Advance(backoffCap)
		if _, err := r.RunDue(context.Background(), 1); err != nil {
			t.Fatalf("RunDue: %v", err)
		}
	}
	if got := w.reload(job); got.State != incidentbot.JobFailed || runs != 3 {
		t.Errorf("got %s after %d runs, want failed after 3", got.State, runs)
	}
	events, err := w.db.EventsOfKind(context.Background(), job.IncidentID, incidentbot.EventActionFailed)
	if err != nil || len(events) != 1 || events[0].Text != "Could not flaky" {
		t.Errorf("failure events: got %+v (%v), want the one Failure described", events, err)
	}
}

// TestLaneClaimsOnlyItsKinds: a lane's worker never runs another lane's
// job, and Nudge wakes it at once for a job enqueued while it idles.
func TestLaneClaimsOnlyItsKinds(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t))
	ran := make(chan string, 2)
	h := func(_ context.Context, job incidentbot.Job, _ *incidentbot.Incident) (Complete, error) {
		ran <- job.Kind
		return nil, nil
	}
	r := New(Config{
		ID: "w", Lanes: []Lane{{Name: "probe", Workers: 1, Kinds: incidentbot.JobLane{Only: []string{"probe"}}}},
		Lease: time.Minute, JobTimeout: time.Minute, PollInterval: time.Hour, MaxAttempts: 1, Clock: w.clock,
		Logger: slog.New(slog.NewTextHandler(w.logs, nil)),
	}, w.db, map[string]Handler{"probe": h, "post": h})
	other := w.job("post")
	run(t, r)
	probe := w.job("probe")
	r.Nudge()
	select {
	case kind := <-ran:
		if kind != "probe" {
			t.Fatalf("the probe lane ran a %s job", kind)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the nudged worker never ran the probe job")
	}
	eventually(t, "the probe job is done", func() bool { return w.reload(probe).State == incidentbot.JobDone })
	if got := w.reload(other); got.State != incidentbot.JobPending {
		t.Errorf("the other lane's job: got %s, want pending", got.State)
	}
}

// TestLeaseHeartbeatKeepsLongJob: a job that runs far longer than its
// lease keeps renewing it, so no other worker takes it over meanwhile.
func TestLeaseHeartbeatKeepsLongJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		started, finish := make(chan struct{}), make(chan struct{})
		r := w.runner("w", db, 30*time.Millisecond, map[string]Handler{"slow": func(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (Complete, error) {
			close(started)
			select {
			case <-finish:
				return nil, nil
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}})
		job := w.job("slow")
		run(t, r)
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the slow job never started")
		}
		// Ten minutes later on the runner's clock, the first lease (30 ms) is
		// long gone: only renewals can keep the job.
		w.clock.Advance(10 * time.Minute)
		eventually(t, "the lease is renewed past the new time", func() bool {
			j := w.reload(job)
			return j.LockedUntil != nil && j.LockedUntil.After(w.clock.Now())
		})
		if got, err := db.ClaimJobs(context.Background(), "other", w.clock.Now(), time.Minute, 1); err != nil || len(got) != 0 {
			t.Fatalf("another worker claimed %v (%v) while the job still ran", got, err)
		}
		close(finish)
		eventually(t, "the slow job is done", func() bool { return w.reload(job).State == incidentbot.JobDone })
		if j := w.reload(job); j.Attempts != 1 {
			t.Errorf("got %d attempts, want 1: nobody else ran it", j.Attempts)
		}
	})
}

// failingCompletion is a store whose writes of a job's success fail, as
// when the database goes away between the side effect and its record.
type failingCompletion struct{ Store }

func (failingCompletion) CompleteJob(context.Context, incidentbot.Job, string, func(*incidentbot.Incident) (incidentbot.Change, error)) error {
	return incidentbot.Errorf(incidentbot.EUNAVAILABLE, "The database is not answering.")
}

// TestLeaseCrashedWorkerReclaimed: a job whose completion could not be
// written stays running under its worker's lease; another process takes
// it over once the lease ends (not before), and a restart under the same
// worker name takes it over at once.
func TestLeaseCrashedWorkerReclaimed(t *testing.T) {
	t.Parallel()
	const lease = 20 * time.Second
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		quick := map[string]Handler{"quick": func(context.Context, incidentbot.Job, *incidentbot.Incident) (Complete, error) { return nil, nil }}
		crashed := func(id string) {
			if _, err := w.runner(id, failingCompletion{db}, lease, quick).RunDue(context.Background(), 1); err == nil {
				t.Fatal("RunDue: the completion did not fail")
			}
		}

		t.Run("another process after the lease", func(t *testing.T) {
			job := w.job("quick")
			crashed("bot-1")
			if j := w.reload(job); j.State != incidentbot.JobRunning {
				t.Fatalf("after the failed completion: got %s, want running", j.State)
			}
			other := w.runner("bot-3", db, lease, quick)
			w.clock.Advance(lease - time.Second)
			if n, err := other.RunDue(context.Background(), 0); err != nil || n != 0 {
				t.Fatalf("within the lease: ran %d (%v), want 0", n, err)
			}
			w.clock.Advance(2 * time.Second)
			if n, err := other.RunDue(context.Background(), 0); err != nil || n != 1 {
				t.Fatalf("after the lease: ran %d (%v), want 1", n, err)
			}
			if j := w.reload(job); j.State != incidentbot.JobDone {
				t.Errorf("got %s, want done", j.State)
			}
		})

		t.Run("a restart with the same worker name at once", func(t *testing.T) {
			job := w.job("quick")
			crashed("bot-2")
			run(t, w.runner("bot-2", db, lease, quick))
			eventually(t, "the restarted worker ran the job", func() bool { return w.reload(job).State == incidentbot.JobDone })
		})
	})
}

type retryAfter struct{ d time.Duration }

func (r retryAfter) Error() string             { return "slow down" }
func (r retryAfter) RetryAfter() time.Duration { return r.d }

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		attempt  int
		err      error
		min, max time.Duration
	}{
		{"first", 1, errors.New("x"), 500 * time.Millisecond, time.Second},
		{"third", 3, errors.New("x"), 2 * time.Second, 4 * time.Second},
		{"capped", 30, errors.New("x"), backoffCap / 2, backoffCap},
		{"hint wins", 1, incidentbot.WrapError(incidentbot.EUNAVAILABLE, retryAfter{30 * time.Second}, "busy"), 30 * time.Second, 30 * time.Second},
		{"hint capped", 1, retryAfter{time.Hour}, backoffCap, backoffCap},
		{"short hint loses", 5, retryAfter{time.Millisecond}, 8 * time.Second, 16 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for range 100 {
				if got := backoff(tc.attempt, tc.err); got < tc.min || got > tc.max {
					t.Fatalf("got %s, want between %s and %s", got, tc.min, tc.max)
				}
			}
		})
	}
}

// TestNudgeWakesOnlyItsLanes: a nudge wakes the lanes that claim a job it
// names due now, and no other; a job due later wakes no one (its lane's
// poll finds it), and a nudge naming no job wakes every lane.
func TestNudgeWakesOnlyItsLanes(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	r := New(Config{
		ID: "w", Lanes: []Lane{
			{Workers: 1, Kinds: incidentbot.JobLane{Except: []string{"probe"}}},
			{Name: "probe", Workers: 1, Kinds: incidentbot.JobLane{Only: []string{"probe"}}},
		},
		Lease: time.Minute, JobTimeout: time.Minute, PollInterval: time.Hour, MaxAttempts: 1, Clock: w.clock,
	}, w.db, nil)
	woken := func() (out []int) {
		for i, c := range r.wake {
			select {
			case <-c:
				out = append(out, i)
			default:
			}
		}
		return out
	}
	now := w.clock.Now()
	for _, c := range []struct {
		name string
		jobs []incidentbot.Job
		want []int
	}{
		{"a post", []incidentbot.Job{{Kind: "post", RunAt: now}}, []int{0}},
		{"a probe", []incidentbot.Job{{Kind: "probe"}}, []int{1}},
		{"a probe due in an hour", []incidentbot.Job{{Kind: "probe", RunAt: now.Add(time.Hour)}}, nil},
		{"both", []incidentbot.Job{{Kind: "probe", RunAt: now}, {Kind: "summary", RunAt: now}}, []int{0, 1}},
		{"no job named", nil, []int{0, 1}},
	} {
		r.Nudge(c.jobs...)
		if got := woken(); !slices.Equal(got, c.want) {
			t.Errorf("%s: lanes woken %v, want %v", c.name, got, c.want)
		}
	}
}
