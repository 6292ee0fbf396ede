package commands_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/mock"
)

// With N slots taken, the N+1th command is refused at once and not run;
// a freed slot admits again.
func TestShedGateRefusesBeyondLimit(t *testing.T) {
	t.Parallel()
	const n = 3
	gate := commands.NewGate(n, time.Minute)
	hold := make(chan struct{})
	inside := make(chan struct{}, n)
	errc := make(chan error, n)
	for range n {
		go func() {
			errc <- gate.Run(t.Context(), func(context.Context) { inside <- struct{}{}; <-hold })
		}()
	}
	for range n {
		<-inside
	}
	ran := false
	err := gate.Run(t.Context(), func(context.Context) { ran = true })
	if !errors.Is(err, commands.ErrBusy) || ran {
		t.Errorf("got %v (ran %v), want ErrBusy and not run", err, ran)
	}
	if got := incidentbot.ErrorMessage(err); got != commands.Busy {
		t.Errorf("got message %q, want %q", got, commands.Busy)
	}
	close(hold)
	for range n {
		if err := <-errc; err != nil {
			t.Errorf("held command: %v", err)
		}
	}
	if err := gate.Run(t.Context(), func(context.Context) { ran = true }); err != nil || !ran {
		t.Errorf("after release: got %v (ran %v), want run", err, ran)
	}
}

// A command's context ends at the gate's timeout even when the caller's
// does not; the client hanging up does not cut it short.
func TestDeadlineGateContext(t *testing.T) {
	t.Parallel()
	gate := commands.NewGate(1, 50*time.Millisecond)
	caller, cancel := context.WithCancel(t.Context())
	var deadline time.Time
	var hasDeadline bool
	var errAfterCancel, errAtEnd error
	err := gate.Run(caller, func(ctx context.Context) {
		deadline, hasDeadline = ctx.Deadline()
		cancel() // the client hangs up
		errAfterCancel = ctx.Err()
		<-ctx.Done()
		errAtEnd = ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasDeadline || time.Until(deadline) > 0 {
		t.Errorf("got deadline %v (%v), want one that has passed", deadline, hasDeadline)
	}
	if errAfterCancel != nil {
		t.Errorf("the caller's cancel reached the command: %v", errAfterCancel)
	}
	if !errors.Is(errAtEnd, context.DeadlineExceeded) {
		t.Errorf("got %v, want the deadline", errAtEnd)
	}
}

// A command that ignores its deadline (a driver blocked on a frozen
// server) does not hold the answer: Run returns ErrStuck, and the command
// keeps its slot until it returns.
func TestDeadlineGateStuck(t *testing.T) {
	t.Parallel()
	gate := commands.NewGate(1, 20*time.Millisecond)
	unblock := make(chan struct{})
	finished := make(chan struct{})
	err := gate.Run(t.Context(), func(context.Context) { <-unblock; close(finished) })
	if !errors.Is(err, commands.ErrStuck) {
		t.Fatalf("got %v, want ErrStuck", err)
	}
	if err := gate.Run(t.Context(), func(context.Context) {}); !errors.Is(err, commands.ErrBusy) {
		t.Errorf("while stuck: got %v, want ErrBusy (the slot is held)", err)
	}
	close(unblock)
	<-finished
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := gate.Run(t.Context(), func(context.Context) {})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot never freed: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
}

// A command that fails because its deadline passed is answered busy, not
// with the database's error.
func TestDeadlineHandlerAnswersBusy(t *testing.T) {
	t.Parallel()
	svc := stuckService(t)
	h := commands.NewHandler(svc, nil, nil)
	gate := commands.NewGate(1, 20*time.Millisecond)
	var reply commands.Reply
	if err := gate.Run(t.Context(), func(ctx context.Context) {
		reply = h.Handle(ctx, incidentbot.Actor{Platform: "slack", Workspace: "T1", User: incidentbot.User{ID: "U1"}, ChannelID: "C1"}, "declare sev1 Checkout returns 504")
	}); err != nil {
		t.Fatal(err)
	}
	if reply.Message.Text != commands.Busy {
		t.Errorf("got %q, want %q", reply.Message.Text, commands.Busy)
	}
}

// stuckService declares like a store whose lock never comes: it waits for
// the context and fails with its error, wrapped as the store wraps.
func stuckService(t *testing.T) *mock.IncidentService {
	t.Helper()
	return &mock.IncidentService{
		DeclareFn: func(ctx context.Context, _ incidentbot.Actor, _ incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
			<-ctx.Done()
			return nil, fmt.Errorf("create incident: %w", ctx.Err())
		},
	}
}
