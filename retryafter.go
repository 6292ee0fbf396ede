package incidentbot

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Retrier is an error that knows how long the service asked to be left
// alone (a 429's Retry-After, an API's retryDelay, a pace the bot keeps).
// Adapters return one inside an EUNAVAILABLE Error; the job runner waits
// at least that long before the next attempt.
type Retrier interface {
	error
	RetryAfter() time.Duration
}

// RetryAfter returns the wait asked for by the first Retrier in err's
// chain, or 0 when there is none.
func RetryAfter(err error) time.Duration {
	var r Retrier
	if errors.As(err, &r) {
		return r.RetryAfter()
	}
	return 0
}

// MaxRetryAfter bounds the wait a service may ask for: the job runner caps
// its own backoff lower still, and a longer hint is a broken header.
const MaxRetryAfter = time.Hour

// retryAfterDates are the HTTP date forms a Retry-After may take (RFC 9110
// section 5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime forms).
var retryAfterDates = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

// ParseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date
// (relative to now). It gives 0 when the value is missing, malformed or in
// the past, and never more than MaxRetryAfter: the seconds are capped
// before they are multiplied, so a huge value cannot wrap to a negative wait.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if strings.Trim(v, "0123456789") == "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil || s > uint64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter // only digits, so err is out of range
		}
		return time.Duration(s) * time.Second
	}
	for _, layout := range retryAfterDates {
		if t, err := time.Parse(layout, v); err == nil {
			// Sub saturates instead of overflowing, then the cap applies.
			return min(max(t.Sub(now), 0), MaxRetryAfter)
		}
	}
	return 0
}
