package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

// envelope is every answer's wrapper: code 0 is success, whatever the
// HTTP status says.
type envelope struct {
	Code      *int            `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Data      json.RawMessage `json:"data"`
}

// call makes a request and decodes the data of a code-0 answer into out
// (GET with query, POST with a JSON body). The token goes in the
// Access-Token header, so no URL ever holds it. Throttling and transient
// errors are retried, maxAttempts tries in all, waiting backoff (TikTok
// gives no hint), never past ctx. Status updates are idempotent, so a
// retried update is safe.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode tiktok request: %w", err)
		}
	}
	return c.retry.Retry(ctx, "tiktok call failed, retrying", []any{"path", path}, func(attempt int) (time.Duration, bool, error) {
		err := c.once(ctx, method, path, query, payload, out)
		var ae *apiError
		wait := c.retry.Wait(attempt)
		switch {
		case err == nil:
			return 0, false, nil
		case errors.As(err, &ae) && (ae.throttled() || ae.retryable()):
			return wait, true, mapError(ae, wait, "")
		case ae != nil:
			return 0, false, mapError(ae, 0, "")
		case ctx.Err() != nil:
			return 0, false, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.tiktok.timeout", nil)
		}
		return wait, true, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.tiktok.unreachable", nil)
	})
}

// once makes one request; error answers come back as *apiError.
func (c *Client) once(ctx context.Context, method, path string, query url.Values, payload []byte, out any) error {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("tiktok request: %w", err)
	}
	req.Header.Set("Access-Token", c.token.Reveal())
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("call tiktok %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, adsapi.MaxBody))
	if err != nil {
		return fmt.Errorf("read tiktok answer: %w", err)
	}
	env, err := parseEnvelope(resp.StatusCode, b)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("decode tiktok answer of %s (request_id %s): %w", path, env.RequestID, err)
	}
	return nil
}

// parseEnvelope reads an answer: the envelope of code 0, or an *apiError
// for another code or for a body that is no envelope.
func parseEnvelope(status int, b []byte) (envelope, error) {
	var env envelope
	if json.Unmarshal(b, &env) != nil || env.Code == nil {
		if status == http.StatusOK {
			// A 200 without an envelope: treat like a broken gateway.
			status = http.StatusBadGateway
		}
		return env, &apiError{HTTPStatus: status, Code: -1, Message: http.StatusText(status)}
	}
	if *env.Code != 0 {
		return env, &apiError{HTTPStatus: status, Code: *env.Code, Message: env.Message, RequestID: env.RequestID}
	}
	return env, nil
}
