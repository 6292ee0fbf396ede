package discord

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
)

// RateLimitError is Discord's HTTP 429 for one call. It sits inside an
// EUNAVAILABLE error so the job runner retries after RetryAfter instead of
// discordgo sleeping while it holds a worker.
type RateLimitError struct {
	Op   string
	Wait time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("discord %s rate limited, retry after %s", e.Op, e.Wait)
}

// RetryAfter is how long Discord asked us to wait.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

var _ incidentbot.Retrier = (*RateLimitError)(nil)

// Discord JSON error codes the adapter tells apart (opcodes-and-status-codes.mdx).
const (
	codeMaxChannels        = 30013
	codeMaxPins            = 30003
	codeAlreadyAcked       = 40060
	codeMissingAccess      = 50001
	codeMissingPermissions = 50013
)

// restCode returns Discord's JSON error code in err, or 0.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// mapError turns a discordgo error from op into an *incidentbot.Error with
// a message people can act on. The bot token travels in a header and never
// appears; a *url.Error, which prints the URL (and with it an interaction
// token in webhook paths), is replaced by its cause.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = fmt.Errorf("discord %s: %w", op, ue.Err)
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, &RateLimitError{Op: op, Wait: wait},
			"Discord is rate limiting the bot; it will retry in %s.", wait.Round(time.Millisecond))
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Discord did not answer in time; the bot will retry.")
	}
	if e := incidentbot.NetError("Discord", err); e != nil {
		return e
	}
	// discordgo reports a 502 it gave up retrying as a plain error.
	if strings.HasPrefix(err.Error(), "Exceeded Max retries HTTP 5") {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Discord is not answering right now; the bot will retry.")
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("discord %s: %w", op, err)
	}
	status, code := re.Response.StatusCode, restCode(err)
	switch {
	case status == http.StatusUnauthorized:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err,
			"Discord refused the bot token. Check DISCORD_BOT_TOKEN (Developer Portal > Bot > Reset Token).")
	case status == http.StatusForbidden || code == codeMissingAccess || code == codeMissingPermissions:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, err,
			"Discord did not allow %s. Give the bot Manage Channels, Manage Roles, View Channels, Send Messages and Pin Messages in the server.", op)
	case status == http.StatusNotFound:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, err,
			"Discord could not find it (%s). Check the channel, message or member and try again.", op)
	case status == http.StatusConflict:
		return incidentbot.WrapError(incidentbot.ECONFLICT, err, "Discord refused %s: it conflicts with the current state.", op)
	case status == http.StatusTooManyRequests || status >= 500:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Discord is not answering right now; the bot will retry.")
	case code == codeMaxChannels:
		return incidentbot.WrapError(incidentbot.ECONFLICT, err,
			"The Discord server holds 500 channels, its maximum. Delete old war rooms, then retry.")
	case code == codeMaxPins:
		return incidentbot.WrapError(incidentbot.ECONFLICT, err, "The channel has 250 pins, Discord's maximum. Unpin old messages.")
	case status == http.StatusBadRequest:
		return incidentbot.WrapError(incidentbot.EINVALID, err, "Discord rejected %s (code %d).", op, code)
	}
	return fmt.Errorf("discord %s: %w", op, err)
}
