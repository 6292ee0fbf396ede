package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// kindExport files an incident's follow-ups in the team's tracker
// (Deps.Tracker). At close it runs under the key "export_followups" and
// the post-mortem draft follows it, so the draft carries the ticket links
// (when the tracker fails, the draft goes first and is shared again once
// they are filed); /incident followup export runs it under a key of its own.
const kindExport = "export_followups"

// trackerSkew widens the search for a follow-up's ticket before the
// follow-up was added: clocks of the bot and the tracker differ.
const trackerSkew = time.Hour

// ExportFollowUps files, as a job, the incident's follow-ups not done and
// without a ticket; anyone who may add one may. A drill files nothing.
func (e *Engine) ExportFollowUps(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, string, int, error) {
	if e.tracker == nil {
		return nil, "", 0, i18n.Errorf(incidentbot.EINVALID, "trackers.none", nil)
	}
	inc, list, err := e.FollowUps(ctx, actor, key)
	if err != nil {
		return nil, "", 0, err
	}
	if inc.Drill {
		return nil, "", 0, i18n.Errorf(incidentbot.EINVALID, "trackers.drill", map[string]any{"Key": inc.Key, "Tracker": e.tracker.Name()})
	}
	n := len(toFile(list))
	if n == 0 {
		return nil, "", 0, i18n.Errorf(incidentbot.EINVALID, "trackers.nothing", map[string]any{"Key": inc.Key})
	}
	job, err := incidentbot.NewJob(inc, kindExport, "followups/export/"+e.seq(), nil, e.now())
	if err != nil {
		return nil, "", 0, err
	}
	if err := e.enqueue(ctx, job); err != nil {
		return nil, "", 0, err
	}
	return inc, e.tracker.Name(), n, nil
}

// toFile is the follow-ups an export files: not done, no ticket yet.
func toFile(list []incidentbot.FollowUp) []incidentbot.FollowUp {
	var out []incidentbot.FollowUp
	for _, f := range list {
		if f.Ticket == "" && f.DoneAt == nil {
			out = append(out, f)
		}
	}
	return out
}

