package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"incidentbot"
)

// webhookBody is what a webhook target receives.
type webhookBody struct {
	Target  string `json:"target"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

func (n *Notifier) webhook(ctx context.Context, target, rawURL, subject, body string) error {
	payload, err := json.Marshal(webhookBody{Target: target, Subject: subject, Text: body})
	if err != nil {
		return fmt.Errorf("encode webhook body: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(payload))
	if err != nil {
		return incidentbot.WrapError(incidentbot.EINVALID, errors.New("bad webhook URL"), "The webhook URL of %s is not valid: fix it in NOTIFY_TARGETS.", target)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "incidentbot")
	if n.cfg.WebhookToken != "" {
		req.Header.Set("Authorization", "Bearer "+n.cfg.WebhookToken.Reveal())
	}
	resp, err := n.hc.Do(req)
	if err != nil {
		// *url.Error prints the URL, which may carry a token: keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The webhook of %s did not answer; the bot will retry.", target)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return statusError(resp.StatusCode, "The webhook of "+target)
}

// statusError maps a webhook's HTTP status; who names the receiver in messages.
func statusError(code int, who string) error {
	cause := fmt.Errorf("HTTP %d", code)
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusUnauthorized:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, cause, "%s refused the bot's token (401): check NOTIFY_WEBHOOK_TOKEN.", who)
	case code == http.StatusForbidden:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, cause, "%s refused the request (403): check NOTIFY_WEBHOOK_TOKEN and the receiver's permissions.", who)
	case code == http.StatusNotFound || code == http.StatusGone:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, cause, "%s does not exist (%d): fix its URL in NOTIFY_TARGETS.", who, code)
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, cause, "%s answered HTTP %d; the bot will retry.", who, code)
	}
	return incidentbot.WrapError(incidentbot.EINVALID, cause, "%s rejected the message (HTTP %d): check what the receiver expects.", who, code)
}
