package store_test

import (
	"context"
	"testing"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestWarm: on Postgres, Warm leaves the connections a burst would open
// idle in the pools, so its first answers open none; SQLite's pools stay
// as they are.
func TestWarm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Warm(context.Background()); err != nil {
			t.Fatalf("Warm: %v", err)
		}
		want := map[string]int{"postgres": 8, "postgres-claims": 4, "sqlite-writer": 1, "sqlite-readers": 1}
		for name, pool := range db.Pools() {
			if got := pool.Stats().Idle; got != want[name] {
				t.Errorf("%s: %d idle connections after Warm, want %d", name, got, want[name])
			}
		}
	})
}
