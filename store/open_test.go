package store

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"incidentbot"
)

// Postgres gets its timeouts and one-round-trip parameters unless the
// operator set them; whatever the operator gave is kept as given.
func TestDeadlinePostgresDSN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dsn  string
		want map[string]string
	}{
		{"defaults added", "postgres://u:p@db:5432/bot?sslmode=disable",
			map[string]string{"sslmode": "disable", "connect_timeout": "5", "statement_timeout": "30000", "binary_parameters": "yes"}},
		{"operator's values kept", "postgres://db/bot?connect_timeout=20&statement_timeout=0&binary_parameters=no",
			map[string]string{"connect_timeout": "20", "statement_timeout": "0", "binary_parameters": "no"}},
		{"statement_timeout in options kept", "postgresql://db/bot?options=-c%20statement_timeout%3D5s",
			map[string]string{"options": "-c statement_timeout=5s", "statement_timeout": "", "connect_timeout": "5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(postgresDSN(tc.dsn))
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if got := u.Query().Get(k); got != want {
					t.Errorf("%s: got %q, want %q", k, got, want)
				}
			}
			if u.User.String() != mustParse(t, tc.dsn).User.String() || u.Host != mustParse(t, tc.dsn).Host {
				t.Errorf("user or host changed: %s", u.Redacted())
			}
		})
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// SQLite's writer runs WAL with synchronous=NORMAL; its readers are a
// separate read-only pool, so a read is answered while the one writer
// connection is held by a long transaction (a worker's commit in fsync).
func TestSQLiteReadersBesideTheWriter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := Open(ctx, slog.New(slog.DiscardHandler), "sqlite:"+filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var mode string
	var sync int
	if err := db.x.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode: got %q, %v; want wal", mode, err)
	}
	if err := db.x.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil || sync != 1 {
		t.Errorf("synchronous: got %d, %v; want 1 (NORMAL)", sync, err)
	}
	if _, err := db.rd.ExecContext(ctx, "DELETE FROM incidents"); err == nil {
		t.Error("a reader connection wrote; want it read-only")
	}

	inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Status: incidentbot.StatusInvestigating,
		Type: "site-outage", Platform: "slack", Workspace: "T1", DeclaredAt: time.Now(), DetectedAt: time.Now()}
	if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
		t.Fatal(err)
	}
	// Hold the writer as a slow transaction would.
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE incidents SET summary = 'held' WHERE id = ?", inc.ID); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	got, err := db.IncidentByKey(rctx, "slack", "T1", inc.ID)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(rctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("the read waited for the writer: %v", err)
	}
	if err != nil || got.Title != inc.Title || got.Summary == "held" {
		t.Errorf("got %+v, %v; want the committed incident", got, err)
	}
}
