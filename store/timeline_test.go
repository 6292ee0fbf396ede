package store_test

import (
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// TestCostLastEvent: the last event of a kind is the latest by time, then
// by id (two events of one microsecond), whatever follows it; a kind with
// no event gives nil. EventsOfKind lists one kind in timeline order.
func TestCostLastEvent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		inc := newIncident("Checkout down")
		if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
			t.Fatal(err)
		}
		if last, err := db.LastEvent(ctx, inc.ID, incidentbot.EventStatusUpdate); err != nil || last != nil {
			t.Fatalf("no update yet: got %v, %v; want nil", last, err)
		}
		update := func(d int, text string) incidentbot.TimelineEvent {
			return incidentbot.TimelineEvent{Kind: incidentbot.EventStatusUpdate, At: t0.Add(minutes(d)), Actor: alice, Text: text}
		}
		evs := []incidentbot.TimelineEvent{
			update(5, "later in time, stored first"),
			update(1, "early"),
			update(5, "same microsecond, stored last"),
		}
		for i := range 50 {
			evs = append(evs, incidentbot.TimelineEvent{Kind: incidentbot.EventNote, At: t0.Add(minutes(6 + i)), Text: fmt.Sprint("note ", i)})
		}
		if _, err := db.UpdateIncident(ctx, inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Events: evs}, nil
		}); err != nil {
			t.Fatal(err)
		}
		last, err := db.LastEvent(ctx, inc.ID, incidentbot.EventStatusUpdate)
		if err != nil || last == nil || last.Text != "same microsecond, stored last" || last.Actor != alice || !last.At.Equal(at(minutes(5))) {
			t.Errorf("got %+v, %v; want the update stored last at +5m", last, err)
		}
		ups, err := db.EventsOfKind(ctx, inc.ID, incidentbot.EventStatusUpdate)
		if err != nil || len(ups) != 3 || ups[0].Text != "early" || ups[2].Text != "same microsecond, stored last" {
			t.Errorf("got %d updates %v, %v; want the three in timeline order", len(ups), ups, err)
		}
		if last, err := db.LastEvent(ctx, inc.ID+1, incidentbot.EventStatusUpdate); err != nil || last != nil {
			t.Errorf("another incident: got %v, %v; want nil", last, err)
		}
	})
}
