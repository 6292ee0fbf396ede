package meta_test

import (
	"testing"

	"incidentbot"
	"incidentbot/integrations/ads/adstest"
	"incidentbot/integrations/ads/meta"
	"incidentbot/internal/fake/fakemeta"
)

func TestOrchestrator(t *testing.T) {
	t.Parallel()
	const acct = "1234567890123456"
	srv := fakemeta.New(t)
	active := srv.AddCampaigns(acct, 120, fakemeta.Active) // three batches, two pages
	before := srv.AddCampaigns(acct, 1, fakemeta.Paused)[0]
	c, err := meta.New(meta.Config{AccessToken: incidentbot.Secret(srv.Token()), AccountIDs: []string{"act_" + acct}, APIURL: srv.URL()}, srv.Client(), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	adstest.Orchestrator(t, adstest.Platform{
		Client: c, Active: fakemeta.Active, Paused: fakemeta.Paused,
		Serving: active, NotServing: map[string]string{before: fakemeta.Paused},
		Status:    func(id string) string { cp, _ := srv.Campaign(acct, id); return cp.Status },
		SetStatus: srv.SetStatus,
	})
}
