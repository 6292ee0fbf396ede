package microsoft

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"

	"incidentbot"
)

// campaignTypes lists every CampaignType (REST: comma-separated flag
// names, from the REST SDK's model): without it only Search campaigns
// come back, and Shopping or Performance Max would keep serving.
const campaignTypes = "Search,Shopping,DynamicSearchAds,Audience,Hotel,PerformanceMax,App"

type queryRequest struct {
	AccountID    string `json:"AccountId"`
	CampaignType string `json:"CampaignType"`
}

type queryResponse struct {
	Campaigns []struct {
		ID           string   `json:"Id"`
		Name         string   `json:"Name"`
		Status       string   `json:"Status"`
		CampaignType string   `json:"CampaignType"`
		DailyBudget  *float64 `json:"DailyBudget"`
	} `json:"Campaigns"`
}

// Campaigns lists every campaign of every configured account, accounts in
// parallel; GetCampaignsByAccountId has no paging. Currency is left empty:
// it lives on the account, in the Customer Management service.
func (c *Client) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	per := make([][]incidentbot.Campaign, len(c.accounts))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelAccounts)
	for i, a := range c.accounts {
		g.Go(func() error {
			cs, err := c.list(ctx, a)
			per[i] = cs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []incidentbot.Campaign
	for _, cs := range per {
		out = append(out, cs...)
	}
	return out, nil
}

func (c *Client) list(ctx context.Context, account string) ([]incidentbot.Campaign, error) {
	var resp queryResponse
	req := queryRequest{AccountID: account, CampaignType: campaignTypes}
	if err := c.call(ctx, http.MethodPost, account, "/Campaigns/QueryByAccountId", req, &resp); err != nil {
		return nil, fmt.Errorf("list microsoft advertising campaigns of account %s: %w", account, err)
	}
	out := make([]incidentbot.Campaign, 0, len(resp.Campaigns))
	for _, r := range resp.Campaigns {
		cp := incidentbot.Campaign{
			Platform:  incidentbot.AdsMicrosoft,
			Account:   account,
			ID:        r.ID,
			Name:      r.Name,
			Status:    status(r.Status),
			RawStatus: r.Status,
		}
		if r.DailyBudget != nil {
			cp.DailyBudget = *r.DailyBudget
		}
		out = append(out, cp)
	}
	return out, nil
}

// status maps Microsoft's campaign status to the neutral one. BudgetPaused
// and BudgetAndManualPaused are set by the service and revert by
// themselves, Suspended by Microsoft: the bot leaves them alone.
func status(raw string) incidentbot.CampaignStatus {
	switch raw {
	case "Active":
		return incidentbot.CampaignActive
	case "Paused":
		return incidentbot.CampaignPaused
	}
	return incidentbot.CampaignOther
}
