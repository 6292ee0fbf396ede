package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

const jobColumns = `id, key, kind, incident_id, payload, state, attempts, run_at, locked_by,
	locked_until, last_error, created_at, updated_at`

type jobRow struct {
	ID          int64         `db:"id"`
	Key         string        `db:"key"`
	Kind        string        `db:"kind"`
	IncidentID  sql.NullInt64 `db:"incident_id"`
	Payload     jsonCol       `db:"payload"`
	State       string        `db:"state"`
	Attempts    int           `db:"attempts"`
	RunAt       dbTime        `db:"run_at"`
	LockedBy    string        `db:"locked_by"`
	LockedUntil nullTime      `db:"locked_until"`
	LastError   string        `db:"last_error"`
	CreatedAt   dbTime        `db:"created_at"`
	UpdatedAt   dbTime        `db:"updated_at"`
}

func (r *jobRow) job() incidentbot.Job {
	return incidentbot.Job{
		ID:          r.ID,
		Key:         r.Key,
		Kind:        r.Kind,
		IncidentID:  r.IncidentID.Int64,
		Payload:     []byte(r.Payload),
		State:       incidentbot.JobState(r.State),
		Attempts:    r.Attempts,
		RunAt:       r.RunAt.Time,
		LockedBy:    r.LockedBy,
		LockedUntil: r.LockedUntil.P,
		LastError:   r.LastError,
		CreatedAt:   r.CreatedAt.Time,
		UpdatedAt:   r.UpdatedAt.Time,
	}
}

func jobsOf(rows []jobRow) []incidentbot.Job {
	out := make([]incidentbot.Job, len(rows))
	for i := range rows {
		out[i] = rows[i].job()
	}
	return out
}

// EnqueueJobs adds jobs; one whose Key exists already is skipped. A job
// without a state is pending; one without RunAt runs now.
func (db *DB) EnqueueJobs(ctx context.Context, jobs ...incidentbot.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sqlx.Tx) error { return db.insertJobs(ctx, tx, jobs) })
}

func (db *DB) insertJobs(ctx context.Context, tx *sqlx.Tx, jobs []incidentbot.Job) error {
	var w writes
	if err := db.jobs(&w, jobs); err != nil {
		return err
	}
	return db.flush(ctx, tx, &w)
}

// jobs adds the insert of jobs; a key taken already keeps its job.
func (db *DB) jobs(w *writes, jobs []incidentbot.Job) error {
	now := db.now()
	rows := make([][]any, 0, len(jobs))
	for _, j := range jobs {
		if j.Key == "" || j.Kind == "" {
			return incidentbot.Errorf(incidentbot.EINVALID, "A job needs a key and a kind (got key %q, kind %q).", j.Key, j.Kind)
		}
		if j.State == "" {
			j.State = incidentbot.JobPending
		}
		if j.RunAt.IsZero() {
			j.RunAt = now
		}
		var incidentID any
		if j.IncidentID != 0 {
			incidentID = incidentArg(j.IncidentID)
		}
		rows = append(rows, []any{j.Key, j.Kind, incidentID, jsonArg(j.Payload), string(j.State), j.Attempts,
			db.t(j.RunAt), j.LockedBy, db.tp(j.LockedUntil), j.LastError, db.t(now), db.t(now)})
	}
	w.rows(fmt.Sprintf("%d jobs", len(jobs)), `INSERT INTO jobs (key, kind, incident_id, payload, state, attempts, run_at, locked_by,
		locked_until, last_error, created_at, updated_at)`, `ON CONFLICT (key) DO NOTHING`, rows)
	return nil
}

// ClaimJobs takes up to limit jobs that are pending with RunAt <= now, or
// running with an expired lease, marks them running for worker until
// now+lease and counts the attempt. Older incidents go first, then earlier
// RunAt: during a burst each saga's next step runs before a newer saga's
// first, so war rooms get ready one after another instead of all at the
// end. The jobs_live partial index holds live jobs only, so the poll costs
// the same however many finished jobs the table keeps; and it holds
// run_at, so a job not due yet (a reminder, a paced post) is passed over
// inside the index, not read from the table. A running job was due when
// claimed, so "run_at <= now" holds for it too. On Postgres, SKIP
// LOCKED lets concurrent claimers take disjoint jobs without waiting;
// SQLite's single writer serializes them.
func (db *DB) ClaimJobs(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]incidentbot.Job, error) {
	return db.ClaimLane(ctx, worker, now, lease, limit, incidentbot.JobLane{})
}

