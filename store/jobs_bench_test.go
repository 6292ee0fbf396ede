package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// naiveClaim is the poll as it was before migration 0013: due or expired
// jobs oldest run_at first, over an index on (state, run_at) that holds
// every job ever run.
const naiveClaim = `UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2,
	attempts = attempts + 1, updated_at = $3
	WHERE id IN (
		SELECT id FROM jobs
		WHERE ((state = 'pending' AND run_at <= $3) OR (state = 'running' AND locked_until < $3))
		ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
	RETURNING id, key, incident_id`

// BenchmarkJobsPoll measures on Postgres the idle poll (nothing due) and
// one job's whole cycle (enqueue, claim, complete), with no history and
// after 100,000 finished incident lifecycles of 10 jobs each, not pruned
// yet (closed within the hour), beside 200 open incidents with a reminder
// and a re-check each to come. Each history job was inserted, claimed and
// finished with autovacuum off. "partial" is this package after the
// runner's minute tick (prune, vacuum); "naive" is the poll before
// migration 0013, which vacuumed nothing. The history is filled once per
// run by three set-wide statements.
func BenchmarkJobsPoll(b *testing.B) {
	for _, lifecycles := range []int{0, 100_000} {
		for _, naive := range []bool{true, false} {
			name := fmt.Sprintf("lifecycles=%d/partial", lifecycles)
			if naive {
				name = fmt.Sprintf("lifecycles=%d/naive", lifecycles)
			}
			b.Run(name, func(b *testing.B) {
				db, raw := benchStore(b)
				if naive {
					exec(b, raw, `DROP INDEX jobs_live`, `DROP INDEX jobs_done`, `CREATE INDEX jobs_state_run_at ON jobs (state, run_at)`)
				}
				live := fillHistory(b, db, raw, lifecycles)
				if naive {
					benchPoll(b, db, live, raw)
					return
				}
				// The runner's minute tick: prune (nothing yet: closed within
				// the hour) and vacuum.
				if _, err := db.PruneJobs(b.Context(), time.Now().Add(-time.Hour), 1000); err != nil {
					b.Fatal(err)
				}
				benchPoll(b, db, live, nil)
			})
		}
	}
}

// benchStore opens a fresh migrated Postgres store, and a plain
// connection to the same database for set-wide statements.
func benchStore(b *testing.B) (*store.DB, *sql.DB) {
	dsn := storetest.PostgresDSN(b)
	db := storetest.Open(b, dsn)
	raw, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return db, raw
}

