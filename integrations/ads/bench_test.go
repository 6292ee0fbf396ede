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

// benchLatency is each fake API call's round trip. The orchestrator pays it
// per batch (50 campaigns), the naive way per campaign.
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
// platforms, recording each in SQLite.
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
	b.Run("naive", func(b *testing.B) {
		db := storetest.SQLite(b)
		ps := benchPlatforms()
		inc := benchIncident(b, db)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range ps {
				if err := naivePause(ctx, db, p, inc); err != nil {
					b.Fatal(err)
				}
			}
			for _, p := range ps {
				if err := naiveResume(ctx, db, p, inc); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// naivePause records and pauses one campaign at a time.
func naivePause(ctx context.Context, db *store.DB, p *memads.Platform, inc *incidentbot.Incident) error {
	cs, err := p.Campaigns(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Status != incidentbot.CampaignActive {
			continue
		}
		r := incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: c.Status, PriorRaw: c.RawStatus, State: incidentbot.PausePausing}
		if err := db.SavePauses(ctx, r); err != nil {
			return err
		}
		if _, err := p.SetStatus(ctx, []incidentbot.Campaign{c}, incidentbot.CampaignPaused, incidentbot.AdOptions{}); err != nil {
			return err
		}
		r.State = incidentbot.PausePaused
		if err := db.SavePauses(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// naiveResume resumes and records one campaign at a time.
func naiveResume(ctx context.Context, db *store.DB, p *memads.Platform, inc *incidentbot.Incident) error {
	rs, err := db.Pauses(ctx, inc.ID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.State != incidentbot.PausePaused || r.Campaign.Platform != p.Name() {
			continue
		}
		if _, err := p.SetStatus(ctx, []incidentbot.Campaign{r.Campaign}, incidentbot.CampaignActive, incidentbot.AdOptions{}); err != nil {
			return err
		}
		r.State = incidentbot.PauseResumed
		if err := db.SavePauses(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
