// Package meta is a thin client of the Meta Marketing API (Graph API): it
// lists the campaigns of ad accounts and pauses or resumes them with batch
// requests, implementing incidentbot.AdPlatform.
package meta

import (
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"incidentbot"
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
	// maxWait is the longest the client waits inline before a retry; a
	// longer hint goes back to the caller as RetryAfter.
	maxWait = 30 * time.Second
)

// Config names the token and the ad accounts.
type Config struct {
	AccessToken incidentbot.Secret // system-user token with ads_management
	AccountIDs  []string           // ad account ids, "act_" optional
	APIURL      string             // default DefaultAPIURL
	APIVersion  string             // default DefaultAPIVersion
}

// Client is a Meta Marketing API client over the configured ad accounts.
// It is safe for concurrent use.
type Client struct {
	base     string // API URL and version, no trailing slash
	token    incidentbot.Secret
	accounts []string // ids without act_
	hc       *http.Client
	logger   *slog.Logger
	backoff  time.Duration // first wait after a throttle or transient error, doubled each time
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
	c := &Client{token: cfg.AccessToken, hc: hc, logger: logger, backoff: time.Second}
	for _, id := range cfg.AccountIDs {
		a := strings.TrimPrefix(strings.TrimSpace(id), "act_")
		if !accountID.MatchString(a) {
			problems = append(problems, "META_ADS_ACCOUNT_IDS: "+quote(id)+" is not an ad account id (digits, act_ optional)")
			continue
		}
		c.accounts = append(c.accounts, a)
	}
	v := cfg.APIVersion
	if v == "" {
		v = DefaultAPIVersion
	}
	if !version.MatchString(v) {
		problems = append(problems, "the Meta API version must look like "+DefaultAPIVersion)
	}
	if len(problems) > 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Meta Ads is not configured correctly: %s.", strings.Join(problems, "; "))
	}
	u := cfg.APIURL
	if u == "" {
		u = DefaultAPIURL
	}
	c.base = strings.TrimRight(u, "/") + "/" + v
	if c.hc == nil {
		c.hc = &http.Client{Timeout: time.Minute}
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func quote(s string) string { return `"` + s + `"` }

func (c *Client) Name() string { return incidentbot.AdsMeta }
