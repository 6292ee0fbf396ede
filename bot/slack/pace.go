package slack

import (
	"sync"
	"time"

	"incidentbot"
)

// Slack allows about one chat.postMessage a second per channel, with short
// bursts; past that it answers 429. Posts beyond the pace are deferred:
// the job comes back when its turn is due instead of holding a worker.
const (
	postInterval = time.Second
	postBurst    = 3
	// heldGrace is how long past its time a turn held for a deferred post
	// waits for it (the job may be late in a busy queue, or have gone to
	// another replica); then the turn is dropped.
	heldGrace = 10 * time.Second
	// maxPaced bounds the channels remembered; idle ones are forgotten first.
	maxPaced = 1024
)

// pacer spaces calls per key: a burst at once, then one per interval
// (the generic cell rate algorithm: next holds each key's theoretical
// arrival time). A call that must wait is told how long, and its turn is
// held for it: the first call at or after that time uses the held turn,
// so deferred posts go out in turn and no turn is counted twice.
type pacer struct {
	interval time.Duration
	burst    int
	now      func() time.Time

	mu   sync.Mutex
	next map[string]time.Time
	held map[string][]time.Time // turns held for deferred calls, earliest first
}

func newPacer(interval time.Duration, burst int) *pacer {
	return &pacer{interval: interval, burst: burst, now: time.Now, next: map[string]time.Time{}, held: map[string][]time.Time{}}
}

// wait returns nil when key may be used now, or an EUNAVAILABLE error
// holding an *incidentbot.Deferral that says when to come back.
func (p *pacer) wait(key string) error {
	if p == nil || p.interval <= 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	h := p.held[key]
	for len(h) > 0 && now.Sub(h[0]) > heldGrace {
		h = h[1:]
	}
	if len(h) > 0 && !h[0].After(now) {
		p.setHeld(key, h[1:])
		return nil
	}
	at := p.next[key]
	if at.Before(now) {
		at = now
	}
	p.next[key] = at.Add(p.interval)
	p.forget(now)
	d := at.Sub(now) - time.Duration(p.burst-1)*p.interval
	if d <= 0 {
		p.setHeld(key, h)
		return nil
	}
	p.setHeld(key, append(h, now.Add(d)))
	later := &incidentbot.Deferral{Wait: d, Reason: "Slack takes one post a second in a channel"}
	return incidentbot.WrapError(incidentbot.EUNAVAILABLE, later, "Slack takes about one post a second in this channel; the bot posts this in %s.", d.Round(time.Millisecond))
}

func (p *pacer) setHeld(key string, h []time.Time) {
	if len(h) == 0 {
		delete(p.held, key)
		return
	}
	p.held[key] = h
}

// forget drops the channels whose pace has run out once too many are
// remembered.
func (p *pacer) forget(now time.Time) {
	if len(p.next) <= maxPaced {
		return
	}
	for k, t := range p.next {
		if t.Before(now) && len(p.held[k]) == 0 {
			delete(p.next, k)
		}
	}
}
