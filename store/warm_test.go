package store_test

import (
	"context"
	"testing"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestWarm: on Postgres, Warm leaves every connection the pools may hold
// open and idle (SetMaxConns sizing the main one), so a burst's first
// answers open none; SQLite's pools stay as they are.
func TestWarm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.SetMaxConns(6)
		if err := db.Warm(context.Background()); err != nil {
			t.Fatalf("Warm: %v", err)
		}
		want := map[string]int{"postgres": 6, "postgres-claims": 4, "sqlite-writer": 1, "sqlite-readers": 1}
		for name, pool := range db.Pools() {
			if got := pool.Stats().Idle; got != want[name] {
				t.Errorf("%s: %d idle connections after Warm, want %d", name, got, want[name])
			}
		}
	})
}
