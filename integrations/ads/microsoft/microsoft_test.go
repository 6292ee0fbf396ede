package microsoft

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adstest"
	"incidentbot/internal/fake/fakemicrosoft"
)

const (
	acctA = "149876543"
	acctB = "149876544"
)

// newClient returns a client of srv over acctA and acctB, with millisecond backoff.
func newClient(t *testing.T, srv *fakemicrosoft.Server, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		ClientID:       fakemicrosoft.ClientID,
		ClientSecret:   fakemicrosoft.ClientSecret,
		RefreshToken:   fakemicrosoft.RefreshToken,
		DeveloperToken: fakemicrosoft.DeveloperToken,
		CustomerID:     fakemicrosoft.CustomerID,
		AccountIDs:     []string{acctA, " " + acctB},
		APIURL:         srv.URL(),
		TokenURL:       srv.TokenURL(),
	}
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

// newServer has acctA (EUR) with m1 (Search) and m2 (Shopping) active, m3
// paused, m4 budget-paused and m5 deleted, and acctB with n1 (Performance
// Max) active, in USD.
func newServer(t *testing.T, opts ...fakemicrosoft.Option) *fakemicrosoft.Server {
	t.Helper()
	srv := fakemicrosoft.New(t, opts...)
	srv.AddAccount(acctA, "EUR")
	srv.AddAccount(acctB, "USD")
	srv.AddCampaign(acctA, fakemicrosoft.Campaign{ID: "701", Name: "Brand - FR", Status: fakemicrosoft.Active, DailyBudget: 50})
	srv.AddCampaign(acctA, fakemicrosoft.Campaign{ID: "702", Name: "Shopping - Catalogue", Status: fakemicrosoft.Active, Type: fakemicrosoft.Shopping, DailyBudget: 120})
	srv.AddCampaign(acctA, fakemicrosoft.Campaign{ID: "703", Name: "Generic - Shoes", Status: fakemicrosoft.Paused, DailyBudget: 30})
	srv.AddCampaign(acctA, fakemicrosoft.Campaign{ID: "704", Name: "Spent", Status: fakemicrosoft.BudgetPaused, DailyBudget: 10})
	srv.AddCampaign(acctA, fakemicrosoft.Campaign{ID: "705", Name: "Gone", Status: fakemicrosoft.Deleted})
	srv.AddCampaign(acctB, fakemicrosoft.Campaign{ID: "801", Name: "PMax", Status: fakemicrosoft.Active, Type: fakemicrosoft.PerformanceMax})
	return srv
}

func campaigns(account string, ids ...string) []incidentbot.Campaign {
	return adstest.Campaigns(incidentbot.AdsMicrosoft, account, ids...)
}

