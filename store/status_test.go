package store_test

import (
	"context"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestStatusSourceChangeMark: the mark moves with every declaration and
// every change that writes an event, and stays put otherwise.
func TestStatusSourceChangeMark(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mark := func() int64 {
			t.Helper()
			m, err := db.ChangeMark(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		m0 := mark()
		inc := newIncident("Checkout returns 504")
		if err := db.CreateIncident(ctx, inc, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}}}); err != nil {
			t.Fatal(err)
		}
		m1 := mark()
		if m1 <= m0 {
			t.Fatalf("declaring: mark %d -> %d, want it to grow", m0, m1)
		}
		if m := mark(); m != m1 {
			t.Fatalf("no change: mark %d -> %d, want it to stay", m1, m)
		}
		if _, err := db.UpdateIncident(ctx, inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Status = incidentbot.StatusResolved
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusChanged}}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		if m := mark(); m <= m1 {
			t.Fatalf("resolving: mark %d -> %d, want it to grow", m1, m)
		}
	})
}

// TestFindIncidentsSince: Since keeps the incidents declared at or after it.
func TestFindIncidentsSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i, age := range []time.Duration{100 * 24 * time.Hour, 90 * 24 * time.Hour, time.Hour} {
			inc := newIncident("incident " + string(rune('a'+i)))
			inc.DeclaredAt = t0.Add(-age)
			if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.FindIncidents(ctx, incidentbot.IncidentFilter{Since: t0.Add(-90 * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Title != "incident c" || got[1].Title != "incident b" {
			t.Errorf("got %d incidents %v, want incident c and b (the edge included)", len(got), got)
		}
	})
}
