package bot

import (
	"context"
	"fmt"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// reminderPayload is the time a reminder was scheduled for.
type reminderPayload struct {
	At time.Time
}

// reminderJob schedules the status-update reminder due at t; its key makes
// scheduling the same time twice harmless, and names the time to the
// microsecond (the stored precision) so two schedules in one second each
// get their job.
func reminderJob(j *jobs, t time.Time) {
	j.at(kindReminder, fmt.Sprintf("reminder/%d", t.UnixMicro()), reminderPayload{At: t}, t)
}

// reminder nudges the war room when no update was posted for a cadence.
// A reminder whose time has moved (an update, a snooze, a severity change)
// does nothing but make sure the new time has its own job.
func (e *Engine) reminder(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p reminderPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	if !inc.Status.Open() || inc.RemindersOff || inc.NextReminderAt == nil {
		return nil, nil
	}
	if !inc.NextReminderAt.Equal(p.At) {
		if inc.NextReminderAt.Before(p.At) {
			return nil, nil
		}
		j := e.jobsFor(inc)
		reminderJob(j, *inc.NextReminderAt)
		return func(*incidentbot.Incident) (incidentbot.Change, error) { return incidentbot.Change{Jobs: j.out}, j.err }, nil
	}
	if inc.WarRoom == "" {
		return nil, e.warRoomNotReady(ctx, inc)
	}
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	now := e.now()
	since := inc.DeclaredAt
	if inc.LastUpdateAt != nil {
		since = *inc.LastUpdateAt
	}
	text := i18n.T(e.lang(inc), "incident.remind.nudge", map[string]any{"For": i18n.Duration(e.lang(inc), now.Sub(since).Round(time.Minute))})
	who := holders(roles, incidentbot.RoleComms)
	if len(who) == 0 {
		who = holders(roles, incidentbot.RoleCommander)
	}
	for _, u := range who {
		text = u.Mention() + " " + text
	}
	if _, err := e.postMarked(ctx, chat, job, inc.WarRoom, incidentbot.Message{Text: drillLabel(e.lang(inc), inc, text), Severity: inc.Severity}); err != nil {
		return nil, fmt.Errorf("post reminder: %w", err)
	}
	cadence := pb.Cadence(inc.Severity)
	return func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		ch := incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventReminder, At: now, Text: text}}}
		// Someone may have posted an update meanwhile: keep their schedule.
		if inc.NextReminderAt == nil || !inc.NextReminderAt.Equal(p.At) {
			return ch, nil
		}
		if cadence <= 0 {
			inc.NextReminderAt = nil
			return ch, nil
		}
		next := p.At.Add(cadence)
		for !next.After(now) {
			next = next.Add(cadence)
		}
		inc.NextReminderAt = &next
		j := e.jobsFor(inc)
		reminderJob(j, next)
		ch.Jobs = j.out
		return ch, j.err
	}, nil
}

const adsReminderEvery = 24 * time.Hour

// adsStillPaused returns the warning, in lang, for an incident that ends
// while it still holds paused campaigns, or "" when it holds none.
func adsStillPaused(lang string, inc *incidentbot.Incident, pauses []incidentbot.CampaignPause) string {
	n := 0
	for _, p := range pauses {
		if p.State == incidentbot.PausePaused {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return i18n.N(lang, "incident.ads_still_paused.text", n, map[string]any{"Key": inc.Key})
}

// adsReminder repeats the still-paused warning daily, in the summary
// channel (the war room may be archived) or else where the incident was
// declared, until the campaigns are resumed.
func (e *Engine) adsReminder(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	pauses, err := e.store.Pauses(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	text := adsStillPaused(e.lang(inc), inc, pauses)
	if text == "" {
		return nil, nil
	}
	channel := e.cfg.SummaryChannels[inc.Platform]
	if channel == "" {
		channel = inc.OriginChannel
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	if _, err := e.postMarked(ctx, chat, job, channel, incidentbot.Message{Title: inc.Key + " " + inc.Title, Text: text, Severity: inc.Severity}); err != nil {
		return nil, fmt.Errorf("post ads reminder: %w", err)
	}
	now := e.now()
	j := e.jobsFor(inc).at(kindAdsReminder, fmt.Sprintf("ads_reminder/%d", now.Add(adsReminderEvery).Unix()), nil, now.Add(adsReminderEvery))
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventReminder, At: now, Text: text}},
			Jobs:   j.out,
		}, j.err
	}, nil
}
