package tiktok

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

type statusUpdate struct {
	AdvertiserID    string   `json:"advertiser_id"`
	CampaignIDs     []string `json:"campaign_ids"`
	OperationStatus string   `json:"operation_status"`
}

// SetStatus pauses (DISABLE) or resumes (ENABLE) campaigns with
// campaign/status/update/, advertisers in parallel and at most maxIDs
// campaigns per call, one call after the other within an advertiser.
//
// TikTok has no validate-only flag: DryRun reads the campaigns back and
// reports, per campaign, whether it can be changed, without calling the
// update endpoint.
//
// Whether one bad id fails the whole call is unverified, so a call refused
// for its content (invalid or unknown id) is sent again one id at a time
// to give each campaign its own result. A call refused as a whole
// (throttled, auth, permission) gives its error to each of its campaigns
// and to the returned error. A call whose outcome is unknown (5xx, system
// error or timeout after every retry) gives its campaigns no result, so
// the caller reads their status back.
func (c *Client) SetStatus(ctx context.Context, campaigns []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	raw, err := statuses.Raw(to)
	if err != nil {
		return nil, err
	}
	account := func(cp incidentbot.Campaign) (string, error) {
		a := strings.TrimSpace(cp.Account)
		if !advertiserID.MatchString(a) {
			return "", i18n.Errorf(incidentbot.EINVALID, "ads.tiktok.bad_advertiser", map[string]any{"ID": cp.ID, "Account": cp.Account})
		}
		return a, nil
	}
	return adsapi.SetByAccount(ctx, campaigns, parallelAdvertisers, account,
		func(ctx context.Context, a string, idx []int, results []*incidentbot.CampaignResult) error {
			if opts.DryRun {
				return c.check(ctx, a, campaigns, idx, raw, results)
			}
			kinds := c.kindsOf(ctx, a, campaigns, idx)
			var manual, upgraded []int
			for _, i := range idx {
				switch k := kinds[i]; k {
				case kindManual:
					manual = append(manual, i)
				case kindUpgraded:
					upgraded = append(upgraded, i)
				default:
					results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: k.refusal(campaigns[i].ID)}
				}
			}
			for chunk := range slices.Chunk(manual, maxIDs) {
				if err := c.update(ctx, a, campaigns, chunk, raw, results); err != nil {
					return err
				}
			}
			for chunk := range slices.Chunk(upgraded, maxIDs) {
				if err := c.updateSmartPlus(ctx, a, campaigns, chunk, raw, results); err != nil {
					return err
				}
			}
			return nil
		})
}

// unchanged is the result of a campaign TikTok answered for without
// changing it; why is TikTok's own words, or a message of ours.
func unchanged(id string, why any) error {
	return i18n.Errorf(incidentbot.EFORBIDDEN, "ads.tiktok.unchanged", map[string]any{"ID": id, "Why": why})
}

// update sends one status update for the campaigns at chunk and fills
// their results; the error is for a call that failed as a whole. A code-0
// answer lists the campaigns it changed in data.campaign_ids ("a list of
// modified campaign ids", docs id=1739320994354178): any other campaign of
// the chunk was not changed and fails.
func (c *Client) update(ctx context.Context, advertiser string, campaigns []incidentbot.Campaign, chunk []int, raw string, results []*incidentbot.CampaignResult) error {
	req := statusUpdate{AdvertiserID: advertiser, CampaignIDs: make([]string, len(chunk)), OperationStatus: raw}
	for j, i := range chunk {
		req.CampaignIDs[j] = campaigns[i].ID
	}
	var data struct {
		CampaignIDs []string `json:"campaign_ids"`
	}
	err := c.call(ctx, http.MethodPost, "/campaign/status/update/", nil, req, &data)
	if err == nil {
		for _, i := range chunk {
			var err error
			if !slices.Contains(data.CampaignIDs, campaigns[i].ID) {
				err = unchanged(campaigns[i].ID, i18n.M("ads.tiktok.left_out_ids", nil))
			}
			results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
		}
		return nil
	}
	var ae *apiError
	switch {
	case !errors.As(err, &ae) || ae.retryable():
		// Outcome unknown: no result, the caller reads the campaigns back.
		return fmt.Errorf("set %d tiktok campaigns of advertiser %s %s: %w", len(chunk), advertiser, raw, err)
	case itemLevel(err) && len(chunk) > 1:
		c.logger.InfoContext(ctx, "tiktok refused a status update, retrying one campaign at a time",
			"advertiser", advertiser, "campaigns", len(chunk), "code", ae.Code, "request_id", ae.RequestID)
		for _, i := range chunk {
			if err := c.update(ctx, advertiser, campaigns, []int{i}, raw, results); err != nil {
				return err
			}
		}
		return nil
	case itemLevel(err):
		results[chunk[0]] = &incidentbot.CampaignResult{Campaign: campaigns[chunk[0]], Err: mapError(ae, 0, campaigns[chunk[0]].ID)}
		return nil
	}
	err = fmt.Errorf("set %d tiktok campaigns of advertiser %s %s: %w", len(chunk), advertiser, raw, err)
	for _, i := range chunk {
		results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
	}
	return err
}

