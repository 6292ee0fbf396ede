package meta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// zeroDecimal lists the currencies of offset 1 in Meta's currency table
// (developers.facebook.com/docs/marketing-api/currencies): their budgets
// come in the main unit, every other currency's in hundredths. Meta's
// table, not ISO 4217, decides: COP, CRC, HUF, IDR and TWD have minor
// units in ISO but offset 1 at Meta.
var zeroDecimal = map[string]bool{
	"CLP": true, "COP": true, "CRC": true, "HUF": true, "IDR": true, "ISK": true,
	"JPY": true, "KRW": true, "PYG": true, "TWD": true, "VND": true,
}

type campaignsPage struct {
	Data []struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		Status          string `json:"status"`
		EffectiveStatus string `json:"effective_status"`
		DailyBudget     string `json:"daily_budget"`
		AdLabels        []struct {
			Name string `json:"name"`
		} `json:"adlabels"`
	} `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// Campaigns lists every campaign of every configured ad account, accounts
// in parallel, following the cursors.
func (c *Client) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	return adsapi.EachAccount(ctx, c.accounts, parallelAccounts, c.list)
}

func (c *Client) list(ctx context.Context, account string) ([]incidentbot.Campaign, error) {
	b, err := c.call(ctx, http.MethodGet, "/act_"+account, url.Values{"fields": {"currency"}})
	if err != nil {
		return nil, fmt.Errorf("read meta ad account %s: %w", account, err)
	}
	var acc struct {
		Currency string `json:"currency"`
	}
	if err := json.Unmarshal(b, &acc); err != nil {
		return nil, fmt.Errorf("decode meta ad account %s: %w", account, err)
	}
	q := url.Values{"fields": {"id,name,status,effective_status,daily_budget,adlabels{name}"}, "limit": {strconv.Itoa(pageLimit)}}
	var out []incidentbot.Campaign
	for {
		b, err := c.call(ctx, http.MethodGet, "/act_"+account+"/campaigns", q)
		if err != nil {
			return nil, fmt.Errorf("list meta campaigns of ad account %s: %w", account, err)
		}
		var page campaignsPage
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("decode meta campaigns of ad account %s: %w", account, err)
		}
		for _, d := range page.Data {
			cp := incidentbot.Campaign{
				Platform:  incidentbot.AdsMeta,
				Account:   account,
				ID:        d.ID,
				Name:      d.Name,
				Status:    statuses.Neutral(d.Status),
				RawStatus: d.Status,
				Currency:  acc.Currency,
			}
			for _, l := range d.AdLabels {
				cp.Labels = append(cp.Labels, l.Name)
			}
			if minor, err := strconv.ParseFloat(d.DailyBudget, 64); err == nil {
				cp.DailyBudget = minor / 100
				if zeroDecimal[acc.Currency] {
					cp.DailyBudget = minor
				}
			}
			out = append(out, cp)
		}
		// The next URL is only a signal: following our own URL with the
		// after cursor keeps the token out of URLs and on our host.
		if page.Paging.Next == "" || page.Paging.Cursors.After == "" {
			return out, nil
		}
		q.Set("after", page.Paging.Cursors.After)
	}
}
