package store

import (
	"context"
	"errors"
	"io/fs"

	"github.com/jmoiron/sqlx"
)

// MigrationsFS exposes the embedded migrations to the external tests.
func MigrationsFS() fs.FS { return migrationsFS }

// LockWaiters counts the sessions of db's Postgres database waiting for a lock.
func LockWaiters(ctx context.Context, db *DB) (int, error) {
	var n int
	err := db.x.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
	return n, err
}

// Raw runs q on db's main pool and returns its rows' first columns.
func Raw(ctx context.Context, db *DB, q string, args ...any) ([]string, error) {
	var out []string
	err := db.x.SelectContext(ctx, &out, q, args...)
	return out, err
}

// Columns runs q on db's main pool and returns how many columns it answered.
func Columns(ctx context.Context, db *DB, q string, args ...any) (int, error) {
	rows, err := db.x.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	for rows.Next() {
	}
	return len(cols), errors.Join(err, rows.Err())
}

// Writer is db's main pool (SQLite: its one writer connection).
func Writer(db *DB) *sqlx.DB { return db.x }
