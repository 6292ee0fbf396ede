package store_test

import (
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

func TestMigrationFoldersMatch(t *testing.T) {
	t.Parallel()
	versions := func(dialect string) []string {
		entries, err := fs.ReadDir(store.MigrationsFS(), "migrations/"+dialect)
		if err != nil {
			t.Fatalf("read %s migrations: %v", dialect, err)
		}
		var vs []string
		for _, e := range entries {
			num, _, _ := strings.Cut(e.Name(), "_")
			vs = append(vs, num)
		}
		return vs
	}
	pg, lite := versions(store.Postgres), versions(store.SQLite)
	if len(pg) == 0 {
		t.Fatal("got no postgres migrations, want at least one")
	}
	if !slices.Equal(pg, lite) {
		t.Errorf("got postgres versions %v and sqlite versions %v, want the same", pg, lite)
	}
}

func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("second Migrate: got %v, want nil", err)
		}
		if err := db.Ready(t.Context()); err != nil {
			t.Errorf("Ready after Migrate: got %v, want nil", err)
		}
	})
}

func TestMigrateConcurrently(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(testing.TB) string
	}{
		{"sqlite", storetest.SQLiteDSN},
		{"postgres", storetest.PostgresDSN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dsn := tc.dsn(t)
			logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			// Two processes starting together: two stores on one database.
			dbs := make([]*store.DB, 2)
			for i := range dbs {
				db, err := store.Open(t.Context(), logger, dsn)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				t.Cleanup(func() { db.Close() })
				if err := db.Ready(t.Context()); incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE {
					t.Errorf("Ready before Migrate: got code %q, want %q", incidentbot.ErrorCode(err), incidentbot.EUNAVAILABLE)
				}
				dbs[i] = db
			}
			var wg sync.WaitGroup
			errs := make([]error, len(dbs))
			for i, db := range dbs {
				wg.Go(func() { errs[i] = db.Migrate(t.Context()) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("Migrate %d: got %v, want nil", i, err)
				}
				if err := dbs[i].Ready(t.Context()); err != nil {
					t.Errorf("Ready %d: got %v, want nil", i, err)
				}
			}
		})
	}
}

func TestOpenDialect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		db   func(testing.TB) *store.DB
		want string
	}{
		{"sqlite", storetest.SQLite, store.SQLite},
		{"postgres", storetest.Postgres, store.Postgres},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.db(t).Dialect(); got != tc.want {
				t.Errorf("got dialect %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	const password = "s3cr3t-pw"
	tests := []struct {
		name string
		dsn  string
		code string
	}{
		{"empty", "  ", incidentbot.EINVALID},
		{"bad url", "postgres://u:" + password + "@[::1/x", incidentbot.EINVALID},
		{"unreachable", "postgres://u:" + password + "@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", incidentbot.EUNAVAILABLE},
		{"bad option", "postgres://u:" + password + "@127.0.0.1:1/x?sslmode=bogus", incidentbot.EINVALID},
		{"sqlite in a missing folder", "sqlite:" + t.TempDir() + "/missing/x.db", incidentbot.EUNAVAILABLE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, err := store.Open(t.Context(), nil, tc.dsn)
			if err == nil {
				db.Close()
				t.Fatal("got nil error, want one")
			}
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Errorf("got code %q (%v), want %q", got, err, tc.code)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("got error %q, want it without the password", err)
			}
		})
	}
}

// TestMigrateReportsApplied: the first run names every migration it
// applied, in order; the next run applies none.
func TestMigrateReportsApplied(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(testing.TB) string
	}{
		{store.SQLite, storetest.SQLiteDSN},
		{store.Postgres, storetest.PostgresDSN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			entries, err := fs.ReadDir(store.MigrationsFS(), "migrations/"+tc.name)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, e := range entries {
				all = append(all, e.Name())
			}
			db, err := store.Open(t.Context(), slog.New(slog.DiscardHandler), tc.dsn(t))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			got, err := db.ApplyMigrations(t.Context())
			if err != nil || !slices.Equal(got, all) {
				t.Fatalf("first run: got %v, %v, want %v", got, err, all)
			}
			got, err = db.ApplyMigrations(t.Context())
			if err != nil || len(got) != 0 {
				t.Errorf("second run: got %v, %v, want none applied", got, err)
			}
		})
	}
}