// ClaimLane is ClaimJobs restricted to the kinds of lane.
func (db *DB) ClaimLane(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, lane incidentbot.JobLane) ([]incidentbot.Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	skipLocked := ""
	if db.dialect == Postgres {
		skipLocked = " FOR UPDATE SKIP LOCKED"
	}
	materialized := ""
	if db.dialect == Postgres {
		materialized = " MATERIALIZED"
	}
	// The lane's kinds and the limit are written in the statement, not
	// passed as arguments: a plan made once for any kinds and any limit
	// read every due job (see literalLimit).
	kinds := ""
	switch {
	case len(lane.Only) > 0:
		in, err := kindList(lane.Only)
		if err != nil {
			return nil, err
		}
		kinds = " AND kind IN (" + in + ")"
	case len(lane.Except) > 0:
		in, err := kindList(lane.Except)
		if err != nil {
			return nil, err
		}
		kinds = " AND kind NOT IN (" + in + ")"
	}
	args := []any{db.t(now), db.t(now), worker, db.t(now.Add(lease)), db.t(now)}
	// The picked ids are a materialized CTE: Postgres may run an
	// "id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)" subquery more than
	// once and claim more than n jobs, the extra ones then held by a worker
	// that never runs them until their lease ends. The claim is planned at
	// each call (planEachCall): a kept plan would be the one for the size
	// the table had when it was made.
	q := db.x.Rebind(planEachCall + `WITH picked AS` + materialized + ` (
			SELECT id FROM jobs
			WHERE state IN ('pending', 'running') AND run_at <= ?
				AND (state = 'pending' OR locked_until < ?)` + kinds + `
			ORDER BY incident_id, run_at, id` + literalLimit(limit, 0) + skipLocked + `)
		UPDATE jobs SET state = 'running', locked_by = ?, locked_until = ?,
		attempts = attempts + 1, updated_at = ?
		WHERE id IN (SELECT id FROM picked)
		RETURNING ` + jobColumns)
	var rows []jobRow
	err := db.x.SelectContext(ctx, &rows, q, args...)
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", mapErr(err))
	}
	// RETURNING follows no ORDER BY.
	slices.SortFunc(rows, func(a, b jobRow) int {
		return cmp.Or(cmp.Compare(a.IncidentID.Int64, b.IncidentID.Int64), a.RunAt.Compare(b.RunAt.Time), cmp.Compare(a.ID, b.ID))
	})
	return jobsOf(rows), nil
}

// kindList quotes the kinds of a lane for an IN list. Kinds are the
// code's own names (lowercase letters, digits and underscores), never
// anyone's input; anything else is refused rather than quoted.
func kindList(kinds []string) (string, error) {
	quoted := make([]string, len(kinds))
	for i, k := range kinds {
		if k == "" || strings.ContainsFunc(k, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' }) {
			return "", incidentbot.Errorf(incidentbot.EINTERNAL, "A job lane names the kind %q: kinds are lowercase letters, digits and underscores.", k)
		}
		quoted[i] = "'" + k + "'"
	}
	return strings.Join(quoted, ", "), nil
}

// RenewJob extends the lease worker holds on a running job to until;
// ECONFLICT when the worker lost it. It changes no indexed column, so on
// Postgres it is a HOT update.
func (db *DB) RenewJob(ctx context.Context, job incidentbot.Job, worker string, until time.Time) error {
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE jobs SET locked_until = ?
		WHERE id = ? AND locked_by = ? AND state = 'running'`), db.t(until), job.ID, worker)
	if err != nil {
		return fmt.Errorf("renew job %s: %w", job.Key, mapErr(err))
	}
	return leaseHeld(res, job)
}

// ReleaseJobs hands back, due at once, the running jobs held by workers
// whose names start with prefix: those of an earlier run of the same
// worker identity, which died holding them. It returns how many.
func (db *DB) ReleaseJobs(ctx context.Context, prefix string) (int64, error) {
	if prefix == "" {
		return 0, incidentbot.Errorf(incidentbot.EINVALID, "Name the workers whose jobs to hand back.")
	}
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE jobs SET state = 'pending', locked_by = '', locked_until = NULL, updated_at = ?
		WHERE state = 'running' AND substr(locked_by, 1, ?) = ?`), db.t(db.now()), len(prefix), prefix)
	if err != nil {
		return 0, fmt.Errorf("release jobs of %s: %w", prefix, mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("release jobs of %s: %w", prefix, mapErr(err))
	}
	return n, nil
}

