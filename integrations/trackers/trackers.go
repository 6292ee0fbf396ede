// Package trackers holds what the three tracker clients (github, jira,
// linear) share: one HTTP exchange with a bounded body, the mapping of a
// refusal to an incidentbot error people can act on, and the rate-limit
// wait the job runner honours. Each client keeps its own requests.
package trackers

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"incidentbot"
)

// maxBody bounds what is read of an answer: tickets and searches are small.
const maxBody = 1 << 20

// Do sends req and reads the answer's body. A network failure is
// EUNAVAILABLE (retried); the URL, which may hold a query, is never in the
// message.
func Do(hc *http.Client, tracker string, req *http.Request) (*http.Response, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		if ne := incidentbot.NetError(tracker, err); ne != nil {
			return nil, nil, ne
		}
		return nil, nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "%s did not answer; the bot will retry.", tracker)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "%s's answer was cut off; the bot will retry.", tracker)
	}
	return resp, body, nil
}

// Hints name, for each refusal, what the operator checks: the variables,
// never their values.
type Hints struct {
	Auth      string // 401: "check GITHUB_TOKEN"
	Forbidden string // 403 (not a rate limit): "the token needs the repo scope"
	NotFound  string // 404: "check GITHUB_REPO"
	Invalid   string // 400, 410, 422: "check the project's required fields"
}

// Refusal maps a non-2xx status to an error whose message names the
// tracker, the status, the tracker's own reason (detail, from its error
// body: never a secret) and what to check. 429 and 5xx are EUNAVAILABLE,
// retried after wait (when known); the others are permanent.
func Refusal(tracker string, status int, detail string, wait time.Duration, h Hints) error {
	cause := fmt.Errorf("%s: HTTP %d: %s", strings.ToLower(tracker), status, detail)
	reason := ""
	if detail != "" {
		reason = " (" + truncate(detail, 200) + ")"
	}
	switch {
	case status == http.StatusTooManyRequests || wait > 0:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, &RateLimited{Tracker: tracker, Wait: wait, Err: cause},
			"%s is rate limiting the bot (HTTP %d); it will retry.", tracker, status)
	case status >= 500:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, cause, "%s answered HTTP %d%s; the bot will retry.", tracker, status, reason)
	case status == http.StatusUnauthorized:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, cause, "%s refused the credentials (HTTP 401)%s: %s.", tracker, reason, h.Auth)
	case status == http.StatusForbidden:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, cause, "%s refused the request (HTTP 403)%s: %s.", tracker, reason, h.Forbidden)
	case status == http.StatusNotFound:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, cause, "%s found nothing there (HTTP 404)%s: %s.", tracker, reason, h.NotFound)
	}
	return incidentbot.WrapError(incidentbot.EINVALID, cause, "%s rejected the ticket (HTTP %d)%s: %s.", tracker, status, reason, h.Invalid)
}

// RateLimited is a tracker's "slow down"; the job runner waits RetryAfter
// before the next attempt.
type RateLimited struct {
	Tracker string
	Wait    time.Duration
	Err     error
}

func (e *RateLimited) Error() string {
	return fmt.Sprintf("%s rate limited, retry after %s: %v", e.Tracker, e.Wait, e.Err)
}

func (e *RateLimited) Unwrap() error { return e.Err }

// RetryAfter is how long to wait before calling again.
func (e *RateLimited) RetryAfter() time.Duration { return e.Wait }

var _ incidentbot.Retrier = (*RateLimited)(nil)

// ResetWait is the wait until a reset time given in Unix units (seconds for
// GitHub's X-RateLimit-Reset, milliseconds for Linear's), at least a second
// and at most incidentbot.MaxRetryAfter; 0 when v is not a number.
func ResetWait(v string, unit time.Duration, now time.Time) time.Duration {
	var n int64
	if _, err := fmt.Sscan(strings.TrimSpace(v), &n); err != nil || n <= 0 {
		return 0
	}
	if n > math.MaxInt64/int64(unit) {
		return incidentbot.MaxRetryAfter // centuries away: a broken header
	}
	at := time.Unix(0, 0).Add(time.Duration(n) * unit)
	return min(max(at.Sub(now), time.Second), incidentbot.MaxRetryAfter)
}

// CheckURL reports whether raw is an absolute http(s) URL: the form every
// *_API_URL and JIRA_BASE_URL takes.
func CheckURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

func truncate(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// HasMarker reports whether text carries marker as a whole word: the
// marker of follow-up 1 must not match that of follow-up 12.
func HasMarker(text, marker string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], marker)
		if j < 0 {
			return false
		}
		end := i + j + len(marker)
		if end == len(text) || !wordByte(text[end]) {
			if start := i + j; start == 0 || !wordByte(text[start-1]) {
				return true
			}
		}
		i = end
	}
}

func wordByte(b byte) bool {
	return b == '-' || b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// Setup checks a client's Config and returns the HTTP client to use: hc,
// or http.DefaultClient when nil. A Config problem is EINVALID, its
// message the lines of Validate.
func Setup(cfg interface{ Validate() error }, hc *http.Client) (*http.Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, incidentbot.WrapError(incidentbot.EINVALID, err, "%s", err.Error())
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return hc, nil
}
