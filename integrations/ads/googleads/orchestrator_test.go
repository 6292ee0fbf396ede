package googleads_test

import (
	"testing"

	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/googleads"
	fake "incidentbot/internal/fake/googleads"
)

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
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: fake.Enabled, Paused: fake.Paused,
		Serving: active, NotServing: map[string]string{before: fake.Paused},
		Status:    func(id string) string { cp, _ := srv.Campaign(cust, id); return cp.Status },
		SetStatus: func(id, status string) { srv.SetStatus(cust, id, status) },
	})
}
