package bot

import (
	"context"
	"slices"

	"incidentbot"
	"incidentbot/i18n"
)

// failedJobs returns the side effects of an incident the runner gave up
// on, failure notices aside (they are about the others).
func (e *Engine) failedJobs(ctx context.Context, inc *incidentbot.Incident) ([]incidentbot.Job, error) {
	jobs, err := e.store.Jobs(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	var out []incidentbot.Job
	for _, j := range jobs {
		if j.State == incidentbot.JobFailed && j.Kind != kindNotice {
			out = append(out, j)
		}
	}
	return out, nil
}

// failedActions says what failed, once each, in lang: jobs that failed only
// because there was no war room are left out while the war room itself is listed.
func failedActions(lang string, failed []incidentbot.Job) []incidentbot.FailedAction {
	noRoom := slices.ContainsFunc(failed, func(j incidentbot.Job) bool { return j.Kind == kindCreateChannel })
	var out []incidentbot.FailedAction
	for _, j := range failed {
		what, _ := describe(lang, j)
		if noRoom && j.LastError == errNoWarRoom.Error() ||
			slices.ContainsFunc(out, func(f incidentbot.FailedAction) bool { return f.What == what }) {
			continue
		}
		out = append(out, incidentbot.FailedAction{What: what, Text: failedJob{j}, At: j.UpdatedAt})
	}
	return out
}

// failedJob says what a failed job did in the reader's language, for
// replies only one person sees (the retry's answer, the status).
type failedJob struct{ job incidentbot.Job }

func (f failedJob) In(lang string) string {
	what, _ := describe(lang, f.job)
	return what
}

// Retry puts the incident's failed side effects back in the queue, with
// their attempts counted afresh, and says which. Anyone may: each was
// asked for already (by the playbook or by a command), so retrying adds
// no new power. A war room made now lets the saga go on from there.
func (e *Engine) Retry(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FailedAction, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, nil, err
	}
	failed, err := e.failedJobs(ctx, inc)
	if err != nil {
		return nil, nil, err
	}
	if len(failed) == 0 {
		return nil, nil, i18n.Errorf(incidentbot.EINVALID, "reader.retry.nothing", map[string]any{"Key": inc.Key})
	}
	ids := make([]int64, len(failed))
	for i, j := range failed {
		ids[i] = j.ID
	}
	requeued, err := e.store.RequeueFailedJobs(ctx, ids, e.now())
	if err != nil {
		return nil, nil, err
	}
	e.nudge(requeued)
	e.logger.InfoContext(ctx, "failed jobs requeued", "incident", inc.Key, "count", len(requeued), "by", actor.User.ID)
	return inc, failedActions(e.lang(inc), requeued), nil
}
