package ads_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/internal/fake/memads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// benchLatency is each fake API call's round trip, paid per batch (50
// campaigns) by the orchestrator and the baseline alike.
const benchLatency = time.Millisecond

func benchPlatforms() []*memads.Platform {
	var out []*memads.Platform
	for _, name := range []string{"googleads", "meta"} {
		cs := make([]incidentbot.Campaign, 500)
		for i := range cs {
			cs[i] = incidentbot.Campaign{Account: fmt.Sprint("acc", i%5), ID: fmt.Sprint(i), Name: fmt.Sprint("Campaign ", i),
				Status: incidentbot.CampaignActive, DailyBudget: 20, Currency: "EUR"}
		}
		p := memads.New(name, cs...)
		p.Latency = benchLatency
		out = append(out, p)
	}
	return out
}

func benchIncident(b *testing.B, db *store.DB) *incidentbot.Incident {
	inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1}
	if err := db.CreateIncident(b.Context(), inc, incidentbot.Change{}); err != nil {
		b.Fatalf("CreateIncident: %v", err)
	}
	return inc
}

// BenchmarkPauseResume1000 pauses then resumes 1,000 campaigns on two
// platforms, recording each in SQLite, beside the honest baseline
// (batchPerAccount).
func BenchmarkPauseResume1000(b *testing.B) {
	b.Run("orchestrated", func(b *testing.B) {
		db := storetest.SQLite(b)
		ps := benchPlatforms()
		orc := ads.New(db, []incidentbot.AdPlatform{ps[0], ps[1]}, incidentbot.SystemClock{}, nil)
		inc := benchIncident(b, db)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			rep, err := orc.Pause(ctx, inc, ads.Selection{})
			if err != nil || len(rep.Paused) != 1000 {
				b.Fatalf("Pause: got %d paused and %v, want 1000 and no error", len(rep.Paused), err)
			}
			rep, err = orc.Resume(ctx, inc, nil)
			if err != nil || len(rep.Resumed) != 1000 {
				b.Fatalf("Resume: got %d resumed and %v, want 1000 and no error", len(rep.Resumed), err)
			}
		}
	})
	b.Run("baseline=batch-per-account-sequential", func(b *testing.B) {
		db := storetest.SQLite(b)
		ps := benchPlatforms()
		inc := benchIncident(b, db)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			for _, to := range []incidentbot.CampaignStatus{incidentbot.CampaignPaused, incidentbot.CampaignActive} {
				if n, err := batchPerAccount(ctx, db, []incidentbot.AdPlatform{ps[0], ps[1]}, inc, to); err != nil || n != 1000 {
					b.Fatalf("baseline to %s: %d changed, %v; want 1000", to, n, err)
				}
			}
		}
	})
}

// benchBaseline pauses then resumes the 1,000 serving campaigns of ps
// with batchPerAccount, a new incident each iteration, reporting the
// seconds each way.
func benchBaseline(b *testing.B, ps []incidentbot.AdPlatform) {
	b.ReportAllocs()
	db := storetest.SQLite(b)
	var pause, resume time.Duration
	n := 0
	for b.Loop() {
		inc := &incidentbot.Incident{Title: fmt.Sprintf("Outage %d", n), Severity: incidentbot.SEV1, Platform: incidentbot.PlatformConsole}
		if err := db.CreateIncident(b.Context(), inc, incidentbot.Change{}); err != nil {
			b.Fatalf("CreateIncident: %v", err)
		}
		start := time.Now()
		if got, err := batchPerAccount(b.Context(), db, ps, inc, incidentbot.CampaignPaused); err != nil || got != 1000 {
			b.Fatalf("baseline pause: %d paused, %v; want 1000", got, err)
		}
		mid := time.Now()
		if got, err := batchPerAccount(b.Context(), db, ps, inc, incidentbot.CampaignActive); err != nil || got != 1000 {
			b.Fatalf("baseline resume: %d resumed, %v; want 1000", got, err)
		}
		pause, resume = pause+mid.Sub(start), resume+time.Since(mid)
		n++
	}
	b.ReportMetric(pause.Seconds()/float64(n), "pause-s")
	b.ReportMetric(resume.Seconds()/float64(n), "resume-s")
}

// batchPerAccount is the honest baseline of the orchestrator: what a
// reasonable developer writes without it. Platforms and their accounts
// one after the other; for each account, the pause set recorded, then one
// SetStatus call with all its campaigns (the client's batch requests,
// within the API's limits), then the outcome recorded. Pausing (to
// paused) takes the serving campaigns; resuming, the ones it paused. It
// returns how many campaigns changed.
func batchPerAccount(ctx context.Context, db *store.DB, ps []incidentbot.AdPlatform, inc *incidentbot.Incident, to incidentbot.CampaignStatus) (int, error) {
	held, err := db.Pauses(ctx, inc.ID)
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, p := range ps {
		var records []incidentbot.CampaignPause
		if to == incidentbot.CampaignPaused {
			cs, err := p.Campaigns(ctx)
			if err != nil {
				return changed, err
			}
			for _, c := range cs {
				if c.Status == incidentbot.CampaignActive {
					records = append(records, incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: c.Status, PriorRaw: c.RawStatus, State: incidentbot.PausePausing})
				}
			}
		} else {
			for _, r := range held {
				if r.State == incidentbot.PausePaused && r.Campaign.Platform == p.Name() {
					records = append(records, r)
				}
			}
		}
		var accounts []string
		byAccount := map[string][]incidentbot.CampaignPause{}
		for _, r := range records {
			if _, ok := byAccount[r.Campaign.Account]; !ok {
				accounts = append(accounts, r.Campaign.Account)
			}
			byAccount[r.Campaign.Account] = append(byAccount[r.Campaign.Account], r)
		}
		for _, a := range accounts {
			rs := byAccount[a]
			if to == incidentbot.CampaignPaused {
				if err := db.SavePauses(ctx, rs...); err != nil {
					return changed, err
				}
			}
			cs := make([]incidentbot.Campaign, len(rs))
			for i, r := range rs {
				cs[i] = r.Campaign
			}
			results, err := p.SetStatus(ctx, cs, to, incidentbot.AdOptions{})
			if err != nil {
				return changed, err
			}
			if len(results) != len(rs) {
				return changed, fmt.Errorf("%s account %s: %d results for %d campaigns", p.Name(), a, len(results), len(rs))
			}
			for i := range rs {
				switch {
				case results[i].Err != nil:
					rs[i].State, rs[i].Error = incidentbot.PauseFailed, results[i].Err.Error()
				case to == incidentbot.CampaignPaused:
					rs[i].State = incidentbot.PausePaused
					changed++
				default:
					rs[i].State = incidentbot.PauseResumed
					changed++
				}
			}
			if err := db.SavePauses(ctx, rs...); err != nil {
				return changed, err
			}
		}
	}
	return changed, nil
}
