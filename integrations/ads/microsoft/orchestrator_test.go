package microsoft_test

import (
	"testing"

	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/microsoft"
	fake "incidentbot/internal/fake/microsoft"
)

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
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: fake.Active, Paused: fake.Paused,
		Serving: active, NotServing: map[string]string{before: fake.Paused, spent: fake.BudgetPaused},
		Status:    func(id string) string { cp, _ := srv.Campaign(acct, id); return cp.Status },
		SetStatus: func(id, status string) { srv.SetStatus(acct, id, status) },
		Updates:   func() int { return srv.Calls("update") },
	})
}
