package googleads_test

import (
	"testing"

	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/googleads"
	"incidentbot/internal/fake/fakegoogleads"
)

func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const cust = "1234567890"
	srv := fakegoogleads.New(t, fakegoogleads.WithPageSize(3))
	active := srv.AddCampaigns(cust, 5, fakegoogleads.Enabled)
	before := srv.AddCampaigns(cust, 1, fakegoogleads.Paused)[0]
	c, err := googleads.New(googleads.Config{
		ClientID: fakegoogleads.ClientID, ClientSecret: fakegoogleads.ClientSecret, RefreshToken: fakegoogleads.RefreshToken, DeveloperToken: fakegoogleads.DeveloperToken,
		CustomerIDs: []string{cust}, APIURL: srv.URL(), TokenURL: srv.TokenURL(),
	}, srv.Client(), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: fakegoogleads.Enabled, Paused: fakegoogleads.Paused,
		Serving: active, NotServing: map[string]string{before: fakegoogleads.Paused},
		Status:    func(id string) string { cp, _ := srv.Campaign(cust, id); return cp.Status },
		SetStatus: func(id, status string) { srv.SetStatus(cust, id, status) },
	})
}