// exportFollowUps files each follow-up to file, looking for its marker
// before creating, and records each ticket as soon as it exists: a crash
// or a refusal half-way loses no link, and the re-run finds what was filed
// and files nothing twice. The war room gets the links, and a draft shared
// before them is shared again with them.
func (e *Engine) exportFollowUps(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	closing := localKey(job) == kindExport
	var after []incidentbot.Job
	if closing {
		pm, err := incidentbot.NewJob(inc, kindPostmortem, kindPostmortem, nil, e.now())
		if err != nil {
			return nil, err
		}
		after = append(after, pm)
	}
	if e.tracker == nil || inc.Drill {
		return jobsDone(after), nil
	}
	list, err := e.store.FollowUps(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	filed, refusal, err := e.fileAll(ctx, inc, toFile(list))
	if len(filed) > 0 {
		posts, perr := e.filedPosts(ctx, job, inc, filed, linked(list)+len(filed))
		if perr != nil {
			return nil, errors.Join(err, perr)
		}
		after = append(after, posts...)
	}
	switch {
	case err != nil:
		return nil, e.exportFailed(ctx, job, inc, after, err)
	case refusal != nil:
		return nil, e.exportRefused(ctx, job, inc, after, refusal)
	}
	return jobsDone(after), nil
}

// fileAll files and records each follow-up of list, and returns the lines
// saying what it filed. A refusal of one ticket (a field the tracker
// rejects) leaves the others to file; one of the tracker as a whole
// (credentials, permission, project) stops the round, as does any other
// error (err). refusal is the first refusal.
func (e *Engine) fileAll(ctx context.Context, inc *incidentbot.Incident, list []incidentbot.FollowUp) (filed []string, refusal, err error) {
	for _, f := range list {
		t, err := e.fileTicket(ctx, inc, f)
		if refused(err) {
			e.logger.WarnContext(ctx, "tracker refused a follow-up", "incident", inc.Key, "follow_up", f.Number, "code", incidentbot.ErrorCode(err), "err", err)
			if refusal == nil {
				refusal = err
			}
			if incidentbot.ErrorCode(err) == incidentbot.EINVALID {
				continue
			}
			return filed, refusal, nil
		}
		if err == nil {
			err = e.recordTicket(ctx, inc, f, t)
		}
		if err != nil {
			return filed, refusal, err
		}
		filed = append(filed, i18n.T(e.cfg.Language, "trackers.filed_line", map[string]any{"N": f.Number, "Text": f.Text, "Ticket": t.Key, "URL": t.URL}))
	}
	return filed, refusal, nil
}

// linked counts the follow-ups of list that have a ticket.
func linked(list []incidentbot.FollowUp) int {
	n := 0
	for _, f := range list {
		if f.Ticket != "" {
			n++
		}
	}
	return n
}

// refused reports a tracker's refusal: credentials, permission, project or
// a field it rejects, which only a person can fix (trackers.Refusal).
func refused(err error) bool {
	switch incidentbot.ErrorCode(err) {
	case incidentbot.EUNAUTHORIZED, incidentbot.EFORBIDDEN, incidentbot.ENOTFOUND, incidentbot.EINVALID:
		return true
	}
	return false
}

// filedPosts are the posts after a round that filed tickets, linked being
// how many follow-ups have one now: the links, and, when the post-mortem
// draft went out without them, the draft again. Their keys count the
// links, so a re-run of the round posts nothing twice and the next round
// posts its own.
func (e *Engine) filedPosts(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident, filed []string, linked int) ([]incidentbot.Job, error) {
	n := strconv.Itoa(linked)
	j := e.jobsFor(inc)
	j.add(kindPost, localKey(job)+"/filed/"+n, postPayload{Channel: e.closedChannel(inc), Message: incidentbot.Message{
		Title: i18n.T(e.cfg.Language, "trackers.filed_title", map[string]any{"Key": inc.Key, "Tracker": e.tracker.Name()}),
		Text:  strings.Join(filed, "\n"),
	}})
	if inc.Status == incidentbot.StatusClosed {
		out, err := e.draftOut(ctx, inc)
		if err != nil {
			return nil, err
		}
		if out {
			j.add(kindShareDraft, "postmortem/links/"+n, postPayload{Channel: e.closedChannel(inc)})
		}
	}
	return j.out, j.err
}

// draftOut reports whether the closing post-mortem draft may have been
// written before the links just stored: it was posted, or its job ran or
// runs. A draft job still pending reads them when it runs.
func (e *Engine) draftOut(ctx context.Context, inc *incidentbot.Incident) (bool, error) {
	_, err := e.store.Message(ctx, inc.ID, incidentbot.MessagePostmortem)
	if err == nil {
		return true, nil
	}
	if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
		return false, err
	}
	jobs, err := e.store.Jobs(ctx, inc.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(jobs, func(j incidentbot.Job) bool {
		return j.Kind == kindPostmortem && j.State != incidentbot.JobPending
	}), nil
}

func jobsDone(jobs []incidentbot.Job) complete {
	if len(jobs) == 0 {
		return nil
	}
	return func(*incidentbot.Incident) (incidentbot.Change, error) { return incidentbot.Change{Jobs: jobs}, nil }
}

// fileTicket returns f's ticket: the one its marker finds, else a new one.
func (e *Engine) fileTicket(ctx context.Context, inc *incidentbot.Incident, f incidentbot.FollowUp) (incidentbot.Ticket, error) {
	r := incidentbot.NewTicketRequest(inc, f)
	found, err := e.tracker.FindTicket(ctx, r.Marker, f.CreatedAt.Add(-trackerSkew))
	if err != nil {
		return incidentbot.Ticket{}, fmt.Errorf("find the ticket of follow-up %d: %w", f.Number, err)
	}
	if found != nil {
		e.logger.InfoContext(ctx, "follow-up ticket found", "incident", inc.Key, "follow_up", f.Number, "ticket", found.Key)
		return *found, nil
	}
	t, err := e.tracker.CreateTicket(ctx, r)
	if err != nil {
		return incidentbot.Ticket{}, fmt.Errorf("file follow-up %d: %w", f.Number, err)
	}
	e.logger.InfoContext(ctx, "follow-up ticket filed", "incident", inc.Key, "follow_up", f.Number, "ticket", t.Key)
	return t, nil
}

// recordTicket stores f's ticket and says so on the timeline.
func (e *Engine) recordTicket(ctx context.Context, inc *incidentbot.Incident, f incidentbot.FollowUp, t incidentbot.Ticket) error {
	_, err := e.updateByID(ctx, inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{
			Tickets: []incidentbot.FollowUpTicket{{Number: f.Number, Ticket: t.URL}},
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, At: e.now(),
				Text: i18n.T(e.cfg.Language, "trackers.filed_note", map[string]any{"N": f.Number, "Tracker": e.tracker.Name(), "Ticket": t.Key, "URL": t.URL})}},
		}, nil
	})
	return err
}

