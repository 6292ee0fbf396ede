// Package googleads is a thin REST client of the Google Ads API: it lists
// campaigns with GAQL and pauses or resumes them with campaigns:mutate,
// implementing incidentbot.AdPlatform over one or more customer accounts.
package googleads

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// APIVersion is the Google Ads API major version called; Google ships four
// a year and sunsets each after about a year.
const APIVersion = "v26"

// Real endpoints, used when Config leaves them empty.
const (
	DefaultAPIURL   = "https://googleads.googleapis.com"
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
)

const (
	// maxOperations is the API's limit of operations per mutate request.
	maxOperations = 10000
	// parallelCustomers bounds the customer accounts called at once.
	parallelCustomers = 4
	// maxAttempts bounds the tries of one request (throttled or failing).
	maxAttempts = 4
)

// statuses are Google's words for serving and paused.
var statuses = adsapi.Statuses{Active: "ENABLED", Paused: "PAUSED"}

// Config names the credentials and accounts; see the package README.
type Config struct {
	ClientID       string
	ClientSecret   incidentbot.Secret
	RefreshToken   incidentbot.Secret
	DeveloperToken incidentbot.Secret
	// CustomerIDs are 10 digits, hyphens allowed ("123-456-7890"), each
	// optionally followed by ":" and the manager account to call it
	// through ("123-456-7890:987-654-3210"), for customers under different
	// managers.
	CustomerIDs     []string
	LoginCustomerID string // the manager account called through when a customer names none
	APIURL          string // default DefaultAPIURL
	TokenURL        string // default DefaultTokenURL
}

// Validate says what is missing when Google Ads is half configured; an
// empty Config (the platform off) passes, and New checks the values.
func (c Config) Validate() error {
	return adsapi.HalfConfigured("Google Ads",
		adsapi.Setting{Name: "GOOGLE_ADS_CLIENT_ID", Set: c.ClientID != ""},
		adsapi.Setting{Name: "GOOGLE_ADS_CLIENT_SECRET", Set: c.ClientSecret != ""},
		adsapi.Setting{Name: "GOOGLE_ADS_REFRESH_TOKEN", Set: c.RefreshToken != ""},
		adsapi.Setting{Name: "GOOGLE_ADS_DEVELOPER_TOKEN", Set: c.DeveloperToken != ""},
		adsapi.Setting{Name: "GOOGLE_ADS_CUSTOMER_IDS", Set: len(c.CustomerIDs) > 0})
}

// Client is a Google Ads API client over the configured customers. It is
// safe for concurrent use.
type Client struct {
	apiURL    string
	customers []string
	login     map[string]string // customer -> login-customer-id ("" for none)
	// defaultLogin is GOOGLE_ADS_LOGIN_CUSTOMER_ID, for customers not listed.
	defaultLogin string
	devToken     incidentbot.Secret
	refresh      incidentbot.Secret
	oauth        *oauth2.Config
	hc           *http.Client
	logger       *slog.Logger
	retry        adsapi.Policy

	mu  sync.Mutex
	tok *oauth2.Token
}

var _ incidentbot.AdPlatform = (*Client)(nil)

var tenDigits = regexp.MustCompile(`^[0-9]{10}$`)

// customerID strips the hyphens Google Ads shows in customer ids.
func customerID(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "-", "")
}

// New checks cfg and returns a client. A nil hc uses a client with a
// one-minute timeout; a nil logger discards.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	var problems []string
	for _, f := range []struct {
		name  string
		empty bool
	}{
		{"GOOGLE_ADS_CLIENT_ID", cfg.ClientID == ""},
		{"GOOGLE_ADS_CLIENT_SECRET", cfg.ClientSecret == ""},
		{"GOOGLE_ADS_REFRESH_TOKEN", cfg.RefreshToken == ""},
		{"GOOGLE_ADS_DEVELOPER_TOKEN", cfg.DeveloperToken == ""},
	} {
		if f.empty {
			problems = append(problems, f.name+" is empty")
		}
	}
	if len(cfg.CustomerIDs) == 0 {
		problems = append(problems, "GOOGLE_ADS_CUSTOMER_IDS is empty: list the accounts to pause, comma-separated")
	}
	c := &Client{
		apiURL:   strings.TrimRight(cmp.Or(cfg.APIURL, DefaultAPIURL), "/"),
		login:    map[string]string{},
		devToken: cfg.DeveloperToken,
		refresh:  cfg.RefreshToken,
		hc:       hc,
	}
	defaultLogin := customerID(cfg.LoginCustomerID)
	if defaultLogin != "" && !tenDigits.MatchString(defaultLogin) {
		problems = append(problems, "GOOGLE_ADS_LOGIN_CUSTOMER_ID is not a 10-digit customer id")
	}
	c.defaultLogin = defaultLogin
	for _, entry := range cfg.CustomerIDs {
		id, manager, paired := strings.Cut(entry, ":")
		cid, login := customerID(id), cmp.Or(customerID(manager), defaultLogin)
		switch {
		case !tenDigits.MatchString(cid):
			problems = append(problems, fmt.Sprintf("GOOGLE_ADS_CUSTOMER_IDS: %q is not a 10-digit customer id", id))
			continue
		case paired && !tenDigits.MatchString(customerID(manager)):
			problems = append(problems, fmt.Sprintf("GOOGLE_ADS_CUSTOMER_IDS: %q after %s: is not a 10-digit manager account id", manager, id))
			continue
		}
		if _, dup := c.login[cid]; !dup {
			c.customers = append(c.customers, cid)
		}
		c.login[cid] = login
	}
	if len(problems) > 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Google Ads is not configured correctly: %s.", strings.Join(problems, "; "))
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: time.Minute}
	}
	c.logger = cmp.Or(logger, slog.New(slog.DiscardHandler))
	c.retry = adsapi.Policy{Attempts: maxAttempts, Backoff: time.Second, Logger: c.logger}
	c.oauth = &oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret.Reveal(),
		Endpoint:     oauth2.Endpoint{TokenURL: cmp.Or(cfg.TokenURL, DefaultTokenURL), AuthStyle: oauth2.AuthStyleInParams},
		Scopes:       []string{"https://www.googleapis.com/auth/adwords"},
	}
	return c, nil
}

func (c *Client) Name() string { return incidentbot.AdsGoogle }

// token returns a valid access token, refreshing it when it expired or
// was invalidated. Holding mu makes concurrent callers share one refresh.
func (c *Client) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Valid() {
		return c.tok.AccessToken, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.hc)
	t, err := c.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: c.refresh.Reveal()}).Token()
	if err != nil {
		return "", tokenError(err)
	}
	c.tok = t
	return t.AccessToken, nil
}

// invalidate drops access if it is still the cached token, so the next
// call refreshes: the API said it expired before its stated expiry.
func (c *Client) invalidate(access string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken == access {
		c.tok = nil
	}
}
