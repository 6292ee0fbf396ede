package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// kindExport files an incident's follow-ups in the team's tracker
// (Deps.Tracker). At close it runs under the key "export_followups" and
// the post-mortem draft follows it, so the draft carries the ticket links;
// /incident followup export runs it under a key of its own.
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
// and files nothing twice. The war room gets the links.
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
	var filed []string
	for _, f := range toFile(list) {
		t, err := e.fileTicket(ctx, inc, f)
		if err == nil {
			err = e.recordTicket(ctx, inc, f, t)
		}
		if err != nil {
			return nil, e.exportFailed(ctx, job, inc, after, err)
		}
		filed = append(filed, i18n.T(e.cfg.Language, "trackers.filed_line", map[string]any{"N": f.Number, "Text": f.Text, "Ticket": t.Key, "URL": t.URL}))
	}
	if len(filed) > 0 {
		j := e.jobsFor(inc)
		j.add(kindPost, localKey(job)+"/filed", postPayload{Channel: e.closedChannel(inc), Message: incidentbot.Message{
			Title: i18n.T(e.cfg.Language, "trackers.filed_title", map[string]any{"Key": inc.Key, "Tracker": e.tracker.Name()}),
			Text:  strings.Join(filed, "\n"),
		}})
		if j.err != nil {
			return nil, j.err
		}
		after = append(after, j.out...)
	}
	return jobsDone(after), nil
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

// exportFailed handles a tracker that refused or failed: the post-mortem
// goes out at close without waiting for it, and a failure to be retried is
// announced in the war room on its first attempt (the runner announces a
// permanent one, and a retried one that gives up). It returns err.
func (e *Engine) exportFailed(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident, after []incidentbot.Job, err error) error {
	var out []incidentbot.Job
	out = append(out, after...)
	if retried := incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE || incidentbot.IsTransientNetError(err); retried && job.Attempts == 1 {
		n, nerr := incidentbot.NewJob(inc, kindNotice, localKey(job)+"/unavailable", postPayload{Channel: e.closedChannel(inc), Message: incidentbot.Message{
			Title:    i18n.T(e.cfg.Language, "trackers.unavailable_title", map[string]any{"Key": inc.Key, "Tracker": e.tracker.Name()}),
			Text:     i18n.T(e.cfg.Language, "trackers.unavailable", map[string]any{"Error": i18n.ErrorMessage(e.cfg.Language, err)}),
			Severity: inc.Severity,
		}}, e.now())
		if nerr == nil {
			out = append(out, n)
		}
	}
	if len(out) > 0 {
		if qerr := e.enqueue(ctx, out...); qerr != nil {
			e.logger.WarnContext(ctx, "could not enqueue what follows a failed export", "incident", inc.Key, "err", qerr)
		}
	}
	return err
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
