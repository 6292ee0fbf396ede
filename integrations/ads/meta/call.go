package meta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"incidentbot"
)

// maxBody bounds what is read of one answer.
const maxBody = 64 << 20

// call makes a Graph request and returns the body of its 200 answer. The
// token goes in the Authorization header, so no URL (nor *url.Error) ever
// holds it. Throttling and transient errors are retried, maxAttempts tries
// in all, waiting Meta's hint or backoff, never past ctx.
func (c *Client) call(ctx context.Context, method, path string, form url.Values) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		b, h, err := c.once(ctx, method, path, form)
		if err == nil {
			return b, nil
		}
		var ge *graphError
		var wait time.Duration
		switch {
		case errors.As(err, &ge) && ge.throttled():
			wait = max(usageWait(h), c.backoff<<(attempt-1))
			err = mapError(ge, wait, "")
		case errors.As(err, &ge) && ge.retryable():
			wait = c.backoff << (attempt - 1)
			err = mapError(ge, wait, "")
		case ge != nil:
			return nil, mapError(ge, 0, "")
		case ctx.Err() != nil:
			return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Meta did not answer in time; the bot will retry.")
		default:
			wait = c.backoff << (attempt - 1)
			err = incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Meta could not be reached; the bot will retry.")
		}
		if attempt >= maxAttempts || !sleep(ctx, wait) {
			return nil, err
		}
		c.logger.InfoContext(ctx, "meta call failed, retrying", "path", path, "attempt", attempt, "wait", wait,
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

// once makes one request; error answers come back as *graphError with the
// answer's headers, for the usage hints.
func (c *Client) once(ctx context.Context, method, path string, form url.Values) ([]byte, http.Header, error) {
	u := c.base + path
	var body io.Reader
	if method == http.MethodGet {
		u += "?" + form.Encode()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, nil, fmt.Errorf("meta request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("call meta %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, fmt.Errorf("read meta answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		if ge, ok := parseGraphError(resp.StatusCode, b); ok {
			return nil, resp.Header, ge
		}
		return nil, resp.Header, statusError(resp.StatusCode)
	}
	return b, resp.Header, nil
}
