package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
	"incidentbot/i18n"
)

// RateLimitError is Slack's HTTP 429 for one method. It sits inside an
// EUNAVAILABLE error so the job runner retries after RetryAfter.
type RateLimitError struct {
	Method string
	Wait   time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("slack %s rate limited, retry after %s", e.Method, e.Wait)
}

// RetryAfter is how long Slack asked us to wait.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

var _ incidentbot.Retrier = (*RateLimitError)(nil)

var errorWord = regexp.MustCompile(`^[a-z][a-z_]*$`)

// slackCode returns the Web API error code ("channel_not_found") in err, or "".
func slackCode(err error) string {
	var resp slackapi.SlackErrorResponse
	if errors.As(err, &resp) {
		return resp.Err
	}
	// Some slack-go methods return errors.New(code).
	if msg := err.Error(); errorWord.MatchString(msg) {
		return msg
	}
	return ""
}

// mapError turns a slack-go error from method into an *incidentbot.Error
// with a message people can act on. The token never appears: slack-go
// sends it in the form body or a header, never in the URL.
func mapError(method string, err error) error {
	if err == nil {
		return nil
	}
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return i18n.Wrap(incidentbot.EUNAVAILABLE, &RateLimitError{Method: method, Wait: rl.RetryAfter},
			"slack.error.rate_limited", map[string]any{"Wait": rl.RetryAfter.String()})
	}
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) {
		if sc.Code >= 500 || sc.Code == 429 {
			return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "slack.error.down", nil)
		}
		return fmt.Errorf("slack %s: %w", method, err)
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "slack.error.timeout", nil)
	}
	if e := incidentbot.NetError("Slack", err); e != nil {
		return e
	}
	code := slackCode(err)
	switch {
	case code == "":
		return fmt.Errorf("slack %s: %w", method, err)
	case code == "invalid_auth" || code == "not_authed" || code == "account_inactive" ||
		code == "token_revoked" || code == "token_expired":
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, err, "slack.error.token", map[string]any{"Code": code})
	case code == "missing_scope" || code == "restricted_action" || code == "no_permission" ||
		code == "not_allowed_token_type" || code == "cant_invite" || code == "cant_archive_general":
		return i18n.Wrap(incidentbot.EFORBIDDEN, err, "slack.error.forbidden", map[string]any{"Method": method, "Code": code})
	case strings.HasSuffix(code, "_not_found") || code == "no_such_subteam":
		return i18n.Wrap(incidentbot.ENOTFOUND, err, "slack.error.not_found", map[string]any{"Code": code})
	case code == "ratelimited" || code == "internal_error" || code == "fatal_error" ||
		code == "service_unavailable" || code == "request_timeout":
		return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "slack.error.down", nil)
	case code == "is_archived" || code == "not_in_channel":
		return i18n.Wrap(incidentbot.ECONFLICT, err, "slack.error.archived", map[string]any{"Method": method, "Code": code})
	case code == "user_not_in_channel":
		return i18n.Wrap(incidentbot.ECONFLICT, err, "slack.error.not_member", nil)
	case strings.HasPrefix(code, "invalid_") || code == "too_long" || code == "msg_too_long" || code == "no_text":
		return i18n.Wrap(incidentbot.EINVALID, err, "slack.error.rejected", map[string]any{"Code": code})
	}
	return fmt.Errorf("slack %s: %w", method, err)
}
