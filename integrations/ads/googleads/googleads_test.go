package googleads

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adstest"
	"incidentbot/internal/fake/fakegoogleads"
)

const (
	custA = "1234567890"
	custB = "1234567891"
)

// newClient returns a client of srv over custA and custB ("123-456-7891"
// as people write it), with millisecond backoff.
func newClient(t *testing.T, srv *fakegoogleads.Server, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		ClientID:        fakegoogleads.ClientID,
		ClientSecret:    fakegoogleads.ClientSecret,
		RefreshToken:    fakegoogleads.RefreshToken,
		DeveloperToken:  fakegoogleads.DeveloperToken,
		CustomerIDs:     []string{custA, "123-456-7891"},
		LoginCustomerID: "987-654-3210",
		APIURL:          srv.URL(),
		TokenURL:        srv.TokenURL(),
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

// newServer has custA (EUR) with a1 enabled, a2 paused, a3 removed, a4
// enabled, and custB (USD) with b1, b2 enabled; pages of 2 rows.
func newServer(t *testing.T, opts ...fakegoogleads.Option) *fakegoogleads.Server {
	t.Helper()
	srv := fakegoogleads.New(t, append([]fakegoogleads.Option{fakegoogleads.WithPageSize(2)}, opts...)...)
	srv.AddCustomer(custA, "EUR")
	srv.AddCustomer(custB, "USD")
	srv.AddCampaign(custA, fakegoogleads.Campaign{ID: "a1", Name: "Search - Shoes", Status: fakegoogleads.Enabled, BudgetMicros: 48_500_000, Labels: []string{"Sale", "FR"}})
	srv.AddCampaign(custA, fakegoogleads.Campaign{ID: "a2", Name: "Old promo", Status: fakegoogleads.Paused})
	srv.AddCampaign(custA, fakegoogleads.Campaign{ID: "a3", Name: "Removed", Status: fakegoogleads.Removed})
	srv.AddCampaign(custA, fakegoogleads.Campaign{ID: "a4", Name: "PMax", Status: fakegoogleads.Enabled, Labels: []string{"Sale"}})
	srv.AddCampaign(custB, fakegoogleads.Campaign{ID: "b1", Name: "Brand", Status: fakegoogleads.Enabled, BudgetMicros: 10_000_000, Labels: []string{"Brand"}})
	srv.AddCampaign(custB, fakegoogleads.Campaign{ID: "b2", Name: "Generic", Status: fakegoogleads.Enabled})
	return srv
}

func campaign(cust, id string) incidentbot.Campaign {
	return adstest.Campaigns(incidentbot.AdsGoogle, cust, id)[0]
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
		{Platform: "googleads", Account: custA, ID: "a1", Name: "Search - Shoes", Status: incidentbot.CampaignActive, RawStatus: "ENABLED", DailyBudget: 48.5, Currency: "EUR", Labels: []string{"Sale", "FR"}},
		{Platform: "googleads", Account: custA, ID: "a2", Name: "Old promo", Status: incidentbot.CampaignPaused, RawStatus: "PAUSED", Currency: "EUR"},
		{Platform: "googleads", Account: custA, ID: "a3", Name: "Removed", Status: incidentbot.CampaignOther, RawStatus: "REMOVED", Currency: "EUR"},
		{Platform: "googleads", Account: custA, ID: "a4", Name: "PMax", Status: incidentbot.CampaignActive, RawStatus: "ENABLED", Currency: "EUR", Labels: []string{"Sale"}},
		{Platform: "googleads", Account: custB, ID: "b1", Name: "Brand", Status: incidentbot.CampaignActive, RawStatus: "ENABLED", DailyBudget: 10, Currency: "USD", Labels: []string{"Brand"}},
		{Platform: "googleads", Account: custB, ID: "b2", Name: "Generic", Status: incidentbot.CampaignActive, RawStatus: "ENABLED", Currency: "USD"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d campaigns, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Key() != want[i].Key() || got[i].Name != want[i].Name || got[i].Status != want[i].Status ||
			got[i].RawStatus != want[i].RawStatus || got[i].DailyBudget != want[i].DailyBudget || got[i].Currency != want[i].Currency ||
			!slices.Equal(got[i].Labels, want[i].Labels) {
			t.Errorf("campaign %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// custA: 4 campaign rows and 3 label rows, each in pages of 2; custB:
	// 2 campaign rows and 1 label row, one page each.
	if n := srv.Calls("search"); n != 6 {
		t.Errorf("got %d search requests, want 6", n)
	}
	if n := srv.Calls("token"); n != 1 {
		t.Errorf("got %d token requests, want 1 shared by both customers", n)
	}
}

func TestPauseThenResume(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	cs := []incidentbot.Campaign{campaign(custA, "a1"), campaign(custA, "a4"), campaign(custB, "b1"), campaign("123-456-7891", "b2")}
	adstest.PauseResume(t, c, cs, func(cp incidentbot.Campaign) string {
		got, _ := srv.Campaign(customerID(cp.Account), cp.ID)
		return got.Status
	}, fakegoogleads.Paused, fakegoogleads.Enabled)
	if got, _ := srv.Campaign(custA, "a2"); got.Status != fakegoogleads.Paused {
		t.Errorf("untouched a2: got %s, want PAUSED", got.Status)
	}
	if n := srv.Calls("mutate"); n != 4 {
		t.Errorf("got %d mutate requests, want 4 (one per customer per step)", n)
	}
}

func TestPartialFailureAndDryRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		dryRun     bool
		wantStatus map[string]string
	}{
		{"apply", false, map[string]string{"a1": fakegoogleads.Paused, "a3": fakegoogleads.Removed, "a4": fakegoogleads.Enabled, "b1": fakegoogleads.Paused}},
		{"validate only", true, map[string]string{"a1": fakegoogleads.Enabled, "a3": fakegoogleads.Removed, "a4": fakegoogleads.Enabled, "b1": fakegoogleads.Enabled}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.FailCampaign(custA, "a4")
			c := newClient(t, srv)
			cs := []incidentbot.Campaign{campaign(custA, "a1"), campaign(custA, "a3"), campaign(custA, "a4"), campaign(custB, "b1")}
			res, err := c.SetStatus(t.Context(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{DryRun: tc.dryRun})
			if err != nil {
				t.Fatalf("SetStatus: %v", err)
			}
			wantCode := map[string]string{"a1": "", "a3": incidentbot.ENOTFOUND, "a4": incidentbot.EUNAVAILABLE, "b1": ""}
			if len(res) != len(cs) {
				t.Fatalf("got %d results, want %d", len(res), len(cs))
			}
			for _, r := range res {
				if got := incidentbot.ErrorCode(r.Err); got != wantCode[r.Campaign.ID] {
					t.Errorf("campaign %s: got code %q (%v), want %q", r.Campaign.ID, got, r.Err, wantCode[r.Campaign.ID])
				}
			}
			for _, r := range res {
				if r.Err != nil && !strings.Contains(incidentbot.ErrorMessage(r.Err), r.Campaign.ID) {
					t.Errorf("campaign %s: message %q does not name it", r.Campaign.ID, incidentbot.ErrorMessage(r.Err))
				}
			}
			for id, want := range tc.wantStatus {
				cust := custA
				if id[0] == 'b' {
					cust = custB
				}
				if got, _ := srv.Campaign(cust, id); got.Status != want {
					t.Errorf("campaign %s: got %s, want %s", id, got.Status, want)
				}
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inject    func(*fakegoogleads.Server)
		wantCode  string
		wantAfter time.Duration // RetryAfter in the error, when throttled
	}{
		{"throttled then ok", func(s *fakegoogleads.Server) { s.ThrottleNext(3, 5*time.Millisecond) }, "", 0},
		{"throttle storm", func(s *fakegoogleads.Server) { s.ThrottleNext(maxAttempts, 5*time.Millisecond) }, incidentbot.EUNAVAILABLE, 5 * time.Millisecond},
		{"retryDelay too long to wait", func(s *fakegoogleads.Server) { s.ThrottleNext(1, time.Hour) }, incidentbot.EUNAVAILABLE, time.Hour},
		{"5xx then ok", func(s *fakegoogleads.Server) { s.FailNext(2, 503); s.FailNext(1, 500) }, "", 0},
		{"5xx storm", func(s *fakegoogleads.Server) { s.FailNext(maxAttempts, 500) }, incidentbot.EUNAVAILABLE, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			c := newClient(t, srv, func(cfg *Config) { cfg.CustomerIDs = []string{custA} })
			tc.inject(srv)
			start := time.Now()
			res, err := c.SetStatus(t.Context(), []incidentbot.Campaign{campaign(custA, "a1")}, incidentbot.CampaignPaused, incidentbot.AdOptions{})
			if time.Since(start) > 10*time.Second {
				t.Errorf("SetStatus took %s: it waited instead of handing the retryDelay back", time.Since(start))
			}
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
			}
			adstest.WantRetryAfter(t, err, tc.wantAfter)
			a1, _ := srv.Campaign(custA, "a1")
			switch {
			case tc.wantCode == "" && (a1.Status != fakegoogleads.Paused || len(res) != 1 || res[0].Err != nil):
				t.Errorf("got status %s and results %+v, want PAUSED with one clean result", a1.Status, res)
			case tc.wantCode != "" && a1.Status != fakegoogleads.Enabled:
				t.Errorf("got status %s, want ENABLED", a1.Status)
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
	res, err := c.SetStatus(t.Context(), []incidentbot.Campaign{campaign(custA, "a1"), campaign(custB, "b1")}, incidentbot.CampaignPaused, incidentbot.AdOptions{})
	if err != nil {
		t.Fatalf("SetStatus after expiry: %v", err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("campaign %s: %v", r.Campaign.ID, r.Err)
		}
	}
	if n := srv.Calls("token"); n != 2 {
		t.Errorf("got %d token requests, want 2: one refresh shared by both customers", n)
	}
}

func TestTokenTTL(t *testing.T) {
	t.Parallel()
	var now struct{ t time.Time }
	now.t = time.Now()
	srv := newServer(t, fakegoogleads.WithTokenTTL(time.Hour), fakegoogleads.WithClock(func() time.Time { return now.t }))
	c := newClient(t, srv, func(cfg *Config) { cfg.CustomerIDs = []string{custA} })
	if _, err := c.Campaigns(t.Context()); err != nil {
		t.Fatalf("Campaigns: %v", err)
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
		wantCode string
	}{
		{"revoked refresh token", func(c *Config) { c.RefreshToken = secretText }, incidentbot.EUNAUTHORIZED},
		{"wrong client secret", func(c *Config) { c.ClientSecret = secretText }, incidentbot.EUNAUTHORIZED},
		{"wrong developer token", func(c *Config) { c.DeveloperToken = secretText }, incidentbot.EUNAUTHORIZED},
		{"customer not accessible", func(c *Config) { c.CustomerIDs = []string{"5555555555"} }, incidentbot.EFORBIDDEN},
		{"wrong manager", func(c *Config) { c.LoginCustomerID = "1111111111" }, incidentbot.EFORBIDDEN},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			c := newClient(t, srv, tc.edit)
			_, err := c.Campaigns(t.Context())
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
			}
			for _, s := range []string{err.Error(), incidentbot.ErrorMessage(err)} {
				if strings.Contains(s, secretText) || strings.Contains(s, fakegoogleads.RefreshToken) || strings.Contains(s, "ya29.") {
					t.Errorf("error text %q holds a secret", s)
				}
			}
		})
	}
}

func TestManyOperationsSplit(t *testing.T) {
	t.Parallel()
	srv := fakegoogleads.New(t)
	ids := srv.AddCampaigns(custA, maxOperations+1, fakegoogleads.Enabled)
	c := newClient(t, srv, func(cfg *Config) { cfg.CustomerIDs = []string{custA} })
	cs := make([]incidentbot.Campaign, len(ids))
	for i, id := range ids {
		cs[i] = campaign(custA, id)
	}
	res, err := c.SetStatus(t.Context(), cs, incidentbot.CampaignPaused, incidentbot.AdOptions{})
	if err != nil || len(res) != len(cs) {
		t.Fatalf("SetStatus: got %d results, %v; want %d, nil", len(res), err, len(cs))
	}
	if n := srv.Calls("mutate"); n != 2 {
		t.Errorf("got %d mutate requests, want 2", n)
	}
	if got, _ := srv.Campaign(custA, ids[maxOperations]); got.Status != fakegoogleads.Paused {
		t.Errorf("last campaign: got %s, want PAUSED", got.Status)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	ok := Config{ClientID: "id", ClientSecret: "s", RefreshToken: "r", DeveloperToken: "d", CustomerIDs: []string{"123-456-7890"}}
	tests := []struct {
		name string
		edit func(*Config)
		want string // in the message; "" means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"no customers", func(c *Config) { c.CustomerIDs = nil }, "GOOGLE_ADS_CUSTOMER_IDS is empty"},
		{"short customer id", func(c *Config) { c.CustomerIDs = []string{"12345"} }, `"12345" is not a 10-digit customer id`},
		{"bad login id", func(c *Config) { c.LoginCustomerID = "abc" }, "GOOGLE_ADS_LOGIN_CUSTOMER_ID"},
		{"customer:manager pair", func(c *Config) { c.CustomerIDs = []string{"123-456-7890:987-654-3210", "1234567891"} }, ""},
		{"bad manager in a pair", func(c *Config) { c.CustomerIDs = []string{"123-456-7890:98765"} }, `"98765" after 123-456-7890: is not a 10-digit manager`},
		{"no refresh token", func(c *Config) { c.RefreshToken = "" }, "GOOGLE_ADS_REFRESH_TOKEN is empty"},
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
	srv.ThrottleNext(1, 20*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.Campaigns(ctx)
	if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
		t.Fatalf("got %q (%v), want EUNAVAILABLE without waiting past the deadline", got, err)
	}
}

// TestGoogleAdsTwoManagers lists and pauses customers under two manager
// accounts, each called through its own login-customer-id: the fake, as
// the API, refuses a customer called through the other manager.
func TestGoogleAdsTwoManagers(t *testing.T) {
	t.Parallel()
	const (
		mgr1, mgr2   = "1111111111", "2222222222"
		cust1, cust2 = "3333333333", "4444444444"
		cust3        = "5555555555" // directly accessible: no login-customer-id
	)
	srv := fakegoogleads.New(t)
	srv.AddManager(mgr1)
	srv.AddManager(mgr2)
	srv.LinkCustomer(cust1, "EUR", mgr1)
	srv.LinkCustomer(cust2, "USD", mgr2)
	srv.AddCampaign(cust1, fakegoogleads.Campaign{ID: "c1", Status: fakegoogleads.Enabled})
	srv.AddCampaign(cust2, fakegoogleads.Campaign{ID: "c2", Status: fakegoogleads.Enabled})
	srv.AddCampaign(cust3, fakegoogleads.Campaign{ID: "c3", Status: fakegoogleads.Enabled})

	c := newClient(t, srv, func(cfg *Config) {
		cfg.CustomerIDs = []string{"333-333-3333:111-111-1111", cust2 + ":" + mgr2, cust3}
		cfg.LoginCustomerID = ""
	})
	got, err := c.Campaigns(t.Context())
	if err != nil || len(got) != 3 {
		t.Fatalf("Campaigns: got %d, %v; want 3 campaigns, nil", len(got), err)
	}
	adstest.PauseResume(t, c, got, func(cp incidentbot.Campaign) string {
		s, _ := srv.Campaign(cp.Account, cp.ID)
		return s.Status
	}, fakegoogleads.Paused, fakegoogleads.Enabled)

	// One manager for all, as before: the other tree is refused.
	one := newClient(t, srv, func(cfg *Config) {
		cfg.CustomerIDs = []string{cust1, cust2}
		cfg.LoginCustomerID = mgr1
	})
	_, err = one.Campaigns(t.Context())
	if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN || !strings.Contains(incidentbot.ErrorMessage(err), "customer:manager") {
		t.Errorf("one login for two trees: got %v, want EFORBIDDEN naming the customer:manager form", err)
	}
}

// FuzzCustomerIDs: any GOOGLE_ADS_CUSTOMER_IDS entry gives a client whose
// customers and logins are 10 digits, or an EINVALID error; never a panic.
func FuzzCustomerIDs(f *testing.F) {
	for _, s := range []string{"123-456-7890", "123-456-7890:987-654-3210", "1234567890:", ":", "12:34", "123-456-7890:98765", " 1234567890 : 9876543210 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		c, err := New(Config{ClientID: "id", ClientSecret: "s", RefreshToken: "r", DeveloperToken: "d", CustomerIDs: []string{entry}}, nil, nil)
		if err != nil {
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID {
				t.Fatalf("New(%q): got %v, want EINVALID", entry, err)
			}
			return
		}
		for _, cid := range c.customers {
			if login := c.login[cid]; !tenDigits.MatchString(cid) || login != "" && !tenDigits.MatchString(login) {
				t.Fatalf("New(%q): customer %q login %q, want 10 digits", entry, cid, login)
			}
		}
	})
}
