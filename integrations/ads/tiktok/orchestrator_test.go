package tiktok_test

import (
	"testing"

	"incidentbot"
	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/tiktok"
	"incidentbot/internal/fake/faketiktok"
)

func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const adv = "7012345678901234567"
	srv := faketiktok.New(t)
	active := srv.AddCampaigns(adv, 45, faketiktok.Enable) // three status updates
	before := srv.AddCampaigns(adv, 1, faketiktok.Disable)[0]
	c, err := tiktok.New(tiktok.Config{AccessToken: incidentbot.Secret(srv.Token()), AdvertiserIDs: []string{adv}, APIURL: srv.URL()}, srv.Client(), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: faketiktok.Enable, Paused: faketiktok.Disable,
		Serving: active, NotServing: map[string]string{before: faketiktok.Disable},
		Status:    func(id string) string { cp, _ := srv.Campaign(adv, id); return cp.OperationStatus },
		SetStatus: func(id, status string) { srv.SetStatus(adv, id, status) },
		Updates:   func() int { return srv.Calls("update") },
	})
}
