package googleads

import (
	"context"
	"fmt"
	"strconv"

	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// campaignQuery lists every campaign (REMOVED ones too, so a campaign
// removed during an incident is seen as such) with its budget and currency.
const campaignQuery = "SELECT customer.currency_code, campaign.id, campaign.name, campaign.status, campaign_budget.amount_micros FROM campaign"

// labelQuery lists every (campaign, label) pair of the customer: one more
// paged search, sent beside campaignQuery, rather than one per campaign.
const labelQuery = "SELECT campaign.id, label.name FROM campaign_label"

type campaignRow struct {
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
}

type labelRow struct {
	Campaign struct {
		ID string `json:"id"`
	} `json:"campaign"`
	Label struct {
		Name string `json:"name"`
	} `json:"label"`
}

// Campaigns lists every campaign of every configured customer, customers
// in parallel, following nextPageToken.
func (c *Client) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	return adsapi.EachAccount(ctx, c.customers, parallelCustomers, c.list)
}

// list reads the campaigns of customer and, at the same time, their labels.
// Missing labels would pause campaigns a playbook keeps serving by label,
// so a failure to read them fails the list.
func (c *Client) list(ctx context.Context, customer string) ([]incidentbot.Campaign, error) {
	labels := map[string][]string{}
	var g errgroup.Group
	g.Go(func() error {
		err := search(ctx, c, customer, labelQuery, func(r labelRow) {
			labels[r.Campaign.ID] = append(labels[r.Campaign.ID], r.Label.Name)
		})
		if err != nil {
			return fmt.Errorf("list google ads campaign labels of customer %s: %w", customer, err)
		}
		return nil
	})
	var out []incidentbot.Campaign
	err := search(ctx, c, customer, campaignQuery, func(r campaignRow) {
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
	})
	if lerr := g.Wait(); err == nil {
		err = lerr
	} else {
		err = fmt.Errorf("list google ads campaigns of customer %s: %w", customer, err)
	}
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Labels = labels[out[i].ID]
	}
	return out, nil
}

// search runs a GAQL query for customer and calls each for every row,
// following nextPageToken.
func search[Row any](ctx context.Context, c *Client, customer, query string, each func(Row)) error {
	token := ""
	for {
		req := map[string]string{"query": query}
		if token != "" {
			req["pageToken"] = token
		}
		var resp struct {
			Results       []Row  `json:"results"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := c.post(ctx, customer, "googleAds:search", req, &resp); err != nil {
			return err
		}
		for _, r := range resp.Results {
			each(r)
		}
		if resp.NextPageToken == "" {
			return nil
		}
		token = resp.NextPageToken
	}
}
