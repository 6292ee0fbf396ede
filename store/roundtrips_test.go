package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
)

// TestWriteRoundTrips counts the round trips to Postgres of the writes on
// the commands' and the workers' paths, each paid while the transaction
// holds its connection and its locks. A declaration with its event,
// checklist and jobs was BEGIN, title check, insert, then one statement
// for the event, the checklist and the jobs each, COMMIT: 7, now 1 (one
// statement: the insert holds the title check, its rows follow it, and a
// lone statement needs no BEGIN nor COMMIT; with the person's limit
// counted, BEGIN, lock, prune, count and add, the statement, COMMIT: 11,
// now 5); an
// update with an event and jobs was BEGIN, lock, update, event, jobs,
// COMMIT: 6, now 4; a job's completion that changes the incident read the
// incident twice and wrote as the update did: 9, now 5.
func TestWriteRoundTrips(t *testing.T) {
	db, rt := storetest.PostgresRoundTrips(t, "")
	ctx := context.Background()
	count := func(name string, want int64, fn func() error) {
		t.Helper()
		before := rt.Count()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := rt.Count() - before; got != want {
			t.Errorf("%s: %d round trips, want %d", name, got, want)
		}
	}
	change := func(n int) incidentbot.Change {
		ch := incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: alice, Text: "note"}}}
		for i := range n {
			ch.Jobs = append(ch.Jobs, incidentbot.Job{Key: fmt.Sprintf("job-%d-%d", n, i), Kind: "post"})
			ch.Checklist = append(ch.Checklist, incidentbot.ChecklistEntry{Position: i + 1, Text: "check"})
		}
		return ch
	}
	inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Platform: "slack",
		Workspace: "T1", OriginChannel: "C1", DeclaredBy: alice, DeclaredAt: t0, Guarded: true}
	prepares := rt.Prepares()
	count("declare", 1, func() error { return db.CreateIncident(ctx, inc, change(5)) })
	// A connection prepares a statement the second time it runs it
	// (counted apart), then only binds and executes it: the first
	// declaration prepares nothing, the second its statements, the third
	// nothing again, each in the same round trips.
	if got := rt.Prepares() - prepares; got != 0 {
		t.Errorf("declare: prepared %d statements the first time, want none", got)
	}
	for i, want := range []bool{true, false} {
		again := *inc
		again.Title = fmt.Sprintf("Checkout returns 50%d", i)
		prepares = rt.Prepares()
		count("declare again", 1, func() error { return db.CreateIncident(ctx, &again, change(5)) })
		if got := rt.Prepares() - prepares; (got > 0) != want {
			t.Errorf("declare %d: prepared %d statements, want some: %v", i+2, got, want)
		}
	}
	limited := *inc
	limited.Title = "Search is slow"
	count("declare counted against the person's limit", 5, func() error {
		ch := change(5)
		ch.Limits = []incidentbot.RateLimit{{Scope: "declare/slack/T1/U1", Max: 5, Window: time.Minute}}
		return db.CreateIncident(ctx, &limited, ch)
	})
	count("update", 4, func() error {
		_, err := db.UpdateIncident(ctx, inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Summary = "cache"
			ch := change(2)
			ch.Checklist = nil
			return ch, nil
		})
		return err
	})
	jobs, err := db.ClaimJobs(ctx, "w1", time.Now().Add(time.Hour), time.Minute, 1)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %v %v", jobs, err)
	}
	count("complete a job with a change", 5, func() error {
		return db.CompleteJob(ctx, jobs[0], "w1", func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.WarRoom = "C2"
			return change(1), nil
		})
	})
	tl, err := db.Timeline(ctx, inc.ID)
	if err != nil || len(tl) != 3 {
		t.Errorf("timeline: got %d events (%v), want the 3 written", len(tl), err)
	}
	got, err := db.Incident(ctx, inc.ID)
	if err != nil || got.Summary != "cache" || got.WarRoom != "C2" {
		t.Errorf("incident: got %+v (%v), want the update's summary and the job's war room", got, err)
	}
}
