package meta

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adstest"
	"incidentbot/internal/fake/fakemeta"
)

const (
	acctA = "1111111111111111"
	acctB = "2222222222222222"
)

func newClient(t *testing.T, srv *fakemeta.Server, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{AccessToken: incidentbot.Secret(srv.Token()), AccountIDs: []string{"act_" + acctA, acctB}, APIURL: srv.URL()}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg, srv.Client(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.retry.Backoff = time.Millisecond
	return c
}

// newServer: acctA (EUR) has 150 active campaigns then m1 paused and m2
// archived; acctB (JPY) has n1 active.
func newServer(t *testing.T) (*fakemeta.Server, []string) {
	t.Helper()
	srv := fakemeta.New(t)
	srv.AddAccount(acctA, "EUR")
	srv.AddAccount(acctB, "JPY")
	ids := srv.AddCampaigns(acctA, 150, fakemeta.Active)
	srv.AddCampaign(acctA, fakemeta.Campaign{ID: "901", Name: "Winter", Status: fakemeta.Paused, DailyBudget: 15000, Labels: []string{"Seasonal"}})
	srv.AddCampaign(acctA, fakemeta.Campaign{ID: "902", Name: "Old", Status: fakemeta.Archived})
	srv.AddCampaign(acctB, fakemeta.Campaign{ID: "903", Name: "Tokyo", Status: fakemeta.Active, DailyBudget: 3000, Labels: []string{"Brand", "JP"}})
	return srv, ids
}

func campaigns(account string, ids ...string) []incidentbot.Campaign {
	return adstest.Campaigns(incidentbot.AdsMeta, account, ids...)
}

func TestCampaigns(t *testing.T) {
	t.Parallel()
	srv, ids := newServer(t)
	c := newClient(t, srv)
	got, err := c.Campaigns(t.Context())
	if err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	if len(got) != 153 {
		t.Fatalf("got %d campaigns, want 153", len(got))
	}
	checks := []struct {
		i    int
		want incidentbot.Campaign
	}{
		{0, incidentbot.Campaign{Platform: "meta", Account: acctA, ID: ids[0], Status: incidentbot.CampaignActive, RawStatus: "ACTIVE", DailyBudget: 50, Currency: "EUR"}},
		{150, incidentbot.Campaign{Platform: "meta", Account: acctA, ID: "901", Status: incidentbot.CampaignPaused, RawStatus: "PAUSED", DailyBudget: 150, Currency: "EUR", Labels: []string{"Seasonal"}}},
		{151, incidentbot.Campaign{Platform: "meta", Account: acctA, ID: "902", Status: incidentbot.CampaignOther, RawStatus: "ARCHIVED", Currency: "EUR"}},
		{152, incidentbot.Campaign{Platform: "meta", Account: acctB, ID: "903", Status: incidentbot.CampaignActive, RawStatus: "ACTIVE", DailyBudget: 3000, Currency: "JPY", Labels: []string{"Brand", "JP"}}},
	}
	for _, ck := range checks {
		g := got[ck.i]
		if g.Key() != ck.want.Key() || g.Status != ck.want.Status || g.RawStatus != ck.want.RawStatus || g.DailyBudget != ck.want.DailyBudget || g.Currency != ck.want.Currency ||
			!slices.Equal(g.Labels, ck.want.Labels) {
			t.Errorf("campaign %d: got %+v, want %+v", ck.i, g, ck.want)
		}
	}
	if n := srv.Calls("list"); n != 3 {
		t.Errorf("got %d list requests, want 3 (two pages for acctA, one for acctB)", n)
	}
}

func TestPauseThenResume(t *testing.T) {
	t.Parallel()
	srv, ids := newServer(t)
	c := newClient(t, srv)
	cs := append(campaigns(acctA, ids...), campaigns("act_"+acctB, "903")...)
	adstest.PauseResume(t, c, cs, func(cp incidentbot.Campaign) string {
		got, _ := srv.Campaign(cp.Account, cp.ID)
		return got.Status
	}, fakemeta.Paused, fakemeta.Active)
	for id, want := range map[string]string{"901": fakemeta.Paused, "902": fakemeta.Archived} {
		if got, _ := srv.Campaign(acctA, id); got.Status != want {
			t.Errorf("untouched %s: got %s, want %s", id, got.Status, want)
		}
	}
	// 150 in acctA: batches of 50, 50, 50; 1 in acctB; two steps.
	if n := srv.Calls("batch"); n != 8 {
		t.Errorf("got %d batches, want 8", n)
	}
}

func TestPartialFailureAndDryRun(t *testing.T) {
	t.Parallel()
	for _, dry := range []bool{false, true} {
		t.Run(map[bool]string{false: "apply", true: "validate only"}[dry], func(t *testing.T) {
			t.Parallel()
			srv, ids := newServer(t)
			srv.FailCampaign(ids[1])
			c := newClient(t, srv)
			cs := append(campaigns(acctA, ids[0], ids[1], "404404"), campaigns(acctB, "903")...)
			res, err := c.SetStatus(t.Context(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{DryRun: dry})
			if err != nil || len(res) != len(cs) {
				t.Fatalf("SetStatus: got %d results, %v; want %d, nil", len(res), err, len(cs))
			}
			wantCode := map[string]string{ids[0]: "", ids[1]: incidentbot.ENOTFOUND, "404404": incidentbot.ENOTFOUND, "903": ""}
			for _, r := range res {
				if got := incidentbot.ErrorCode(r.Err); got != wantCode[r.Campaign.ID] {
					t.Errorf("campaign %s: got %q (%v), want %q", r.Campaign.ID, got, r.Err, wantCode[r.Campaign.ID])
				}
			}
			want := map[bool]string{false: fakemeta.Paused, true: fakemeta.Active}[dry]
			for _, k := range [][2]string{{acctA, ids[0]}, {acctB, "903"}} {
				if got, _ := srv.Campaign(k[0], k[1]); got.Status != want {
					t.Errorf("campaign %s: got %s, want %s", k[1], got.Status, want)
				}
			}
			if got, _ := srv.Campaign(acctA, ids[1]); got.Status != fakemeta.Active {
				t.Errorf("failed campaign: got %s, want ACTIVE", got.Status)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inject    func(*fakemeta.Server)
		wantCode  string
		wantAfter time.Duration
	}{
		{"throttled then ok", func(s *fakemeta.Server) { s.ThrottleNext(3, 0) }, "", 0},
		{"codes 4 17 613 then ok", func(s *fakemeta.Server) { s.FailNext(1, 4); s.FailNext(1, 17); s.FailNext(1, 613) }, "", 0},
		{"throttled items then ok", func(s *fakemeta.Server) { s.ThrottleItemsNext(2) }, "", 0},
		{"5xx then ok", func(s *fakemeta.Server) { s.FailStatusNext(2, 502); s.FailNext(1, 2) }, "", 0},
		{"throttle storm", func(s *fakemeta.Server) { s.ThrottleNext(maxAttempts, 0) }, incidentbot.EUNAVAILABLE, 8 * time.Millisecond},
		{"regain access in minutes", func(s *fakemeta.Server) { s.ThrottleNext(1, 5*time.Minute) }, incidentbot.EUNAVAILABLE, 5 * time.Minute},
		{"throttled items storm", func(s *fakemeta.Server) { s.ThrottleItemsNext(2 * maxAttempts) }, incidentbot.EUNAVAILABLE, 8 * time.Millisecond},
		{"5xx storm", func(s *fakemeta.Server) { s.FailStatusNext(maxAttempts, 503) }, incidentbot.EUNAVAILABLE, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, ids := newServer(t)
			c := newClient(t, srv)
			tc.inject(srv)
			cs := campaigns(acctA, ids[0], ids[1])
			res, err := c.SetStatus(t.Context(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{})
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
			}
			adstest.WantRetryAfter(t, err, tc.wantAfter)
			want := map[bool]string{true: fakemeta.Paused, false: fakemeta.Active}[tc.wantCode == ""]
			for _, id := range ids[:2] {
				if got, _ := srv.Campaign(acctA, id); got.Status != want {
					t.Errorf("campaign %s: got %s, want %s", id, got.Status, want)
				}
			}
			if tc.name == "5xx storm" && len(res) != 0 {
				t.Errorf("got %d results after 5xx, want none: the outcome is unknown", len(res))
			}
		})
	}
}

func TestBadToken(t *testing.T) {
	t.Parallel()
	const bad = "EAAbad-token-that-must-not-leak"
	tests := []struct {
		name  string
		token string
		setup func(*fakemeta.Server)
	}{
		{"wrong token", bad, func(*fakemeta.Server) {}},
		{"expired token", "", func(s *fakemeta.Server) { s.ExpireToken() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newServer(t)
			tc.setup(srv)
			c := newClient(t, srv, func(cfg *Config) {
				if tc.token != "" {
					cfg.AccessToken = incidentbot.Secret(tc.token)
				}
			})
			_, err := c.Campaigns(t.Context())
			if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAUTHORIZED {
				t.Fatalf("got %q (%v), want EUNAUTHORIZED", got, err)
			}
			for _, s := range []string{err.Error(), incidentbot.ErrorMessage(err)} {
				if strings.Contains(s, bad) || strings.Contains(s, srv.Token()) {
					t.Errorf("error text %q holds the token", s)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"valid", Config{AccessToken: "t", AccountIDs: []string{"act_1", "2"}}, ""},
		{"no token", Config{AccountIDs: []string{"1"}}, "META_ADS_ACCESS_TOKEN is empty"},
		{"bad account", Config{AccessToken: "t", AccountIDs: []string{"act_x"}}, `"act_x" is not an ad account id`},
		{"bad version", Config{AccessToken: "t", AccountIDs: []string{"1"}, APIVersion: "26"}, "version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.cfg, nil, nil)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), tc.want)):
				t.Errorf("got %v, want EINVALID saying %q", err, tc.want)
			}
		})
	}
}

// TestMetaBudgetCurrencyOffset reads budgets through Meta's currency
// offsets: the offset-1 currencies come in the main unit, the others in
// hundredths (developers.facebook.com/docs/marketing-api/currencies).
func TestMetaBudgetCurrencyOffset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		currency string
		minor    int64
		want     float64
	}{
		{"EUR", 5000, 50},
		{"USD", 1999, 19.99},
		{"JPY", 3000, 3000},
		{"COP", 200000, 200000},
		{"CRC", 25000, 25000},
		{"HUF", 15000, 15000},
		{"IDR", 750000, 750000},
		{"TWD", 1500, 1500},
		{"VND", 900000, 900000},
	}
	for _, tc := range tests {
		t.Run(tc.currency, func(t *testing.T) {
			t.Parallel()
			srv := fakemeta.New(t)
			srv.AddAccount(acctA, tc.currency)
			srv.AddCampaign(acctA, fakemeta.Campaign{ID: "1", Status: fakemeta.Active, DailyBudget: tc.minor})
			c := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{acctA} })
			got, err := c.Campaigns(t.Context())
			if err != nil || len(got) != 1 {
				t.Fatalf("Campaigns: got %d, %v; want 1 campaign", len(got), err)
			}
			if got[0].DailyBudget != tc.want || got[0].Currency != tc.currency {
				t.Errorf("got %v %s, want %v %s", got[0].DailyBudget, got[0].Currency, tc.want, tc.currency)
			}
		})
	}
}

// TestMetaBatchTokenInBody pauses through a batch: the fake, like Graph,
// reads a batch's token from its access_token parameter only.
func TestMetaBatchTokenInBody(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	c := newClient(t, srv)
	cs := campaigns(acctB, "903")
	res, err := c.SetStatus(t.Context(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("SetStatus: got %v, %v; want one clean result", res, err)
	}
	if cp, _ := srv.Campaign(acctB, "903"); cp.Status != fakemeta.Paused {
		t.Errorf("campaign 903: got %s, want %s", cp.Status, fakemeta.Paused)
	}
}
