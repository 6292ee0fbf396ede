package discord

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
	"incidentbot/i18n"
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
		return i18n.Wrap(incidentbot.EUNAVAILABLE, &RateLimitError{Op: op, Wait: wait},
			"discord.error.rate_limited", map[string]any{"Wait": wait.Round(time.Millisecond).String()})
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "discord.error.timeout", nil)
	}
	if e := incidentbot.NetError("Discord", err); e != nil {
		return e
	}
	// discordgo reports a 502 it gave up retrying as a plain error.
	if strings.HasPrefix(err.Error(), "Exceeded Max retries HTTP 5") {
		return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "discord.error.down", nil)
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("discord %s: %w", op, err)
	}
	status, code := re.Response.StatusCode, restCode(err)
	switch {
	case status == http.StatusUnauthorized:
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, err, "discord.error.token", nil)
	case status == http.StatusForbidden || code == codeMissingAccess || code == codeMissingPermissions:
		return i18n.Wrap(incidentbot.EFORBIDDEN, err, "discord.error.forbidden", map[string]any{"Op": op})
	case status == http.StatusNotFound:
		return i18n.Wrap(incidentbot.ENOTFOUND, err, "discord.error.not_found", map[string]any{"Op": op})
	case status == http.StatusConflict:
		return i18n.Wrap(incidentbot.ECONFLICT, err, "discord.error.conflict", map[string]any{"Op": op})
	case status == http.StatusTooManyRequests || status >= 500:
		return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "discord.error.down", nil)
	case code == codeMaxChannels:
		return i18n.Wrap(incidentbot.ECONFLICT, err, "discord.error.max_channels", nil)
	case code == codeMaxPins:
		return i18n.Wrap(incidentbot.ECONFLICT, err, "discord.error.max_pins", nil)
	case status == http.StatusBadRequest:
		return i18n.Wrap(incidentbot.EINVALID, err, "discord.error.rejected", map[string]any{"Op": op, "Code": strconv.Itoa(code)})
	}
	return fmt.Errorf("discord %s: %w", op, err)
}
