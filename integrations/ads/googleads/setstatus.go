package googleads

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

type operation struct {
	UpdateMask string `json:"updateMask"`
	Update     struct {
		ResourceName string `json:"resourceName"`
		Status       string `json:"status"`
	} `json:"update"`
}

type mutateRequest struct {
	Operations     []operation `json:"operations"`
	PartialFailure bool        `json:"partialFailure"`
	ValidateOnly   bool        `json:"validateOnly"`
}

type mutateResponse struct {
	PartialFailureError *struct {
		Details []struct {
			Errors []adsError `json:"errors"`
		} `json:"details"`
	} `json:"partialFailureError"`
}

// SetStatus pauses or resumes campaigns with campaigns:mutate, customers in
// parallel, at most maxOperations per request, with partialFailure so each
// campaign succeeds or fails on its own; DryRun sends validateOnly.
//
// A request refused as a whole (quota, auth, invalid) gives its error to
// each of its campaigns and to the returned error. A request whose outcome
// is unknown (5xx or timeout after every retry) gives its campaigns no
// result, so the caller reads their status back.
func (c *Client) SetStatus(ctx context.Context, campaigns []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	raw, err := statuses.Raw(to)
	if err != nil {
		return nil, err
	}
	account := func(cp incidentbot.Campaign) (string, error) {
		cid := customerID(cp.Account)
		if !tenDigits.MatchString(cid) {
			return "", i18n.Errorf(incidentbot.EINVALID, "ads.google.bad_account", map[string]any{"ID": cp.ID, "Account": cp.Account})
		}
		return cid, nil
	}
	return adsapi.SetByAccount(ctx, campaigns, parallelCustomers, account,
		func(ctx context.Context, cid string, idx []int, results []*incidentbot.CampaignResult) error {
			for chunk := range slices.Chunk(idx, maxOperations) {
				if err := c.mutate(ctx, cid, campaigns, chunk, raw, to, opts.DryRun, results); err != nil {
					return err
				}
			}
			return nil
		})
}

// mutate sends one request for the campaigns at chunk and fills their results.
func (c *Client) mutate(ctx context.Context, customer string, campaigns []incidentbot.Campaign, chunk []int, raw string,
	to incidentbot.CampaignStatus, dryRun bool, results []*incidentbot.CampaignResult) error {
	req := mutateRequest{Operations: make([]operation, len(chunk)), PartialFailure: true, ValidateOnly: dryRun}
	for j, i := range chunk {
		req.Operations[j].UpdateMask = "status"
		req.Operations[j].Update.ResourceName = "customers/" + customer + "/campaigns/" + campaigns[i].ID
		req.Operations[j].Update.Status = raw
	}
	var resp mutateResponse
	err := c.post(ctx, customer, "campaigns:mutate", req, &resp)
	if err != nil {
		err = fmt.Errorf("set %d google ads campaigns of customer %s %s: %w", len(chunk), customer, raw, err)
		var ae *apiError
		if errors.As(err, &ae) && ae.HTTPStatus < http.StatusInternalServerError {
			// Refused as a whole: nothing was applied.
			for _, i := range chunk {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
			}
		}
		return err
	}
	opErr := map[int]error{}
	if pf := resp.PartialFailureError; pf != nil {
		for _, d := range pf.Details {
			for _, ae := range d.Errors {
				if j, ok := ae.operation(); ok && j >= 0 && j < len(chunk) && opErr[j] == nil {
					opErr[j] = operationError(campaigns[chunk[j]].ID, to, ae)
				}
			}
		}
	}
	for j, i := range chunk {
		results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: opErr[j]}
	}
	if len(opErr) > 0 {
		c.logger.InfoContext(ctx, "google ads operations failed", "customer", customer, "failed", len(opErr), "of", len(chunk), "validate_only", dryRun)
	}
	return nil
}
