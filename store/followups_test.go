package store_test

import (
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestFollowUpsStored: follow-ups are numbered from 1 in each incident,
// kept in both databases, marked done by number, and their ticket set by
// Change.Tickets only, so a save from an older read never erases it.
func TestFollowUpsStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		b := create(t, db, newIncident("Search slow"), incidentbot.Change{})
		add := func(inc *incidentbot.Incident, f incidentbot.FollowUp) {
			t.Helper()
			if _, err := db.UpdateIncident(ctx, inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
				return incidentbot.Change{FollowUps: []incidentbot.FollowUp{f}}, nil
			}); err != nil {
				t.Fatalf("add follow-up: %v", err)
			}
		}
		add(a, incidentbot.FollowUp{Text: "Alert on 5xx", Type: incidentbot.FollowUpDetect, Priority: 1, Owner: "@bruno", Due: "2026-12-12", CreatedBy: alice})
		add(b, incidentbot.FollowUp{Text: "Cache search", Type: incidentbot.FollowUpPrevent, Priority: 2})
		add(a, incidentbot.FollowUp{Text: "Runbook", Type: incidentbot.FollowUpProcess, Priority: 3})
		got, err := db.FollowUps(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Number != 1 || got[1].Number != 2 || got[0].Text != "Alert on 5xx" || got[0].Owner != "@bruno" ||
			got[0].Due != "2026-12-12" || got[0].CreatedBy != alice || got[1].Type != incidentbot.FollowUpProcess {
			t.Fatalf("got %+v, want Alert on 5xx (1) and Runbook (2)", got)
		}
		done := got[1]
		at := incidentbot.StoredTime(t0.Add(time.Hour))
		if _, err := db.UpdateIncident(ctx, a.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Tickets: []incidentbot.FollowUpTicket{{Number: 2, Ticket: "https://tracker/1"}}}, nil
		}); err != nil {
			t.Fatalf("set ticket: %v", err)
		}
		// done was read before the ticket was filed: its save keeps the ticket.
		done.DoneBy, done.DoneAt = alice, &at
		add(a, done)
		got, _ = db.FollowUps(ctx, a.ID)
		if len(got) != 2 || got[1].DoneAt == nil || !got[1].DoneAt.Equal(at) || got[1].DoneBy != alice || got[1].Ticket != "https://tracker/1" || got[0].DoneAt != nil {
			t.Fatalf("after done: got %+v", got)
		}
		if other, _ := db.FollowUps(ctx, b.ID); len(other) != 1 || other[0].Number != 1 {
			t.Fatalf("the other incident's follow-ups: got %+v, want its own number 1", other)
		}
	})
}
