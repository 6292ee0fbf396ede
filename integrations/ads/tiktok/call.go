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
)

// maxBody bounds what is read of one answer.
const maxBody = 64 << 20

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
	for attempt := 1; ; attempt++ {
		err := c.once(ctx, method, path, query, payload, out)
		if err == nil {
			return nil
		}
		var ae *apiError
		wait := c.backoff << (attempt - 1)
		switch {
		case errors.As(err, &ae) && (ae.throttled() || ae.retryable()):
			err = mapError(ae, wait, "")
		case ae != nil:
			return mapError(ae, 0, "")
		case ctx.Err() != nil:
			return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "TikTok did not answer in time; the bot will retry.")
		default:
			err = incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "TikTok could not be reached; the bot will retry.")
		}
		if attempt >= maxAttempts || !sleep(ctx, wait) {
			return err
		}
		c.logger.InfoContext(ctx, "tiktok call failed, retrying", "path", path, "attempt", attempt, "wait", wait,
			"code", incidentbot.ErrorCode(err), "err", err)
	}
}

// sleep waits d unless ctx ends first, or would end before d passes, or d
// is longer than maxWait: then it returns false at once.
func sleep(ctx context.Context, d time.Duration) bool {
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
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
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
