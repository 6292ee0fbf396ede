package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"incidentbot"
)

// complete is what a successful job writes, in the transaction that marks
// it done: the incident changes and the next jobs. nil writes nothing.
type complete func(inc *incidentbot.Incident) (incidentbot.Change, error)

// handler performs one job kind's side effect. It gets the incident as it
// stood when the job started; its writes go in the returned complete.
type handler func(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error)

// errWarRoomNotReady makes a job that posts into the war room wait for the
// saga to create it; the runner retries it shortly without counting it as a failure.
var errWarRoomNotReady = errors.New("war room not ready")

const (
	warRoomRetry = 2 * time.Second
	backoffBase  = time.Second
	backoffCap   = 5 * time.Minute
)

// probeLane holds the jobs that fetch from outside (a typed URL may never
// answer): Config.ProbeWorkers run them, the other workers never do.
var probeLane = incidentbot.JobLane{Only: []string{kindProbe, kindRecheck}}

// Run claims and runs jobs with Config.Workers workers, and the outside-in
// checks with Config.ProbeWorkers more, until ctx is done, prunes old
// delivery ids and finished jobs on the side, and returns once every
// worker has stopped. With a Config.WorkerID, the jobs an earlier run under
// that name died holding are handed back first, so a restart takes them up
// at once rather than after their lease.
func (e *Engine) Run(ctx context.Context) error {
	if e.cfg.WorkerID != "" {
		cctx, cancel := settle(ctx)
		n, err := e.store.ReleaseJobs(cctx, e.id+"-")
		cancel()
		switch {
		case err != nil:
			e.logger.WarnContext(ctx, "could not hand back the jobs of the previous run; they run again when their lease ends",
				"worker", e.id, "code", incidentbot.ErrorCode(err), "err", err)
		case n > 0:
			e.logger.InfoContext(ctx, "jobs of the previous run handed back", "worker", e.id, "count", n)
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	others := incidentbot.JobLane{Except: probeLane.Only}
	for i := range e.cfg.Workers {
		worker := e.id + "-" + strconv.Itoa(i)
		g.Go(func() error {
			e.work(ctx, worker, others, e.wake)
			return nil
		})
	}
	for i := range e.cfg.ProbeWorkers {
		worker := e.id + "-probe-" + strconv.Itoa(i)
		g.Go(func() error {
			e.work(ctx, worker, probeLane, e.wakeProbe)
			return nil
		})
	}
	g.Go(func() error {
		e.prune(ctx)
		return nil
	})
	return g.Wait()
}

const (
	// deliveryRetention is how long inbound delivery ids are kept: far
	// longer than any platform retries (Slack: minutes; Alertmanager
	// re-sends every group_interval while an alert fires, and each re-send
	// is a new claim).
	deliveryRetention = 7 * 24 * time.Hour
	// jobRetention is how long the done jobs of a closed incident are kept.
	// Nothing reads them after the close (the timeline and the post-mortem
	// hold what happened); the hour only leaves the closing jobs' own
	// follow-ups time to finish.
	jobRetention = time.Hour
	// pruneBatch is how many rows one delete statement removes, so a
	// prune never holds many locks at once.
	pruneBatch = 1000
	// jobPruneEvery paces job pruning, and with it the vacuum of the job
	// table on Postgres: at full speed each minute leaves tens of
	// thousands of dead row versions for the poll to step over.
	jobPruneEvery = time.Minute
)

// prune forgets finished jobs every minute and old delivery ids every
// hour, so neither table grows without end.
func (e *Engine) prune(ctx context.Context) {
	tick := time.NewTicker(jobPruneEvery)
	defer tick.Stop()
	for round := 0; ; round++ {
		if round%int(time.Hour/jobPruneEvery) == 0 {
			n, err := e.store.PruneDeliveries(ctx, e.now().Add(-deliveryRetention))
			switch {
			case err != nil && ctx.Err() == nil:
				e.logger.WarnContext(ctx, "could not prune delivery ids", "code", incidentbot.ErrorCode(err), "err", err)
			case n > 0:
				e.logger.InfoContext(ctx, "pruned delivery ids", "count", n)
			}
		}
		n, err := e.store.PruneJobs(ctx, e.now().Add(-jobRetention), pruneBatch)
		switch {
		case err != nil && ctx.Err() == nil:
			e.logger.WarnContext(ctx, "could not prune finished jobs", "pruned", n, "code", incidentbot.ErrorCode(err), "err", err)
		case n > 0:
			e.logger.InfoContext(ctx, "pruned finished jobs", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (e *Engine) work(ctx context.Context, worker string, lane incidentbot.JobLane, wake <-chan struct{}) {
	timer := time.NewTimer(e.cfg.PollInterval)
	defer timer.Stop()
	for ctx.Err() == nil {
		ran, err := e.runLane(ctx, worker, lane)
		if err != nil && ctx.Err() == nil {
			e.logger.ErrorContext(ctx, "job queue unavailable", "worker", worker, "code", incidentbot.ErrorCode(err), "err", err)
		}
		if ran {
			continue
		}
		timer.Reset(e.cfg.PollInterval)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer.C:
		}
	}
}

// RunDue claims and runs due jobs one by one until none is due or max have
// run (0: no limit), and returns how many ran. Tests and the scripted demo
// use it to drive the queue step by step.
func (e *Engine) RunDue(ctx context.Context, max int) (int, error) {
	n := 0
	for max == 0 || n < max {
		ran, err := e.runOne(ctx, e.id+"-due")
		if err != nil {
			return n, err
		}
		if !ran {
			break
		}
		n++
	}
	return n, nil
}

// runOne claims one due job of any kind and runs it.
func (e *Engine) runOne(ctx context.Context, worker string) (bool, error) {
	return e.runLane(ctx, worker, incidentbot.JobLane{})
}

// runLane claims one due job of lane and runs it. The error is for the
// queue itself; a job's own failure is recorded on the job and the timeline.
func (e *Engine) runLane(ctx context.Context, worker string, lane incidentbot.JobLane) (bool, error) {
	if ctx.Err() != nil {
		return false, nil
	}
	// The claim and the outcome are written on contexts that shutdown does
	// not cut: a claim that commits must come back to be handed back, and a
	// finished job must be recorded, or its lease holds it from the restart.
	cctx, cancel := settle(ctx)
	jobs, err := e.store.ClaimLane(cctx, worker, e.now(), e.cfg.Lease, 1, lane)
	cancel()
	if err != nil {
		return false, fmt.Errorf("claim jobs: %w", err)
	}
	if len(jobs) == 0 {
		return false, nil
	}
	job := jobs[0]
	log := e.logger.With("incident", incidentbot.IncidentKey(job.IncidentID), "job", job.Key, "kind", job.Kind, "attempt", job.Attempts)
	// The lease is renewed while the job runs; a job whose lease is lost
	// (taken over after a stall) is cut short, its outcome refused below.
	jctx, release := e.keepLease(ctx, job, worker)
	inc, err := e.store.Incident(jctx, job.IncidentID)
	var done complete
	if err == nil {
		done, err = e.execute(jctx, job, inc)
	}
	release()
	sctx, cancel := settle(ctx)
	defer cancel()
	if inc == nil && incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND && ctx.Err() == nil {
		return true, e.retry(sctx, job, worker, e.now().Add(backoff(job.Attempts, err)), err)
	}
	var later *incidentbot.Deferral
	switch {
	case err == nil:
		err = e.store.CompleteJob(sctx, job, worker, done)
		if incidentbot.ErrorCode(err) == incidentbot.ECONFLICT {
			log.WarnContext(ctx, "job lease lost", "err", err)
			return true, nil
		}
		if err != nil {
			return true, fmt.Errorf("complete job %s: %w", job.Key, err)
		}
		log.DebugContext(ctx, "job done")
		if done != nil {
			// The completion may have enqueued the next step.
			e.nudge()
		}
		return true, nil
	case errors.As(err, &later):
		// Paced: the job comes back when its turn is due, holding no worker meanwhile.
		log.DebugContext(ctx, "job deferred", "wait", later.Wait, "reason", later.Reason)
		err := e.store.DeferJob(sctx, job, worker, e.now().Add(later.Wait))
		if incidentbot.ErrorCode(err) == incidentbot.ECONFLICT {
			log.WarnContext(ctx, "job lease lost", "err", err)
			return true, nil
		}
		if err != nil {
			return true, fmt.Errorf("defer job %s: %w", job.Key, err)
		}
		return true, nil
	case errors.Is(context.Cause(jctx), errLeaseLost):
		// Another worker runs it now; whatever this run did is its to redo.
		log.WarnContext(ctx, "job lease lost", "err", err)
		return true, nil
	case ctx.Err() != nil:
		// Shutting down cut the job short: not its failure. Hand it back so
		// the next worker, here or after the restart, runs it at once.
		log.InfoContext(ctx, "job interrupted by shutdown", "err", err)
		return true, e.retry(sctx, job, worker, e.now(), err)
	case errors.Is(err, errWarRoomNotReady):
		log.DebugContext(ctx, "job waits for the war room")
		return true, e.retry(sctx, job, worker, e.now().Add(warRoomRetry), err)
	case transient(err) && job.Attempts < e.cfg.MaxAttempts:
		log.InfoContext(ctx, "job will retry", "code", incidentbot.ErrorCode(err), "err", err)
		return true, e.retry(sctx, job, worker, e.now().Add(backoff(job.Attempts, err)), err)
	}
	log.ErrorContext(ctx, "job failed", "code", incidentbot.ErrorCode(err), "err", err)
	ferr := e.store.FailJob(sctx, job, worker, err.Error(), e.failure(inc, job, err))
	if incidentbot.ErrorCode(ferr) == incidentbot.ECONFLICT {
		log.WarnContext(ctx, "job lease lost", "err", ferr)
		return true, nil
	}
	if ferr != nil {
		return true, fmt.Errorf("fail job %s: %w", job.Key, ferr)
	}
	e.nudge()
	return true, nil
}

// settleTimeout bounds a store write that records a job's claim or outcome.
const settleTimeout = 5 * time.Second

// settle is the context for such a write: not cancelled with ctx.
func settle(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
}

// transient reports a failure worth retrying: EUNAVAILABLE, or a network
// failure an adapter left unmapped.
func transient(err error) bool {
	return incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE || incidentbot.IsTransientNetError(err)
}

func (e *Engine) retry(ctx context.Context, job incidentbot.Job, worker string, at time.Time, cause error) error {
	err := e.store.RetryJob(ctx, job, worker, at, cause.Error())
	if incidentbot.ErrorCode(err) == incidentbot.ECONFLICT {
		e.logger.WarnContext(ctx, "job lease lost", "job", job.Key, "err", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("retry job %s: %w", job.Key, err)
	}
	return nil
}

// errLeaseLost cuts a job short whose lease another worker took over.
var errLeaseLost = errors.New("job lease lost")

// keepLease renews worker's lease on job every Lease/3 until release is called,
// so a long job keeps it and a crashed worker's jobs are free within one
// short Lease. The returned context ends when the lease is lost. A renewal
// the store could not make is tried again at the next beat.
func (e *Engine) keepLease(ctx context.Context, job incidentbot.Job, worker string) (jctx context.Context, release func()) {
	jctx, cancel := context.WithCancelCause(ctx)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		beat := time.NewTicker(max(e.cfg.Lease/3, time.Millisecond))
		defer beat.Stop()
		for {
			select {
			case <-stop:
				return
			case <-jctx.Done():
				return
			case <-beat.C:
			}
			rctx, rcancel := context.WithTimeout(jctx, max(e.cfg.Lease/3, time.Millisecond))
			err := e.store.RenewJob(rctx, job, worker, e.now().Add(e.cfg.Lease))
			rcancel()
			switch {
			case incidentbot.ErrorCode(err) == incidentbot.ECONFLICT:
				e.logger.WarnContext(ctx, "job lease lost while running", "job", job.Key, "worker", worker)
				cancel(errLeaseLost)
				return
			case err != nil && jctx.Err() == nil:
				e.logger.WarnContext(ctx, "could not renew job lease", "job", job.Key, "worker", worker, "code", incidentbot.ErrorCode(err), "err", err)
			}
		}
	}()
	var once sync.Once
	return jctx, func() {
		once.Do(func() {
			close(stop)
			<-stopped
			cancel(nil)
		})
	}
}

// execute runs a job's handler under Config.JobTimeout, whatever its lease
// renewals; a panic becomes EINTERNAL.
func (e *Engine) execute(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (done complete, err error) {
	defer func() {
		if r := recover(); r != nil {
			e.logger.ErrorContext(ctx, "job panicked", "job", job.Key, "kind", job.Kind, "panic", r, "stack", string(debug.Stack()))
			done, err = nil, incidentbot.WrapError(incidentbot.EINTERNAL, fmt.Errorf("panic: %v", r), "The bot hit an internal error.")
		}
	}()
	h, ok := e.handlers[job.Kind]
	if !ok {
		return nil, incidentbot.Errorf(incidentbot.EINTERNAL, "This bot version does not know jobs of kind %q.", job.Kind)
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.JobTimeout)
	defer cancel()
	return h(ctx, job, inc)
}

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

// failure records a job that gave up: an action_failed event saying what
// did not happen (never the cause, which may hold secrets) and, unless the
// failed job was itself such a notice, a war-room post saying what to do by hand.
func (e *Engine) failure(inc *incidentbot.Incident, job incidentbot.Job, err error) incidentbot.Change {
	what, byHand := describe(job)
	text := fmt.Sprintf("Could not %s: %s", what, incidentbot.ErrorMessage(err))
	// The job ties a playbook action's failure to its start in the post-mortem.
	data, _ := json.Marshal(incidentbot.ActionRef{Job: job.ID})
	ch := incidentbot.Change{Events: []incidentbot.TimelineEvent{{
		Kind: incidentbot.EventActionFailed,
		Text: text,
		At:   e.now(),
		Data: data,
	}}}
	if inc == nil || job.Kind == kindNotice {
		return ch
	}
	// Without a war room the saga cannot go on; after any other step it
	// does, so a failed topic still gets the welcome posted.
	if job.Kind != kindCreateChannel {
		ch.Jobs = append(ch.Jobs, e.next(inc, job)...)
	}
	if errors.Is(err, errNoWarRoom) {
		return ch // the war room's own failure was announced, with the way to retry
	}
	p := postPayload{Message: incidentbot.Message{
		Title:    "The bot could not " + what,
		Text:     text + "\n" + byHand + "\nOr run `/incident retry " + inc.Key + "` to try again.",
		Severity: inc.Severity,
	}}
	// A job may fail again after a retry: each failure gets its notice.
	key := localKey(job) + "/failed/" + e.seq()
	if n, err := incidentbot.NewJob(inc, kindNotice, key, p, e.now()); err == nil {
		ch.Jobs = append(ch.Jobs, n)
	}
	return ch
}
