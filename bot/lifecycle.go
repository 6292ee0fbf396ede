package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/views"
)

// textLength refuses an update or a note longer than one chat message holds.
func textLength(what, text string) error {
	if n := utf8.RuneCountInString(text); n > incidentbot.MaxUpdateText {
		return incidentbot.Errorf(incidentbot.EINVALID, "The %s is %d characters long; keep it under %d, or split it in two.", what, n, incidentbot.MaxUpdateText)
	}
	return nil
}

// errAlreadyAcknowledged stops a repeated ack under the lock; Acknowledge
// then says who acknowledged and when.
var errAlreadyAcknowledged = incidentbot.Errorf(incidentbot.ECONFLICT, "The incident is already acknowledged: nothing changed.")

// Acknowledge records that someone is on it; only the first counts, and a
// repeat says who was first and when.
func (e *Engine) Acknowledge(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	var acked *incidentbot.Incident
	inc, err := e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if inc.AcknowledgedAt != nil {
			acked = inc
			return nil, errAlreadyAcknowledged
		}
		now := e.now()
		inc.AcknowledgedAt = &now
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventAcknowledged, Actor: actor.User, At: now, Text: actor.User.Name + " acknowledged."}}, nil
	})
	if !errors.Is(err, errAlreadyAcknowledged) {
		return inc, err
	}
	inc = acked
	acks, err := e.store.EventsOfKind(ctx, inc.ID, incidentbot.EventAcknowledged)
	if err != nil {
		return nil, err
	}
	by := "someone"
	if len(acks) > 0 {
		by = acks[0].Actor.Name
	}
	return nil, incidentbot.Errorf(incidentbot.ECONFLICT, "%s was already acknowledged by %s %s: nothing changed.", inc.Key, by, e.when(*inc.AcknowledgedAt))
}

// when says at what time something happened and how long ago, for a reply.
func (e *Engine) when(t time.Time) string {
	s := "at " + t.UTC().Format("15:04 UTC")
	if ago := e.now().Sub(t); ago >= time.Minute {
		s += " (" + views.Duration(ago) + " ago)"
	}
	return s
}

// PostUpdate records a status update, resets the reminder, and tells the
// war room and the managers.
func (e *Engine) PostUpdate(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Say what changed, e.g. /incident update Database restarted, checkout recovering.")
	}
	if err := textLength("update", text); err != nil {
		return nil, err
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		now := e.now()
		inc.LastUpdateAt = &now
		e.schedule(inc, j, now.Add(pb.Cadence(inc.Severity)), pb.Cadence(inc.Severity) > 0 && !inc.RemindersOff)
		// Posted even when typed in the war room: a slash command is seen
		// only by the person who typed it.
		j.add(kindPost, "post/update/"+e.seq(), postPayload{Message: incidentbot.Message{
			Title: "Update from " + actor.User.Name, Text: drillLabel(inc, text), Severity: inc.Severity,
		}})
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusUpdate, Actor: actor.User, At: now, Text: text}}, nil
	})
}

// schedule sets the next status-update reminder to at, or clears it when
// on is false, and enqueues the reminder job for it.
func (e *Engine) schedule(inc *incidentbot.Incident, j *jobs, at time.Time, on bool) {
	if !on || !inc.Status.Open() {
		inc.NextReminderAt = nil
		return
	}
	inc.NextReminderAt = &at
	reminderJob(j, at)
}

// SetSeverity changes the severity: topic, summary and reminder cadence
// follow, and on_declare actions that now apply (pause ads when a sev3
// becomes a sev1) start.
func (e *Engine) SetSeverity(ctx context.Context, actor incidentbot.Actor, key string, sev incidentbot.Severity) (*incidentbot.Incident, error) {
	if !sev.Valid() {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown severity. Use sev1 (site down) to sev4 (minor).")
	}
	return e.update(ctx, actor, key, commander("change the severity of"), func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if inc.Severity == sev {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "%s is already %s.", inc.Key, sev.Label())
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		old := inc.Severity
		inc.Severity = sev
		now := e.now()
		cadence := pb.Cadence(sev)
		if pb.Cadence(old) != cadence {
			e.schedule(inc, j, now.Add(cadence), cadence > 0 && !inc.RemindersOff)
		}
		if inc.Status.Open() {
			var newly []incidentbot.Action
			for _, a := range pb.OnDeclare {
				if a.When.Holds(sev) && !a.When.Holds(old) {
					newly = append(newly, a)
				}
			}
			actionJobs(j, "sev/"+e.seq(), newly, sev, nil)
		}
		j.add(kindTopic, "topic/"+e.seq(), nil)
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventSeverityChanged, Actor: actor.User, At: now,
			Text: fmt.Sprintf("Severity %s → %s", old.Label(), sev.Label())}}, nil
	})
}

// AddNote adds a note to the timeline.
func (e *Engine) AddNote(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Write the note after the command, e.g. /incident note Rolled back deploy 1234.")
	}
	if err := textLength("note", text); err != nil {
		return nil, err
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: e.now(), Text: text}}, nil
	})
}

// Record adds an event observed by an adapter, at its own time (now when
// unset), and posts the announcement to the war room when there is one.
func (e *Engine) Record(ctx context.Context, actor incidentbot.Actor, key string, ev incidentbot.TimelineEvent, announce *incidentbot.Message) (*incidentbot.Incident, error) {
	if ev.Kind == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "An event needs a kind.")
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if ev.At.IsZero() {
			ev.At = e.now()
		}
		if ev.Actor == (incidentbot.User{}) {
			ev.Actor = actor.User
		}
		if announce != nil {
			j.add(kindPost, "record/"+e.seq(), postPayload{Message: *announce})
		}
		return []incidentbot.TimelineEvent{ev}, nil
	})
}

