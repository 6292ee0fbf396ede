// Package adsapi holds what the ad platform clients (googleads, meta,
// microsoft, tiktok) do the same way: the retry loop and its waits, the
// throttling error the job runner reads, per-account parallel calls and the
// mapping between neutral and platform statuses. What differs per API
// (requests, error bodies, batch limits) stays in each client.
package adsapi

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

const (
	// MaxWait is the longest a client waits inline before a retry; a
	// longer hint goes back to the caller as RetryAfter.
	MaxWait = 30 * time.Second
	// MaxBody bounds what is read of one answer.
	MaxBody = 64 << 20
)

// Sleep waits d unless ctx ends first, or would end before d passes, or d
// is longer than MaxWait: then it returns false at once.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d > MaxWait {
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

// ThrottleError is a platform's rate limiting that outlasted a client's
// retries. It sits inside an EUNAVAILABLE error so the job runner retries
// after RetryAfter.
type ThrottleError struct {
	Platform string
	Account  string // "" when the limit is the app's, not one account's
	Wait     time.Duration
}

func (e *ThrottleError) Error() string {
	who := e.Platform
	if e.Account != "" {
		who += " account " + e.Account
	}
	return fmt.Sprintf("%s: rate limited, retry after %s", who, e.Wait)
}

// RetryAfter is how long the platform said to wait, or the client's
// backoff when it did not say.
func (e *ThrottleError) RetryAfter() time.Duration { return e.Wait }

var _ incidentbot.Retrier = (*ThrottleError)(nil)

// Throttled wraps cause, the platform's own error, in an EUNAVAILABLE
// error carrying a ThrottleError; id and data are the catalog message
// people read.
func Throttled(platform, account string, wait time.Duration, cause error, id string, data map[string]any) error {
	return i18n.Wrap(incidentbot.EUNAVAILABLE,
		fmt.Errorf("%w: %w", &ThrottleError{Platform: platform, Account: account, Wait: wait}, cause), id, data)
}

// Policy is how a client retries one request.
type Policy struct {
	Attempts int           // tries in all
	Backoff  time.Duration // first wait after a failure, doubled after each
	Logger   *slog.Logger  // told of each retry; nil discards
}

// Wait is the backoff after failed try number attempt (from 1).
func (p Policy) Wait(attempt int) time.Duration { return p.Backoff << (attempt - 1) }

// Retry calls try until it succeeds, says not to retry, or p.Attempts tries
// are spent, sleeping the wait try asked for in between (see Sleep: a wait
// too long for ctx or MaxWait ends the loop). It returns try's last error.
// msg and attrs describe the call in the log line of each retry.
func (p Policy) Retry(ctx context.Context, msg string, attrs []any, try func(attempt int) (wait time.Duration, retry bool, err error)) error {
	for attempt := 1; ; attempt++ {
		wait, retry, err := try(attempt)
		if err == nil || !retry || attempt >= p.Attempts || !Sleep(ctx, wait) {
			return err
		}
		if p.Logger != nil {
			p.Logger.InfoContext(ctx, msg, append(attrs[:len(attrs):len(attrs)],
				"attempt", attempt, "wait", wait, "code", incidentbot.ErrorCode(err), "err", err)...)
		}
	}
}

// Statuses are a platform's words for the two statuses the bot sets.
type Statuses struct {
	Active string // serving: Google ENABLED, Meta ACTIVE, Microsoft Active, TikTok ENABLE
	Paused string
}

// Neutral maps a platform status to the neutral one; anything but the two
// words (removed, archived, budget-paused ...) is CampaignOther, which the
// bot leaves alone.
func (s Statuses) Neutral(raw string) incidentbot.CampaignStatus {
	switch raw {
	case s.Active:
		return incidentbot.CampaignActive
	case s.Paused:
		return incidentbot.CampaignPaused
	}
	return incidentbot.CampaignOther
}

// Raw is the platform's word for to, which must be active or paused.
func (s Statuses) Raw(to incidentbot.CampaignStatus) (string, error) {
	switch to {
	case incidentbot.CampaignActive:
		return s.Active, nil
	case incidentbot.CampaignPaused:
		return s.Paused, nil
	}
	return "", i18n.Errorf(incidentbot.EINVALID, "ads.status_unknown", map[string]any{"Status": string(to)})
}
