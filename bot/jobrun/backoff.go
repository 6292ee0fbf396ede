package jobrun

import (
	"math/rand/v2"
	"time"

	"incidentbot"
)

const (
	backoffBase = time.Second
	backoffCap  = 5 * time.Minute
)

// backoff is exponential with jitter from 1s to 5m; a Retry-After hint in
// the error chain wins when it asks for longer.
func backoff(attempt int, err error) time.Duration {
	d := backoffCap
	if attempt < 20 {
		d = min(backoffBase<<max(attempt-1, 0), backoffCap)
	}
	d = d/2 + rand.N(d/2+1)
	if hint := incidentbot.RetryAfter(err); hint > d {
		d = min(hint, backoffCap)
	}
	return d
}
