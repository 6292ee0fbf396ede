package memads_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/memads"
)

func campaigns(platform string, n int, s incidentbot.CampaignStatus) []incidentbot.Campaign {
	out := make([]incidentbot.Campaign, n)
	for i := range out {
		out[i] = incidentbot.Campaign{Platform: platform, Account: "acc1", ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("campaign %d", i+1), Status: s}
	}
	return out
}

func TestNewAndCampaigns(t *testing.T) {
	t.Parallel()
	p := memads.New("googleads",
		incidentbot.Campaign{Platform: "ignored", Account: "a", ID: "1", Name: "Brand", Status: incidentbot.CampaignActive, Labels: []string{"brand"}},
		incidentbot.Campaign{Account: "a", ID: "2", Name: "Old", Status: incidentbot.CampaignOther, RawStatus: "REMOVED"},
	)
	got, err := p.Campaigns(context.Background())
	if err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d campaigns, want 2", len(got))
	}
	tests := []struct {
		name          string
		got, wantPlat string
		gotRaw, want  string
	}{
		{"platform set from name", got[0].Platform, "googleads", got[0].RawStatus, "ACTIVE"},
		{"raw status kept when given", got[1].Platform, "googleads", got[1].RawStatus, "REMOVED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.wantPlat || tc.gotRaw != tc.want {
				t.Errorf("got %s/%s, want %s/%s", tc.got, tc.gotRaw, tc.wantPlat, tc.want)
			}
		})
	}
	got[0].Labels[0] = "changed"
	if c, _ := p.Campaign(got[0].Key()); c.Labels[0] != "brand" {
		t.Errorf("listing shares memory with the fake: got label %q, want brand", c.Labels[0])
	}
	if p.Calls() != 1 {
		t.Errorf("got %d calls, want 1", p.Calls())
	}
}

func TestSetStatusBatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		batchSize int
		n         int
		wantCalls int
	}{
		{"default batch of 50", 0, 120, 3},
		{"exact multiple", 10, 30, 3},
		{"one per call", 1, 7, 7},
		{"nothing to do", 5, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs := campaigns("meta", tc.n, incidentbot.CampaignActive)
			p := memads.New("meta", cs...)
			p.BatchSize = tc.batchSize
			res, err := p.SetStatus(context.Background(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{})
			if err != nil {
				t.Fatalf("SetStatus: %v", err)
			}
			if got := p.Calls(); got != tc.wantCalls {
				t.Errorf("got %d calls, want %d", got, tc.wantCalls)
			}
			if len(res) != tc.n {
				t.Fatalf("got %d results, want %d", len(res), tc.n)
			}
			for i, r := range res {
				if r.Err != nil || r.Campaign.Status != incidentbot.CampaignPaused || r.Campaign.RawStatus != "PAUSED" {
					t.Errorf("result %d: got %s/%s err %v, want paused/PAUSED", i, r.Campaign.Status, r.Campaign.RawStatus, r.Err)
				}
				if c, _ := p.Campaign(cs[i].Key()); c.Status != incidentbot.CampaignPaused {
					t.Errorf("campaign %s: got %s, want paused", c.ID, c.Status)
				}
			}
		})
	}
}

func TestSetStatusItems(t *testing.T) {
	t.Parallel()
	boom := incidentbot.Errorf(incidentbot.EFORBIDDEN, "No access to campaign 2.")
	tests := []struct {
		name     string
		setup    func(p *memads.Platform)
		dryRun   bool
		wantCode []string // per item: "" for success
		want     []incidentbot.CampaignStatus
	}{
		{"all succeed", func(*memads.Platform) {}, false,
			[]string{"", "", "", incidentbot.ENOTFOUND},
			[]incidentbot.CampaignStatus{"paused", "paused", "paused"}},
		{"dry run changes nothing", func(*memads.Platform) {}, true,
			[]string{"", "", "", incidentbot.ENOTFOUND},
			[]incidentbot.CampaignStatus{"active", "active", "active"}},
		{"failed campaign", func(p *memads.Platform) { p.FailCampaign("2", boom) }, false,
			[]string{"", incidentbot.EFORBIDDEN, "", incidentbot.ENOTFOUND},
			[]incidentbot.CampaignStatus{"paused", "active", "paused"}},
		{"failure cleared", func(p *memads.Platform) { p.FailCampaign("2", boom); p.FailCampaign("2", nil) }, false,
			[]string{"", "", "", incidentbot.ENOTFOUND},
			[]incidentbot.CampaignStatus{"paused", "paused", "paused"}},
		{"archived campaign", func(p *memads.Platform) {
			p.SetByHand(incidentbot.CampaignKey{Platform: "meta", Account: "acc1", ID: "3"}, incidentbot.CampaignOther)
		}, false,
			[]string{"", "", incidentbot.EINVALID, incidentbot.ENOTFOUND},
			[]incidentbot.CampaignStatus{"paused", "paused", "other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs := campaigns("meta", 3, incidentbot.CampaignActive)
			p := memads.New("meta", cs...)
			tc.setup(p)
			unknown := incidentbot.Campaign{Platform: "meta", Account: "acc1", ID: "404"}
			res, err := p.SetStatus(context.Background(), append(cs, unknown), incidentbot.CampaignPaused, incidentbot.AdOptions{DryRun: tc.dryRun})
			if err != nil {
				t.Fatalf("SetStatus: %v", err)
			}
			for i, r := range res {
				if got := incidentbot.ErrorCode(r.Err); got != tc.wantCode[i] {
					t.Errorf("item %d: got code %q, want %q", i, got, tc.wantCode[i])
				}
			}
			for i, want := range tc.want {
				c, _ := p.Campaign(cs[i].Key())
				if c.Status != want {
					t.Errorf("campaign %d: got %s, want %s", i+1, c.Status, want)
				}
			}
		})
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	custom := incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "The token expired. Reconnect the account.")
	tests := []struct {
		name     string
		err      error
		wantCode string
	}{
		{"throttled by default", nil, incidentbot.EUNAVAILABLE},
		{"given error", custom, incidentbot.EUNAUTHORIZED},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs := campaigns("tiktok", 3, incidentbot.CampaignActive)
			p := memads.New("tiktok", cs...)
			p.FailNext(2, tc.err)
			for i := range 2 {
				res, err := p.SetStatus(context.Background(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{})
				if got := incidentbot.ErrorCode(err); got != tc.wantCode || res != nil {
					t.Fatalf("call %d: got code %q and %d results, want %q and none", i+1, got, len(res), tc.wantCode)
				}
				if tc.err != nil && !errors.Is(err, tc.err) {
					t.Errorf("call %d: got %v, want it to wrap %v", i+1, err, tc.err)
				}
				if c, _ := p.Campaign(cs[0].Key()); c.Status != incidentbot.CampaignActive {
					t.Errorf("call %d: got %s, want nothing changed", i+1, c.Status)
				}
			}
			if _, err := p.SetStatus(context.Background(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{}); err != nil {
				t.Fatalf("third call: got %v, want success", err)
			}
			if got := p.Calls(); got != 3 {
				t.Errorf("got %d calls, want 3", got)
			}
		})
	}
}

