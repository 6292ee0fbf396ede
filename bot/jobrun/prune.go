package jobrun

import (
	"context"
	"time"

	"incidentbot"
)

const (
	// retention is how long the done jobs of a closed incident are kept.
	// Nothing reads them after the close (the timeline and the post-mortem
	// hold what happened); the hour only leaves the closing jobs' own
	// follow-ups time to finish.
	retention = time.Hour
	// pruneBatch is how many rows one delete statement removes, so a
	// prune never holds many locks at once.
	pruneBatch = 1000
	// pruneEvery paces job pruning, and with it the vacuum of the job
	// table on Postgres: at full speed each minute leaves tens of
	// thousands of dead row versions for the poll to step over.
	pruneEvery = time.Minute
)

// prune forgets finished jobs every minute, so the table does not grow
// without end.
func (r *Runner) prune(ctx context.Context) {
	tick := time.NewTicker(pruneEvery)
	defer tick.Stop()
	for {
		n, err := r.store.PruneJobs(ctx, r.now().Add(-retention), pruneBatch)
		switch {
		case err != nil && ctx.Err() == nil:
			r.cfg.Logger.WarnContext(ctx, "could not prune finished jobs", "pruned", n, "code", incidentbot.ErrorCode(err), "err", err)
		case n > 0:
			r.cfg.Logger.InfoContext(ctx, "pruned finished jobs", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
