package ads_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/internal/fake/memads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// lostAnswer is a platform that carries out every status change and then
// loses the answer, as a call timing out after the platform applied it.
type lostAnswer struct {
	*memads.Platform
	lose bool
}

func (p *lostAnswer) SetStatus(ctx context.Context, cs []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	res, err := p.Platform.SetStatus(ctx, cs, to, opts)
	if err != nil || !p.lose {
		return res, err
	}
	return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE,
		fmt.Errorf("post mutate: %w", context.DeadlineExceeded), "%s did not answer in time; the bot will retry.", p.Name())
}

// TestLostAnswer: a pause or resume that went through while its answer was
// lost is read back, never recorded as failed. Recorded as failed, the
// paused campaigns would never be resumed.
func TestLostAnswer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		meta := &lostAnswer{Platform: f.meta, lose: true}
		orc := ads.New(db, []incidentbot.AdPlatform{f.google, meta}, incidentbot.ClockFunc(func() time.Time { return t0 }), nil)
		inc := f.incident(t, false)

		_, err := orc.Pause(t.Context(), inc, ads.Selection{})
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("Pause: got %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused, "g3": paused, "m1": paused, "m2": paused})
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PausePaused, "g2": incidentbot.PausePaused, "g3": incidentbot.PausePaused,
			"m1": incidentbot.PausePausing, "m2": incidentbot.PausePausing,
		})

		// The resume's own answer is lost too: the campaigns are active
		// again, and the next run records them resumed, not "changed by hand".
		rep, err := orc.Resume(t.Context(), inc, nil)
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("Resume: got %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		wantReport(t, rep, nil, nil, []string{"m1", "m2"}, []string{"g1", "g2", "g3"}, nil)
		f.wantStatuses(t, nil)
		meta.lose = false
		rep, err = orc.Resume(t.Context(), inc, nil)
		if err != nil {
			t.Fatalf("second Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, []string{"m1", "m2"}, nil)
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PauseResumed, "g2": incidentbot.PauseResumed, "g3": incidentbot.PauseResumed,
			"m1": incidentbot.PauseResumed, "m2": incidentbot.PauseResumed,
		})
	})
}