func TestCampaigns(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	got, err := c.Campaigns(t.Context())
	if err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	want := []incidentbot.Campaign{
		{Platform: "microsoft", Account: acctA, ID: "701", Name: "Brand - FR", Status: incidentbot.CampaignActive, RawStatus: "Active", DailyBudget: 50, Currency: "EUR"},
		{Platform: "microsoft", Account: acctA, ID: "702", Name: "Shopping - Catalogue", Status: incidentbot.CampaignActive, RawStatus: "Active", DailyBudget: 120, Currency: "EUR"},
		{Platform: "microsoft", Account: acctA, ID: "703", Name: "Generic - Shoes", Status: incidentbot.CampaignPaused, RawStatus: "Paused", DailyBudget: 30, Currency: "EUR"},
		{Platform: "microsoft", Account: acctA, ID: "704", Name: "Spent", Status: incidentbot.CampaignOther, RawStatus: "BudgetPaused", DailyBudget: 10, Currency: "EUR"},
		{Platform: "microsoft", Account: acctB, ID: "801", Name: "PMax", Status: incidentbot.CampaignActive, RawStatus: "Active", Currency: "USD"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d campaigns, want %d (every type, deleted left out): %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Key() != want[i].Key() || got[i].Name != want[i].Name || got[i].Status != want[i].Status ||
			got[i].RawStatus != want[i].RawStatus || got[i].DailyBudget != want[i].DailyBudget || got[i].Currency != want[i].Currency {
			t.Errorf("campaign %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := srv.Calls("query"); n != 2 {
		t.Errorf("got %d query requests, want 2 (one per account, no paging)", n)
	}
	if n := srv.Calls("token"); n != 1 {
		t.Errorf("got %d token requests, want 1 shared by both accounts", n)
	}
	if _, err := c.Campaigns(t.Context()); err != nil {
		t.Fatalf("Campaigns again: %v", err)
	}
	if n := srv.Calls("account"); n != 2 {
		t.Errorf("got %d GetAccount requests after two listings, want 2: currencies are cached", n)
	}
}

func TestCurrencyUnknown(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.RefuseGetAccount()
	c := newClient(t, srv)
	got, err := c.Campaigns(t.Context())
	if err != nil || len(got) != 5 {
		t.Fatalf("Campaigns: got %d campaigns, %v; want 5 and no error: the currency is not needed to pause", len(got), err)
	}
	for _, cp := range got {
		if cp.Currency != "" {
			t.Errorf("campaign %s: got currency %q, want none", cp.ID, cp.Currency)
		}
	}
}

func TestPauseThenResume(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	cs := append(campaigns(acctA, "701", "702"), campaigns(acctB, "801")...)
	adstest.PauseResume(t, c, cs, func(cp incidentbot.Campaign) string {
		got, _ := srv.Campaign(cp.Account, cp.ID)
		return got.Status
	}, fakemicrosoft.Paused, fakemicrosoft.Active)
	if got, _ := srv.Campaign(acctA, "703"); got.Status != fakemicrosoft.Paused {
		t.Errorf("untouched 703: got %s, want Paused", got.Status)
	}
	if n := srv.Calls("update"); n != 4 {
		t.Errorf("got %d update requests, want 4 (one per account per step)", n)
	}
}

func TestPartialFailureAndDryRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		dryRun     bool
		wantCode   map[string]string
		wantStatus map[string]string
	}{
		{"apply", false,
			map[string]string{"701": "", "705": incidentbot.ENOTFOUND, "702": incidentbot.EUNAVAILABLE, "801": ""},
			map[string]string{"701": fakemicrosoft.Paused, "702": fakemicrosoft.Active, "801": fakemicrosoft.Paused}},
		{"dry run", true,
			map[string]string{"701": "", "705": incidentbot.ENOTFOUND, "702": "", "801": ""},
			map[string]string{"701": fakemicrosoft.Active, "702": fakemicrosoft.Active, "801": fakemicrosoft.Active}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.FailCampaign(acctA, "702")
			c := newClient(t, srv)
			cs := append(campaigns(acctA, "701", "705", "702"), campaigns(acctB, "801")...)
			res, err := c.SetStatus(t.Context(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{DryRun: tc.dryRun})
			if err != nil || len(res) != len(cs) {
				t.Fatalf("SetStatus: got %d results, %v; want %d, nil", len(res), err, len(cs))
			}
			for i, r := range res {
				if r.Campaign.Key() != cs[i].Key() {
					t.Errorf("result %d: got %v, want %v", i, r.Campaign.Key(), cs[i].Key())
				}
				if got := incidentbot.ErrorCode(r.Err); got != tc.wantCode[r.Campaign.ID] {
					t.Errorf("campaign %s: got code %q (%v), want %q", r.Campaign.ID, got, r.Err, tc.wantCode[r.Campaign.ID])
				}
				if r.Err != nil && !strings.Contains(incidentbot.ErrorMessage(r.Err), r.Campaign.ID) {
					t.Errorf("campaign %s: message %q does not name it", r.Campaign.ID, incidentbot.ErrorMessage(r.Err))
				}
			}
			for id, want := range tc.wantStatus {
				acct := acctA
				if id == "801" {
					acct = acctB
				}
				if got, _ := srv.Campaign(acct, id); got.Status != want {
					t.Errorf("campaign %s: got %s, want %s", id, got.Status, want)
				}
			}
			if tc.dryRun && srv.Calls("update") != 0 {
				t.Errorf("dry run: got %d update requests, want 0", srv.Calls("update"))
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inject    func(*fakemicrosoft.Server)
		wantCode  string
		wantAfter time.Duration // RetryAfter in the error, when throttled
	}{
		{"429 with a short Retry-After then ok", func(s *fakemicrosoft.Server) { s.Throttle429Next(1, time.Second) }, "", 0},
		{"throttle storm", func(s *fakemicrosoft.Server) { s.ThrottleNext(maxAttempts) }, incidentbot.EUNAVAILABLE, rateWindow},
		{"Retry-After too long to wait", func(s *fakemicrosoft.Server) { s.Throttle429Next(1, time.Hour) }, incidentbot.EUNAVAILABLE, time.Hour},
		{"5xx then ok", func(s *fakemicrosoft.Server) { s.FailNext(2, 503); s.FailNext(1, 500) }, "", 0},
		{"5xx storm", func(s *fakemicrosoft.Server) { s.FailNext(maxAttempts, 500) }, incidentbot.EUNAVAILABLE, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			c := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{acctA} })
			tc.inject(srv)
			start := time.Now()
			res, err := c.SetStatus(t.Context(), campaigns(acctA, "701"), incidentbot.CampaignPaused, incidentbot.AdOptions{})
			if time.Since(start) > 10*time.Second {
				t.Errorf("SetStatus took %s: it waited instead of handing the wait back", time.Since(start))
			}
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
			}
			adstest.WantRetryAfter(t, err, tc.wantAfter)
			m1, _ := srv.Campaign(acctA, "701")
			switch {
			case tc.wantCode == "" && (m1.Status != fakemicrosoft.Paused || len(res) != 1 || res[0].Err != nil):
				t.Errorf("got status %s and results %+v, want Paused with one clean result", m1.Status, res)
			case tc.wantCode != "" && m1.Status != fakemicrosoft.Active:
				t.Errorf("got status %s, want Active", m1.Status)
			case tc.name == "5xx storm" && len(res) != 0:
				t.Errorf("got %d results after 5xx, want none: the outcome is unknown", len(res))
			case tc.wantAfter > 0 && (len(res) != 1 || incidentbot.ErrorCode(res[0].Err) != incidentbot.EUNAVAILABLE):
				t.Errorf("got results %+v, want one EUNAVAILABLE result: throttled calls change nothing", res)
			}
		})
	}
}

