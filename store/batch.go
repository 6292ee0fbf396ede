package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
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
		group := w.stmts[:n]
		w.stmts = w.stmts[n:]
		all := make([]any, 0, args)
		whats := make([]string, len(group))
		var q strings.Builder
		for i, s := range group {
			whats[i] = s.what
			all = append(all, s.args...)
			switch {
			case i == len(group)-1 && i > 0:
				q.WriteString(" ")
			case i == 0 && len(group) > 1:
				q.WriteString("WITH ")
			case i > 0:
				q.WriteString(", ")
			}
			if i < len(group)-1 {
				fmt.Fprintf(&q, "w%d AS (%s)", i, s.q)
			} else {
				q.WriteString(s.q)
			}
		}
		stmt := q.String()
		if _, err := tx.ExecContext(ctx, tx.Rebind(stmt), all...); err != nil {
			return fmt.Errorf("save %s: %w", strings.Join(whats, ", "), mapErr(err))
		}
	}
	return nil
}
