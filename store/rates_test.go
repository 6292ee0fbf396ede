package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

func rateLimited(err error) *incidentbot.RateLimitError {
	var rl *incidentbot.RateLimitError
	if errors.As(err, &rl) && incidentbot.ErrorCode(err) == incidentbot.EFORBIDDEN {
		return rl
	}
	return nil
}

// TestDeclareRateLimitStore: the limit counts incidents in a sliding
// window; a refused one writes nothing, not even its id; another scope and
// a later time are not limited.
func TestDeclareRateLimitStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		limit := incidentbot.RateLimit{Scope: "declare/slack/T1/U1", Max: 3, Window: time.Minute}
		declare := func(title string, d time.Duration, l incidentbot.RateLimit) (*incidentbot.Incident, error) {
			inc := newIncident(title)
			inc.DeclaredAt = t0.Add(d)
			return inc, db.CreateIncident(t.Context(), inc, incidentbot.Change{
				Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}},
				Limits: []incidentbot.RateLimit{l},
			})
		}
		for i, d := range []time.Duration{0, 10 * time.Second, 20 * time.Second} {
			if _, err := declare(fmt.Sprint("ok ", i), d, limit); err != nil {
				t.Fatalf("declare %d: %v", i, err)
			}
		}
		_, err := declare("fourth", 30*time.Second, limit)
		rl := rateLimited(err)
		if rl == nil || rl.Limit != limit || rl.Wait != 30*time.Second {
			t.Fatalf("fourth: got %v, want a *RateLimitError waiting 30s", err)
		}
		all, err := db.FindIncidents(t.Context(), incidentbot.IncidentFilter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("got %d incidents (%v), want 3", len(all), err)
		}
		if _, err := declare("other person", 30*time.Second, incidentbot.RateLimit{Scope: "declare/slack/T1/U2", Max: 3, Window: time.Minute}); err != nil {
			t.Errorf("another scope: %v", err)
		}
		// The first count leaves the window at t0+1m: one more fits, not two.
		inc, err := declare("a minute later", time.Minute, limit)
		if err != nil {
			t.Fatalf("a minute later: %v", err)
		}
		if inc.Key != "INC-5" {
			t.Errorf("got %s, want INC-5: a refused declaration must not use up a key", inc.Key)
		}
		if _, err := declare("and another", time.Minute+time.Second, limit); rateLimited(err) == nil {
			t.Errorf("second after the window moved: got %v, want refused", err)
		}
	})
}

// TestDeclareRateLimitConcurrent: replicas counting at once never exceed the limit.
func TestDeclareRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n, limit = 12, 5
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = db.CreateIncident(t.Context(), newIncident(fmt.Sprint("burst ", i)), incidentbot.Change{
					Limits: []incidentbot.RateLimit{{Scope: "alerts", Max: limit, Window: time.Minute}},
				})
			})
		}
		wg.Wait()
		created := 0
		for i, err := range errs {
			switch {
			case err == nil:
				created++
			case rateLimited(err) == nil:
				t.Errorf("create %d: got %v, want nil or a *RateLimitError", i, err)
			}
		}
		if created != limit {
			t.Errorf("got %d incidents, want %d", created, limit)
		}
	})
}

// TestRateLimitUpdate: UpdateIncident counts too, and a refusal writes nothing.
func TestRateLimitUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return t0 }))
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		note := func() error {
			_, err := db.UpdateIncident(t.Context(), inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
				inc.Summary = "changed"
				return incidentbot.Change{
					Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote}},
					Limits: []incidentbot.RateLimit{{Scope: "verify/" + inc.Key, Max: 1, Window: time.Minute}},
				}, nil
			})
			return err
		}
		if err := note(); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateIncident(t.Context(), inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Summary = ""
			return incidentbot.Change{}, nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := note(); rateLimited(err) == nil {
			t.Fatalf("second: got %v, want refused", err)
		}
		got, _ := db.Incident(t.Context(), inc.ID)
		events, _ := db.Timeline(t.Context(), inc.ID)
		if got.Summary != "" || len(events) != 1 {
			t.Errorf("got summary %q and %d events, want the refused change unwritten", got.Summary, len(events))
		}
	})
}

// TestRateLimitPrune: PruneDeliveries forgets the counts of idle scopes.
func TestRateLimitPrune(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		limit := incidentbot.RateLimit{Scope: "declare/x", Max: 1, Window: 365 * 24 * time.Hour}
		if err := db.CreateIncident(t.Context(), newIncident("one"), incidentbot.Change{Limits: []incidentbot.RateLimit{limit}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PruneDeliveries(t.Context(), t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateIncident(t.Context(), newIncident("two"), incidentbot.Change{Limits: []incidentbot.RateLimit{limit}}); err != nil {
			t.Errorf("after the prune: %v, want the count forgotten", err)
		}
	})
}
