package meta_test

import (
	"testing"

	"incidentbot"
	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/meta"
	fake "incidentbot/internal/fake/meta"
)

func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const acct = "1234567890123456"
	srv := fake.New(t)
	active := srv.AddCampaigns(acct, 120, fake.Active) // three batches, two pages
	before := srv.AddCampaigns(acct, 1, fake.Paused)[0]
	c, err := meta.New(meta.Config{AccessToken: incidentbot.Secret(srv.Token()), AccountIDs: []string{"act_" + acct}, APIURL: srv.URL()}, srv.Client(), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: fake.Active, Paused: fake.Paused,
		Serving: active, NotServing: map[string]string{before: fake.Paused},
		Status:    func(id string) string { cp, _ := srv.Campaign(acct, id); return cp.Status },
		SetStatus: srv.SetStatus,
	})
}
