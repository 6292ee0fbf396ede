package ads_test

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/integrations/ads/googleads"
	"incidentbot/integrations/ads/meta"
	"incidentbot/internal/fake/fakegoogleads"
	"incidentbot/internal/fake/fakemeta"
	"incidentbot/internal/storetest"
)

// fakeLatency is every fake request's round trip, as a real API's.
const fakeLatency = 100 * time.Millisecond

// platforms starts both fakes with perGoogle campaigns in each of 3
// customers and perMeta in each of 2 ad accounts, and returns real
// clients of them.
func platforms(b *testing.B, perGoogle, perMeta int) []incidentbot.AdPlatform {
	b.Helper()
	return []incidentbot.AdPlatform{
		googleClient(b, []string{"1000000001", "1000000002", "1000000003"}, perGoogle),
		metaClient(b, []string{"100000000000001", "100000000000002"}, perMeta),
	}
}

// googleClient starts a Google Ads fake with per serving campaigns in each
// customer, fakeLatency per request, and returns a real client of it.
func googleClient(b *testing.B, customers []string, per int) incidentbot.AdPlatform {
	b.Helper()
	g := fakegoogleads.New(b)
	for _, c := range customers {
		g.AddCampaigns(c, per, fakegoogleads.Enabled)
	}
	g.SetLatency(fakeLatency)
	gc, err := googleads.New(googleads.Config{
		ClientID: fakegoogleads.ClientID, ClientSecret: fakegoogleads.ClientSecret, RefreshToken: fakegoogleads.RefreshToken,
		DeveloperToken: fakegoogleads.DeveloperToken, CustomerIDs: customers, APIURL: g.URL(), TokenURL: g.TokenURL(),
	}, g.Client(), nil)
	if err != nil {
		b.Fatalf("googleads.New: %v", err)
	}
	return gc
}

// metaClient starts a Meta fake with per serving campaigns in each ad
// account, fakeLatency per request, and returns a real client of it.
func metaClient(b *testing.B, accounts []string, per int) incidentbot.AdPlatform {
	b.Helper()
	m := fakemeta.New(b)
	for _, a := range accounts {
		m.AddCampaigns(a, per, fakemeta.Active)
	}
	m.SetLatency(fakeLatency)
	mc, err := meta.New(meta.Config{AccessToken: incidentbot.Secret(m.Token()), AccountIDs: accounts, APIURL: m.URL()}, m.Client(), nil)
	if err != nil {
		b.Fatalf("meta.New: %v", err)
	}
	return mc
}

// BenchmarkPlatformsPauseResume pauses then resumes 1,000 campaigns (600 on
// Google Ads across 3 customers, 400 on Meta across 2 ad accounts) with
// 100 ms per fake request, beside the honest baseline: one SetStatus
// (batch) per account, the accounts one after the other (batchPerAccount).
func BenchmarkPlatformsPauseResume(b *testing.B) {
	b.Run("orchestrated-1000", func(b *testing.B) {
		b.ReportAllocs()
		ps := platforms(b, 200, 200)
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
	b.Run("baseline=batch-per-account-sequential", func(b *testing.B) { benchBaseline(b, platforms(b, 200, 200)) })
}
