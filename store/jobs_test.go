package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// jobsFixture creates an incident and enqueues jobs due at t0 plus each
// offset, keyed j0, j1 ...
func jobsFixture(t *testing.T, db *store.DB, offsets ...time.Duration) *incidentbot.Incident {
	t.Helper()
	db.SetClock(incidentbot.ClockFunc(func() time.Time { return t0 }))
	inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
	var jobs []incidentbot.Job
	for i, d := range offsets {
		j, err := incidentbot.NewJob(inc, "post", fmt.Sprintf("j%d", i), map[string]int{"n": i}, t0.Add(d))
		if err != nil {
			t.Fatalf("NewJob: %v", err)
		}
		jobs = append(jobs, j)
	}
	if err := db.EnqueueJobs(t.Context(), jobs...); err != nil {
		t.Fatalf("EnqueueJobs: %v", err)
	}
	return inc
}

func keys(jobs []incidentbot.Job) []string {
	out := []string{}
	for _, j := range jobs {
		out = append(out, j.Key)
	}
	return out
}

func claim(t *testing.T, db *store.DB, worker string, now time.Time, limit int) []incidentbot.Job {
	t.Helper()
	jobs, err := db.ClaimJobs(t.Context(), worker, now, time.Minute, limit)
	if err != nil {
		t.Fatalf("ClaimJobs: %v", err)
	}
	return jobs
}

func TestEnqueueJobsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, 0)
		again, err := incidentbot.NewJob(inc, "other", "j0", nil, t0.Add(time.Hour))
		if err != nil {
			t.Fatalf("NewJob: %v", err)
		}
		if err := db.EnqueueJobs(t.Context(), again); err != nil {
			t.Fatalf("EnqueueJobs again: %v", err)
		}
		jobs, err := db.Jobs(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Jobs: %v", err)
		}
		if len(jobs) != 1 {
			t.Fatalf("got %d jobs, want 1", len(jobs))
		}
		j := jobs[0]
		want := incidentbot.Job{
			ID: j.ID, Key: inc.Key + "/j0", Kind: "post", IncidentID: inc.ID, Payload: json.RawMessage(`{"n":0}`),
			State: incidentbot.JobPending, RunAt: at(0), CreatedAt: at(0), UpdatedAt: at(0),
		}
		diff(t, "job", j, want)

		err = db.EnqueueJobs(t.Context(), incidentbot.Job{Kind: "post"})
		if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
			t.Errorf("no key: got code %q, want %q", code, incidentbot.EINVALID)
		}
	})
}

func TestClaimJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, 2*time.Minute, 0, time.Minute, time.Hour)
		k := func(i int) string { return fmt.Sprintf("%s/j%d", inc.Key, i) }

		got := claim(t, db, "w1", t0.Add(2*time.Minute), 2)
		diff(t, "first claim, oldest RunAt first", keys(got), []string{k(1), k(2)})
		for _, j := range got {
			if j.State != incidentbot.JobRunning || j.LockedBy != "w1" || j.Attempts != 1 || *j.LockedUntil != at(3*time.Minute) {
				t.Errorf("got %+v, want running for w1 until %v, attempt 1", j, at(3*time.Minute))
			}
		}
		diff(t, "second claim, the rest due", keys(claim(t, db, "w2", t0.Add(2*time.Minute), 10)), []string{k(0)})
		diff(t, "nothing due", keys(claim(t, db, "w2", t0.Add(2*time.Minute), 10)), []string{})

		// w1's lease ends at t0+3m: at t0+4m its jobs go to w3, and j3
		// (due at t0+1h) still waits.
		got = claim(t, db, "w3", t0.Add(4*time.Minute), 10)
		diff(t, "expired leases", keys(got), []string{k(1), k(2), k(0)})
		for _, j := range got {
			if j.LockedBy != "w3" || j.Attempts != 2 {
				t.Errorf("got %s locked by %s attempt %d, want w3 attempt 2", j.Key, j.LockedBy, j.Attempts)
			}
		}
		if got := claim(t, db, "w1", t0.Add(4*time.Minute), 0); len(got) != 0 {
			t.Errorf("limit 0: got %d jobs, want 0", len(got))
		}
	})
}

