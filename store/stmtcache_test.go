package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestPreparedStatements: a declaration's statements are prepared on the
// connection and, run again, planned once for all; a statement prepared
// before its table changed shape fails once, then is prepared again.
func TestPreparedStatements(t *testing.T) {
	db := storetest.Postgres(t)
	db.SetMaxConns(1)
	ctx := t.Context()
	for i := range 10 {
		inc := &incidentbot.Incident{Title: fmt.Sprintf("Checkout returns 50%d", i), Severity: incidentbot.SEV1,
			Platform: "slack", Workspace: "T1", OriginChannel: "C1", Guarded: true}
		ch := incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Text: "declared"}}}
		if err := db.CreateIncident(ctx, inc, ch); err != nil {
			t.Fatal(err)
		}
	}
	// Prepared on the second declaration, custom plans for five runs,
	// then the one plan for the last four (the insert and its event are
	// one statement).
	got, err := store.Raw(ctx, db, `SELECT generic_plans::text FROM pg_prepared_statements
		WHERE statement LIKE '%INSERT INTO incidents %'`)
	if err != nil || len(got) != 1 || got[0] != "4" {
		t.Errorf("generic plans of the declaration: got %v (%v), want 4", got, err)
	}
	for _, q := range []string{`CREATE TABLE shape (id int, a text)`, `INSERT INTO shape VALUES (1, 'x')`} {
		if _, err := store.Raw(ctx, db, q); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT * FROM shape WHERE id = $1`
	for range 3 { // the second prepares it, the third reuses it
		if n, err := store.Columns(ctx, db, q, 1); err != nil || n != 2 {
			t.Fatalf("before: got %d columns (%v), want 2", n, err)
		}
	}
	if _, err := store.Raw(ctx, db, `ALTER TABLE shape ADD COLUMN b int`); err != nil {
		t.Fatal(err)
	}
	// The prepared statement's result changed shape: Postgres refuses it
	// once ("cached plan must not change result type"); it is dropped.
	if _, err := store.Columns(ctx, db, q, 1); err == nil {
		t.Fatal("after the change: no error, want Postgres to refuse the statement prepared before it")
	}
	if n, err := store.Columns(ctx, db, q, 1); err != nil || n != 3 {
		t.Fatalf("after: got %d columns (%v), want 3", n, err)
	}
}

// TestPreparedStatementBusy: on SQLite one connection reads several
// results at once. A prepared statement whose rows are open is busy: the
// same text runs unprepared beside it, and once dropped from the cache it
// is closed with its rows, not under them.
func TestPreparedStatementBusy(t *testing.T) {
	db := storetest.SQLite(t)
	w := store.Writer(db)
	ctx := t.Context()
	const q = `SELECT value FROM json_each(?)`
	count := func(rows interface {
		Next() bool
		Close() error
		Err() error
	}) int {
		n := 0
		for rows.Next() {
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tx, err := w.BeginTxx(ctx, nil) // one connection throughout
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for range 2 { // seen, then prepared
		rows, err := tx.QueryContext(ctx, q, "[1,2,3]")
		if err != nil {
			t.Fatal(err)
		}
		if n := count(rows); n != 3 {
			t.Fatalf("got %d rows, want 3", n)
		}
	}
	outer, err := tx.QueryContext(ctx, q, "[1,2,3,4]")
	if err != nil {
		t.Fatal(err)
	}
	if !outer.Next() {
		t.Fatal("no first row")
	}
	inner, err := tx.QueryContext(ctx, q, "[1,2]")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(inner); n != 2 {
		t.Fatalf("beside the busy statement: got %d rows, want 2", n)
	}
	// Enough other statements, each run twice, to drop q's from the cache.
	for i := range 70 {
		for range 2 {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SELECT ? + %d`, i), 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := 1 + count(outer); n != 4 {
		t.Fatalf("the busy statement's rows: got %d, want 4", n)
	}
	rows, err := tx.QueryContext(ctx, q, "[1]")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(rows); n != 1 {
		t.Fatalf("after: got %d rows, want 1", n)
	}
}

// TestClaimPlannedEachCall: the job claim is never prepared, so its plan
// is made for the table as it is, while the other statements of a job's
// life are.
func TestClaimPlannedEachCall(t *testing.T) {
	db := storetest.Postgres(t)
	db.SetMaxConns(1)
	ctx := t.Context()
	for i := range 10 {
		if err := db.EnqueueJobs(ctx, incidentbot.Job{Key: fmt.Sprintf("job-%d", i), Kind: "welcome"}); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		jobs, err := db.ClaimJobs(ctx, "w1", time.Now(), time.Minute, 1)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %d jobs (%v), want 1", len(jobs), err)
		}
	}
	got, err := store.Raw(ctx, db, `SELECT left(statement, 40) FROM pg_prepared_statements ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var claim, enqueue bool
	for _, s := range got {
		claim = claim || strings.Contains(s, "picked")
		enqueue = enqueue || strings.Contains(s, "INSERT INTO jobs")
	}
	if claim || !enqueue {
		t.Errorf("prepared statements %q: want the enqueue and not the claim", got)
	}
}
