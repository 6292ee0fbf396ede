// Package storetest gives tests a fresh, migrated store: a temporary SQLite
// file, or a Postgres database of its own created on the server named by
// TEST_DATABASE_URL. Everything is removed in t.Cleanup.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"incidentbot/store"
)

// EnvPostgres names the variable holding the Postgres server for tests,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "TEST_DATABASE_URL"

// SQLite returns a migrated store on a new temporary file, closed in t.Cleanup.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, SQLiteDSN(t))
}

// Postgres returns a migrated store on a new database of its own, dropped in
// t.Cleanup. It skips the test when TEST_DATABASE_URL is not set.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// Each runs fn as the parallel subtests "sqlite" and "postgres", each with
// a store of its own.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Postgres(t))
	})
}

// SQLiteDSN returns the DSN of a new, empty (not migrated) SQLite file that
// disappears in t.Cleanup.
func SQLiteDSN(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "incidentbot.db")
}

// PostgresDSN creates an empty (not migrated) database on the server named
// by TEST_DATABASE_URL, returns its DSN and drops it in t.Cleanup, closing
// whatever connections are left. It skips the test when the variable is
// not set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	server := os.Getenv(EnvPostgres)
	if server == "" {
		t.Skip("TEST_DATABASE_URL not set: skipping Postgres tests")
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL is not a URL: %v", err)
	}
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatalf("open TEST_DATABASE_URL: %v", err)
	}
	name := "incidentbot_test_" + strings.ToLower(rand.Text())
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		// t.Context is already cancelled when cleanups run.
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Open returns a migrated store on dsn, closed in t.Cleanup: a second
// store on the database of another gives the test two replicas.
func Open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	return open(t, dsn)
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := store.Open(t.Context(), logger, dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("migrate store: %v", err)
	}
	dsns.Store(db, dsn)
	t.Cleanup(func() { dsns.Delete(db) })
	return db
}

// dsns remembers each store's DSN, for Freeze.
var dsns sync.Map // *store.DB -> string

// Freeze makes db stall as a stuck database does, until release is called
// (or the test ends): see FreezeDSN. db must come from this package.
func Freeze(t testing.TB, db *store.DB) (release func()) {
	t.Helper()
	v, ok := dsns.Load(db)
	if !ok {
		t.Fatal("storetest.Freeze: the store was not opened by storetest")
	}
	return FreezeDSN(t, v.(string))
}

// FreezeDSN makes the database at dsn (postgres://..., or a SQLite path,
// optionally "sqlite:"-prefixed) stall until release is called or the test
// ends: on Postgres another session holds incidents in ACCESS EXCLUSIVE
// mode, so every read or write of an incident waits; on SQLite another
// connection holds the write lock, so every write waits (readers go on,
// WAL).
func FreezeDSN(t testing.TB, dsn string) (release func()) {
	t.Helper()
	driver, stmt := "postgres", "LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE"
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		driver, stmt = "sqlite", ""
		dsn = strings.TrimPrefix(dsn, "sqlite:") + "?_txlock=immediate"
	}
	other, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("freeze: open: %v", err)
	}
	tx, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		other.Close()
		t.Fatalf("freeze: begin: %v", err)
	}
	if stmt != "" {
		if _, err := tx.ExecContext(t.Context(), stmt); err != nil {
			tx.Rollback()
			other.Close()
			t.Fatalf("freeze: %v", err)
		}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			tx.Rollback()
			other.Close()
		})
	}
	t.Cleanup(release)
	return release
}