func TestSetStatusRejectsOtherTarget(t *testing.T) {
	t.Parallel()
	cs := campaigns("meta", 1, incidentbot.CampaignActive)
	p := memads.New("meta", cs...)
	_, err := p.SetStatus(context.Background(), cs, incidentbot.CampaignOther, incidentbot.AdOptions{})
	if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
		t.Errorf("got code %q, want %q", got, incidentbot.EINVALID)
	}
}

func TestSetByHand(t *testing.T) {
	t.Parallel()
	cs := campaigns("meta", 1, incidentbot.CampaignPaused)
	p := memads.New("meta", cs...)
	p.SetByHand(cs[0].Key(), incidentbot.CampaignActive)
	p.SetByHand(incidentbot.CampaignKey{Platform: "meta", Account: "acc1", ID: "missing"}, incidentbot.CampaignActive)
	c, ok := p.Campaign(cs[0].Key())
	if !ok || c.Status != incidentbot.CampaignActive || c.RawStatus != "ACTIVE" {
		t.Errorf("got %s/%s (found %v), want active/ACTIVE", c.Status, c.RawStatus, ok)
	}
	if _, ok := p.Campaign(incidentbot.CampaignKey{Platform: "meta", Account: "acc1", ID: "missing"}); ok {
		t.Error("got a campaign for an unknown key, want none")
	}
	if p.Calls() != 0 {
		t.Errorf("got %d calls, want 0: changes by hand are not API calls", p.Calls())
	}
}

func TestLatencyHonoursContext(t *testing.T) {
	t.Parallel()
	cs := campaigns("meta", 4, incidentbot.CampaignActive)
	p := memads.New("meta", cs...)
	p.Latency = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := p.SetStatus(ctx, cs, incidentbot.CampaignPaused, incidentbot.AdOptions{})
	if !errors.Is(err, context.Canceled) || len(res) != 0 {
		t.Errorf("got %d results and %v, want none and context.Canceled", len(res), err)
	}
	if _, err := p.Campaigns(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Campaigns: got %v, want context.Canceled", err)
	}
	if c, _ := p.Campaign(cs[0].Key()); c.Status != incidentbot.CampaignActive {
		t.Errorf("got %s, want active", c.Status)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	cs := campaigns("meta", 100, incidentbot.CampaignActive)
	p := memads.New("meta", cs...)
	p.BatchSize = 7
	var wg sync.WaitGroup
	for i := range cs {
		wg.Go(func() {
			ctx := context.Background()
			if _, err := p.SetStatus(ctx, cs[i:i+1], incidentbot.CampaignPaused, incidentbot.AdOptions{}); err != nil {
				t.Errorf("SetStatus: %v", err)
			}
			if _, err := p.Campaigns(ctx); err != nil {
				t.Errorf("Campaigns: %v", err)
			}
			p.SetByHand(cs[(i+1)%len(cs)].Key(), incidentbot.CampaignPaused)
		})
	}
	wg.Wait()
	if got := p.Calls(); got != 200 {
		t.Errorf("got %d calls, want 200", got)
	}
	for _, c := range cs {
		if got, _ := p.Campaign(c.Key()); got.Status != incidentbot.CampaignPaused {
			t.Errorf("campaign %s: got %s, want paused", c.ID, got.Status)
		}
	}
}
