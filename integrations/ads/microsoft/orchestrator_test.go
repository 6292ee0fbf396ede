package microsoft_test

import (
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/integrations/ads/microsoft"
	fake "incidentbot/internal/fake/microsoft"
	"incidentbot/internal/storetest"
)

// TestOrchestrator runs the exact-set pause and resume over the real
// client and the fake: the fake's final state is what counts.
func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const acct = "149876543"
	srv := fake.New(t)
	active := srv.AddCampaigns(acct, 150, fake.Active) // two UpdateCampaigns calls, Search and Shopping
	before := srv.AddCampaigns(acct, 1, fake.Paused)[0]
	spent := srv.AddCampaigns(acct, 1, fake.BudgetPaused)[0]
	c, err := microsoft.New(microsoft.Config{
		ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, RefreshToken: fake.RefreshToken, DeveloperToken: fake.DeveloperToken,
		CustomerID: fake.CustomerID, AccountIDs: []string{acct}, APIURL: srv.URL(), TokenURL: srv.TokenURL(),
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
		wantPaused := map[bool]string{true: fake.Active, false: fake.Paused}[drill]
		for _, id := range active {
			if got, _ := srv.Campaign(acct, id); got.Status != wantPaused {
				t.Errorf("drill %v, after pause: campaign %s got %s, want %s", drill, id, got.Status, wantPaused)
			}
		}
		if drill {
			if n := srv.Calls("update"); n != 0 {
				t.Errorf("drill: got %d UpdateCampaigns calls, want 0", n)
			}
			continue
		}
		srv.SetStatus(acct, active[0], fake.Active) // re-enabled by hand: left alone and reported
		rep, err = orc.Resume(t.Context(), inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		if len(rep.Resumed) != len(active)-1 || len(rep.LeftPaused) != 1 {
			t.Errorf("got %d resumed and %d left alone, want %d and 1", len(rep.Resumed), len(rep.LeftPaused), len(active)-1)
		}
		for _, id := range active {
			if got, _ := srv.Campaign(acct, id); got.Status != fake.Active {
				t.Errorf("after resume: campaign %s got %s, want Active", id, got.Status)
			}
		}
		for id, want := range map[string]string{before: fake.Paused, spent: fake.BudgetPaused} {
			if got, _ := srv.Campaign(acct, id); got.Status != want {
				t.Errorf("campaign not serving before the incident %s: got %s, want %s", id, got.Status, want)
			}
		}
	}
}
