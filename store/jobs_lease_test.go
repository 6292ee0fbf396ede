package store_test

import (
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestJobsClaimOlderIncidentFirst: a due job of an older incident is
// claimed before a newer incident's, even when the newer one's is older:
// a saga's next step goes before a newer saga's first.
func TestJobsClaimOlderIncidentFirst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return t0 }))
		older := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		newer := create(t, db, newIncident("Search slow"), incidentbot.Change{})
		var jobs []incidentbot.Job
		for _, j := range []struct {
			inc *incidentbot.Incident
			key string
			at  time.Duration
		}{
			{newer, "create_channel", 0},
			{older, "welcome", 2 * time.Second},
			{older, "assign_roles", time.Second},
			{older, "reminder", 30 * time.Second}, // not due yet: skipped, not waited for
		} {
			job, err := incidentbot.NewJob(j.inc, "post", j.key, nil, t0.Add(j.at))
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, job)
		}
		if err := db.EnqueueJobs(t.Context(), jobs...); err != nil {
			t.Fatalf("EnqueueJobs: %v", err)
		}
		var got []string
		for range 4 {
			for _, j := range claim(t, db, "w", t0.Add(3*time.Second), 1) {
				got = append(got, j.Key)
			}
		}
		diff(t, "claim order", got, []string{older.Key + "/assign_roles", older.Key + "/welcome", newer.Key + "/create_channel"})
		diff(t, "several at once", keys(claim(t, db, "w2", t0.Add(31*time.Second), 5)), []string{older.Key + "/reminder"})
	})
}

// TestLeaseRenewJob: a renewal keeps a running job from other workers past
// its first lease; one by a worker that lost the lease is ECONFLICT.
func TestLeaseRenewJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		jobsFixture(t, db, 0)
		job := claim(t, db, "w1", t0, 1)[0] // leased until t0+1m
		if err := db.RenewJob(t.Context(), job, "w1", t0.Add(3*time.Minute)); err != nil {
			t.Fatalf("RenewJob: %v", err)
		}
		if got := claim(t, db, "w2", t0.Add(2*time.Minute), 1); len(got) != 0 {
			t.Fatalf("claimed %v at t0+2m, want nothing: the lease was renewed to t0+3m", keys(got))
		}
		if err := db.RenewJob(t.Context(), job, "w2", t0.Add(time.Hour)); incidentbot.ErrorCode(err) != incidentbot.ECONFLICT {
			t.Errorf("renew by another worker: got %v, want ECONFLICT", err)
		}
		got := claim(t, db, "w2", t0.Add(3*time.Minute+time.Second), 1)
		if len(got) != 1 || got[0].ID != job.ID {
			t.Fatalf("claimed %v after the renewed lease, want the job", keys(got))
		}
		if err := db.RenewJob(t.Context(), job, "w1", t0.Add(time.Hour)); incidentbot.ErrorCode(err) != incidentbot.ECONFLICT {
			t.Errorf("renew after losing the lease: got %v, want ECONFLICT", err)
		}
		if err := db.CompleteJob(t.Context(), got[0], "w2", nil); err != nil {
			t.Fatalf("CompleteJob: %v", err)
		}
		if err := db.RenewJob(t.Context(), got[0], "w2", t0.Add(time.Hour)); incidentbot.ErrorCode(err) != incidentbot.ECONFLICT {
			t.Errorf("renew a done job: got %v, want ECONFLICT", err)
		}
	})
}

// TestLeaseReleaseJobs: a restart under the same worker name hands back,
// due at once, exactly the jobs its workers held; names that merely start
// alike ("bot-10" for "bot-1") keep theirs.
func TestLeaseReleaseJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, 0, 0, 0, 0, 0)
		workers := []string{"bot-1-0", "bot-1-due", "bot-10-0", "bot-2-0"}
		for _, w := range workers {
			if got := claim(t, db, w, t0, 1); len(got) != 1 {
				t.Fatalf("%s claimed %d jobs, want 1", w, len(got))
			}
		}
		if _, err := db.ReleaseJobs(t.Context(), ""); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("release with no prefix: got %v, want EINVALID", err)
		}
		n, err := db.ReleaseJobs(t.Context(), "bot-1-")
		if err != nil || n != 2 {
			t.Fatalf("ReleaseJobs: got %d, %v; want 2", n, err)
		}
		jobs, err := db.Jobs(t.Context(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, j := range jobs {
			got = append(got, fmt.Sprintf("%s %s %q", j.Key[len(inc.Key)+1:], j.State, j.LockedBy))
		}
		diff(t, "after release", got, []string{
			`j0 pending ""`, `j1 pending ""`, `j2 running "bot-10-0"`, `j3 running "bot-2-0"`, `j4 pending ""`,
		})
		// Due at once, before the lease (t0+1m) would have ended.
		diff(t, "claim after release", keys(claim(t, db, "bot-1-0", t0.Add(time.Second), 5)),
			[]string{inc.Key + "/j0", inc.Key + "/j1", inc.Key + "/j4"})
	})
}