// exportFailed handles a tracker that failed: the post-mortem goes out at
// close without waiting for it, and a failure to be retried is announced
// in the war room on its first attempt (the runner announces a permanent
// one, and a retried one that gives up). It returns err.
func (e *Engine) exportFailed(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident, after []incidentbot.Job, err error) error {
	if retried := incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE || incidentbot.IsTransientNetError(err); retried && job.Attempts == 1 {
		after = e.exportNotice(job, inc, after, noticeUnavailable, err)
	}
	e.enqueueAfter(ctx, inc, after)
	return err
}

// Refused exports are tried again on a slow schedule, counted from the
// export's start: 5 minutes, 15 more, then every hour for a day. A
// refusal waits for a person (a token renewed, a permission granted, a
// project created, a field made optional): the first retries catch a fix
// made on reading the notice, the hourly ones a fix made later that day,
// at 24 calls a day, far below any tracker's limits. After a day the
// runner gives up and says so; /incident followup export tries at once.
const (
	refusedFor   = 24 * time.Hour
	refusedEvery = time.Hour
)

var refusedSteps = []struct{ before, wait time.Duration }{
	{5 * time.Minute, 5 * time.Minute},
	{20 * time.Minute, 15 * time.Minute},
}

// refusedWait is the wait before the next try of an export refused
// elapsed after it started; false once it is time to give up.
func refusedWait(elapsed time.Duration) (time.Duration, bool) {
	if elapsed >= refusedFor {
		return 0, false
	}
	for _, s := range refusedSteps {
		if elapsed < s.before {
			return s.wait, true
		}
	}
	return refusedEvery, true
}

// exportRefused handles a tracker that refused: the war room is told once,
// with what to fix and never a secret, the post-mortem goes out at close
// without waiting, and the export runs again later without a command. The
// wait is a deferral, not a failed attempt: the attempts a tracker outage
// gets stay whole. After refusedFor, it returns refusal: the runner fails
// the job and announces it.
func (e *Engine) exportRefused(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident, after []incidentbot.Job, refusal error) error {
	// The store stamps CreatedAt with the system clock, the engine's in
	// production; a clock behind it counts as the start.
	wait, again := refusedWait(max(e.now().Sub(job.CreatedAt), 0))
	if !again {
		e.enqueueAfter(ctx, inc, after)
		return refusal
	}
	after = e.exportNotice(job, inc, after, noticeRefused, refusal)
	e.enqueueAfter(ctx, inc, after)
	e.logger.InfoContext(ctx, "export refused; it runs again later", "incident", inc.Key, "job", job.Key, "in", wait)
	return &incidentbot.Deferral{Wait: wait, Reason: "tracker refused the follow-ups"}
}

// notice is a post about an export round, once per export: its key is
// the export's plus name. title and text are catalog ids; text says err.
type notice struct{ name, title, text string }

var (
	noticeUnavailable = notice{"unavailable", "trackers.unavailable_title", "trackers.unavailable"}
	noticeRefused     = notice{"refused", "trackers.refused_title", "trackers.refused"}
)

// exportNotice adds to jobs the notice n about err.
func (e *Engine) exportNotice(job incidentbot.Job, inc *incidentbot.Incident, jobs []incidentbot.Job, n notice, err error) []incidentbot.Job {
	p := postPayload{Channel: e.closedChannel(inc), Message: incidentbot.Message{
		Title:    i18n.T(e.cfg.Language, n.title, map[string]any{"Key": inc.Key, "Tracker": e.tracker.Name()}),
		Text:     i18n.T(e.cfg.Language, n.text, map[string]any{"Error": i18n.ErrorMessage(e.cfg.Language, err)}),
		Severity: inc.Severity,
	}}
	if nj, nerr := incidentbot.NewJob(inc, kindNotice, localKey(job)+"/"+n.name, p, e.now()); nerr == nil {
		jobs = append(jobs, nj)
	}
	return jobs
}

// enqueueAfter enqueues what follows a failed round (the draft, the
// links, the notice). Should it fail, the retry enqueues the draft and
// the notice again; the links are stored already, for the list and the draft.
func (e *Engine) enqueueAfter(ctx context.Context, inc *incidentbot.Incident, jobs []incidentbot.Job) {
	if len(jobs) == 0 {
		return
	}
	if err := e.enqueue(ctx, jobs...); err != nil {
		e.logger.WarnContext(ctx, "could not enqueue what follows a failed export", "incident", inc.Key, "err", err)
	}
}

// closedChannel is where posts about a closed incident go when the
// playbook archives its war room: where it was declared. "" is the war room.
func (e *Engine) closedChannel(inc *incidentbot.Incident) string {
	if inc.Status != incidentbot.StatusClosed || inc.OriginChannel == "" {
		return ""
	}
	if pb, err := e.playbook(inc); err == nil && pb.ArchiveOnClose {
		return inc.OriginChannel
	}
	return ""
}
