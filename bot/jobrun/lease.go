package jobrun

import (
	"context"
	"errors"
	"sync"
	"time"

	"incidentbot"
)

// errLeaseLost cuts a job short whose lease another worker took over.
var errLeaseLost = errors.New("job lease lost")

// keepLease renews worker's lease on job every Lease/3 until release is called,
// so a long job keeps it and a crashed worker's jobs are free within one
// short Lease. The returned context ends when the lease is lost. A renewal
// the store could not make is tried again at the next beat.
func (r *Runner) keepLease(ctx context.Context, job incidentbot.Job, worker string) (jctx context.Context, release func()) {
	jctx, cancel := context.WithCancelCause(ctx)
	stop, stopped := make(chan struct{}), make(chan struct{})
	beat := max(r.cfg.Lease/3, time.Millisecond)
	go func() {
		defer close(stopped)
		tick := time.NewTicker(beat)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-jctx.Done():
				return
			case <-tick.C:
			}
			rctx, rcancel := context.WithTimeout(jctx, beat)
			err := r.store.RenewJob(rctx, job, worker, r.now().Add(r.cfg.Lease))
			rcancel()
			switch {
			case incidentbot.ErrorCode(err) == incidentbot.ECONFLICT:
				r.cfg.Logger.WarnContext(ctx, "job lease lost while running", "job", job.Key, "worker", worker)
				cancel(errLeaseLost)
				return
			case err != nil && jctx.Err() == nil:
				r.cfg.Logger.WarnContext(ctx, "could not renew job lease", "job", job.Key, "worker", worker, "code", incidentbot.ErrorCode(err), "err", err)
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
