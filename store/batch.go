package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"incidentbot"
)

// maxBatchArgs keeps one statement under Postgres' 65,535 parameters.
const maxBatchArgs = 60000

// writes gathers the writes of one unit of work that need no answer (the
// rows changed, an id), so that Postgres gets them as one statement: each
// but the last in a data-modifying WITH clause, run once and to the end
// whether or not the last reads it. One round trip instead of one per
// write, while the transaction holds its locks and its connection: a
// declaration's event, checklist and jobs; a command's or a job's update
// of the incident with its events and redraws. On SQLite, in process,
// they run one after the other. A table appears at most once in a
// statement (rows of one kind go in one multi-row write), since a
// statement's clauses do not see each other's rows.
type writes struct {
	stmts []write
}

type write struct {
	what string // for errors: "3 jobs"
	q    string // with ? placeholders
	args []any
}

func (w *writes) add(what, q string, args ...any) {
	w.stmts = append(w.stmts, write{what: what, q: q, args: args})
}

// rows adds head + " VALUES (?, ...), (?, ...) " + tail for rows, split so
// that no statement passes maxBatchArgs: a declaration writes a dozen
// checklist items and jobs in one.
func (w *writes) rows(what, head, tail string, rows [][]any) {
	if len(rows) == 0 {
		return
	}
	cols := len(rows[0])
	per := max(1, maxBatchArgs/cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString(head)
		q.WriteString(" VALUES ")
		args := make([]any, 0, len(chunk)*cols)
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = append(args, r...)
		}
		q.WriteString(" ")
		q.WriteString(tail)
		w.add(what, q.String(), args...)
	}
}

// newIncident stands for the id of the incident that the first clause of
// the same statement inserts: a declaration's rows go with its incident
// in one statement (flushInsert). incidentArg turns it into insertedID.
const newIncident int64 = -1

// insertedID is the argument flushInsert writes as the inserted
// incident's id, 0 when nothing was inserted: the rows' foreign keys then
// refuse the whole statement.
type insertedID struct{}

const insertedIDSQL = "coalesce((SELECT id FROM w0), 0)"

// incidentArg is the incident_id argument of a row.
func incidentArg(id int64) any {
	if id == newIncident {
		return insertedID{}
	}
	return id
}

// statement joins writes into one statement of data-modifying WITH
// clauses (w0, w1, ...) ending with the last, and its arguments.
func statement(group []write) (string, []any, []string) {
	var q strings.Builder
	var all []any
	whats := make([]string, len(group))
	for i, s := range group {
		whats[i] = s.what
		switch {
		case i == len(group)-1 && i > 0:
			q.WriteString(" ")
		case i == 0 && len(group) > 1:
			q.WriteString("WITH ")
		case i > 0:
			q.WriteString(", ")
		}
		if i < len(group)-1 {
			fmt.Fprintf(&q, "w%d AS (", i)
		}
		all = placeArgs(&q, s, all)
		if i < len(group)-1 {
			q.WriteString(")")
		}
	}
	return q.String(), all, whats
}

// placeArgs writes s.q with its placeholders, the inserted incident's
// written as insertedIDSQL, and appends the other arguments. A write's
// text has no "?" but its placeholders.
func placeArgs(q *strings.Builder, s write, all []any) []any {
	if !slices.ContainsFunc(s.args, func(a any) bool { _, ok := a.(insertedID); return ok }) {
		q.WriteString(s.q)
		return append(all, s.args...)
	}
	arg := 0
	for _, r := range s.q {
		if r != '?' {
			q.WriteRune(r)
			continue
		}
		if _, ok := s.args[arg].(insertedID); ok {
			q.WriteString(insertedIDSQL)
		} else {
			q.WriteRune('?')
			all = append(all, s.args[arg])
		}
		arg++
	}
	return all
}

// flush runs the gathered writes in tx: on Postgres as few statements as
// maxBatchArgs allows (one, but for thousands of rows), on SQLite one each.
// The error names what the failed statement wrote, and wraps the driver's
// (a unique violation stays one, for the caller to map).
func (db *DB) flush(ctx context.Context, tx *sqlx.Tx, w *writes) error {
	for len(w.stmts) > 0 {
		n, args := 1, len(w.stmts[0].args)
		for db.dialect == Postgres && n < len(w.stmts) && args+len(w.stmts[n].args) <= maxBatchArgs {
			args += len(w.stmts[n].args)
			n++
		}
		q, all, whats := statement(w.stmts[:n])
		w.stmts = w.stmts[n:]
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), all...); err != nil {
			return fmt.Errorf("save %s: %w", strings.Join(whats, ", "), mapErr(err))
		}
	}
	return nil
}

// flushInsert runs, on Postgres, an incident's insert (the first write,
// RETURNING id) and the writes of its rows (which name it newIncident) as
// one statement, and returns the incident's id. errTaken says the insert
// inserted nothing (its rows, given id 0, broke their foreign keys, or
// there were none).
func (db *DB) flushInsert(ctx context.Context, q sqlx.QueryerContext, w *writes) (int64, error) {
	n := 0
	for _, s := range w.stmts {
		n += len(s.args)
	}
	if n > maxBatchArgs {
		return 0, incidentbot.Errorf(incidentbot.EINVALID, "This declaration writes %d values at once, more than the %d that fit: shorten its playbook's checklist.", n, maxBatchArgs)
	}
	w.add("incident", `SELECT id FROM w0`)
	stmt, all, whats := statement(w.stmts)
	var id int64
	err := sqlx.GetContext(ctx, q, &id, sqlx.Rebind(sqlx.DOLLAR, stmt), all...)
	var pe *pq.Error
	if errors.Is(err, sql.ErrNoRows) || errors.As(err, &pe) && pe.Code == pqerror.ForeignKeyViolation {
		return 0, errTaken
	}
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", strings.Join(whats, ", "), mapErr(err))
	}
	return id, nil
}
