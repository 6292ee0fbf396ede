package microsoft_test

import (
	"testing"

	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/microsoft"
	"incidentbot/internal/fake/fakemicrosoft"
)

func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const acct = "149876543"
	srv := fakemicrosoft.New(t)
	active := srv.AddCampaigns(acct, 150, fakemicrosoft.Active) // two UpdateCampaigns calls, Search and Shopping
	before := srv.AddCampaigns(acct, 1, fakemicrosoft.Paused)[0]
	spent := srv.AddCampaigns(acct, 1, fakemicrosoft.BudgetPaused)[0]
	c, err := microsoft.New(microsoft.Config{
		ClientID: fakemicrosoft.ClientID, ClientSecret: fakemicrosoft.ClientSecret, RefreshToken: fakemicrosoft.RefreshToken, DeveloperToken: fakemicrosoft.DeveloperToken,
		CustomerID: fakemicrosoft.CustomerID, AccountIDs: []string{acct}, APIURL: srv.URL(), TokenURL: srv.TokenURL(),
	}, srv.Client(), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: fakemicrosoft.Active, Paused: fakemicrosoft.Paused,
		Serving: active, NotServing: map[string]string{before: fakemicrosoft.Paused, spent: fakemicrosoft.BudgetPaused},
		Status:    func(id string) string { cp, _ := srv.Campaign(acct, id); return cp.Status },
		SetStatus: func(id, status string) { srv.SetStatus(acct, id, status) },
		Updates:   func() int { return srv.Calls("update") },
	})
}
