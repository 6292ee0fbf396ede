package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestClaimDeliveries: a batch claim answers each id as one claim would,
// an id repeated in the batch is first once, and batches larger than one
// statement hold.
func TestClaimDeliveries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if first, err := db.ClaimDelivery(t.Context(), "am", "b", t0); err != nil || !first {
			t.Fatalf("claim b: %v %v", first, err)
		}
		got, err := db.ClaimDeliveries(t.Context(), "am", []string{"a", "b", "c", "a"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{true, false, true, false}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got, err := db.ClaimDeliveries(t.Context(), "other", []string{"a"}, t0); err != nil || !got[0] {
			t.Errorf("another source: got %v %v, want first", got, err)
		}
		many := make([]string, 2500)
		for i := range many {
			many[i] = fmt.Sprint("m", i)
		}
		many[2400] = "c" // claimed above
		got, err = db.ClaimDeliveries(t.Context(), "am", many, t0)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(slices.DeleteFunc(slices.Clone(got), func(b bool) bool { return !b })); n != 2499 || got[2400] {
			t.Errorf("got %d first, c first %v; want 2499, and c not first", n, got[2400])
		}
		if _, err := db.ClaimDeliveries(t.Context(), "am", []string{"x", ""}, t0); err == nil {
			t.Errorf("an empty id: got no error")
		}
	})
}

// TestClaimRequest: a request's replay record is a claim like any other
// (first once, then a repeat, whichever method asks), and on Postgres its
// commit does not wait for the WAL flush while every other write's does:
// an acknowledgement waits for one flush (its own transaction's), not two.
func TestClaimRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
		for i, want := range []bool{true, false} {
			first, err := db.ClaimRequest(ctx, "slack-request", "abc", now)
			if err != nil || first != want {
				t.Fatalf("claim %d: got %v, %v; want %v", i+1, first, err, want)
			}
		}
		if first, err := db.ClaimDelivery(ctx, "slack-request", "abc", now); err != nil || first {
			t.Errorf("the same request through ClaimDelivery: got %v, %v; want a repeat", first, err)
		}
		if db.Dialect() != store.Postgres {
			return
		}
		for pool, want := range map[string]string{"postgres": "on", "postgres-claims": "off"} {
			var got string
			if err := db.Pools()[pool].QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&got); err != nil || got != want {
				t.Errorf("%s pool: synchronous_commit %q (%v), want %q", pool, got, err, want)
			}
		}
	})
}
