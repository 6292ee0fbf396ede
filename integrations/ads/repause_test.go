package ads_test

import (
	"testing"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestAdsRepauseAfterCrash: a pause run crashed after its calls and before
// recording their results, so its intents are still pausing when the
// re-run comes. The platform tells, per account, whether the calls got
// through: where they did, a campaign serving again was enabled by hand in
// between and is left alone, reported, and never paused again by a later
// run; where they did not, the intents are carried out (no lost pause).
func TestAdsRepauseAfterCrash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		inc := f.incident(t, false)
		for _, id := range allServing {
			f.save(t, inc, id, incidentbot.PausePausing)
		}
		// The calls reached Google's account 1111111111 and Meta's act_1,
		// not Google's 2222222222; then people enabled g1 and m1 again.
		for _, id := range []string{"g1", "g3", "m1", "m2"} {
			f.setByHand(id, paused)
		}
		f.setByHand("g1", active)
		f.setByHand("m1", active)

		rep, err := f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause again: %v", err)
		}
		wantReport(t, rep, []string{"g2", "g3", "m2"}, nil, []string{"g1", "m1"}, nil, nil)
		wantErrors(t, rep, map[string]string{
			"g1": "enabled by hand while the pause was under way (now ACTIVE): left alone; pause it on googleads if it must stop",
			"m1": "enabled by hand while the pause was under way (now ACTIVE): left alone; pause it on meta if it must stop",
		})
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g2": paused, "g3": paused, "m2": paused})
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PauseFailed, "g2": incidentbot.PausePaused, "g3": incidentbot.PausePaused,
			"m1": incidentbot.PauseFailed, "m2": incidentbot.PausePaused,
		})

		// A later run (a retry, another ads pause) leaves them alone too.
		calls := f.calls()
		rep, err = f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause a third time: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		if got := f.calls() - calls; got != 2 {
			t.Errorf("third Pause: got %d API calls, want 2 (lists only)", got)
		}
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g2": paused, "g3": paused, "m2": paused})

		// Resume restores exactly what the bot paused.
		rep, err = f.orc.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, []string{"g2", "g3", "m2"}, nil)
		f.wantStatuses(t, nil)
	})
}

// TestAdsRepauseCrashBetweenBatches: the crash came between two batches of
// one account: the campaigns after the last one paused may never have been
// sent, so the re-run pauses them rather than take them for hand changes.
func TestAdsRepauseCrashBetweenBatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := f.incident(t, false)
		f.save(t, inc, "m1", incidentbot.PausePausing)
		f.save(t, inc, "m2", incidentbot.PausePausing)
		f.setByHand("m1", paused) // the first batch went through, the second never went out

		rep, err := f.orc.Pause(t.Context(), inc, ads.Selection{Platforms: []string{"meta"}})
		if err != nil {
			t.Fatalf("Pause again: %v", err)
		}
		wantReport(t, rep, []string{"m1", "m2"}, nil, nil, nil, nil)
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"m1": paused, "m2": paused})
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{"m1": incidentbot.PausePaused, "m2": incidentbot.PausePaused})
	})
}
