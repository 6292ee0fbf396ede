package store_test

import (
	"fmt"
	"slices"
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

// TestCostListIncidents: /incident list reads one page of the caller's
// workspace, open incidents first, newest first, and counts the rest;
// --all adds resolved and closed ones after the open ones.
func TestCostListIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		mk := func(i int, workspace string, status incidentbot.Status) *incidentbot.Incident {
			inc := newIncident(fmt.Sprint("Outage ", i))
			inc.Workspace, inc.Status, inc.DeclaredAt = workspace, status, t0.Add(minutes(i))
			if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
				t.Fatal(err)
			}
			return inc
		}
		var open, done []*incidentbot.Incident
		for i := range 25 {
			open = append(open, mk(i, "T1", []incidentbot.Status{incidentbot.StatusInvestigating, incidentbot.StatusMitigated}[i%2]))
		}
		for i := 25; i < 30; i++ {
			done = append(done, mk(i, "T1", []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed}[i%2]))
		}
		mk(99, "T2", incidentbot.StatusInvestigating)
		keys := func(incs []*incidentbot.Incident) []string {
			var out []string
			for _, inc := range incs {
				out = append(out, inc.Key)
			}
			return out
		}
		newestFirst := func(incs []*incidentbot.Incident) []string {
			k := keys(incs)
			slices.Reverse(k)
			return k
		}
		for _, tc := range []struct {
			name          string
			all           bool
			offset, limit int
			want          []string
			total         int
		}{
			{"open, first page", false, 0, 20, newestFirst(open)[:20], 25},
			{"open, second page", false, 20, 20, newestFirst(open)[20:], 25},
			{"open, past the end", false, 40, 20, nil, 25},
			{"all, first page", true, 0, 20, newestFirst(open)[:20], 30},
			{"all, second page: open ones, then the others", true, 20, 20, append(newestFirst(open)[20:], newestFirst(done)...), 30},
		} {
			got, total, err := db.ListIncidents(ctx, incidentbot.PlatformSlack, "T1", tc.all, tc.offset, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(keys(got), tc.want) || total != tc.total {
				t.Errorf("%s: got %v of %d, want %v of %d", tc.name, keys(got), total, tc.want, tc.total)
			}
		}
		if got, total, err := db.ListIncidents(ctx, incidentbot.PlatformSlack, "", true, 0, 20); err != nil || len(got) != 0 || total != 0 {
			t.Errorf("no workspace: got %d of %d, %v; want nothing", len(got), total, err)
		}
	})
}
