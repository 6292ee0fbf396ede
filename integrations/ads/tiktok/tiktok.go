// Package tiktok is a thin client of the TikTok API for Business
// (Marketing API v1.3): it lists the campaigns of advertiser accounts with
// campaign/get/ and pauses or resumes them with campaign/status/update/,
// implementing incidentbot.AdPlatform.
package tiktok

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// DefaultAPIURL is the real host, used when Config leaves it empty.
const DefaultAPIURL = "https://business-api.tiktok.com"

// apiPath is the Marketing API root under the host.
const apiPath = "/open_api/v1.3"

const (
	// maxIDs is the campaign_ids limit of campaign/status/update/: "1-20"
	// in the official SDK's CampaignStatusUpdateBody model (its Smart+
	// twin's OpenAPI says the same). TikTok's own page was not reachable.
	maxIDs = 20
	// pageSize is the campaigns asked for per page (1000 is the documented
	// maximum of the Smart+ twin, assumed here too).
	pageSize = 1000
	// maxInfoIDs is the advertiser ids asked for per advertiser/info/ call.
	maxInfoIDs = 100
	// parallelAdvertisers bounds the advertisers called at once; the calls
	// of one advertiser go one after the other, as its QPS limit is its own.
	parallelAdvertisers = 4
	// maxAttempts bounds the tries of one request (throttled or failing).
	maxAttempts = 4
)

// statuses are the words of operation_status, the switch the bot flips;
// secondary_status says whether a campaign delivers, which the bot does
// not act on.
var statuses = adsapi.Statuses{Active: "ENABLE", Paused: "DISABLE"}

// Config names the token and the advertiser accounts.
type Config struct {
	AccessToken   incidentbot.Secret // long-term Marketing API token of an app the advertisers authorized
	AdvertiserIDs []string
	APIURL        string // default DefaultAPIURL
}

// Validate says what is missing when TikTok Ads is half configured; an
// empty Config (the platform off) passes, and New checks the values.
func (c Config) Validate() error {
	return adsapi.HalfConfigured("TikTok Ads",
		adsapi.Setting{Name: "TIKTOK_ADS_ACCESS_TOKEN", Set: c.AccessToken != ""},
		adsapi.Setting{Name: "TIKTOK_ADS_ADVERTISER_IDS", Set: len(c.AdvertiserIDs) > 0})
}

// Client is a TikTok Marketing API client over the configured advertisers.
// It is safe for concurrent use.
type Client struct {
	base        string // API URL and path, no trailing slash
	token       incidentbot.Secret
	advertisers []string
	hc          *http.Client
	logger      *slog.Logger
	retry       adsapi.Policy // TikTok gives no wait hint: backoff only

	mu    sync.Mutex
	kinds map[string]kind // "advertiser/campaign" -> kind, from the last listing
}

var _ incidentbot.AdPlatform = (*Client)(nil)

var advertiserID = regexp.MustCompile(`^[0-9]{1,20}$`)

// New checks cfg and returns a client. A nil hc uses a client with a
// one-minute timeout; a nil logger discards.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	var problems []string
	if cfg.AccessToken == "" {
		problems = append(problems, "TIKTOK_ADS_ACCESS_TOKEN is empty")
	}
	if len(cfg.AdvertiserIDs) == 0 {
		problems = append(problems, "TIKTOK_ADS_ADVERTISER_IDS is empty: list the advertiser accounts to pause, comma-separated")
	}
	c := &Client{token: cfg.AccessToken, hc: hc, kinds: map[string]kind{}}
	for _, id := range cfg.AdvertiserIDs {
		a := strings.TrimSpace(id)
		if !advertiserID.MatchString(a) {
			problems = append(problems, fmt.Sprintf("TIKTOK_ADS_ADVERTISER_IDS: %q is not an advertiser id (digits)", id))
			continue
		}
		c.advertisers = append(c.advertisers, a)
	}
	if len(problems) > 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "TikTok Ads is not configured correctly: %s.", strings.Join(problems, "; "))
	}
	c.base = strings.TrimRight(cmp.Or(cfg.APIURL, DefaultAPIURL), "/") + apiPath
	if c.hc == nil {
		c.hc = &http.Client{Timeout: time.Minute}
	}
	c.logger = cmp.Or(logger, slog.New(slog.DiscardHandler))
	c.retry = adsapi.Policy{Attempts: maxAttempts, Backoff: time.Second, Logger: c.logger}
	return c, nil
}

func (c *Client) Name() string { return incidentbot.AdsTikTok }
