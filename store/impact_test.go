package store_test

import (
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestImpactStoredRoundTrip: the impact start and the share of sales lost
// are kept, and unset reads back as unset (the playbook's share, the
// detection time).
func TestImpactStoredRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := create(t, db, newIncident("Checkout slow"), incidentbot.Change{})
		if inc.ImpactStartedAt != nil || inc.RevenueShare != nil {
			t.Fatalf("new incident: got impact start %v, share %v; want both unset", inc.ImpactStartedAt, inc.RevenueShare)
		}
		start, share := incidentbot.StoredTime(t0.Add(-70*time.Minute)), 0.3
		if _, err := db.UpdateIncident(t.Context(), inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.ImpactStartedAt, inc.RevenueShare = &start, &share
			return incidentbot.Change{}, nil
		}); err != nil {
			t.Fatalf("UpdateIncident: %v", err)
		}
		got, err := db.Incident(t.Context(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ImpactStartedAt == nil || !got.ImpactStartedAt.Equal(start) || got.RevenueShare == nil || *got.RevenueShare != share {
			t.Errorf("got impact start %v, share %v; want %v, %v", got.ImpactStartedAt, got.RevenueShare, start, share)
		}
		if !got.ImpactStart().Equal(start) {
			t.Errorf("ImpactStart: got %v, want %v", got.ImpactStart(), start)
		}
	})
}