// TestJobsPruneKeepsWhatMustStay: pruning deletes the done jobs of
// incidents closed before the cut-off, in batches, and keeps everything
// still read: failed jobs (status, retry), jobs still to run, the jobs of
// open and recently closed incidents.
func TestJobsPruneKeepsWhatMustStay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return t0 }))
		closed := func(title string, at time.Time) *incidentbot.Incident {
			inc := newIncident(title)
			inc.Status = incidentbot.StatusClosed
			inc.ResolvedAt, inc.ClosedAt = &at, &at
			return create(t, db, inc, incidentbot.Change{})
		}
		old := closed("Closed long ago", t0.Add(-3*time.Hour))
		recent := closed("Closed just now", t0.Add(-time.Minute))
		open := create(t, db, newIncident("Still open"), incidentbot.Change{})
		for _, inc := range []*incidentbot.Incident{old, recent, open} {
			var jobs []incidentbot.Job
			for _, k := range []string{"d0", "d1", "d2", "d3", "d4", "failed", "later"} {
				j, err := incidentbot.NewJob(inc, "post", k, nil, t0)
				if err != nil {
					t.Fatal(err)
				}
				switch k {
				case "failed":
					j.State = incidentbot.JobFailed
				case "later":
					j.RunAt = t0.Add(24 * time.Hour) // an ads reminder after the close
				default:
					j.State = incidentbot.JobDone
				}
				jobs = append(jobs, j)
			}
			if err := db.EnqueueJobs(t.Context(), jobs...); err != nil {
				t.Fatalf("EnqueueJobs: %v", err)
			}
		}
		n, err := db.PruneJobs(t.Context(), t0.Add(-time.Hour), 2)
		if err != nil || n != 5 {
			t.Fatalf("PruneJobs: got %d, %v; want the 5 done jobs of the incident closed 3h ago", n, err)
		}
		for _, tc := range []struct {
			inc  *incidentbot.Incident
			want []string
		}{
			{old, []string{"failed", "later"}},
			{recent, []string{"d0", "d1", "d2", "d3", "d4", "failed", "later"}},
			{open, []string{"d0", "d1", "d2", "d3", "d4", "failed", "later"}},
		} {
			jobs, err := db.Jobs(t.Context(), tc.inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, j := range jobs {
				got = append(got, j.Key[len(tc.inc.Key)+1:])
			}
			diff(t, tc.inc.Title, got, tc.want)
		}
		// A key pruned with its job may not come back in an open incident: the
		// open incident's keys are all still there.
		again, err := incidentbot.NewJob(open, "post", "d0", nil, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.EnqueueJobs(t.Context(), again); err != nil {
			t.Fatal(err)
		}
		if jobs, _ := db.Jobs(t.Context(), open.ID); len(jobs) != 7 {
			t.Errorf("open incident: got %d jobs after re-enqueueing d0, want 7 (the key is taken)", len(jobs))
		}
		if n, err := db.PruneJobs(t.Context(), t0.Add(-time.Hour), 2); err != nil || n != 0 {
			t.Errorf("prune again: got %d, %v; want nothing left to prune", n, err)
		}
	})
}

// TestJobsHasten: only the pending jobs of the kind that would run later
// become due; their attempts stay, other kinds and running jobs keep theirs.
func TestJobsHasten(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := jobsFixture(t, db, time.Hour) // j0: a post due in an hour
		var jobs []incidentbot.Job
		for _, j := range []struct {
			key string
			at  time.Duration
		}{{"export/running", 0}, {"export/due", time.Minute}, {"export/later", time.Hour}} {
			job, err := incidentbot.NewJob(inc, "export", j.key, nil, t0.Add(j.at))
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, job)
		}
		if err := db.EnqueueJobs(t.Context(), jobs...); err != nil {
			t.Fatal(err)
		}
		running := claim(t, db, "w", t0, 1)
		diff(t, "running", keys(running), []string{inc.Key + "/export/running"})
		n, err := db.HastenJobs(t.Context(), "export", t0.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("HastenJobs: got %d, %v; want 1", n, err)
		}
		diff(t, "due after hastening", keys(claim(t, db, "w2", t0.Add(time.Minute), 5)),
			[]string{inc.Key + "/export/due", inc.Key + "/export/later"})
	})
}
