package googleads

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"

	"incidentbot"
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
	raw := map[incidentbot.CampaignStatus]string{incidentbot.CampaignActive: "ENABLED", incidentbot.CampaignPaused: "PAUSED"}[to]
	if raw == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Campaigns can only be set active or paused, not %q.", to)
	}
	results := make([]*incidentbot.CampaignResult, len(campaigns))
	byCustomer := map[string][]int{}
	var order []string
	for i, cp := range campaigns {
		cid := customerID(cp.Account)
		if !tenDigits.MatchString(cid) {
			results[i] = &incidentbot.CampaignResult{Campaign: cp, Err: incidentbot.Errorf(incidentbot.EINVALID,
				"Google Ads campaign %s has account %q, which is not a 10-digit customer id.", cp.ID, cp.Account)}
			continue
		}
		if _, ok := byCustomer[cid]; !ok {
			order = append(order, cid)
		}
		byCustomer[cid] = append(byCustomer[cid], i)
	}

	errs := make([]error, len(order))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelCustomers)
	for n, cid := range order {
		g.Go(func() error {
			idx := byCustomer[cid]
			for start := 0; start < len(idx); start += maxOperations {
				chunk := idx[start:min(start+maxOperations, len(idx))]
				if err := c.mutate(gctx, cid, campaigns, chunk, raw, to, opts.DryRun, results); err != nil {
					errs[n] = err
					return nil // the other customers go on
				}
			}
			return nil
		})
	}
	g.Wait()

	out := make([]incidentbot.CampaignResult, 0, len(campaigns))
	for _, r := range results {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out, errors.Join(errs...)
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
