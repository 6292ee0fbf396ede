package microsoft

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
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
// parallel; GetCampaignsByAccountId has no paging. The currency lives on
// the account, in the Customer Management service.
func (c *Client) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	return adsapi.EachAccount(ctx, c.accounts, parallelAccounts, c.list)
}

// list reads the campaigns of account and, at the same time, its currency.
// It reads no labels: Microsoft keeps them apart from campaigns
// (GetLabelAssociationsByEntityIds, then GetLabelsByIds for their names),
// two more throttled calls per account on every pause, so label selection
// does not apply to Microsoft Advertising; name patterns do.
func (c *Client) list(ctx context.Context, account string) ([]incidentbot.Campaign, error) {
	var (
		currency string
		g        errgroup.Group
	)
	g.Go(func() error {
		currency = c.currencyOf(ctx, account)
		return nil
	})
	var resp queryResponse
	req := queryRequest{AccountID: account, CampaignType: campaignTypes}
	err := c.call(ctx, http.MethodPost, account, c.campaignURL+"/Campaigns/QueryByAccountId", req, &resp)
	g.Wait()
	if err != nil {
		return nil, fmt.Errorf("list microsoft advertising campaigns of account %s: %w", account, err)
	}
	out := make([]incidentbot.Campaign, 0, len(resp.Campaigns))
	for _, r := range resp.Campaigns {
		cp := incidentbot.Campaign{
			Platform:  incidentbot.AdsMicrosoft,
			Account:   account,
			ID:        r.ID,
			Name:      r.Name,
			Status:    statuses.Neutral(r.Status),
			RawStatus: r.Status,
			Currency:  currency,
		}
		if r.DailyBudget != nil {
			cp.DailyBudget = *r.DailyBudget
		}
		out = append(out, cp)
	}
	return out, nil
}

// currencyOf returns the currency code of account from Customer Management
// GetAccount, cached. It is "" when it cannot be read: pausing does not
// depend on it, only the spend-avoided estimate does.
func (c *Client) currencyOf(ctx context.Context, account string) string {
	c.cmu.Lock()
	cur, ok := c.currency[account]
	c.cmu.Unlock()
	if ok {
		return cur
	}
	var resp struct {
		Account struct {
			CurrencyCode string `json:"CurrencyCode"`
		} `json:"Account"`
	}
	if err := c.call(ctx, http.MethodPost, account, c.customerURL+"/Account/Query", map[string]string{"AccountId": account}, &resp); err != nil {
		c.logger.WarnContext(ctx, "microsoft advertising account currency unknown", "account", account,
			"code", incidentbot.ErrorCode(err), "err", err)
		return ""
	}
	c.cmu.Lock()
	defer c.cmu.Unlock()
	c.currency[account] = resp.Account.CurrencyCode
	return resp.Account.CurrencyCode
}
