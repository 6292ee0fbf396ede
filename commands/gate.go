package commands

import (
	"context"
	"errors"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Busy is the answer to a command the bot did not carry out because it
// was overloaded or its database did not answer in time; nothing was
// changed, so running it again is safe. English: ErrBusy says it in any
// language (message gate.busy).
const Busy = "The bot is busy, so nothing was done. Try again in a few seconds."

// Stuck is the answer when a command's database call ignores its deadline
// (a frozen server holds the connection): the bot cannot tell whether it
// will still finish, so it says so instead of claiming "nothing was done".
// English: ErrStuck says it in any language (message gate.stuck).
const Stuck = "The bot's database is not answering. If /incident status does not show your change in a minute, try again."

// ErrBusy is returned by Gate.Run when every slot is taken.
var ErrBusy = i18n.Errorf(incidentbot.EUNAVAILABLE, "gate.busy", nil)

// ErrStuck is returned by Gate.Run when fn outlived its deadline and grace.
var ErrStuck = i18n.Errorf(incidentbot.EUNAVAILABLE, "gate.stuck", nil)

// Default gate settings: chat platforms show a failure after 3 s, so a
// command gets 2.5 s and its answer has the rest; the in-flight limit keeps
// a burst from queueing for the database's 20 connections (and from
// growing memory) when it would time out anyway.
const (
	DefaultTimeout  = 2500 * time.Millisecond
	DefaultInFlight = 32
	// grace is how long Run waits past the deadline for fn to notice it,
	// still inside the platform's 3 s.
	grace = 300 * time.Millisecond
)

// Gate admits inbound commands: at most a fixed number run at once, each
// with a deadline. A command beyond the limit is refused at once (shed
// early, while the answer is still useful) instead of queueing.
type Gate struct {
	slots   chan struct{}
	timeout time.Duration
}

// NewGate returns a gate admitting inFlight commands at once, each given
// timeout; values <= 0 take the defaults.
func NewGate(inFlight int, timeout time.Duration) *Gate {
	if inFlight <= 0 {
		inFlight = DefaultInFlight
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Gate{slots: make(chan struct{}, inFlight), timeout: timeout}
}

// Timeout is the deadline each admitted command gets.
func (g *Gate) Timeout() time.Duration { return g.timeout }

// Run calls fn in a slot with a context that ends after the gate's
// timeout. With no free slot it returns ErrBusy at once and fn is not
// called. It returns nil once fn has returned (its results are then safe
// to read), or ErrStuck if fn has not returned by the deadline plus a
// short grace: fn goes on in its slot, so a stuck database still bounds
// the work in flight, and its results must not be read. A nil Gate runs
// fn directly with ctx.
func (g *Gate) Run(ctx context.Context, fn func(ctx context.Context)) error {
	if g == nil {
		fn(ctx)
		return nil
	}
	select {
	case g.slots <- struct{}{}:
	default:
		return ErrBusy
	}
	// The work is the request's, but it must end by the deadline even
	// when the client hangs up, so that its transaction rolls back
	// rather than half-run.
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.timeout)
	done := make(chan struct{})
	var panicked any
	go func() {
		defer func() { <-g.slots }()
		defer cancel()
		defer close(done)
		// A panic is handed to the caller, whose HTTP middleware logs it.
		defer func() { panicked = recover() }()
		fn(work)
	}()
	t := time.NewTimer(g.timeout + grace)
	defer t.Stop()
	select {
	case <-done:
		if panicked != nil {
			panic(panicked)
		}
		return nil
	case <-t.C:
		return ErrStuck
	}
}

// overdue reports that a command failed because its deadline passed: its
// store call was cancelled, so its transaction rolled back.
func overdue(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.DeadlineExceeded)
}
