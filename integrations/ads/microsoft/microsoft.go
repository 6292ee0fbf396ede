// Package microsoft is a thin client of the Microsoft Advertising Campaign
// Management API (REST, v13): it lists the campaigns of ad accounts with
// GetCampaignsByAccountId and pauses or resumes them with UpdateCampaigns,
// implementing incidentbot.AdPlatform.
package microsoft

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// Real endpoints, used when Config leaves them empty.
const (
	DefaultAPIURL   = "https://campaign.api.bingads.microsoft.com"
	DefaultTokenURL = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
)

// Host prefixes of the Campaign and Customer Management services, which
// sit side by side in production and in the sandbox.
const (
	campaignHost = "campaign.api."
	customerHost = "clientcenter.api."
)

// Scope is the OAuth scope of the Microsoft Advertising API; offline_access
// makes the token endpoint return a new refresh token each time.
const Scope = "https://ads.microsoft.com/msads.manage offline_access"

// statuses are Microsoft's words for serving and paused. BudgetPaused and
// BudgetAndManualPaused are set by the service and revert by themselves,
// Suspended by Microsoft: the bot leaves them alone.
var statuses = adsapi.Statuses{Active: "Active", Paused: "Paused"}

const (
	// maxCampaigns is UpdateCampaigns' limit of campaigns per call (error 1114 past it).
	maxCampaigns = 100
	// parallelAccounts bounds the ad accounts called at once; the calls of
	// one account go one after the other, as throttling counts per customer.
	parallelAccounts = 4
	// maxAttempts bounds the tries of one request (throttled or failing).
	maxAttempts = 4
	// rateWindow is how long Microsoft says to wait after CallRateExceeded
	// (a 60-second sliding window) when no Retry-After says otherwise.
	rateWindow = time.Minute
)

// Config names the credentials and accounts.
type Config struct {
	ClientID       string
	ClientSecret   incidentbot.Secret // empty for a public (native) app registration
	RefreshToken   incidentbot.Secret
	DeveloperToken incidentbot.Secret
	CustomerID     string // the customer (manager account) id sent as CustomerId for accounts that name none
	// AccountIDs are ad account ids (numbers, not the "X1234567" account
	// numbers), each optionally followed by ":" and the customer it
	// belongs to ("149876543:251234567"), for accounts of several customers.
	AccountIDs []string
	// APIURL is the Campaign Management host, default DefaultAPIURL. The
	// account currency is read from Customer Management at the matching
	// clientcenter.api host, or at APIURL itself when it is not a
	// campaign.api host (a fake or a proxy).
	APIURL   string
	TokenURL string // default DefaultTokenURL
}

// Validate says what is missing when Microsoft Advertising is half
// configured; an empty Config (the platform off) passes, and New checks
// the values. The customer id may be left out when every account names
// its own.
func (c Config) Validate() error {
	everyPaired := len(c.AccountIDs) > 0 && !slices.ContainsFunc(c.AccountIDs, func(id string) bool { return !strings.Contains(id, ":") })
	return adsapi.HalfConfigured("Microsoft Advertising",
		adsapi.Setting{Name: "MICROSOFT_ADS_CLIENT_ID", Set: c.ClientID != ""},
		adsapi.Setting{Name: "MICROSOFT_ADS_REFRESH_TOKEN", Set: c.RefreshToken != ""},
		adsapi.Setting{Name: "MICROSOFT_ADS_DEVELOPER_TOKEN", Set: c.DeveloperToken != ""},
		adsapi.Setting{Name: "MICROSOFT_ADS_CUSTOMER_ID", Set: c.CustomerID != "" || everyPaired},
		adsapi.Setting{Name: "MICROSOFT_ADS_ACCOUNT_IDS", Set: len(c.AccountIDs) > 0})
}