func TestTokenExpiresMidRun(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	if _, err := c.Campaigns(t.Context()); err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	srv.ExpireTokens()
	res, err := c.SetStatus(t.Context(), append(campaigns(acctA, "701"), campaigns(acctB, "801")...), incidentbot.CampaignPaused, incidentbot.AdOptions{})
	if err != nil {
		t.Fatalf("SetStatus after expiry: %v", err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("campaign %s: %v", r.Campaign.ID, r.Err)
		}
	}
	if n := srv.Calls("token"); n != 2 {
		t.Errorf("got %d token requests, want 2: one refresh shared by both accounts", n)
	}
}

func TestRefreshTokenRotates(t *testing.T) {
	t.Parallel()
	var now struct{ t time.Time }
	now.t = time.Now()
	srv := newServer(t, fakemicrosoft.WithTokenTTL(time.Hour), fakemicrosoft.WithClock(func() time.Time { return now.t }))
	c := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{acctA} })
	if _, err := c.Campaigns(t.Context()); err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	if got := c.refresh.Reveal(); got == fakemicrosoft.RefreshToken {
		t.Errorf("got refresh token %q after a grant, want the rotated one", got)
	}
	now.t = now.t.Add(2 * time.Hour) // the server's hour passed; our cached token still looks valid
	if _, err := c.Campaigns(t.Context()); err != nil {
		t.Fatalf("Campaigns after the token expired: %v", err)
	}
	if n := srv.Calls("token"); n != 2 {
		t.Errorf("got %d token requests, want 2", n)
	}
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	const secretText = "super-secret-value-42"
	tests := []struct {
		name     string
		edit     func(*Config)
		setup    func(*fakemicrosoft.Server)
		wantCode string
	}{
		{"revoked refresh token", func(*Config) {}, func(s *fakemicrosoft.Server) { s.RevokeRefreshTokens() }, incidentbot.EUNAUTHORIZED},
		{"wrong refresh token", func(c *Config) { c.RefreshToken = secretText }, func(*fakemicrosoft.Server) {}, incidentbot.EUNAUTHORIZED},
		{"wrong client secret", func(c *Config) { c.ClientSecret = secretText }, func(*fakemicrosoft.Server) {}, incidentbot.EUNAUTHORIZED},
		{"wrong developer token", func(c *Config) { c.DeveloperToken = secretText }, func(*fakemicrosoft.Server) {}, incidentbot.EUNAUTHORIZED},
		{"account not accessible", func(c *Config) { c.AccountIDs = []string{"5555555"} }, func(*fakemicrosoft.Server) {}, incidentbot.EFORBIDDEN},
		{"wrong customer", func(c *Config) { c.CustomerID = "1111111" }, func(*fakemicrosoft.Server) {}, incidentbot.EFORBIDDEN},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			tc.setup(srv)
			c := newClient(t, srv, tc.edit)
			_, err := c.Campaigns(t.Context())
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
			}
			for _, s := range []string{err.Error(), incidentbot.ErrorMessage(err)} {
				for _, secret := range []string{secretText, fakemicrosoft.RefreshToken, fakemicrosoft.ClientSecret, fakemicrosoft.DeveloperToken, "fake-access-token"} {
					if strings.Contains(s, secret) {
						t.Errorf("error text %q holds a secret", s)
					}
				}
			}
		})
	}
}

