package googleads

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

// post calls the API for customer and decodes a 200 answer into out. It
// refreshes an expired token once (not counted as a try), waits out 429
// retryDelay and retries 5xx and network errors with backoff, maxAttempts
// tries in all, never waiting past ctx. Status updates are idempotent, so
// a retried mutate is safe.
func (c *Client) post(ctx context.Context, customer, path string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode google ads request: %w", err)
	}
	url := c.apiURL + "/" + APIVersion + "/customers/" + customer + "/" + path
	refreshed := false
	return c.retry.Retry(ctx, "google ads call failed, retrying", []any{"customer", customer, "path", path},
		func(attempt int) (time.Duration, bool, error) {
			err := c.once(ctx, customer, url, payload, out)
			var ae *apiError
			if errors.As(err, &ae) && !refreshed && ae.HTTPStatus == http.StatusUnauthorized &&
				ae.has("authenticationError", "OAUTH_TOKEN_EXPIRED", "OAUTH_TOKEN_INVALID") {
				refreshed = true
				c.logger.InfoContext(ctx, "google ads access token refused, refreshing", "customer", customer)
				ae = nil
				err = c.once(ctx, customer, url, payload, out)
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
					i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.google.timeout", nil)
			case ae.HTTPStatus == http.StatusTooManyRequests:
				return max(ae.retryDelay(), c.retry.Backoff), true, mapAPIError(customer, ae)
			case ae.HTTPStatus >= 500:
				return c.retry.Wait(attempt), true, mapAPIError(customer, ae)
			}
			return 0, false, mapAPIError(customer, ae)
		})
}

// once makes one request; HTTP errors come back as *apiError.
func (c *Client) once(ctx context.Context, customer, url string, payload []byte, out any) error {
	access, err := c.token(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("google ads request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("developer-token", c.devToken.Reveal())
	// Each customer is called through its own manager: a login-customer-id
	// that is not a manager above the customer is refused with
	// USER_PERMISSION_DENIED (developers.google.com/google-ads/api/docs/
	// oauth/access-model). A customer not configured (a campaign of a
	// removed account) goes through the default manager.
	login, ok := c.login[customer]
	if !ok {
		login = c.defaultLogin
	}
	if login != "" {
		req.Header.Set("login-customer-id", login)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.google.timeout", nil)
		}
		return fmt.Errorf("call google ads customer %s: %w", customer, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, adsapi.MaxBody))
	if err != nil {
		return fmt.Errorf("read google ads answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var env struct {
			Error apiError `json:"error"`
		}
		if json.Unmarshal(b, &env) != nil || env.Error.Status == "" {
			env.Error = apiError{Code: resp.StatusCode, Status: http.StatusText(resp.StatusCode), Message: "no error details"}
		}
		env.Error.HTTPStatus = resp.StatusCode
		if env.Error.HTTPStatus == http.StatusUnauthorized {
			c.invalidate(access)
		}
		return &env.Error
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode google ads answer: %w", err)
	}
	return nil
}
