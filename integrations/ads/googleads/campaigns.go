package googleads

import (
	"context"
	"fmt"
	"strconv"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// campaignQuery lists every campaign (REMOVED ones too, so a campaign
// removed during an incident is seen as such) with its budget and currency.
const campaignQuery = "SELECT customer.currency_code, campaign.id, campaign.name, campaign.status, campaign_budget.amount_micros FROM campaign"

type searchResponse struct {
	Results []struct {
		Customer struct {
			CurrencyCode string `json:"currencyCode"`
		} `json:"customer"`
		Campaign struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"campaign"`
		CampaignBudget struct {
			AmountMicros string `json:"amountMicros"`
		} `json:"campaignBudget"`
	} `json:"results"`
	NextPageToken string `json:"nextPageToken"`
}

// Campaigns lists every campaign of every configured customer, customers
// in parallel, following nextPageToken.
func (c *Client) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	return adsapi.EachAccount(ctx, c.customers, parallelCustomers, c.list)
}

func (c *Client) list(ctx context.Context, customer string) ([]incidentbot.Campaign, error) {
	var (
		out   []incidentbot.Campaign
		token string
	)
	for {
		req := map[string]string{"query": campaignQuery}
		if token != "" {
			req["pageToken"] = token
		}
		var resp searchResponse
		if err := c.post(ctx, customer, "googleAds:search", req, &resp); err != nil {
			return nil, fmt.Errorf("list google ads campaigns of customer %s: %w", customer, err)
		}
		for _, r := range resp.Results {
			micros, _ := strconv.ParseInt(r.CampaignBudget.AmountMicros, 10, 64)
			out = append(out, incidentbot.Campaign{
				Platform:    incidentbot.AdsGoogle,
				Account:     customer,
				ID:          r.Campaign.ID,
				Name:        r.Campaign.Name,
				Status:      statuses.Neutral(r.Campaign.Status),
				RawStatus:   r.Campaign.Status,
				DailyBudget: float64(micros) / 1e6,
				Currency:    r.Customer.CurrencyCode,
			})
		}
		if resp.NextPageToken == "" {
			return out, nil
		}
		token = resp.NextPageToken
	}
}
