package store_test

import (
	"fmt"
	"slices"
	"testing"

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
