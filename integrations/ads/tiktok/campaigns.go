package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// campaignFields are the campaign/get/ fields the bot reads.
const campaignFields = `["campaign_id","campaign_name","operation_status","budget","budget_mode","campaign_automation_type"]`

// listFilters cover every campaign: campaign/get/ defaults to buying types
// AUCTION and RESERVATION_RF and to origin TT_ADS_PLATFORM, which leaves
// out Promote campaigns, and RESERVATION_TOP_VIEW cannot be combined with
// another buying type, so TopView takes a query of its own
// (business-api.tiktok.com/portal/docs?id=1739315828649986).
var listFilters = []struct {
	filtering string
	topView   bool
}{
	{`{"buying_types":["AUCTION","RESERVATION_RF"],"campaign_system_origins":["TT_ADS_PLATFORM","PROMOTE"]}`, false},
	{`{"buying_types":["RESERVATION_TOP_VIEW"]}`, true},
}

// dailyModes are the budget modes whose budget is spent per day; a
// dynamic daily budget is the average daily budget over a week.
var dailyModes = map[string]bool{"BUDGET_MODE_DAY": true, "BUDGET_MODE_DYNAMIC_DAILY_BUDGET": true}

type campaignRow struct {
	CampaignID      string `json:"campaign_id"`
	CampaignName    string `json:"campaign_name"`
	OperationStatus string `json:"operation_status"`
	SecondaryStatus string `json:"secondary_status"`
	Budget          amount `json:"budget"`
	BudgetMode      string `json:"budget_mode"`
	Automation      string `json:"campaign_automation_type"`
}

type campaignPage struct {
	List     []campaignRow `json:"list"`
	PageInfo struct {
		Page      int `json:"page"`
		TotalPage int `json:"total_page"`
	} `json:"page_info"`
}

// amount reads a number TikTok may send as a JSON number or string (the
// type of budget is unverified).
type amount float64

func (a *amount) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("tiktok amount %q: %w", b, err)
	}
	*a = amount(f)
	return nil
}

// Campaigns lists every campaign of every configured advertiser,
// advertisers in parallel, following page_info.total_page.
func (c *Client) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	currency, err := c.currencies(ctx, c.advertisers)
	if err != nil {
		return nil, err
	}
	return adsapi.EachAccount(ctx, c.advertisers, parallelAdvertisers, func(ctx context.Context, a string) ([]incidentbot.Campaign, error) {
		return c.list(ctx, a, currency[a])
	})
}

// currencies reads each advertiser's currency with advertiser/info/.
func (c *Client) currencies(ctx context.Context, advertisers []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(advertisers); start += maxInfoIDs {
		ids, _ := json.Marshal(advertisers[start:min(start+maxInfoIDs, len(advertisers))])
		q := url.Values{"advertiser_ids": {string(ids)}, "fields": {`["advertiser_id","currency"]`}}
		var data struct {
			List []struct {
				AdvertiserID string `json:"advertiser_id"`
				Currency     string `json:"currency"`
			} `json:"list"`
		}
		if err := c.call(ctx, http.MethodGet, "/advertiser/info/", q, nil, &data); err != nil {
			return nil, fmt.Errorf("read tiktok advertisers: %w", err)
		}
		for _, a := range data.List {
			out[a.AdvertiserID] = a.Currency
		}
	}
	return out, nil
}

// list reads the campaigns of advertiser, every buying type and origin,
// and remembers the kind of each for SetStatus. It reads no labels:
// campaign/get/ has no label field, so label selection does not apply to
// TikTok; name patterns do.
func (c *Client) list(ctx context.Context, advertiser, currency string) ([]incidentbot.Campaign, error) {
	var out []incidentbot.Campaign
	kinds := map[string]kind{}
	for _, f := range listFilters {
		for page := 1; ; page++ {
			q := url.Values{
				"advertiser_id": {advertiser},
				"fields":        {campaignFields},
				"filtering":     {f.filtering},
				"page":          {strconv.Itoa(page)},
				"page_size":     {strconv.Itoa(pageSize)},
			}
			var data campaignPage
			if err := c.call(ctx, http.MethodGet, "/campaign/get/", q, nil, &data); err != nil {
				return nil, fmt.Errorf("list tiktok campaigns of advertiser %s: %w", advertiser, err)
			}
			for _, r := range data.List {
				if _, seen := kinds[r.CampaignID]; seen {
					continue
				}
				kinds[r.CampaignID] = kindOf(r.Automation, f.topView)
				cp := incidentbot.Campaign{
					Platform:  incidentbot.AdsTikTok,
					Account:   advertiser,
					ID:        r.CampaignID,
					Name:      r.CampaignName,
					Status:    statuses.Neutral(r.OperationStatus),
					RawStatus: r.OperationStatus,
					Currency:  currency,
				}
				// Total and unlimited budgets are not spread over days.
				if dailyModes[r.BudgetMode] {
					cp.DailyBudget = float64(r.Budget)
				}
				out = append(out, cp)
			}
			if page >= data.PageInfo.TotalPage || len(data.List) == 0 {
				break
			}
		}
	}
	c.remember(advertiser, kinds)
	return out, nil
}
