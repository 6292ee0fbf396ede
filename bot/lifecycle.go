package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// textLength refuses an update or a note longer than one chat message
// holds; id says which.
func textLength(id, text string) error {
	if n := utf8.RuneCountInString(text); n > incidentbot.MaxUpdateText {
		return i18n.Errorf(incidentbot.EINVALID, id, map[string]any{"N": n, "Max": incidentbot.MaxUpdateText})
	}
	return nil
}

// errAlreadyAcknowledged stops a repeated ack under the lock; Acknowledge
// then says who acknowledged and when.
var errAlreadyAcknowledged = i18n.Errorf(incidentbot.ECONFLICT, "incident.ack.already", nil)

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
		text := i18n.T(e.lang(inc), "incident.ack.event", map[string]any{"Name": actor.User.Name})
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventAcknowledged, Actor: actor.User, At: now, Text: text}}, nil
	})
	if !errors.Is(err, errAlreadyAcknowledged) {
		return inc, err
	}
	inc = acked
	acks, err := e.store.EventsOfKind(ctx, inc.ID, incidentbot.EventAcknowledged)
	if err != nil {
		return nil, err
	}
	var by any = i18n.M("incident.someone", nil)
	if len(acks) > 0 {
		by = acks[0].Actor.Name
	}
	return nil, i18n.Errorf(incidentbot.ECONFLICT, "incident.ack.already_by", map[string]any{"Key": inc.Key, "By": by, "When": e.when(*inc.AcknowledgedAt)})
}

// when says at what time (in BOT_TIMEZONE) something happened and how long
// ago, for a reply said later in its reader's language.
func (e *Engine) when(t time.Time) *i18n.Message {
	data := map[string]any{"Time": t.In(e.location()).Format("15:04 MST")}
	ago := e.now().Sub(t)
	if ago < time.Minute {
		return i18n.M("incident.when.at", data)
	}
	data["Ago"] = durationText(ago)
	return i18n.M("incident.when.at_ago", data)
}

// durationText is a duration said in the language of the message that
// holds it: "1h 30m", "1 h 30 min".
type durationText time.Duration

func (d durationText) In(lang string) string { return i18n.Duration(lang, time.Duration(d)) }

// PostUpdate records a status update, resets the reminder, and tells the
// war room and the managers.
func (e *Engine) PostUpdate(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.update.empty", nil)
	}
	if err := textLength("incident.too_long.update", text); err != nil {
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
			Title:    i18n.T(e.lang(inc), "incident.update.title", map[string]any{"Name": actor.User.Name}),
			Text:     drillLabel(e.lang(inc), inc, text),
			Severity: inc.Severity,
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
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.sev.unknown", nil)
	}
	return e.update(ctx, actor, key, commander("sev"), func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if inc.Severity == sev {
			return nil, i18n.Errorf(incidentbot.EINVALID, "incident.sev.same", map[string]any{"Key": inc.Key, "Sev": sev.Label()})
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
			Text: i18n.T(e.lang(inc), "incident.sev.event", map[string]any{"From": old.Label(), "To": sev.Label()})}}, nil
	})
}

// AddNote adds a note to the timeline.
func (e *Engine) AddNote(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.note.empty", nil)
	}
	if err := textLength("incident.too_long.note", text); err != nil {
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
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.record.no_kind", nil)
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
	verb := "" // no status: CheckTransition says so to anyone
	switch to {
	case incidentbot.StatusMitigated, incidentbot.StatusResolved, incidentbot.StatusClosed, incidentbot.StatusInvestigating:
		verb = string(to) // incident.verb.<status>
	}
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
		lang := e.lang(inc)
		words := map[string]any{"From": i18n.T(lang, "status."+string(from), nil), "To": i18n.T(lang, "status."+string(to), nil)}
		text := i18n.T(lang, "incident.status.event", words)
		events := []incidentbot.TimelineEvent{}
		switch to {
		case incidentbot.StatusMitigated:
			inc.MitigatedAt = &now
		case incidentbot.StatusResolved:
			inc.ResolvedAt = &now
			if s := strings.TrimSpace(summary); s != "" {
				inc.Summary, words["Summary"] = s, s
				text = i18n.T(lang, "incident.status.event_summary", words)
			}
			actionJobs(j, "resolve/"+e.seq(), pb.OnResolve, inc.Severity, nil)
		case incidentbot.StatusClosed:
			inc.ClosedAt = &now
			if warn := adsStillPaused(lang, inc, pauses); warn != "" {
				events = append(events, incidentbot.TimelineEvent{Kind: incidentbot.EventReminder, At: now, Text: warn})
				title := i18n.T(lang, "incident.ads_still_paused.title", map[string]any{"Key": inc.Key})
				msg := incidentbot.Message{Title: title, Text: warn, Severity: incidentbot.SEV1}
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
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.remind.snooze_range", nil)
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if !inc.Status.Open() {
			return nil, i18n.Errorf(incidentbot.EINVALID, "incident.remind.closed", map[string]any{"Key": inc.Key, "Status": i18n.M("status."+string(inc.Status), nil)})
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		now := e.now()
		cadence := pb.Cadence(inc.Severity)
		var id string
		var data map[string]any
		switch op {
		case incidentbot.RemindOn:
			if cadence <= 0 {
				return nil, i18n.Errorf(incidentbot.EINVALID, "incident.remind.no_cadence", map[string]any{"Playbook": pb.Name, "Sev": inc.Severity.Label()})
			}
			inc.RemindersOff = false
			e.schedule(inc, j, now.Add(cadence), true)
			id, data = "incident.remind.on", map[string]any{"Every": i18n.Duration(e.lang(inc), cadence)}
		case incidentbot.RemindOff:
			inc.RemindersOff = true
			e.schedule(inc, j, now, false)
			id = "incident.remind.off"
		case incidentbot.RemindSnooze:
			inc.RemindersOff = false
			e.schedule(inc, j, now.Add(d), true)
			id, data = "incident.remind.snoozed", map[string]any{"For": i18n.Duration(e.lang(inc), d)}
		default:
			return nil, i18n.Errorf(incidentbot.EINVALID, "incident.remind.unknown", map[string]any{"Switch": string(op)})
		}
		text := i18n.T(e.lang(inc), id, data)
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
