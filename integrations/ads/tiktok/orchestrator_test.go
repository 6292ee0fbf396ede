package tiktok_test

import (
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/integrations/ads/tiktok"
	fake "incidentbot/internal/fake/tiktok"
	"incidentbot/internal/storetest"
)

// TestOrchestrator runs the exact-set pause and resume over the real
// client and the fake: the fake's final state is what counts.
func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const adv = "7012345678901234567"
	srv := fake.New(t)
	active := srv.AddCampaigns(adv, 45, fake.Enable) // three status updates
	before := srv.AddCampaigns(adv, 1, fake.Disable)[0]
	c, err := tiktok.New(tiktok.Config{AccessToken: incidentbot.Secret(srv.Token()), AdvertiserIDs: []string{adv}, APIURL: srv.URL()}, srv.Client(), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	db := storetest.SQLite(t)
	orc := ads.New(db, []incidentbot.AdPlatform{c}, incidentbot.ClockFunc(func() time.Time { return time.Now().UTC() }), slog.New(slog.DiscardHandler))

	for _, drill := range []bool{true, false} {
		inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Drill: drill, Platform: incidentbot.PlatformConsole}
		if err := db.CreateIncident(t.Context(), inc, incidentbot.Change{}); err != nil {
			t.Fatalf("CreateIncident: %v", err)
		}
		rep, err := orc.Pause(t.Context(), inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause (drill %v): %v", drill, err)
		}
		if len(rep.Paused) != len(active) {
			t.Errorf("drill %v: got %d paused in the report, want %d", drill, len(rep.Paused), len(active))
		}
		wantPaused := map[bool]string{true: fake.Enable, false: fake.Disable}[drill]
		for _, id := range active {
			if got, _ := srv.Campaign(adv, id); got.OperationStatus != wantPaused {
				t.Errorf("drill %v, after pause: campaign %s got %s, want %s", drill, id, got.OperationStatus, wantPaused)
			}
		}
		if drill {
			if n := srv.Calls("update"); n != 0 {
				t.Errorf("drill: got %d status updates, want 0", n)
			}
			continue
		}
		srv.SetStatus(adv, active[0], fake.Enable) // re-enabled by hand: left alone and reported
		rep, err = orc.Resume(t.Context(), inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		if len(rep.Resumed) != len(active)-1 || len(rep.LeftPaused) != 1 {
			t.Errorf("got %d resumed and %d left alone, want %d and 1", len(rep.Resumed), len(rep.LeftPaused), len(active)-1)
		}
		for _, id := range active {
			if got, _ := srv.Campaign(adv, id); got.OperationStatus != fake.Enable {
				t.Errorf("after resume: campaign %s got %s, want ENABLE", id, got.OperationStatus)
			}
		}
		if got, _ := srv.Campaign(adv, before); got.OperationStatus != fake.Disable {
			t.Errorf("campaign paused before the incident: got %s, want DISABLE", got.OperationStatus)
		}
	}
}