// Client is a Microsoft Advertising client over the configured ad
// accounts. It is safe for concurrent use.
type Client struct {
	campaignURL string            // Campaign Management root
	customerURL string            // Customer Management root
	customer    map[string]string // ad account -> its customer (CustomerId)
	// defaultCustomer is MICROSOFT_ADS_CUSTOMER_ID, for accounts not listed.
	defaultCustomer string
	accounts        []string
	devToken        incidentbot.Secret
	clientID        string
	secret          incidentbot.Secret
	tokenURL        string
	hc              *http.Client
	logger          *slog.Logger
	retry           adsapi.Policy

	mu      sync.Mutex
	refresh incidentbot.Secret // the newest refresh token: Microsoft rotates them
	access  string
	expiry  time.Time

	cmu      sync.Mutex
	currency map[string]string // each account's currency, which never changes
}

var _ incidentbot.AdPlatform = (*Client)(nil)

var digits = regexp.MustCompile(`^[0-9]{1,20}$`)

// New checks cfg and returns a client. A nil hc uses a client with a
// one-minute timeout; a nil logger discards.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	var problems []string
	for _, f := range []struct {
		name  string
		empty bool
	}{
		{"MICROSOFT_ADS_CLIENT_ID", cfg.ClientID == ""},
		{"MICROSOFT_ADS_REFRESH_TOKEN", cfg.RefreshToken == ""},
		{"MICROSOFT_ADS_DEVELOPER_TOKEN", cfg.DeveloperToken == ""},
	} {
		if f.empty {
			problems = append(problems, f.name+" is empty")
		}
	}
	defaultCustomer := strings.TrimSpace(cfg.CustomerID)
	if defaultCustomer != "" && !digits.MatchString(defaultCustomer) {
		problems = append(problems, "MICROSOFT_ADS_CUSTOMER_ID is not a customer id (digits)")
	}
	if len(cfg.AccountIDs) == 0 {
		problems = append(problems, "MICROSOFT_ADS_ACCOUNT_IDS is empty: list the ad account ids to pause, comma-separated")
	}
	c := &Client{
		customer: map[string]string{},
		devToken: cfg.DeveloperToken,
		clientID: cfg.ClientID,
		secret:   cfg.ClientSecret,
		tokenURL: cmp.Or(cfg.TokenURL, DefaultTokenURL),
		refresh:  cfg.RefreshToken,
		currency: map[string]string{},
		hc:       hc,
	}
	unpaired := false
	for _, entry := range cfg.AccountIDs {
		id, cust, paired := strings.Cut(entry, ":")
		a, cust := strings.TrimSpace(id), strings.TrimSpace(cust)
		switch {
		case !digits.MatchString(a):
			problems = append(problems, fmt.Sprintf("MICROSOFT_ADS_ACCOUNT_IDS: %q is not an account id (digits; the account number like X1234567 will not do)", id))
			continue
		case paired && !digits.MatchString(cust):
			problems = append(problems, fmt.Sprintf("MICROSOFT_ADS_ACCOUNT_IDS: %q after %s: is not a customer id (digits)", cust, a))
			continue
		}
		if _, dup := c.customer[a]; !dup {
			c.accounts = append(c.accounts, a)
		}
		c.customer[a] = cmp.Or(cust, defaultCustomer)
		unpaired = unpaired || !paired
	}
	if unpaired && defaultCustomer == "" {
		problems = append(problems, "MICROSOFT_ADS_CUSTOMER_ID is empty: set it, or give each account its customer in MICROSOFT_ADS_ACCOUNT_IDS (account:customer)")
	}
	c.defaultCustomer = defaultCustomer
	if len(problems) > 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Microsoft Advertising is not configured correctly: %s.", strings.Join(problems, "; "))
	}
	api := strings.TrimRight(cmp.Or(cfg.APIURL, DefaultAPIURL), "/")
	c.campaignURL = api + campaignPath
	c.customerURL = strings.Replace(api, "://"+campaignHost, "://"+customerHost, 1) + customerPath
	if c.hc == nil {
		c.hc = &http.Client{Timeout: time.Minute}
	}
	c.logger = cmp.Or(logger, slog.New(slog.DiscardHandler))
	c.retry = adsapi.Policy{Attempts: maxAttempts, Backoff: time.Second, Logger: c.logger}
	return c, nil
}

func (c *Client) Name() string { return incidentbot.AdsMicrosoft }