// HastenJobs makes the pending jobs of kind that would run after now due
// at now, their attempts unchanged, and returns how many.
func (db *DB) HastenJobs(ctx context.Context, kind string, now time.Time) (int64, error) {
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE jobs SET run_at = ?, updated_at = ?
		WHERE state = 'pending' AND kind = ? AND run_at > ?`), db.t(now), db.t(db.now()), kind, db.t(now))
	if err != nil {
		return 0, fmt.Errorf("hasten %s jobs: %w", kind, mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("hasten %s jobs: %w", kind, mapErr(err))
	}
	return n, nil
}

// PruneJobs deletes, limit rows per statement, the jobs done for incidents
// closed before the given time, and returns how many. Nothing reads them
// once the incident is closed: the timeline and the post-mortem keep what
// happened, and keys are only reused within an open incident. Failed jobs
// stay: /incident status lists them and /incident retry runs them again.
// On Postgres the table is vacuumed after each prune, so dead row versions
// are cleared and space reused whether or not autovacuum runs.
func (db *DB) PruneJobs(ctx context.Context, closedBefore time.Time, limit int) (int64, error) {
	if limit <= 0 {
		return 0, nil
	}
	q := db.x.Rebind(`DELETE FROM jobs WHERE id IN (
		SELECT j.id FROM jobs j JOIN incidents i ON i.id = j.incident_id
		WHERE j.state = 'done' AND i.status = 'closed' AND i.closed_at < ?` + literalLimit(limit, 0) + `)`)
	var total int64
	for {
		res, err := db.x.ExecContext(ctx, q, db.t(closedBefore))
		if err != nil {
			return total, fmt.Errorf("prune jobs: %w", mapErr(err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("prune jobs: %w", mapErr(err))
		}
		total += n
		if n < int64(limit) {
			break
		}
	}
	if db.dialect == Postgres {
		// Every job leaves two dead row versions (pending, running) in the
		// live index; vacuuming often keeps the poll from walking over them.
		// It only visits the pages changed since the last one. SKIP_LOCKED:
		// another replica's vacuum is as good.
		if _, err := db.x.ExecContext(ctx, `VACUUM (SKIP_LOCKED) jobs`); err != nil {
			return total, fmt.Errorf("vacuum jobs after pruning %d: %w", total, mapErr(err))
		}
	}
	return total, nil
}

// release moves a job the worker holds out of running, to run again at
// runAt when not nil; ECONFLICT when the worker lost its lease (expired and
// claimed by another, or finished).
func (db *DB) release(ctx context.Context, tx *sqlx.Tx, job incidentbot.Job, worker string, state incidentbot.JobState, runAt *time.Time, errMsg string) error {
	q := tx.Rebind(`UPDATE jobs SET state = ?, run_at = COALESCE(?, run_at), locked_by = '', locked_until = NULL,
		last_error = ?, updated_at = ?
		WHERE id = ? AND locked_by = ? AND state = 'running'`)
	res, err := tx.ExecContext(ctx, q, string(state), db.tp(runAt), errMsg, db.t(db.now()), job.ID, worker)
	if err != nil {
		return fmt.Errorf("release job %s: %w", job.Key, mapErr(mapErr(err)))
	}
	return leaseHeld(res, job)
}

// lockIncident takes an incident's row lock before a job's: every
// transaction that writes both takes them in this order (UpdateIncident
// locks the incident, then inserts jobs, whose keys may be held by a job
// being completed), so two never wait on each other. Postgres only:
// SQLite's writer holds the whole database already.
func (db *DB) lockIncident(ctx context.Context, tx *sqlx.Tx, id int64) error {
	if db.dialect != Postgres || id == 0 {
		return nil
	}
	var got int64
	err := tx.GetContext(ctx, &got, tx.Rebind(`SELECT id FROM incidents WHERE id = ? FOR UPDATE`), id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) { // a missing incident is the caller's to report
		return fmt.Errorf("lock incident %d: %w", id, mapErr(err))
	}
	return nil
}

// CompleteJob marks a job done and, in the same transaction, applies fn to
// its incident as UpdateIncident does (fn may be nil). ECONFLICT when
// worker no longer holds the job; an error from fn aborts both.
func (db *DB) CompleteJob(ctx context.Context, job incidentbot.Job, worker string, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		if fn == nil {
			return db.release(ctx, tx, job, worker, incidentbot.JobDone, nil, "")
		}
		if job.IncidentID == 0 {
			return incidentbot.Errorf(incidentbot.EINVALID, "Job %s belongs to no incident, so it cannot change one.", job.Key)
		}
		// The incident's lock before the job's (see lockIncident), read
		// once: fn changes it as it stands under that lock.
		inc, err := db.incident(ctx, tx, job.IncidentID, db.forUpdate())
		if err != nil {
			return err
		}
		if err := db.release(ctx, tx, job, worker, incidentbot.JobDone, nil, ""); err != nil {
			return err
		}
		_, err = db.changeIncident(ctx, tx, inc, fn)
		return err
	})
}

// RetryJob puts a job back to pending, to run at runAt, keeping errMsg.
func (db *DB) RetryJob(ctx context.Context, job incidentbot.Job, worker string, runAt time.Time, errMsg string) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		return db.release(ctx, tx, job, worker, incidentbot.JobPending, &runAt, errMsg)
	})
}

// DeferJob puts a job back to pending, to run at runAt, as if this run
// never started: its attempt is not counted and its last error is kept.
func (db *DB) DeferJob(ctx context.Context, job incidentbot.Job, worker string, runAt time.Time) error {
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE jobs SET state = 'pending', run_at = ?, attempts = attempts - 1,
		locked_by = '', locked_until = NULL, updated_at = ?
		WHERE id = ? AND locked_by = ? AND state = 'running'`), db.t(runAt), db.t(db.now()), job.ID, worker)
	if err != nil {
		return fmt.Errorf("defer job %s: %w", job.Key, mapErr(err))
	}
	return leaseHeld(res, job)
}

