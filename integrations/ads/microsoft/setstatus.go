package microsoft

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

type updateRequest struct {
	AccountID string           `json:"AccountId"`
	Campaigns []campaignUpdate `json:"Campaigns"`
}

// campaignUpdate is a partial Campaign: campaigns support partial update,
// so only Id and Status are sent.
type campaignUpdate struct {
	ID     string `json:"Id"`
	Status string `json:"Status"`
}

type updateResponse struct {
	PartialErrors []faultError `json:"PartialErrors"`
}

// SetStatus pauses or resumes campaigns with UpdateCampaigns, accounts in
// parallel and at most 100 campaigns per call, one call after the other
// within an account. Each campaign succeeds or fails on its own
// (PartialErrors, by Index).
//
// Microsoft has no validate-only mode: DryRun reads the campaigns back and
// reports, per campaign, whether it exists to be changed, without calling
// UpdateCampaigns.
//
// A call refused as a whole (throttled, auth, invalid) gives its error to
// each of its campaigns and to the returned error. A call whose outcome is
// unknown (5xx or timeout after every retry) gives its campaigns no
// result, so the caller reads their status back.
func (c *Client) SetStatus(ctx context.Context, campaigns []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	raw, err := statuses.Raw(to)
	if err != nil {
		return nil, err
	}
	account := func(cp incidentbot.Campaign) (string, error) {
		a := strings.TrimSpace(cp.Account)
		if !digits.MatchString(a) {
			return "", i18n.Errorf(incidentbot.EINVALID, "ads.microsoft.bad_account", map[string]any{"ID": cp.ID, "Account": cp.Account})
		}
		return a, nil
	}
	return adsapi.SetByAccount(ctx, campaigns, parallelAccounts, account,
		func(ctx context.Context, a string, idx []int, results []*incidentbot.CampaignResult) error {
			if opts.DryRun {
				return c.check(ctx, a, campaigns, idx, raw, results)
			}
			for chunk := range slices.Chunk(idx, maxCampaigns) {
				if err := c.update(ctx, a, campaigns, chunk, raw, to, results); err != nil {
					return err
				}
			}
			return nil
		})
}

// update sends one UpdateCampaigns call for the campaigns at chunk and fills their results.
func (c *Client) update(ctx context.Context, account string, campaigns []incidentbot.Campaign, chunk []int, raw string,
	to incidentbot.CampaignStatus, results []*incidentbot.CampaignResult) error {
	req := updateRequest{AccountID: account, Campaigns: make([]campaignUpdate, len(chunk))}
	for j, i := range chunk {
		req.Campaigns[j] = campaignUpdate{ID: campaigns[i].ID, Status: raw}
	}
	var resp updateResponse
	err := c.call(ctx, http.MethodPut, account, c.campaignURL+"/Campaigns", req, &resp)
	if err != nil {
		err = fmt.Errorf("set %d microsoft advertising campaigns of account %s %s: %w", len(chunk), account, raw, err)
		var ae *apiError
		if errors.As(err, &ae) && ae.HTTPStatus < http.StatusInternalServerError {
			// Refused as a whole: nothing was applied.
			for _, i := range chunk {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
			}
		}
		return err
	}
	itemErr := map[int]error{}
	for _, f := range resp.PartialErrors {
		if f.Index != nil && *f.Index >= 0 && *f.Index < len(chunk) && itemErr[*f.Index] == nil {
			itemErr[*f.Index] = itemError(campaigns[chunk[*f.Index]].ID, to, f)
		}
	}
	for j, i := range chunk {
		results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: itemErr[j]}
	}
	if len(itemErr) > 0 {
		c.logger.InfoContext(ctx, "microsoft advertising campaigns not updated", "account", account, "failed", len(itemErr), "of", len(chunk))
	}
	return nil
}

// check is the dry run of one account: it lists the account's campaigns
// and reports each campaign asked for as found (changeable) or not found
// (Get never returns deleted campaigns), changing nothing.
func (c *Client) check(ctx context.Context, account string, campaigns []incidentbot.Campaign, idx []int, raw string, results []*incidentbot.CampaignResult) error {
	current, err := c.list(ctx, account)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.HTTPStatus < http.StatusInternalServerError {
			for _, i := range idx {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
			}
		}
		return err
	}
	changes := adsapi.Check(current, campaigns, idx, raw, results, func(id string, _ incidentbot.Campaign, found bool) error {
		if !found {
			return i18n.Errorf(incidentbot.ENOTFOUND, "ads.microsoft.no_campaign", map[string]any{"ID": id, "Account": account})
		}
		return nil
	})
	c.logger.InfoContext(ctx, "microsoft advertising dry run", "account", account, "would_change", changes, "of", len(idx), "to", raw)
	return nil
}
