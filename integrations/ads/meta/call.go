package meta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

// call makes a Graph request and returns the body of its 200 answer. The
// token goes in the body of a POST (the batch endpoint documents the
// access_token parameter, not the header: developers.facebook.com/docs/
// graph-api/making-multiple-requests) and in the Authorization header of a
// GET, so no URL (nor *url.Error) ever holds it. Throttling and transient errors are retried, maxAttempts tries
// in all, waiting Meta's hint or backoff, never past ctx.
func (c *Client) call(ctx context.Context, method, path string, form url.Values) ([]byte, error) {
	var b []byte
	err := c.retry.Retry(ctx, "meta call failed, retrying", []any{"path", path}, func(attempt int) (time.Duration, bool, error) {
		var (
			h   http.Header
			err error
		)
		b, h, err = c.once(ctx, method, path, form)
		var ge *graphError
		switch {
		case err == nil:
			return 0, false, nil
		case errors.As(err, &ge) && ge.throttled():
			wait := max(usageWait(h), c.retry.Wait(attempt))
			return wait, true, mapError(ge, wait, "")
		case ge != nil && ge.retryable():
			return c.retry.Wait(attempt), true, mapError(ge, c.retry.Wait(attempt), "")
		case ge != nil:
			return 0, false, mapError(ge, 0, "")
		case ctx.Err() != nil:
			return 0, false, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.meta.timeout", nil)
		}
		return c.retry.Wait(attempt), true, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.meta.unreachable", nil)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// once makes one request; error answers come back as *graphError with the
// answer's headers, for the usage hints.
func (c *Client) once(ctx context.Context, method, path string, form url.Values) ([]byte, http.Header, error) {
	u := c.base + path
	var body io.Reader
	if method == http.MethodGet {
		u += "?" + form.Encode()
	} else {
		withToken := url.Values{"access_token": {c.token.Reveal()}}
		maps.Copy(withToken, form)
		body = strings.NewReader(withToken.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, nil, fmt.Errorf("meta request: %w", err)
	}
	if body == nil {
		req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("call meta %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, adsapi.MaxBody))
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
