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
)

// maxBody bounds what is read of one answer.
const maxBody = 64 << 20

// post calls the API for customer and decodes a 200 answer into out. It
// refreshes an expired token once, waits out 429 retryDelay and retries
// 5xx and network errors with backoff, maxAttempts tries in all, never
// waiting past ctx. Status updates are idempotent, so a retried mutate is safe.
func (c *Client) post(ctx context.Context, customer, path string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode google ads request: %w", err)
	}
	url := c.apiURL + "/" + APIVersion + "/customers/" + customer + "/" + path
	refreshed := false
	for attempt := 1; ; attempt++ {
		err := c.once(ctx, customer, url, payload, out)
		var ae *apiError
		if err == nil || !errors.As(err, &ae) && !transient(ctx, err) {
			return err
		}
		var wait time.Duration
		switch {
		case ae == nil:
			wait = c.backoff << (attempt - 1)
			err = incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Google Ads did not answer in time; the bot will retry.")
		case ae.HTTPStatus == http.StatusUnauthorized && !refreshed && ae.has("authenticationError", "OAUTH_TOKEN_EXPIRED", "OAUTH_TOKEN_INVALID"):
			refreshed = true
			c.logger.InfoContext(ctx, "google ads access token refused, refreshing", "customer", customer)
			attempt-- // a refresh is not a failed try
			continue
		case ae.HTTPStatus == http.StatusTooManyRequests:
			wait = max(ae.retryDelay(), c.backoff)
			err = mapAPIError(customer, ae)
		case ae.HTTPStatus >= 500:
			wait = c.backoff << (attempt - 1)
			err = mapAPIError(customer, ae)
		default:
			return mapAPIError(customer, ae)
		}
		if attempt >= maxAttempts || !c.sleep(ctx, wait) {
			return err
		}
		c.logger.InfoContext(ctx, "google ads call failed, retrying", "customer", customer, "path", path,
			"attempt", attempt, "wait", wait, "code", incidentbot.ErrorCode(err), "err", err)
	}
}

// transient reports a network error worth retrying (not our own ctx ending).
func transient(ctx context.Context, err error) bool {
	var ie *incidentbot.Error
	return ctx.Err() == nil && !errors.As(err, &ie)
}

// sleep waits d unless ctx ends first, or would end before d passes, or d
// is longer than maxWait: then it returns false at once.
func (c *Client) sleep(ctx context.Context, d time.Duration) bool {
	if d > maxWait {
		return false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
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
	if c.login != "" {
		req.Header.Set("login-customer-id", c.login)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Google Ads did not answer in time; the bot will retry.")
		}
		return fmt.Errorf("call google ads customer %s: %w", customer, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
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
