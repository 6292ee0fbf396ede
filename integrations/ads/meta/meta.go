// Package meta is a thin client of the Meta Marketing API (Graph API): it
// lists the campaigns of ad accounts and pauses or resumes them with batch
// requests, implementing incidentbot.AdPlatform.
package meta

import (
	"cmp"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// Defaults used when Config leaves them empty.
const (
	DefaultAPIURL     = "https://graph.facebook.com"
	DefaultAPIVersion = "v26.0"
)

const (
	// maxBatch is the Graph API's limit of requests per batch.
	maxBatch = 50
	// pageLimit is the campaigns asked for per page.
	pageLimit = 100
	// parallelAccounts bounds the ad accounts called at once; batches of
	// one account go one after the other, as its rate limit is per account.
	parallelAccounts = 4
	// maxAttempts bounds the tries of one request or batch item.
	maxAttempts = 4
)

// statuses are Meta's words for serving and paused, in the configured
// status: the bot sets status, so it reads status, not effective_status.
var statuses = adsapi.Statuses{Active: "ACTIVE", Paused: "PAUSED"}

// Config names the token and the ad accounts.
type Config struct {
	AccessToken incidentbot.Secret // system-user token with ads_management
	AccountIDs  []string           // ad account ids, "act_" optional
	APIURL      string             // default DefaultAPIURL
	APIVersion  string             // default DefaultAPIVersion
}

// Validate says what is missing when Meta Ads is half configured; an
// empty Config (the platform off) passes, and New checks the values.
func (c Config) Validate() error {
	return adsapi.HalfConfigured("Meta Ads",
		adsapi.Setting{Name: "META_ADS_ACCESS_TOKEN", Set: c.AccessToken != ""},
		adsapi.Setting{Name: "META_ADS_ACCOUNT_IDS", Set: len(c.AccountIDs) > 0})
}

// Client is a Meta Marketing API client over the configured ad accounts.
// It is safe for concurrent use.
type Client struct {
	base     string // API URL and version, no trailing slash
	token    incidentbot.Secret
	accounts []string // ids without act_
	hc       *http.Client
	logger   *slog.Logger
	retry    adsapi.Policy // its Backoff is also the wait between batch rounds
}

var _ incidentbot.AdPlatform = (*Client)(nil)

var (
	accountID = regexp.MustCompile(`^[0-9]{1,20}$`)
	version   = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)
)

// New checks cfg and returns a client. A nil hc uses a client with a
// one-minute timeout; a nil logger discards.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	var problems []string
	if cfg.AccessToken == "" {
		problems = append(problems, "META_ADS_ACCESS_TOKEN is empty")
	}
	if len(cfg.AccountIDs) == 0 {
		problems = append(problems, "META_ADS_ACCOUNT_IDS is empty: list the ad accounts to pause, comma-separated")
	}
	c := &Client{token: cfg.AccessToken, hc: hc}
	for _, id := range cfg.AccountIDs {
		a := strings.TrimPrefix(strings.TrimSpace(id), "act_")
		if !accountID.MatchString(a) {
			problems = append(problems, "META_ADS_ACCOUNT_IDS: "+quote(id)+" is not an ad account id (digits, act_ optional)")
			continue
		}
		c.accounts = append(c.accounts, a)
	}
	v := cmp.Or(cfg.APIVersion, DefaultAPIVersion)
	if !version.MatchString(v) {
		problems = append(problems, "the Meta API version must look like "+DefaultAPIVersion)
	}
	if len(problems) > 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Meta Ads is not configured correctly: %s.", strings.Join(problems, "; "))
	}
	c.base = strings.TrimRight(cmp.Or(cfg.APIURL, DefaultAPIURL), "/") + "/" + v
	if c.hc == nil {
		c.hc = &http.Client{Timeout: time.Minute}
	}
	c.logger = cmp.Or(logger, slog.New(slog.DiscardHandler))
	c.retry = adsapi.Policy{Attempts: maxAttempts, Backoff: time.Second, Logger: c.logger}
	return c, nil
}

func quote(s string) string { return `"` + s + `"` }

func (c *Client) Name() string { return incidentbot.AdsMeta }