func TestManyCampaignsSplit(t *testing.T) {
	t.Parallel()
	srv := fakemicrosoft.New(t)
	ids := srv.AddCampaigns(acctA, 2*maxCampaigns+1, fakemicrosoft.Active)
	c := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{acctA} })
	res, err := c.SetStatus(t.Context(), campaigns(acctA, ids...), incidentbot.CampaignPaused, incidentbot.AdOptions{})
	if err != nil || len(res) != len(ids) {
		t.Fatalf("SetStatus: got %d results, %v; want %d, nil", len(res), err, len(ids))
	}
	if n := srv.Calls("update"); n != 3 {
		t.Errorf("got %d update requests, want 3", n)
	}
	for _, id := range []string{ids[0], ids[maxCampaigns], ids[2*maxCampaigns]} {
		if got, _ := srv.Campaign(acctA, id); got.Status != fakemicrosoft.Paused {
			t.Errorf("campaign %s: got %s, want Paused", id, got.Status)
		}
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	ok := Config{ClientID: "id", RefreshToken: "r", DeveloperToken: "d", CustomerID: "251234567", AccountIDs: []string{"149876543"}}
	tests := []struct {
		name string
		edit func(*Config)
		want string // in the message; "" means valid
	}{
		{"valid without a client secret", func(*Config) {}, ""},
		{"no accounts", func(c *Config) { c.AccountIDs = nil }, "MICROSOFT_ADS_ACCOUNT_IDS is empty"},
		{"account number", func(c *Config) { c.AccountIDs = []string{"X1234567"} }, `"X1234567" is not an account id`},
		{"no customer", func(c *Config) { c.CustomerID = "" }, "MICROSOFT_ADS_CUSTOMER_ID is empty"},
		{"bad customer", func(c *Config) { c.CustomerID = "abc" }, "MICROSOFT_ADS_CUSTOMER_ID is not a customer id"},
		{"every account paired", func(c *Config) {
			c.CustomerID = ""
			c.AccountIDs = []string{"149876543:251234567", "149800001:251999999"}
		}, ""},
		{"bad customer in a pair", func(c *Config) { c.AccountIDs = []string{"149876543:C251"} }, `"C251" after 149876543: is not a customer id`},
		{"no developer token", func(c *Config) { c.DeveloperToken = "" }, "MICROSOFT_ADS_DEVELOPER_TOKEN is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			tc.edit(&cfg)
			_, err := New(cfg, nil, nil)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), tc.want)):
				t.Errorf("got %v, want EINVALID saying %q", err, tc.want)
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	if _, err := c.Campaigns(t.Context()); err != nil { // currencies cached: one call per account from here
		t.Fatalf("Campaigns: %v", err)
	}
	srv.Throttle429Next(1, 20*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.Campaigns(ctx)
	if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
		t.Fatalf("got %q (%v), want EUNAVAILABLE without waiting past the deadline", got, err)
	}
}

