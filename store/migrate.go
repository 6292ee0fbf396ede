package store

import (
	"context"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

//go:embed migrations
var migrationsFS embed.FS

// migrateLockID names the Postgres advisory lock that serializes migrations
// across replicas ("incibot" in ASCII).
const migrateLockID int64 = 0x696e6369626f74

type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrations returns the dialect's embedded migrations in version order.
// Files are named NNNN_name.sql.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must start with a positive number and an underscore", dir, e.Name())
		}
		b, err := migrationsFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		ms = append(ms, migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.Version - b.Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].Name, ms[i].Name, ms[i].Version)
		}
	}
	return ms, nil
}

const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at %s NOT NULL
)`

// Migrate applies the embedded migrations not applied yet, in order, each in
// its own transaction, recording each in schema_migrations. It is safe to
// run twice, and from several processes at once: on Postgres they queue on
// an advisory lock; on SQLite on the file's write lock (BEGIN IMMEDIATE).
func (db *DB) Migrate(ctx context.Context) error {
	_, err := db.ApplyMigrations(ctx)
	return err
}

// ApplyMigrations is Migrate, returning the names of the migrations this
// call applied (none when the schema was up to date), in order.
func (db *DB) ApplyMigrations(ctx context.Context) (applied []string, err error) {
	ms, err := migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	conn, err := db.x.Connx(ctx)
	if err != nil {
		return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Cannot reach the database to migrate it. Check DATABASE_URL.")
	}
	defer conn.Close()

	timeType := "TEXT"
	if db.dialect == Postgres {
		timeType = "TIMESTAMPTZ"
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockID); err != nil {
			return nil, fmt.Errorf("take migration lock: %w", mapErr(err))
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockID); err != nil {
				// A session lock lives as long as its connection: drop the
				// connection rather than return it to the pool still locked.
				db.logger.WarnContext(ctx, "release migration lock", "err", err)
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	if err := migrateTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(createSchemaMigrations, timeType))
		return err
	}); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", mapErr(err))
	}
	for _, m := range ms {
		done := false
		err := migrateTx(ctx, conn, func(tx *sqlx.Tx) error {
			var n int
			if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), m.Version); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), m.Version, db.t(db.now())); err != nil {
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s/%s: %w", db.dialect, m.Name, mapErr(err))
		}
		if done {
			applied = append(applied, m.Name)
			db.logger.InfoContext(ctx, "migration applied", "dialect", db.dialect, "version", m.Version, "name", m.Name)
		}
	}
	return applied, nil
}

func migrateTx(ctx context.Context, conn *sqlx.Conn, fn func(tx *sqlx.Tx) error) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Ready reports whether the database answers and every embedded migration
// has been applied; /readyz uses it.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	ms, err := migrations(db.dialect)
	if err != nil {
		return err
	}
	var versions []int
	if err := db.rd.SelectContext(ctx, &versions, `SELECT version FROM schema_migrations`); err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The database is not migrated yet. Run `incidentbot migrate`.")
	}
	for _, m := range ms {
		if !slices.Contains(versions, m.Version) {
			return incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Database migration %s is not applied yet. Run `incidentbot migrate`.", m.Name)
		}
	}
	return nil
}