// updateSmartPlus sends one status update for Upgraded Smart+ campaigns
// to their own endpoint, whose answer gives each campaign its outcome in
// data.campaign_list or data.error_list (SDK yml_files/
// smart_plus_campaign_status_update.yml); a campaign in neither fails.
func (c *Client) updateSmartPlus(ctx context.Context, advertiser string, campaigns []incidentbot.Campaign, chunk []int, raw string, results []*incidentbot.CampaignResult) error {
	req := statusUpdate{AdvertiserID: advertiser, CampaignIDs: make([]string, len(chunk)), OperationStatus: raw}
	for j, i := range chunk {
		req.CampaignIDs[j] = campaigns[i].ID
	}
	var data struct {
		CampaignList []struct {
			CampaignID string `json:"campaign_id"`
		} `json:"campaign_list"`
		ErrorList []struct {
			CampaignID   string `json:"campaign_id"`
			ErrorMessage string `json:"error_message"`
		} `json:"error_list"`
	}
	if err := c.call(ctx, http.MethodPost, "/smart_plus/campaign/status/update/", nil, req, &data); err != nil {
		err = fmt.Errorf("set %d tiktok smart+ campaigns of advertiser %s %s: %w", len(chunk), advertiser, raw, err)
		var ae *apiError
		if errors.As(err, &ae) && !ae.retryable() {
			for _, i := range chunk {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
			}
		}
		return err
	}
	outcome := map[string]error{}
	for _, e := range data.ErrorList {
		outcome[e.CampaignID] = unchanged(e.CampaignID, e.ErrorMessage)
	}
	for _, d := range data.CampaignList {
		outcome[d.CampaignID] = nil
	}
	for _, i := range chunk {
		err, ok := outcome[campaigns[i].ID]
		if !ok {
			err = unchanged(campaigns[i].ID, i18n.M("ads.tiktok.left_out", nil))
		}
		results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
	}
	return nil
}

// itemLevel says a refusal is about the campaigns sent, not the caller.
func itemLevel(err error) bool {
	code := incidentbot.ErrorCode(err)
	return code == incidentbot.EINVALID || code == incidentbot.ENOTFOUND
}

// check is the dry run of one advertiser: it lists the advertiser's
// campaigns and reports each campaign asked for as changeable or not,
// changing nothing.
func (c *Client) check(ctx context.Context, advertiser string, campaigns []incidentbot.Campaign, idx []int, raw string, results []*incidentbot.CampaignResult) error {
	current, err := c.list(ctx, advertiser, "")
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && !ae.retryable() {
			for _, i := range idx {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
			}
		}
		return err
	}
	changes := adsapi.Check(current, campaigns, idx, raw, results, func(id string, cur incidentbot.Campaign, found bool) error {
		switch {
		case !found:
			return i18n.Errorf(incidentbot.ENOTFOUND, "ads.tiktok.no_campaign", map[string]any{"ID": id, "Account": advertiser})
		case cur.RawStatus == "DELETE":
			return i18n.Errorf(incidentbot.EINVALID, "ads.tiktok.deleted", map[string]any{"ID": id})
		}
		return c.kindsOf(ctx, advertiser, []incidentbot.Campaign{cur}, []int{0})[0].refusal(id)
	})
	c.logger.InfoContext(ctx, "tiktok dry run", "advertiser", advertiser, "would_change", changes, "of", len(idx), "to", raw)
	return nil
}