// TestMicrosoftCallRateWaitsTheWindow: CallRateExceeded (117) counts calls
// in a 60-second sliding window, so the client makes no more calls in it
// and hands the job runner a RetryAfter of the whole window (the runner
// reschedules; nothing waits here).
func TestMicrosoftCallRateWaitsTheWindow(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 429} {
		srv := newServer(t)
		c := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{acctA} })
		if _, err := c.Campaigns(t.Context()); err != nil {
			t.Fatalf("Campaigns: %v", err)
		}
		before := srv.Calls("update")
		if status == 429 {
			srv.Throttle429Next(1, 0)
		} else {
			srv.ThrottleNext(1)
		}
		_, err := c.SetStatus(t.Context(), campaigns(acctA, "701"), incidentbot.CampaignPaused, incidentbot.AdOptions{})
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("HTTP %d: got %v, want EUNAVAILABLE", status, err)
		}
		adstest.WantRetryAfter(t, err, time.Minute)
		if n := srv.Calls("update") - before; n != 1 {
			t.Errorf("HTTP %d: got %d UpdateCampaigns calls, want 1: a retry inside the window spends another call", status, n)
		}
		if m, _ := srv.Campaign(acctA, "701"); m.Status != fakemicrosoft.Active {
			t.Errorf("HTTP %d: got status %s, want Active", status, m.Status)
		}
	}
}

// TestMicrosoftAccountsOfTwoCustomers lists and pauses ad accounts of two
// customers, each call with the CustomerId its account belongs to: the
// fake refuses another customer's id (106).
func TestMicrosoftAccountsOfTwoCustomers(t *testing.T) {
	t.Parallel()
	const (
		otherAccount  = "149800001"
		otherCustomer = "251999999"
	)
	srv := newServer(t)
	srv.AddAccountUnder(otherAccount, "USD", otherCustomer)
	srv.AddCampaign(otherAccount, fakemicrosoft.Campaign{ID: "901", Name: "US", Status: fakemicrosoft.Active})
	c := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{acctA, otherAccount + ":" + otherCustomer} })
	got, err := c.Campaigns(t.Context())
	if err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	var cs []incidentbot.Campaign
	for _, cp := range got {
		if cp.ID == "701" || cp.ID == "901" {
			cs = append(cs, cp)
		}
	}
	if len(cs) != 2 || cs[1].Currency != "USD" {
		t.Fatalf("got %+v, want campaigns 701 and 901 (USD)", cs)
	}
	adstest.PauseResume(t, c, cs, func(cp incidentbot.Campaign) string {
		m, _ := srv.Campaign(cp.Account, cp.ID)
		return m.Status
	}, fakemicrosoft.Paused, fakemicrosoft.Active)

	one := newClient(t, srv, func(cfg *Config) { cfg.AccountIDs = []string{otherAccount} })
	if _, err := one.Campaigns(t.Context()); incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
		t.Errorf("account under another customer, default CustomerId: got %v, want EFORBIDDEN", err)
	}
}
