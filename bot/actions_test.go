package bot

import (
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
)

// A throttled pause is retried, and what each run did is on the timeline.
func TestPauseAdsThrottledIsRetriedAndRecorded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.google.FailNext(1, nil)
	inc := f.declare(incidentbot.DeclareRequest{Title: "Site down", Severity: incidentbot.SEV1, Type: "site-outage"})
	f.runAll(10 * time.Second)

	var adsEvents []string
	for _, ev := range f.timeline(inc) {
		if ev.Kind == incidentbot.EventAdsPaused {
			adsEvents = append(adsEvents, ev.Text)
		}
	}
	if len(adsEvents) != 2 {
		t.Fatalf("ads_paused events: got %q, want one for the throttled run and one for the retry", adsEvents)
	}
	if !strings.Contains(adsEvents[0], "failed") {
		t.Errorf("first ads event: got %q, want it to say the pause failed", adsEvents[0])
	}
	for _, id := range []string{"g1", "g2"} {
		c, _ := f.google.Campaign(incidentbot.CampaignKey{Platform: incidentbot.AdsGoogle, Account: "123", ID: id})
		if c.Status != incidentbot.CampaignPaused {
			t.Errorf("campaign %s: got %s, want paused after the retry", id, c.Status)
		}
	}
}
