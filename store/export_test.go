package store

import (
	"context"
	"io/fs"
)

// MigrationsFS exposes the embedded migrations to the external tests.
func MigrationsFS() fs.FS { return migrationsFS }

// LockWaiters counts the sessions of db's Postgres database waiting for a lock.
func LockWaiters(ctx context.Context, db *DB) (int, error) {
	var n int
	err := db.x.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
	return n, err
}
