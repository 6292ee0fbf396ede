package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// declareAtOnce runs n declarations of the same request in one channel at
// the same moment, each from its own person with its own context, and
// returns what each got.
func declareAtOnce(f *fixture, n int, req func(i int) incidentbot.DeclareRequest, ctx func(i int) context.Context) ([]*incidentbot.Incident, []error) {
	incs := make([]*incidentbot.Incident, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			who := incidentbot.User{ID: fmt.Sprintf("U%02d", i), Name: fmt.Sprintf("person%d", i)}
			incs[i], errs[i] = f.eng.Declare(ctx(i), actor(who, console.GeneralChannelID), req(i))
		})
	}
	close(start)
	wg.Wait()
	return incs, errs
}

func (f *fixture) count() int {
	f.t.Helper()
	incs, err := f.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(incs)
}

// TestDedupeConcurrentDeclares: the same title declared in one channel by
// eight people at once (spelt with other case and spaces) opens exactly
// one incident; every other declarer gets the offer to join it, not an
// error, and nothing of theirs is written.
func TestDedupeConcurrentDeclares(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		titles := []string{"Checkout returns 504", "checkout  returns 504", "CHECKOUT RETURNS 504"}
		const n = 8
		incs, errs := declareAtOnce(f, n, func(i int) incidentbot.DeclareRequest {
			return incidentbot.DeclareRequest{Title: titles[i%len(titles)], Severity: incidentbot.SEV2}
		}, func(int) context.Context { return context.Background() })
		var winner *incidentbot.Incident
		for i, inc := range incs {
			if errs[i] == nil {
				if winner != nil {
					t.Fatalf("two declarations won: %s and %s", winner.Key, inc.Key)
				}
				winner = inc
			}
		}
		if winner == nil {
			t.Fatalf("no declaration won: %v", errs)
		}
		for i, err := range errs {
			if err == nil {
				continue
			}
			var dup *incidentbot.DuplicateError
			if !errors.As(err, &dup) || dup.Repeat || incidentbot.ErrorCode(err) != incidentbot.ECONFLICT {
				t.Errorf("declarer %d: got %v (%s), want the offer to join", i, err, incidentbot.ErrorCode(err))
				continue
			}
			if dup.Existing.ID != winner.ID {
				t.Errorf("declarer %d: offered %s, want %s", i, dup.Existing.Key, winner.Key)
			}
			if want := winner.Key + " is already open"; !strings.Contains(incidentbot.ErrorMessage(err), want) {
				t.Errorf("declarer %d: got message %q, want it to say %q", i, incidentbot.ErrorMessage(err), want)
			}
		}
		if got := f.count(); got != 1 {
			t.Fatalf("got %d incidents, want 1", got)
		}
		if got := len(f.jobs(winner)); got == 0 {
			t.Fatalf("the winner has no jobs")
		}
	})
}

// TestDedupeForceBypassesGuard: --force declares anyway, at once too, and
// a forced incident holds no title: a later plain declaration still meets
// only the guarded one.
func TestDedupeForceBypassesGuard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := f.declare(incidentbot.DeclareRequest{Title: "Search is slow", Severity: incidentbot.SEV3})
		const n = 6
		_, errs := declareAtOnce(f, n, func(int) incidentbot.DeclareRequest {
			return incidentbot.DeclareRequest{Title: "Search is slow", Severity: incidentbot.SEV3, Force: true}
		}, func(int) context.Context { return context.Background() })
		for i, err := range errs {
			if err != nil {
				t.Errorf("forced declarer %d: %v", i, err)
			}
		}
		if got := f.count(); got != n+1 {
			t.Fatalf("got %d incidents, want %d", got, n+1)
		}
		_, err := f.eng.Declare(context.Background(), actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "search is slow"})
		var dup *incidentbot.DuplicateError
		if !errors.As(err, &dup) || dup.Existing.ID != first.ID {
			t.Fatalf("plain declaration after forced ones: got %v, want the offer to join %s", err, first.Key)
		}
	})
}

// TestDedupeResolveFreesTitle: once the incident is resolved its title is
// free again in its channel; another channel never shared it.
func TestDedupeResolveFreesTitle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		first := f.declare(incidentbot.DeclareRequest{Title: "Payments fail", Severity: incidentbot.SEV2})
		if _, err := f.eng.Declare(ctx, actor(bob, "C_OTHER"), incidentbot.DeclareRequest{Title: "Payments fail"}); err != nil {
			t.Fatalf("same title in another channel: %v", err)
		}
		if _, err := f.eng.SetStatus(ctx, actor(alice, console.GeneralChannelID), first.Key, incidentbot.StatusResolved, "fixed"); err != nil {
			t.Fatalf("resolve: %v", err)
		}
		if f.reload(first).Guarded {
			t.Errorf("%s still guards its title after resolve", first.Key)
		}
		again, err := f.eng.Declare(ctx, actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Payments fail"})
		if err != nil {
			t.Fatalf("declare after resolve: %v", err)
		}
		if !f.reload(again).Guarded {
			t.Errorf("%s does not guard its title", again.Key)
		}
	})
}

// TestDedupeRepeatedDelivery: one request delivered four times at once
// (the same trigger id, to several replicas) opens one incident, forced
// or not; every delivery is answered with that incident, as a repeat.
func TestDedupeRepeatedDelivery(t *testing.T) {
	t.Parallel()
	for _, force := range []bool{false, true} {
		t.Run(fmt.Sprintf("force=%v", force), func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				const n = 4
				incs, errs := declareAtOnce(f, n, func(int) incidentbot.DeclareRequest {
					return incidentbot.DeclareRequest{Title: "Cart is empty", Force: force}
				}, func(int) context.Context {
					return incidentbot.WithDelivery(context.Background(), incidentbot.Delivery{Source: "slack-trigger", ID: "13345224609.738474920.8088930838d88f008e0"})
				})
				if got := f.count(); got != 1 {
					t.Fatalf("got %d incidents, want 1", got)
				}
				var id int64
				for i := range n {
					if errs[i] == nil {
						id = incs[i].ID
					}
				}
				for i, err := range errs {
					if err == nil {
						continue
					}
					var dup *incidentbot.DuplicateError
					if !errors.As(err, &dup) || !dup.Repeat || dup.Existing.ID != id {
						t.Errorf("delivery %d: got %v, want a repeat of INC-%d", i, err, id)
					}
				}
			})
		})
	}
}
