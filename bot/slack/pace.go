package slack

import (
	"context"
	"sync"
	"time"

	"incidentbot"
)

// Slack allows about one chat.postMessage a second per channel, with short
// bursts; past that it answers 429. Posts wait their turn instead.
const (
	postInterval = time.Second
	postBurst    = 3
	// maxPaced bounds the channels remembered; idle ones are forgotten first.
	maxPaced = 1024
)

// pacer spaces calls per key: a burst at once, then one per interval
// (the generic cell rate algorithm: next holds each key's theoretical
// arrival time).
type pacer struct {
	interval time.Duration
	burst    int
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	next map[string]time.Time
}

func newPacer(interval time.Duration, burst int) *pacer {
	return &pacer{interval: interval, burst: burst, now: time.Now, sleep: sleep, next: map[string]time.Time{}}
}

// wait blocks until key may be used, or ctx ends. A post never gives up
// its turn to a later one: turns are handed out in call order.
func (p *pacer) wait(ctx context.Context, key string) error {
	if p == nil || p.interval <= 0 {
		return nil
	}
	p.mu.Lock()
	now := p.now()
	at := p.next[key]
	if at.Before(now) {
		at = now
	}
	p.next[key] = at.Add(p.interval)
	if len(p.next) > maxPaced {
		for k, t := range p.next {
			if t.Before(now) {
				delete(p.next, k)
			}
		}
	}
	p.mu.Unlock()
	d := at.Sub(now) - time.Duration(p.burst-1)*p.interval
	if d <= 0 {
		return nil
	}
	return p.sleep(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, ctx.Err(), "Slack's pace for this channel left no time to post; the bot will retry.")
	case <-t.C:
		return nil
	}
}
