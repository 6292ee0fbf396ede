package fakehttp

import (
	"sync"
	"time"
)

// Limiter keeps a sliding window of requests per bucket, as the APIs' rate
// limits do. It is safe for concurrent use.
type Limiter struct {
	now func() time.Time

	mu      sync.Mutex
	windows map[string][]time.Time
}

// NewLimiter returns a Limiter reading time from now, so that tests can
// move its windows with a fake clock.
func NewLimiter(now func() time.Time) *Limiter {
	return &Limiter{now: now, windows: map[string][]time.Time{}}
}

// Usage describes a bucket after a request: how many more its window
// allows, and when its oldest request leaves the window.
type Usage struct {
	Remaining  int
	ResetAfter time.Duration // when refused: how long to wait
}

// Take records a request in bucket when fewer than n were made in the last
// per, and reports false, with the wait in ResetAfter, when none is left.
func (l *Limiter) Take(bucket string, n int, per time.Duration) (Usage, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	kept := l.windows[bucket][:0]
	for _, at := range l.windows[bucket] {
		if now.Sub(at) < per {
			kept = append(kept, at)
		}
	}
	ok := len(kept) < n
	if ok {
		kept = append(kept, now)
	}
	l.windows[bucket] = kept
	if len(kept) == 0 { // n <= 0: nothing is ever allowed
		return Usage{ResetAfter: per}, false
	}
	return Usage{Remaining: max(n-len(kept), 0), ResetAfter: per - now.Sub(kept[0])}, ok
}

// Countdown counts armed failures down: a fake arms n ("the next n creates
// are lost") and each call takes one. It is safe for concurrent use.
type Countdown struct {
	mu sync.Mutex
	n  int
}

// Add arms n more.
func (c *Countdown) Add(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += n
}

// Take reports whether one was armed, and disarms it.
func (c *Countdown) Take() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n <= 0 {
		return false
	}
	c.n--
	return true
}
