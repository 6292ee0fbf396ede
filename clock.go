package incidentbot

import (
	"sync"
	"time"
)

// TimeResolution is the precision of every time the bot handles. Postgres
// keeps microseconds, so a finer time would not read back equal to itself:
// a reminder's time in its job payload would never match the incident's
// stored schedule. Clocks give no finer time and the store truncates what
// it writes, so a time compares equal wherever it was kept.
const TimeResolution = time.Microsecond

// StoredTime is t as the bot keeps it: UTC, truncated to TimeResolution.
func StoredTime(t time.Time) time.Time { return t.UTC().Truncate(TimeResolution) }

// Clock gives the current time; tests inject a fixed or advancing one.
// Implementations return StoredTime values.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC, to the TimeResolution.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return StoredTime(time.Now()) }

// ClockFunc adapts a function to Clock, truncating what it returns.
type ClockFunc func() time.Time

func (f ClockFunc) Now() time.Time { return StoredTime(f()) }

// ManualClock stands still until told to move: the scripted demo and tests
// use it. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return StoredTime(c.now)
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
