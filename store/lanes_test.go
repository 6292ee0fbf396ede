package store_test

import (
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestProbeLaneClaims: a lane claims only its kinds, the other lane all but
// them, and the zero lane every kind; an expired lease is reclaimed in its lane.
func TestProbeLaneClaims(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return t0 }))
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		var jobs []incidentbot.Job
		for i, kind := range []string{"probe", "post", "recheck", "create_channel", "probe"} {
			j, err := incidentbot.NewJob(inc, kind, fmt.Sprintf("j%d", i), nil, t0)
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, j)
		}
		if err := db.EnqueueJobs(t.Context(), jobs...); err != nil {
			t.Fatal(err)
		}
		k := func(i int) string { return fmt.Sprintf("%s/j%d", inc.Key, i) }
		probes := incidentbot.JobLane{Only: []string{"probe", "recheck"}}
		others := incidentbot.JobLane{Except: []string{"probe", "recheck"}}
		laneClaim := func(worker string, now time.Time, lane incidentbot.JobLane) []string {
			got, err := db.ClaimLane(t.Context(), worker, now, time.Minute, 10, lane)
			if err != nil {
				t.Fatalf("ClaimLane: %v", err)
			}
			return keys(got)
		}
		diff(t, "others", laneClaim("w1", t0, others), []string{k(1), k(3)})
		diff(t, "others again", laneClaim("w1", t0, others), []string{})
		diff(t, "probes", laneClaim("p1", t0, probes), []string{k(0), k(2), k(4)})
		diff(t, "expired probe leases go to a probe worker", laneClaim("w2", t0.Add(2*time.Minute), others), []string{k(1), k(3)})
		diff(t, "and the probes to the probe lane", laneClaim("p2", t0.Add(2*time.Minute), probes), []string{k(0), k(2), k(4)})
		diff(t, "the zero lane takes every kind", keys(claim(t, db, "w3", t0.Add(4*time.Minute), 10)), []string{k(0), k(1), k(2), k(3), k(4)})
	})
}

// TestLaneKindsWritten: a lane's kinds go into the claim's text, so a kind
// that is not a plain name is refused rather than quoted, and claims
// nothing.
func TestLaneKindsWritten(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		create(t, db, newIncident("Checkout down"), incidentbot.Change{Jobs: []incidentbot.Job{{Key: "k1", Kind: "post"}}})
		for _, lane := range []incidentbot.JobLane{{Only: []string{"post'); DELETE FROM jobs; --"}}, {Except: []string{"Post"}}, {Only: []string{""}}} {
			jobs, err := db.ClaimLane(t.Context(), "w1", time.Now().Add(time.Hour), time.Minute, 1, lane)
			if incidentbot.ErrorCode(err) != incidentbot.EINTERNAL || len(jobs) != 0 {
				t.Errorf("lane %+v: got %v, %v; want no jobs and an internal error", lane, jobs, err)
			}
		}
		jobs, err := db.ClaimLane(t.Context(), "w1", time.Now().Add(time.Hour), time.Minute, 1, incidentbot.JobLane{Only: []string{"post"}})
		if err != nil || len(jobs) != 1 {
			t.Errorf("a plain kind: got %v, %v; want the job", jobs, err)
		}
	})
}
