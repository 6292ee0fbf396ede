package googleads_test

import (
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/integrations/ads/googleads"
	fake "incidentbot/internal/fake/googleads"
	"incidentbot/internal/storetest"
)

// TestOrchestrator runs the exact-set pause and resume over the real
// client and the fake: the fake's final state is what counts.
func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const cust = "1234567890"
	srv := fake.New(t, fake.WithPageSize(3))
	active := srv.AddCampaigns(cust, 5, fake.Enabled)
	before := srv.AddCampaigns(cust, 1, fake.Paused)[0]
	c, err := googleads.New(googleads.Config{
		ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, RefreshToken: fake.RefreshToken, DeveloperToken: fake.DeveloperToken,
		CustomerIDs: []string{cust}, APIURL: srv.URL(), TokenURL: srv.TokenURL(),
	}, srv.Client(), nil)
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
		wantPaused := map[bool]string{true: fake.Enabled, false: fake.Paused}[drill]
		for _, id := range active {
			if got, _ := srv.Campaign(cust, id); got.Status != wantPaused {
				t.Errorf("drill %v, after pause: campaign %s got %s, want %s", drill, id, got.Status, wantPaused)
			}
		}
		if drill {
			continue
		}
		srv.SetStatus(cust, active[0], fake.Enabled) // someone resumes one by hand
		srv.SetStatus(cust, active[0], fake.Paused)  // and pauses it again: still ours
		if _, err := orc.Resume(t.Context(), inc, nil); err != nil {
			t.Fatalf("Resume: %v", err)
		}
		for _, id := range active {
			if got, _ := srv.Campaign(cust, id); got.Status != fake.Enabled {
				t.Errorf("after resume: campaign %s got %s, want ENABLED", id, got.Status)
			}
		}
		if got, _ := srv.Campaign(cust, before); got.Status != fake.Paused {
			t.Errorf("campaign paused before the incident: got %s, want PAUSED", got.Status)
		}
	}
}
