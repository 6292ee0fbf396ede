// Package jobrun runs the durable job queue: workers claim due jobs in
// lanes, keep their lease while a job runs, record its outcome (done,
// deferred, retried with backoff, failed) and prune finished jobs. What a
// job does is its kind's Handler; the runner knows nothing of incidents'
// lifecycle.
package jobrun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"incidentbot"
)

// Complete is what a successful job writes, in the transaction that marks
// it done: the incident changes and the next jobs. nil writes nothing.
type Complete func(inc *incidentbot.Incident) (incidentbot.Change, error)

// Handler performs one job kind's side effect. It gets the incident as it
// stood when the job started; its writes go in the returned Complete.
type Handler func(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (Complete, error)

// Store is the part of the job queue the runner drives.
type Store interface {
	Incident(ctx context.Context, id int64) (*incidentbot.Incident, error)
	ClaimLane(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, lane incidentbot.JobLane) ([]incidentbot.Job, error)
	CompleteJob(ctx context.Context, job incidentbot.Job, worker string, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) error
	RetryJob(ctx context.Context, job incidentbot.Job, worker string, runAt time.Time, errMsg string) error
	FailJob(ctx context.Context, job incidentbot.Job, worker string, errMsg string, ch incidentbot.Change) error
	DeferJob(ctx context.Context, job incidentbot.Job, worker string, runAt time.Time) error
	RenewJob(ctx context.Context, job incidentbot.Job, worker string, until time.Time) error
	ReleaseJobs(ctx context.Context, prefix string) (int64, error)
	PruneJobs(ctx context.Context, closedBefore time.Time, limit int) (int64, error)
}

// Lane is a pool of workers that claims only some kinds of jobs, so that
// slow kinds cannot hold up the others.
type Lane struct {
	Name    string // in worker names: "<ID>-<Name>-<n>"; "" gives "<ID>-<n>"
	Workers int
	Kinds   incidentbot.JobLane
}

// Config tunes a Runner. Every field is required but Release and Lanes.
type Config struct {
	// ID prefixes the names of this process's workers, so leases are told apart.
	ID string
	// Release hands back at start the jobs that workers named ID-… still
	// hold: a run under the same ID died holding them.
	Release      bool
	Lanes        []Lane
	Lease        time.Duration // renewed every Lease/3 while a job runs
	JobTimeout   time.Duration // bounds one run of a job, whatever its renewals
	PollInterval time.Duration // how often idle workers look for due jobs
	MaxAttempts  int           // transient failures retried up to this many runs
	Clock        incidentbot.Clock
	Logger       *slog.Logger
	// Failure is what a job that gave up writes with its failure (the
	// event saying what did not happen, the next steps); inc is nil when
	// the incident could not be read.
	Failure func(inc *incidentbot.Incident, job incidentbot.Job, err error) incidentbot.Change
}

// Runner claims and runs jobs.
type Runner struct {
	cfg      Config
	store    Store
	handlers map[string]Handler
	wake     []chan struct{} // one per lane: nudges an idle worker
}

// New returns a runner dispatching each job to handlers[job.Kind]. It
// reads the map as it is when a job runs.
func New(cfg Config, store Store, handlers map[string]Handler) *Runner {
	r := &Runner{cfg: cfg, store: store, handlers: handlers, wake: make([]chan struct{}, len(cfg.Lanes))}
	for i := range r.wake {
		r.wake[i] = make(chan struct{}, 1)
	}
	return r
}

// Nudge wakes an idle worker of each lane that claims a job of jobs due
// now, so a job just enqueued starts at once; with no jobs, of every lane.
// A lane with nothing new sleeps on: each needless poll scans the live
// jobs, which under a burst are thousands.
func (r *Runner) Nudge(jobs ...incidentbot.Job) {
	now := r.now()
	for i, w := range r.wake {
		if len(jobs) > 0 && !slices.ContainsFunc(jobs, func(j incidentbot.Job) bool {
			return r.cfg.Lanes[i].Kinds.Has(j.Kind) && !j.RunAt.After(now)
		}) {
			continue
		}
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

func (r *Runner) now() time.Time { return r.cfg.Clock.Now().UTC() }

// Run runs every lane's workers and the pruning of finished jobs until ctx
// is done, and returns once all have stopped. With Release, the jobs an
// earlier run under the same ID died holding are handed back first, so a
// restart takes them up at once rather than after their lease.
func (r *Runner) Run(ctx context.Context) error {
	if r.cfg.Release {
		cctx, cancel := settle(ctx)
		n, err := r.store.ReleaseJobs(cctx, r.cfg.ID+"-")
		cancel()
		switch {
		case err != nil:
			r.cfg.Logger.WarnContext(ctx, "could not hand back the jobs of the previous run; they run again when their lease ends",
				"worker", r.cfg.ID, "code", incidentbot.ErrorCode(err), "err", err)
		case n > 0:
			r.cfg.Logger.InfoContext(ctx, "jobs of the previous run handed back", "worker", r.cfg.ID, "count", n)
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	for i, lane := range r.cfg.Lanes {
		prefix := r.cfg.ID + "-"
		if lane.Name != "" {
			prefix += lane.Name + "-"
		}
		for n := range lane.Workers {
			worker := prefix + strconv.Itoa(n)
			g.Go(func() error {
				r.work(ctx, worker, lane.Kinds, r.wake[i])
				return nil
			})
		}
	}
	g.Go(func() error {
		r.prune(ctx)
		return nil
	})
	return g.Wait()
}

func (r *Runner) work(ctx context.Context, worker string, lane incidentbot.JobLane, wake <-chan struct{}) {
	timer := time.NewTimer(r.cfg.PollInterval)
	defer timer.Stop()
	for ctx.Err() == nil {
		ran, err := r.runLane(ctx, worker, lane)
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.ErrorContext(ctx, "job queue unavailable", "worker", worker, "code", incidentbot.ErrorCode(err), "err", err)
		}
		if ran {
			continue
		}
		timer.Reset(r.cfg.PollInterval)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer.C:
		}
	}
}

// RunDue claims and runs due jobs of any kind one by one until none is due
// or max have run (0: no limit), and returns how many ran. Tests and the
// scripted demo use it to drive the queue step by step.
func (r *Runner) RunDue(ctx context.Context, max int) (int, error) {
	n := 0
	for max == 0 || n < max {
		ran, err := r.runLane(ctx, r.cfg.ID+"-due", incidentbot.JobLane{})
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

// runLane claims one due job of lane and runs it. The error is for the
// queue itself; a job's own failure is recorded on the job and the timeline.
func (r *Runner) runLane(ctx context.Context, worker string, lane incidentbot.JobLane) (bool, error) {
	if ctx.Err() != nil {
		return false, nil
	}
	// The claim and the outcome are written on contexts that shutdown does
	// not cut: a claim that commits must come back to be handed back, and a
	// finished job must be recorded, or its lease holds it from the restart.
	cctx, cancel := settle(ctx)
	jobs, err := r.store.ClaimLane(cctx, worker, r.now(), r.cfg.Lease, 1, lane)
	cancel()
	if err != nil {
		return false, fmt.Errorf("claim jobs: %w", err)
	}
	if len(jobs) == 0 {
		return false, nil
	}
	job := jobs[0]
	// The lease is renewed while the job runs; a job whose lease is lost
	// (taken over after a stall) is cut short, its outcome refused in record.
	jctx, release := r.keepLease(ctx, job, worker)
	inc, err := r.store.Incident(jctx, job.IncidentID)
	var done Complete
	if err == nil {
		done, err = r.execute(jctx, job, inc)
	}
	release()
	sctx, cancel := settle(ctx)
	defer cancel()
	return true, r.record(ctx, sctx, outcome{job: job, worker: worker, inc: inc, done: done, err: err, leaseLost: errors.Is(context.Cause(jctx), errLeaseLost)})
}

// outcome is how one run of a job ended.
type outcome struct {
	job       incidentbot.Job
	worker    string
	inc       *incidentbot.Incident // nil: it could not be read
	done      Complete
	err       error
	leaseLost bool // another worker took the job over meanwhile
}

// record writes o on sctx; ctx is the worker's, whose end means shutdown.
func (r *Runner) record(ctx, sctx context.Context, o outcome) error {
	job, worker, err := o.job, o.worker, o.err
	log := r.cfg.Logger.With("incident", incidentbot.IncidentKey(job.IncidentID), "job", job.Key, "kind", job.Kind, "attempt", job.Attempts)
	if o.inc == nil && incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND && ctx.Err() == nil {
		return r.retry(sctx, job, worker, r.now().Add(backoff(job.Attempts, err)), err)
	}
	var later *incidentbot.Deferral
	var blocked *Blocked
	switch {
	case err == nil:
		var next []incidentbot.Job
		err = r.store.CompleteJob(sctx, job, worker, capture(o.done, &next))
		if incidentbot.ErrorCode(err) == incidentbot.ECONFLICT {
			log.WarnContext(ctx, "job lease lost", "err", err)
			return nil
		}
		if err != nil {
			return fmt.Errorf("complete job %s: %w", job.Key, err)
		}
		log.DebugContext(ctx, "job done")
		if len(next) > 0 {
			r.Nudge(next...) // the next step, at once
		}
		return nil
	case errors.As(err, &later):
		// Paced: the job comes back when its turn is due, holding no worker meanwhile.
		log.DebugContext(ctx, "job deferred", "wait", later.Wait, "reason", later.Reason)
		err := r.store.DeferJob(sctx, job, worker, r.now().Add(later.Wait))
		if incidentbot.ErrorCode(err) == incidentbot.ECONFLICT {
			log.WarnContext(ctx, "job lease lost", "err", err)
			return nil
		}
		if err != nil {
			return fmt.Errorf("defer job %s: %w", job.Key, err)
		}
		return nil
	case o.leaseLost:
		// Another worker runs it now; whatever this run did is its to redo.
		log.WarnContext(ctx, "job lease lost", "err", err)
		return nil
	case ctx.Err() != nil:
		// Shutting down cut the job short: not its failure. Hand it back so
		// the next worker, here or after the restart, runs it at once.
		log.InfoContext(ctx, "job interrupted by shutdown", "err", err)
		return r.retry(sctx, job, worker, r.now(), err)
	case errors.As(err, &blocked):
		log.DebugContext(ctx, "job blocked", "reason", blocked.Reason)
		return r.retry(sctx, job, worker, r.now().Add(blocked.Retry), err)
	case transient(err) && job.Attempts < r.cfg.MaxAttempts:
		log.InfoContext(ctx, "job will retry", "code", incidentbot.ErrorCode(err), "err", err)
		return r.retry(sctx, job, worker, r.now().Add(backoff(job.Attempts, err)), err)
	}
	log.ErrorContext(ctx, "job failed", "code", incidentbot.ErrorCode(err), "err", err)
	failure := r.cfg.Failure(o.inc, job, err)
	ferr := r.store.FailJob(sctx, job, worker, err.Error(), failure)
	if incidentbot.ErrorCode(ferr) == incidentbot.ECONFLICT {
		log.WarnContext(ctx, "job lease lost", "err", ferr)
		return nil
	}
	if ferr != nil {
		return fmt.Errorf("fail job %s: %w", job.Key, ferr)
	}
	if len(failure.Jobs) > 0 {
		r.Nudge(failure.Jobs...)
	}
	return nil
}

// capture is done, keeping in *jobs the jobs its change enqueues; nil
// stays nil (nothing to write).
func capture(done Complete, jobs *[]incidentbot.Job) Complete {
	if done == nil {
		return nil
	}
	return func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		ch, err := done(inc)
		*jobs = ch.Jobs
		return ch, err
	}
}

// Blocked is a handler's error when its job waits for another step (a post
// for the war room the saga has not made yet): the job runs again after
// Retry, its attempt counted, and never fails for it.
type Blocked struct {
	Retry  time.Duration
	Reason string
}

func (b *Blocked) Error() string { return b.Reason }

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

func (r *Runner) retry(ctx context.Context, job incidentbot.Job, worker string, at time.Time, cause error) error {
	err := r.store.RetryJob(ctx, job, worker, at, cause.Error())
	if incidentbot.ErrorCode(err) == incidentbot.ECONFLICT {
		r.cfg.Logger.WarnContext(ctx, "job lease lost", "job", job.Key, "err", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("retry job %s: %w", job.Key, err)
	}
	return nil
}

// execute runs a job's handler under Config.JobTimeout, whatever its lease
// renewals; a panic becomes EINTERNAL.
func (r *Runner) execute(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (done Complete, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.cfg.Logger.ErrorContext(ctx, "job panicked", "job", job.Key, "kind", job.Kind, "panic", p, "stack", string(debug.Stack()))
			done, err = nil, incidentbot.WrapError(incidentbot.EINTERNAL, fmt.Errorf("panic: %v", p), "The bot hit an internal error.")
		}
	}()
	h, ok := r.handlers[job.Kind]
	if !ok {
		return nil, incidentbot.Errorf(incidentbot.EINTERNAL, "This bot version does not know jobs of kind %q.", job.Kind)
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.JobTimeout)
	defer cancel()
	return h(ctx, job, inc)
}