func TestJobOutcomes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, 0, 0, 0)
		jobs := claim(t, db, "w", t0, 3)
		if len(jobs) != 3 {
			t.Fatalf("got %d jobs, want 3", len(jobs))
		}
		done, retry, fail := jobs[0], jobs[1], jobs[2]

		err := db.CompleteJob(t.Context(), done, "w", func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.WarRoom = "C-war"
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventActionSucceeded, Text: "channel created"}}}, nil
		})
		if err != nil {
			t.Fatalf("CompleteJob: %v", err)
		}
		if err := db.RetryJob(t.Context(), retry, "w", t0.Add(time.Minute), "429 from slack"); err != nil {
			t.Fatalf("RetryJob: %v", err)
		}
		if err := db.FailJob(t.Context(), fail, "w", "gave up", incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventActionFailed, Text: "post failed"}}}); err != nil {
			t.Fatalf("FailJob: %v", err)
		}

		stored, err := db.Jobs(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Jobs: %v", err)
		}
		type outcome struct {
			State     incidentbot.JobState
			RunAt     time.Time
			LockedBy  string
			Locked    bool
			LastError string
		}
		var got []outcome
		for _, j := range stored {
			got = append(got, outcome{j.State, j.RunAt, j.LockedBy, j.LockedUntil != nil, j.LastError})
		}
		diff(t, "outcomes", got, []outcome{
			{incidentbot.JobDone, at(0), "", false, ""},
			{incidentbot.JobPending, at(time.Minute), "", false, "429 from slack"},
			{incidentbot.JobFailed, at(0), "", false, "gave up"},
		})
		after, err := db.Incident(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Incident: %v", err)
		}
		if after.WarRoom != "C-war" {
			t.Errorf("got war room %q, want C-war", after.WarRoom)
		}
		events, err := db.Timeline(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		var texts []string
		for _, e := range events {
			texts = append(texts, e.Text)
		}
		diff(t, "events", texts, []string{"channel created", "post failed"})

		// The retried job comes back when due, counting a second attempt.
		again := claim(t, db, "w", t0.Add(time.Minute), 10)
		if len(again) != 1 || again[0].ID != retry.ID || again[0].Attempts != 2 || again[0].LastError != "429 from slack" {
			t.Errorf("got %+v, want the retried job on attempt 2 keeping its error", again)
		}
	})
}

func TestCompleteJobFnError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, 0)
		job := claim(t, db, "w", t0, 1)[0]
		want := incidentbot.Errorf(incidentbot.EINVALID, "nope")
		err := db.CompleteJob(t.Context(), job, "w", func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Title = "changed"
			return incidentbot.Change{}, want
		})
		if err != want {
			t.Errorf("got %v, want %v unchanged", err, want)
		}
		jobs, err := db.Jobs(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Jobs: %v", err)
		}
		if jobs[0].State != incidentbot.JobRunning {
			t.Errorf("got state %q, want running: nothing written", jobs[0].State)
		}
	})
}

func TestJobLeaseLost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		worker string
		finish bool // finish the job first with the right worker
		call   func(*testing.T, *store.DB, incidentbot.Job, string) error
	}{
		{"complete by another worker", "w2", false, func(t *testing.T, db *store.DB, j incidentbot.Job, w string) error {
			return db.CompleteJob(t.Context(), j, w, nil)
		}},
		{"retry by another worker", "w2", false, func(t *testing.T, db *store.DB, j incidentbot.Job, w string) error {
			return db.RetryJob(t.Context(), j, w, t0, "x")
		}},
		{"fail by another worker", "w2", false, func(t *testing.T, db *store.DB, j incidentbot.Job, w string) error {
			return db.FailJob(t.Context(), j, w, "x", incidentbot.Change{})
		}},
		{"complete twice", "w1", true, func(t *testing.T, db *store.DB, j incidentbot.Job, w string) error {
			return db.CompleteJob(t.Context(), j, w, nil)
		}},
		{"retry after done", "w1", true, func(t *testing.T, db *store.DB, j incidentbot.Job, w string) error {
			return db.RetryJob(t.Context(), j, w, t0, "x")
		}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				jobsFixture(t, db, 0)
				job := claim(t, db, "w1", t0, 1)[0]
				if tc.finish {
					if err := db.CompleteJob(t.Context(), job, "w1", nil); err != nil {
						t.Fatalf("CompleteJob: %v", err)
					}
				}
				err := tc.call(t, db, job, tc.worker)
				if code := incidentbot.ErrorCode(err); code != incidentbot.ECONFLICT {
					t.Errorf("got code %q (%v), want %q", code, err, incidentbot.ECONFLICT)
				}
			})
		}
	})
}

func TestClaimJobsConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 60
		offsets := make([]time.Duration, n)
		inc := jobsFixture(t, db, offsets...)
		const workers = 4
		claimed := make([][]int64, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for {
					jobs, err := db.ClaimJobs(t.Context(), fmt.Sprintf("w%d", w), t0, time.Minute, 3)
					if err != nil {
						t.Errorf("worker %d: %v", w, err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					if len(jobs) > 3 {
						// A claim beyond the limit leaves jobs held by a
						// worker that runs only what it asked for.
						t.Errorf("worker %d: claimed %d jobs, want at most 3", w, len(jobs))
					}
					for _, j := range jobs {
						claimed[w] = append(claimed[w], j.ID)
					}
				}
			})
		}
		wg.Wait()
		var all []int64
		for _, ids := range claimed {
			all = append(all, ids...)
		}
		slices.Sort(all)
		if len(all) != n || len(slices.Compact(slices.Clone(all))) != n {
			t.Errorf("got %d claims of %d distinct jobs, want %d of %d", len(all), len(slices.Compact(all)), n, n)
		}
		jobs, err := db.Jobs(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Jobs: %v", err)
		}
		for _, j := range jobs {
			if j.Attempts != 1 {
				t.Errorf("job %s: got %d attempts, want 1", j.Key, j.Attempts)
			}
		}
	})
}

// TestRetryRequeueFailedJobs: failed jobs go back to pending with a fresh
// count of attempts; any other job named is left alone.
func TestRetryRequeueFailedJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, 0, 0, 0)
		jobs := claim(t, db, "w", t0, 3)
		if len(jobs) != 3 {
			t.Fatalf("got %d jobs, want 3", len(jobs))
		}
		for _, j := range jobs[:2] {
			if err := db.FailJob(t.Context(), j, "w", "connection refused", incidentbot.Change{}); err != nil {
				t.Fatalf("FailJob: %v", err)
			}
		}
		ids := []int64{jobs[0].ID, jobs[1].ID, jobs[2].ID} // the third is still running
		got, err := db.RequeueFailedJobs(t.Context(), ids, t0.Add(30*time.Second))
		if err != nil {
			t.Fatalf("RequeueFailedJobs: %v", err)
		}
		if len(got) != 2 || got[0].ID != jobs[0].ID || got[1].ID != jobs[1].ID {
			t.Fatalf("requeued %v, want the two failed jobs", keys(got))
		}
		for _, j := range got {
			if j.State != incidentbot.JobPending || j.Attempts != 0 || !j.RunAt.Equal(at(30*time.Second)) || j.LockedUntil != nil {
				t.Errorf("requeued %s: got %s, %d attempts, at %s, locked %v; want pending, 0, at t0+30s, unlocked",
					j.Key, j.State, j.Attempts, j.RunAt, j.LockedUntil)
			}
		}
		if again, err := db.RequeueFailedJobs(t.Context(), ids, t0); err != nil || len(again) != 0 {
			t.Errorf("requeue again: got %v, %v; want nothing (none failed)", keys(again), err)
		}
		if n := len(claim(t, db, "w", t0.Add(30*time.Second), 10)); n != 2 {
			t.Errorf("claimed %d jobs at t0+30s, want the 2 requeued (the running one still leased)", n)
		}
		if stored, _ := db.Jobs(t.Context(), inc.ID); stored[2].State != incidentbot.JobRunning {
			t.Errorf("the running job: got %s, want running", stored[2].State)
		}
	})
}

// TestReminderCompleteJobsNoDeadlock: two jobs of one incident complete at
// once, the first enqueueing a job with the second's key (a reminder whose
// schedule moved makes sure the new time has its job): both commit, where
// Postgres used to detect a deadlock and fail one.
func TestReminderCompleteJobsNoDeadlock(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t)
	ctx := t.Context()
	jobsFixture(t, db, 0, 0)
	jobs := claim(t, db, "w", t0, 2)
	if len(jobs) != 2 {
		t.Fatalf("got %d jobs, want 2", len(jobs))
	}
	locked := make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		errs <- db.CompleteJob(ctx, jobs[0], "w", func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			close(locked) // this transaction holds the incident now
			deadline := time.Now().Add(10 * time.Second)
			for {
				n, err := store.LockWaiters(ctx, db)
				if err != nil {
					return incidentbot.Change{}, err
				}
				if n > 0 { // the other completion waits for a lock
					break
				}
				if time.Now().After(deadline) {
					return incidentbot.Change{}, fmt.Errorf("the second completion never waited for a lock")
				}
				time.Sleep(10 * time.Millisecond) // polling interval, not a wait for work
			}
			again, err := incidentbot.NewJob(inc, "post", "j1", nil, t0)
			return incidentbot.Change{Jobs: []incidentbot.Job{again}}, err
		})
	}()
	<-locked
	go func() {
		errs <- db.CompleteJob(ctx, jobs[1], "w", func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{}, nil
		})
	}()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("CompleteJob: %v", err)
		}
	}
}