func exec(b *testing.B, raw *sql.DB, stmts ...string) {
	b.Helper()
	for _, s := range stmts {
		if _, err := raw.ExecContext(b.Context(), s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
	}
}

// fillHistory writes n closed incidents with 10 done jobs each, and 200
// open ones with two jobs due in an hour, and returns an open incident.
func fillHistory(b *testing.B, db *store.DB, raw *sql.DB, n int) *incidentbot.Incident {
	b.Helper()
	exec(b, raw,
		fmt.Sprintf(`INSERT INTO incidents (title, severity, status, detected_at, declared_at, resolved_at, closed_at)
			SELECT 'Lifecycle ' || g, 2, 'closed', t, t, t, t
			FROM generate_series(1, %d) g, (SELECT now() - interval '30 minutes' AS t) x`, n),
		// Each job as the runner leaves it: inserted pending, claimed, done,
		// with no autovacuum in between (it may be off, or behind).
		`ALTER TABLE jobs SET (autovacuum_enabled = false)`,
		`INSERT INTO jobs (key, kind, incident_id, state, attempts, run_at, created_at, updated_at)
			SELECT 'INC-' || i.id || '/step-' || s, 'post', i.id, 'pending', 0, i.declared_at + s * interval '1 second', i.declared_at, i.declared_at
			FROM incidents i, generate_series(1, 10) s`,
		`UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'w', locked_until = run_at + interval '20 seconds'`,
		`UPDATE jobs SET state = 'done', locked_by = '', locked_until = NULL`,
	)
	var last *incidentbot.Incident
	for i := range 200 {
		inc := &incidentbot.Incident{Title: fmt.Sprintf("Open %d", i), Severity: incidentbot.SEV2, Platform: incidentbot.PlatformSlack, Workspace: "T1"}
		var jobs []incidentbot.Job
		for _, k := range []string{"reminder", "recheck"} {
			j, err := incidentbot.NewJob(inc, k, k, nil, time.Now().Add(time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			jobs = append(jobs, j)
		}
		inc.Key = "declare-" + inc.Title
		for i := range jobs {
			jobs[i].Key = inc.Key + "/" + jobs[i].Kind
		}
		if err := db.CreateIncident(b.Context(), inc, incidentbot.Change{Jobs: jobs}); err != nil {
			b.Fatal(err)
		}
		last = inc
	}
	exec(b, raw, `ANALYZE`)
	return last
}

// benchPoll runs the idle poll and the job cycle, with the naive claim
// when raw is set.
func benchPoll(b *testing.B, db *store.DB, live *incidentbot.Incident, raw *sql.DB) {
	ctx := context.Background()
	claim := func() []incidentbot.Job {
		now := time.Now()
		if raw == nil {
			jobs, err := db.ClaimJobs(ctx, "w", now, time.Minute, 1)
			if err != nil {
				b.Fatal(err)
			}
			return jobs
		}
		rows, err := raw.QueryContext(ctx, naiveClaim, "w", now.Add(time.Minute), now)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var jobs []incidentbot.Job
		for rows.Next() {
			var j incidentbot.Job
			if err := rows.Scan(&j.ID, &j.Key, &j.IncidentID); err != nil {
				b.Fatal(err)
			}
			jobs = append(jobs, j)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return jobs
	}
	b.Run("poll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if jobs := claim(); len(jobs) != 0 {
				b.Fatalf("claimed %d jobs, want none due", len(jobs))
			}
		}
	})
	b.Run("cycle", func(b *testing.B) {
		b.ReportAllocs()
		run, n := time.Now().UnixNano(), 0
		for b.Loop() {
			n++
			j, err := incidentbot.NewJob(live, "post", fmt.Sprintf("cycle-%d-%d", run, n), nil, time.Now().Add(-time.Millisecond))
			if err != nil {
				b.Fatal(err)
			}
			if err := db.EnqueueJobs(ctx, j); err != nil {
				b.Fatal(err)
			}
			jobs := claim()
			if len(jobs) != 1 {
				b.Fatalf("claimed %d jobs, want the one enqueued", len(jobs))
			}
			if err := db.CompleteJob(ctx, jobs[0], "w", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// heapFilterClaim is the poll as it was before the due test moved into
// jobs_live's index condition: the whole "due or expired" test read each
// live job from the table.
const heapFilterClaim = `UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2,
	attempts = attempts + 1, updated_at = $3
	WHERE id IN (
		SELECT id FROM jobs
		WHERE state IN ('pending', 'running')
			AND (state = 'pending' AND run_at <= $3 OR state = 'running' AND locked_until < $3)
		ORDER BY incident_id, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
	RETURNING id, key, incident_id`

// BenchmarkJobsPollOpenIncidents measures on Postgres the idle poll beside
// open incidents that each wait on a reminder and a re-check due in an
// hour (during a burst, thousands): "heap-filter" is the poll before the
// due test went into the index condition, "indexed" this package's.
func BenchmarkJobsPollOpenIncidents(b *testing.B) {
	for _, open := range []int{200, 5000} {
		for _, naive := range []bool{true, false} {
			name := fmt.Sprintf("open=%d/indexed", open)
			if naive {
				name = fmt.Sprintf("open=%d/heap-filter", open)
			}
			b.Run(name, func(b *testing.B) {
				db, raw := benchStore(b)
				exec(b, raw,
					fmt.Sprintf(`INSERT INTO incidents (title, severity, status, detected_at, declared_at)
						SELECT 'Open ' || g, 2, 'investigating', now(), now() FROM generate_series(1, %d) g`, open),
					`INSERT INTO jobs (key, kind, incident_id, state, attempts, run_at, created_at, updated_at)
						SELECT 'INC-' || i.id || '/' || k, k, i.id, 'pending', 0, now() + interval '1 hour', now(), now()
						FROM incidents i, (VALUES ('reminder'), ('recheck')) v(k)`,
					`ANALYZE`)
				b.ReportAllocs()
				for b.Loop() {
					now := time.Now()
					var n int
					if naive {
						res, err := raw.ExecContext(b.Context(), heapFilterClaim, "w", now.Add(time.Minute), now)
						if err != nil {
							b.Fatal(err)
						}
						rows, _ := res.RowsAffected()
						n = int(rows)
					} else {
						jobs, err := db.ClaimJobs(b.Context(), "w", now, time.Minute, 1)
						if err != nil {
							b.Fatal(err)
						}
						n = len(jobs)
					}
					if n != 0 {
						b.Fatalf("claimed %d jobs, want none due", n)
					}
				}
			})
		}
	}
}
