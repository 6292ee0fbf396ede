package meta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

type batchItem struct {
	Method      string `json:"method"`
	RelativeURL string `json:"relative_url"`
	Body        string `json:"body"`
}

// batchAnswer is one item's answer; null when the batch timed out before it ran.
type batchAnswer *struct {
	Code int    `json:"code"`
	Body string `json:"body"`
}

// SetStatus pauses or resumes campaigns with Graph batch requests of at
// most 50 status updates, ad accounts in parallel and the batches of one
// account in turn. Items succeed or fail on their own; throttled or
// transient items are sent again after a wait. DryRun adds
// execution_options=["validate_only"]: Meta checks, nothing changes.
//
// A batch refused as a whole gives its error to each of its campaigns and
// to the returned error; campaigns whose outcome is unknown (a 5xx, a
// timeout, or a null item) get no result, so the caller reads them back.
func (c *Client) SetStatus(ctx context.Context, campaigns []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	raw, err := statuses.Raw(to)
	if err != nil {
		return nil, err
	}
	body := url.Values{"status": {raw}}
	if opts.DryRun {
		body.Set("execution_options", `["validate_only"]`)
	}
	account := func(cp incidentbot.Campaign) (string, error) { return strings.TrimPrefix(cp.Account, "act_"), nil }
	return adsapi.SetByAccount(ctx, campaigns, parallelAccounts, account,
		func(ctx context.Context, _ string, idx []int, results []*incidentbot.CampaignResult) error {
			return c.setAccount(ctx, campaigns, idx, body.Encode(), results)
		})
}

// setAccount updates the campaigns at idx, sending again the items that
// were throttled, up to maxAttempts rounds.
func (c *Client) setAccount(ctx context.Context, campaigns []incidentbot.Campaign, idx []int, body string, results []*incidentbot.CampaignResult) error {
	var (
		errs    []error
		unknown int
	)
	pending := idx
	for round := 1; len(pending) > 0; round++ {
		var (
			again []int
			last  *graphError
		)
		for start := 0; start < len(pending); start += maxBatch {
			chunk := pending[start:min(start+maxBatch, len(pending))]
			retry, ge, lost, err := c.batch(ctx, campaigns, chunk, body, results)
			if err != nil {
				return errors.Join(append(errs, err)...)
			}
			again, unknown = append(again, retry...), unknown+lost
			if ge != nil {
				last = ge
			}
		}
		if len(again) == 0 {
			break
		}
		wait := c.retry.Wait(round)
		if round >= maxAttempts || !adsapi.Sleep(ctx, wait) {
			for _, i := range again {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: mapError(last, wait, campaigns[i].ID)}
			}
			errs = append(errs, fmt.Errorf("meta: %d status updates still refused: %w", len(again), mapError(last, wait, "")))
			break
		}
		c.logger.InfoContext(ctx, "meta batch items throttled, retrying", "items", len(again), "round", round, "wait", wait)
		pending = again
	}
	if unknown > 0 {
		errs = append(errs, i18n.Errorf(incidentbot.EUNAVAILABLE, "ads.meta.unfinished", map[string]any{"Count": unknown}))
	}
	return errors.Join(errs...)
}

// batch sends one batch for the campaigns at chunk and fills their
// results. It returns the indexes to send again (throttled or transient
// items) with the last such error, the count of items Meta left
// unanswered (null), or the error of a batch that failed whole.
func (c *Client) batch(ctx context.Context, campaigns []incidentbot.Campaign, chunk []int, body string, results []*incidentbot.CampaignResult) (
	again []int, last *graphError, unknown int, err error) {
	items := make([]batchItem, len(chunk))
	for j, i := range chunk {
		items[j] = batchItem{Method: http.MethodPost, RelativeURL: campaigns[i].ID, Body: body}
	}
	enc, err := json.Marshal(items)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("encode meta batch: %w", err)
	}
	b, err := c.call(ctx, http.MethodPost, "/", url.Values{"batch": {string(enc)}, "include_headers": {"false"}})
	if err != nil {
		err = fmt.Errorf("meta batch of %d status updates: %w", len(chunk), err)
		var ge *graphError
		if errors.As(err, &ge) && ge.HTTPStatus < http.StatusInternalServerError {
			// Refused as a whole: nothing was applied.
			for _, i := range chunk {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
			}
		}
		return nil, nil, 0, err
	}
	var answers []batchAnswer
	if err := json.Unmarshal(b, &answers); err != nil || len(answers) != len(chunk) {
		return nil, nil, 0, i18n.Wrap(incidentbot.EUNAVAILABLE,
			fmt.Errorf("meta batch answer: %d items for %d requests (%v)", len(answers), len(chunk), err), "ads.meta.unreadable", nil)
	}
	for j, i := range chunk {
		a := answers[j]
		if a == nil {
			unknown++
			continue
		}
		if a.Code == http.StatusOK {
			results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i]}
			continue
		}
		ge, ok := parseGraphError(a.Code, []byte(a.Body))
		if !ok {
			ge = statusError(a.Code)
		}
		if ge.throttled() || ge.retryable() {
			again, last = append(again, i), ge
			continue
		}
		results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: mapError(ge, 0, campaigns[i].ID)}
	}
	return again, last, unknown, nil
}
