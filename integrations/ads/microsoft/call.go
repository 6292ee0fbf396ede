package microsoft

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

// REST roots of the two services called.
const (
	campaignPath = "/CampaignManagement/v13"
	customerPath = "/CustomerManagement/v13"
)

// call sends body to url for account and decodes a 200 answer into out.
// It refreshes a refused token once (not counted as a try), hands
// CallRateExceeded without Retry-After back at once (see below), retries
// other throttling (waiting Retry-After or backoff), 5xx and network errors,
// maxAttempts tries in all, never waiting past ctx. Status updates are
// idempotent, so a retried UpdateCampaigns is safe.
func (c *Client) call(ctx context.Context, method, account, url string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode microsoft advertising request: %w", err)
	}
	refreshed := false
	return c.retry.Retry(ctx, "microsoft advertising call failed, retrying", []any{"account", account, "url", url},
		func(attempt int) (time.Duration, bool, error) {
			err := c.once(ctx, method, account, url, payload, out)
			var ae *apiError
			if errors.As(err, &ae) && !refreshed && ae.authExpired() && !ae.throttled() {
				refreshed = true
				c.logger.InfoContext(ctx, "microsoft advertising access token refused, refreshing", "account", account, "tracking_id", ae.TrackingID)
				ae = nil
				err = c.once(ctx, method, account, url, payload, out)
				errors.As(err, &ae)
			}
			var ie *incidentbot.Error
			switch {
			case err == nil:
				return 0, false, nil
			case ae == nil && (ctx.Err() != nil || errors.As(err, &ie)):
				return 0, false, err
			case ae == nil:
				return c.retry.Wait(attempt), true,
					i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.microsoft.unreachable", nil)
			case ae.has(codeCallRate) && ae.RetryAfter == 0:
				// CallRateExceeded counts calls in a 60-second sliding window
				// (guides/services-protocol, "Handle Throttling"): a retry
				// within it spends another call of the same window, so the
				// job runner retries after rateWindow instead.
				return 0, false, mapAPIError(account, ae)
			case ae.throttled():
				return max(ae.RetryAfter, c.retry.Wait(attempt)), true, mapAPIError(account, ae)
			case ae.retryable():
				return c.retry.Wait(attempt), true, mapAPIError(account, ae)
			}
			return 0, false, mapAPIError(account, ae)
		})
}

// once makes one request; fault answers come back as *apiError.
func (c *Client) once(ctx context.Context, method, account, url string, payload []byte, out any) error {
	access, err := c.token(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("microsoft advertising request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("DeveloperToken", c.devToken.Reveal())
	// CustomerId is the manager account the ad account belongs to, which
	// differs between accounts of several customers.
	customer, ok := c.customer[account]
	if !ok {
		customer = c.defaultCustomer
	}
	req.Header.Set("CustomerId", customer)
	req.Header.Set("CustomerAccountId", account)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.microsoft.timeout", nil)
		}
		return fmt.Errorf("call microsoft advertising account %s: %w", account, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, adsapi.MaxBody))
	if err != nil {
		return fmt.Errorf("read microsoft advertising answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		ae := parseFault(resp.StatusCode, resp.Header, b)
		if ae.authExpired() {
			c.invalidate(access)
		}
		return ae
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode microsoft advertising answer: %w", err)
	}
	return nil
}

// parseFault reads an error answer: an ApplicationFault when the body is
// one, else just the status (a proxy's page).
func parseFault(status int, h http.Header, b []byte) *apiError {
	ae := &apiError{}
	if json.Unmarshal(b, ae) != nil {
		ae = &apiError{}
	}
	ae.HTTPStatus = status
	ae.RetryAfter = incidentbot.ParseRetryAfter(h.Get("Retry-After"), time.Now())
	if ae.TrackingID == "" {
		ae.TrackingID = h.Get("TrackingId")
	}
	return ae
}
