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
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, &RateLimitError{Method: method, Wait: rl.RetryAfter},
			"Slack is rate limiting the bot; it will retry in %s.", rl.RetryAfter)
	}
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) {
		if sc.Code >= 500 || sc.Code == 429 {
			return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Slack is not answering right now; the bot will retry.")
		}
		return fmt.Errorf("slack %s: %w", method, err)
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Slack did not answer in time; the bot will retry.")
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
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err,
			"Slack refused the bot token (%s). Check SLACK_BOT_TOKEN or reinstall the app.", code)
	case code == "missing_scope" || code == "restricted_action" || code == "no_permission" ||
		code == "not_allowed_token_type" || code == "cant_invite" || code == "cant_archive_general":
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, err,
			"Slack did not allow %s (%s). Give the app the scope it needs, or ask a workspace admin.", method, code)
	case strings.HasSuffix(code, "_not_found") || code == "no_such_subteam":
		return incidentbot.WrapError(incidentbot.ENOTFOUND, err,
			"Slack could not find it (%s). Check the channel, message or user and try again.", code)
	case code == "ratelimited" || code == "internal_error" || code == "fatal_error" ||
		code == "service_unavailable" || code == "request_timeout":
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Slack is not answering right now; the bot will retry.")
	case code == "is_archived" || code == "not_in_channel":
		return incidentbot.WrapError(incidentbot.ECONFLICT, err,
			"Slack refused %s (%s). Unarchive the channel or add the bot to it.", method, code)
	case code == "user_not_in_channel":
		return incidentbot.WrapError(incidentbot.ECONFLICT, err,
			"That person is not in the channel. Invite them, then try again.")
	case strings.HasPrefix(code, "invalid_") || code == "too_long" || code == "msg_too_long" || code == "no_text":
		return incidentbot.WrapError(incidentbot.EINVALID, err, "Slack rejected the request (%s).", code)
	}
	return fmt.Errorf("slack %s: %w", method, err)
}
