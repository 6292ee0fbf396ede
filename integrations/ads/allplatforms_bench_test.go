package ads_test

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/integrations/ads/microsoft"
	"incidentbot/integrations/ads/tiktok"
	"incidentbot/internal/fake/fakemicrosoft"
	"incidentbot/internal/fake/faketiktok"
	"incidentbot/internal/storetest"
)

// allPlatforms starts the four fakes with perAccount serving campaigns in
// each of two accounts per platform, fakeLatency per request, and returns
// real clients of them.
func allPlatforms(b *testing.B, perAccount int) []incidentbot.AdPlatform {
	b.Helper()
	ms := fakemicrosoft.New(b)
	msAccounts := []string{"149000001", "149000002"}
	for _, a := range msAccounts {
		ms.AddCampaigns(a, perAccount, fakemicrosoft.Active)
	}
	ms.SetLatency(fakeLatency)
	msc, err := microsoft.New(microsoft.Config{
		ClientID: fakemicrosoft.ClientID, ClientSecret: fakemicrosoft.ClientSecret, RefreshToken: fakemicrosoft.RefreshToken, DeveloperToken: fakemicrosoft.DeveloperToken,
		CustomerID: fakemicrosoft.CustomerID, AccountIDs: msAccounts, APIURL: ms.URL(), TokenURL: ms.TokenURL(),
	}, ms.Client(), nil)
	if err != nil {
		b.Fatalf("microsoft.New: %v", err)
	}

	tt := faketiktok.New(b)
	advertisers := []string{"7000000000000000001", "7000000000000000002"}
	for _, a := range advertisers {
		tt.AddCampaigns(a, perAccount, faketiktok.Enable)
	}
	tt.SetLatency(fakeLatency)
	tc, err := tiktok.New(tiktok.Config{AccessToken: incidentbot.Secret(tt.Token()), AdvertiserIDs: advertisers, APIURL: tt.URL()}, tt.Client(), nil)
	if err != nil {
		b.Fatalf("tiktok.New: %v", err)
	}
	return []incidentbot.AdPlatform{
		googleClient(b, []string{"1000000001", "1000000002"}, perAccount),
		metaClient(b, []string{"100000000000001", "100000000000002"}, perAccount),
		msc, tc,
	}
}

// BenchmarkAllPlatformsPauseResume pauses then resumes 1,000 campaigns,
// 250 on each of Google Ads, Meta, Microsoft Advertising and TikTok (two
// accounts each), with 100 ms per fake request, beside the honest
// baseline: one SetStatus (batch) per account, the accounts one after the
// other (batchPerAccount).
func BenchmarkAllPlatformsPauseResume(b *testing.B) {
	b.Run("orchestrated-1000", func(b *testing.B) {
		b.ReportAllocs()
		ps := allPlatforms(b, 125)
		db := storetest.SQLite(b)
		orc := ads.New(db, ps, incidentbot.SystemClock{}, slog.New(slog.DiscardHandler))
		var pause, resume time.Duration
		n := 0
		for b.Loop() {
			inc := &incidentbot.Incident{Title: fmt.Sprintf("Outage %d", n), Severity: incidentbot.SEV1, Platform: incidentbot.PlatformConsole}
			if err := db.CreateIncident(b.Context(), inc, incidentbot.Change{}); err != nil {
				b.Fatalf("CreateIncident: %v", err)
			}
			start := time.Now()
			rep, err := orc.Pause(b.Context(), inc, ads.Selection{})
			if err != nil || len(rep.Paused) != 1000 {
				b.Fatalf("Pause: %d paused, %v; want 1000", len(rep.Paused), err)
			}
			mid := time.Now()
			rep, err = orc.Resume(b.Context(), inc, nil)
			if err != nil || len(rep.Resumed) != 1000 {
				b.Fatalf("Resume: %d resumed, %v; want 1000", len(rep.Resumed), err)
			}
			pause, resume = pause+mid.Sub(start), resume+time.Since(mid)
			n++
		}
		b.ReportMetric(pause.Seconds()/float64(n), "pause-s")
		b.ReportMetric(resume.Seconds()/float64(n), "resume-s")
	})
	b.Run("baseline=batch-per-account-sequential", func(b *testing.B) { benchBaseline(b, allPlatforms(b, 125)) })
}