// leaseHeld turns the result of a write that needs the job's lease into
// ECONFLICT when no row matched.
func leaseHeld(res sql.Result, job incidentbot.Job) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("job %s: %w", job.Key, mapErr(err))
	}
	if n == 0 {
		return incidentbot.Errorf(incidentbot.ECONFLICT, "Job %s lease lost: another worker holds it or it has finished.", job.Key)
	}
	return nil
}

// FailJob gives up on a job and stores ch (the failure event) with it, for
// the job's incident.
func (db *DB) FailJob(ctx context.Context, job incidentbot.Job, worker string, errMsg string, ch incidentbot.Change) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := db.lockIncident(ctx, tx, job.IncidentID); err != nil {
			return err
		}
		if err := db.release(ctx, tx, job, worker, incidentbot.JobFailed, nil, errMsg); err != nil {
			return err
		}
		if job.IncidentID == 0 {
			if len(ch.Events)+len(ch.Jobs)+len(ch.Roles)+len(ch.Checklist)+len(ch.Messages) > 0 {
				return incidentbot.Errorf(incidentbot.EINVALID, "Job %s belongs to no incident, so its failure cannot be recorded on one.", job.Key)
			}
			return nil
		}
		return db.applyChange(ctx, tx, job.IncidentID, db.now(), ch)
	})
}

// RequeueFailedJobs puts the failed jobs among ids back to pending, to run
// at runAt with their attempts counted from zero, and returns them; a job
// that is not failed (requeued meanwhile) is left alone.
func (db *DB) RequeueFailedJobs(ctx context.Context, ids []int64, runAt time.Time) ([]incidentbot.Job, error) {
	var out []incidentbot.Job
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		out = nil
		for _, id := range ids {
			var row jobRow
			err := tx.GetContext(ctx, &row, tx.Rebind(`UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?,
				locked_by = '', locked_until = NULL, updated_at = ?
				WHERE id = ? AND state = 'failed' RETURNING `+jobColumns), db.t(runAt), db.t(db.now()), id)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("requeue job %d: %w", id, mapErr(err))
			}
			out = append(out, row.job())
		}
		return nil
	})
	return out, err
}

// Jobs lists an incident's jobs in creation order.
func (db *DB) Jobs(ctx context.Context, incidentID int64) ([]incidentbot.Job, error) {
	var rows []jobRow
	err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(`SELECT `+jobColumns+` FROM jobs WHERE incident_id = ? ORDER BY id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("jobs of incident %d: %w", incidentID, mapErr(err))
	}
	return jobsOf(rows), nil
}
