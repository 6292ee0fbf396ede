package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/bot/jobrun"
	"incidentbot/i18n"
)

// complete and handler are the runner's: the per-kind handlers are the engine's.
type (
	complete = jobrun.Complete
	handler  = jobrun.Handler
)

// errWarRoomNotReady makes a job that posts into the war room wait for the
// saga to create it; the runner retries it shortly without counting it as a failure.
var errWarRoomNotReady error = &jobrun.Blocked{Retry: 2 * time.Second, Reason: "war room not ready"}

// probeLane holds the jobs that fetch from outside (a typed URL may never
// answer): Config.ProbeWorkers run them, the other workers never do.
var probeLane = incidentbot.JobLane{Only: []string{kindProbe, kindRecheck}}

// newRunner builds the job runner: Config.Workers claim every kind but the
// outside-in checks, Config.ProbeWorkers claim those.
func (e *Engine) newRunner() *jobrun.Runner {
	return jobrun.New(jobrun.Config{
		ID:      e.id,
		Release: e.cfg.WorkerID != "",
		Lanes: []jobrun.Lane{
			{Workers: e.cfg.Workers, Kinds: incidentbot.JobLane{Except: probeLane.Only}},
			{Name: "probe", Workers: e.cfg.ProbeWorkers, Kinds: probeLane},
		},
		Lease:        e.cfg.Lease,
		JobTimeout:   e.cfg.JobTimeout,
		PollInterval: e.cfg.PollInterval,
		MaxAttempts:  e.cfg.MaxAttempts,
		Clock:        e.clock,
		Logger:       e.logger,
		Failure:      e.failure,
	}, e.store, e.handlers)
}

// Run runs the job workers until ctx is done, prunes old delivery ids on
// the side, and returns once every worker has stopped. With a
// Config.WorkerID, the jobs an earlier run under that name died holding
// are handed back first; follow-up exports waiting to try again run at once.
func (e *Engine) Run(ctx context.Context) error {
	e.hastenExports(ctx)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return e.runner.Run(ctx) })
	g.Go(func() error {
		e.pruneDeliveries(ctx)
		return nil
	})
	return g.Wait()
}

// hastenExports runs at once the follow-up exports waiting to try again:
// a tracker's token is changed in the environment, which takes a restart,
// and the fix should not wait for the next hourly try of a refused export.
func (e *Engine) hastenExports(ctx context.Context) {
	n, err := e.store.HastenJobs(ctx, kindExport, e.now())
	switch {
	case err != nil:
		e.logger.WarnContext(ctx, "could not bring the waiting follow-up exports forward; they run when due", "code", incidentbot.ErrorCode(err), "err", err)
	case n > 0:
		e.logger.InfoContext(ctx, "waiting follow-up exports brought forward", "count", n)
	}
}

// RunDue claims and runs due jobs one by one until none is due or max have
// run (0: no limit), and returns how many ran. Tests and the scripted demo
// use it to drive the queue step by step.
func (e *Engine) RunDue(ctx context.Context, max int) (int, error) {
	return e.runner.RunDue(ctx, max)
}

// deliveryRetention is how long inbound delivery ids are kept: far longer
// than any platform retries (Slack: minutes; Alertmanager re-sends every
// group_interval while an alert fires, and each re-send is a new claim).
const deliveryRetention = 7 * 24 * time.Hour

// pruneDeliveries forgets old delivery ids every hour, so the table does
// not grow without end.
func (e *Engine) pruneDeliveries(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		n, err := e.store.PruneDeliveries(ctx, e.now().Add(-deliveryRetention))
		switch {
		case err != nil && ctx.Err() == nil:
			e.logger.WarnContext(ctx, "could not prune delivery ids", "code", incidentbot.ErrorCode(err), "err", err)
		case n > 0:
			e.logger.InfoContext(ctx, "pruned delivery ids", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// failure records a job that gave up: an action_failed event saying what
// did not happen (never the cause, which may hold secrets) and, unless the
// failed job was itself such a notice, a war-room post saying what to do by hand.
func (e *Engine) failure(inc *incidentbot.Incident, job incidentbot.Job, err error) incidentbot.Change {
	lang := e.cfg.Language // a job of no incident (none is stored) speaks the workspace's
	if inc != nil {
		lang = e.lang(inc)
	}
	what, byHand := describe(lang, job)
	text := i18n.T(lang, "engine.failure.text", map[string]any{"What": what, "Error": i18n.ErrorMessage(lang, err)})
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
	// After a close that archives the war room, the notice goes where the
	// incident was declared: posted in the archive, nobody would read it
	// (a resume that failed there leaves campaigns paused unseen).
	p := postPayload{Channel: e.closedChannel(inc), Message: incidentbot.Message{
		Title:    i18n.T(lang, "engine.failure.title", map[string]any{"What": what}),
		Text:     text + "\n" + byHand + "\n" + i18n.T(lang, "engine.failure.retry", map[string]any{"Key": inc.Key}),
		Severity: inc.Severity,
	}}
	// A job may fail again after a retry: each failure gets its notice.
	key := localKey(job) + "/failed/" + e.seq()
	if n, err := incidentbot.NewJob(inc, kindNotice, key, p, e.now()); err == nil {
		ch.Jobs = append(ch.Jobs, n)
	}
	return ch
}
