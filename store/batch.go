package store

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// maxBatchArgs keeps one statement under Postgres' 65,535 parameters.
const maxBatchArgs = 60000

// insertRows runs head + " VALUES (?, ...), (?, ...) " + tail for rows, in
// as few statements as the parameter limit allows: a declaration writes a
// dozen checklist items and jobs, and each round trip is paid while the
// person waits for the answer.
func insertRows(ctx context.Context, tx *sqlx.Tx, head, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
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
		if _, err := tx.ExecContext(ctx, tx.Rebind(q.String()), args...); err != nil {
			return err
		}
	}
	return nil
}