// SetStatus moves the incident along its lifecycle. Resolve runs the
// on_resolve actions; close posts the post-mortem draft, archives the war
// room when the playbook says so, and warns loudly about ads still paused.
func (e *Engine) SetStatus(ctx context.Context, actor incidentbot.Actor, key string, to incidentbot.Status, summary string) (*incidentbot.Incident, error) {
	verb := map[incidentbot.Status]string{
		incidentbot.StatusMitigated:     "mark as mitigated",
		incidentbot.StatusResolved:      "resolve",
		incidentbot.StatusClosed:        "close",
		incidentbot.StatusInvestigating: "reopen",
	}[to]
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	// The pauses are the ad jobs' to change, never under the incident's
	// lock: the close warns about those still paused as it starts.
	var pauses []incidentbot.CampaignPause
	if to == incidentbot.StatusClosed {
		if pauses, err = e.store.Pauses(ctx, inc.ID); err != nil {
			return nil, err
		}
	}
	return e.locked(ctx, actor, inc.ID, commander(verb), func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		// Rights came first: someone who may not close gets told so and
		// who can, not why closing would not work yet.
		if err := incidentbot.CheckTransition(inc.Status, to); err != nil {
			return incidentbot.Change{}, err
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return incidentbot.Change{}, err
		}
		now := e.now()
		from := inc.Status
		inc.Status = to
		text := fmt.Sprintf("%s → %s", from, to)
		events := []incidentbot.TimelineEvent{}
		switch to {
		case incidentbot.StatusMitigated:
			inc.MitigatedAt = &now
		case incidentbot.StatusResolved:
			inc.ResolvedAt = &now
			if s := strings.TrimSpace(summary); s != "" {
				inc.Summary = s
				text += ": " + s
			}
			actionJobs(j, "resolve/"+e.seq(), pb.OnResolve, inc.Severity, nil)
		case incidentbot.StatusClosed:
			inc.ClosedAt = &now
			if warn := adsStillPaused(inc, pauses); warn != "" {
				events = append(events, incidentbot.TimelineEvent{Kind: incidentbot.EventReminder, At: now, Text: warn})
				msg := incidentbot.Message{Title: "⚠ " + inc.Key + " closed with ads still paused", Text: warn, Severity: incidentbot.SEV1}
				j.add(kindPost, "post/ads-still-paused", postPayload{Message: msg})
				if ch := e.cfg.SummaryChannels[inc.Platform]; ch != "" {
					j.add(kindPost, "post/ads-still-paused/summary", postPayload{Channel: ch, Message: msg})
				}
				next := now.Add(adsReminderEvery)
				j.at(kindAdsReminder, fmt.Sprintf("ads_reminder/%d", next.Unix()), nil, next)
			}
			if e.tracker != nil && !inc.Drill {
				j.add(kindExport, kindExport, nil) // the draft follows, with the ticket links
			} else {
				j.add(kindPostmortem, kindPostmortem, nil)
			}
		case incidentbot.StatusInvestigating:
			// The fix did not hold: the clock of mitigation and resolution restarts.
			inc.MitigatedAt, inc.ResolvedAt = nil, nil
		}
		if from.Open() != to.Open() {
			e.schedule(inc, j, now.Add(pb.Cadence(inc.Severity)), pb.Cadence(inc.Severity) > 0 && !inc.RemindersOff)
		}
		j.add(kindTopic, "topic/"+e.seq(), nil)
		events = append([]incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusChanged, Actor: actor.User, At: now, Text: text}}, events...)
		return incidentbot.Change{Events: events}, nil
	})
}

const maxSnooze = 24 * time.Hour

// Remind switches status-update reminders on or off, or snoozes them for d.
func (e *Engine) Remind(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.RemindOp, d time.Duration) (*incidentbot.Incident, error) {
	if op == incidentbot.RemindSnooze && (d < time.Minute || d > maxSnooze) {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Snooze for 1m to 24h, e.g. /incident remind snooze 30m.")
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if !inc.Status.Open() {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "%s is %s: there are no reminders to change.", inc.Key, inc.Status)
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		now := e.now()
		cadence := pb.Cadence(inc.Severity)
		var text string
		switch op {
		case incidentbot.RemindOn:
			if cadence <= 0 {
				return nil, incidentbot.Errorf(incidentbot.EINVALID, "The %s playbook asks for no updates at %s. Raise the severity, or snooze instead to get one reminder.", pb.Name, inc.Severity.Label())
			}
			inc.RemindersOff = false
			e.schedule(inc, j, now.Add(cadence), true)
			text = fmt.Sprintf("Reminders on, every %s.", cadence)
		case incidentbot.RemindOff:
			inc.RemindersOff = true
			e.schedule(inc, j, now, false)
			text = "Reminders off."
		case incidentbot.RemindSnooze:
			inc.RemindersOff = false
			e.schedule(inc, j, now.Add(d), true)
			text = fmt.Sprintf("Reminders snoozed for %s.", d)
		default:
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown reminder switch %q. Use /incident remind on, off or snooze 30m.", op)
		}
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventReminder, Actor: actor.User, At: now, Text: text}}, nil
	})
}

// Postmortem queues the draft: a job renders it from the whole timeline
// and posts it as a file in the channel the command came from. Rendering
// tens of thousands of events never runs inside a command's answer.
func (e *Engine) Postmortem(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	job, err := incidentbot.NewJob(inc, kindShareDraft, "postmortem/share/"+e.seq(), postPayload{Channel: actor.ChannelID}, e.now())
	if err != nil {
		return nil, err
	}
	if err := e.enqueue(ctx, job); err != nil {
		return nil, err
	}
	return inc, nil
}
