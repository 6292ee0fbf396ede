package microsoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// expiryDelta refreshes a token this long before its stated expiry.
const expiryDelta = 30 * time.Second

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

// token returns a valid access token, refreshing it when it expired or
// was invalidated. Holding mu makes concurrent callers share one refresh.
func (c *Client) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access != "" && time.Now().Before(c.expiry) {
		return c.access, nil
	}
	t, err := c.grant(ctx)
	if err != nil {
		return "", err
	}
	if t.RefreshToken != "" {
		// Kept in memory only: a restart goes back to the configured one,
		// which using it does not revoke but which still ends with its
		// own lifetime (90 days on the identity platform).
		c.refresh = incidentbot.Secret(t.RefreshToken)
	}
	c.access = t.AccessToken
	c.expiry = time.Now().Add(time.Duration(t.ExpiresIn)*time.Second - expiryDelta)
	return c.access, nil
}

// grant runs the refresh-token grant. It is written out rather than taken
// from golang.org/x/oauth2, whose refresh sends no scope: the Microsoft
// identity platform asks for one on every leg. The form holds the secrets;
// neither the token URL nor Microsoft's answer repeats them.
func (c *Client) grant(ctx context.Context) (tokenResponse, error) {
	form := url.Values{
		"client_id":     {c.clientID},
		"grant_type":    {"refresh_token"},
		"refresh_token": {c.refresh.Reveal()},
		"scope":         {Scope},
	}
	if c.secret != "" {
		form.Set("client_secret", c.secret.Reveal())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenResponse{}, fmt.Errorf("microsoft token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return tokenResponse{}, err
		}
		return tokenResponse{}, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.microsoft.signin_down", nil)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tokenResponse{}, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.microsoft.signin_down", nil)
	}
	var t tokenResponse
	jsonErr := json.Unmarshal(b, &t)
	switch {
	case resp.StatusCode >= 500:
		return t, i18n.Wrap(incidentbot.EUNAVAILABLE, fmt.Errorf("microsoft token endpoint: HTTP %d", resp.StatusCode), "ads.microsoft.signin_down", nil)
	case resp.StatusCode == http.StatusOK && jsonErr == nil && t.AccessToken != "":
		return t, nil
	}
	return t, tokenError(resp.StatusCode, t)
}

// tokenError maps a refused grant; the description names no secret.
func tokenError(status int, t tokenResponse) error {
	cause := fmt.Errorf("microsoft token endpoint: HTTP %d %s: %s", status, t.Error, t.Description)
	switch t.Error {
	case "invalid_grant":
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, cause, "ads.microsoft.refresh_token", nil)
	case "invalid_client", "unauthorized_client":
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, cause, "ads.microsoft.app", map[string]any{"Code": t.Error})
	}
	return i18n.Wrap(incidentbot.EUNAUTHORIZED, cause, "ads.microsoft.token", nil)
}

// invalidate drops access if it is still the cached token, so the next
// call refreshes: the API said it expired before its stated expiry.
func (c *Client) invalidate(access string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access == access {
		c.access = ""
	}
}
