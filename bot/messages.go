package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/postmortem"
	"incidentbot/views"
)

// postPayload is a message to post; an empty Channel means the war room.
type postPayload struct {
	Channel string
	Message incidentbot.Message
}

// post posts a message, waiting for the war room when it goes there. A
// failure notice for an incident whose war room could not be made goes
// where the incident was declared, for people to see and retry.
func (e *Engine) post(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p postPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	channel := p.Channel
	if channel == "" {
		if inc.WarRoom == "" {
			err := e.warRoomNotReady(ctx, inc)
			if !errors.Is(err, errNoWarRoom) || job.Kind != kindNotice || inc.OriginChannel == "" {
				return nil, err
			}
			channel = inc.OriginChannel
		} else {
			channel = inc.WarRoom
		}
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	if _, err := e.postMarked(ctx, chat, job, channel, p.Message); err != nil {
		return nil, fmt.Errorf("post: %w", err)
	}
	return nil, nil
}

// postSource names, in the delivery store, posts claimed before the call.
const postSource = "post"

// summaryWaits is how many runs a summary job waits for the post another
// job claimed before it posts one itself. A run after the first may be
// the claimer's own re-run (its process died before the post went out),
// so it waits no longer.
const summaryWaits = 2

// errSummaryInFlight retries a summary job while another posts the first
// summary of its incident.
var errSummaryInFlight = incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Another job is posting this incident's summary; this one updates it next.")

// summary posts the manager summary to the platform's summary channel, or
// updates the one posted before in place.
func (e *Engine) summary(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	channel := e.cfg.SummaryChannels[inc.Platform]
	if channel == "" {
		return nil, nil
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	st, err := e.status(ctx, inc)
	if err != nil {
		return nil, err
	}
	msg := views.Summary(st, e.now())
	// One summary per incident, whichever job posts it: the marker names
	// the incident, and the first post is claimed in the store before the
	// call (across replicas), so a job that finds it claimed by another
	// looks for that post and updates it rather than posting its own.
	mark := marker(inc.Key + "/" + purposeSummary)
	ref, err := e.store.Message(ctx, inc.ID, purposeSummary)
	switch incidentbot.ErrorCode(err) {
	case "":
		err = chat.Update(ctx, ref, msg)
		if err == nil {
			return nil, nil
		}
		if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			return nil, fmt.Errorf("update summary: %w", err)
		}
		// Deleted by someone: post a fresh one below.
	case incidentbot.ENOTFOUND:
		first, err := e.store.ClaimDelivery(ctx, postSource, mark, e.now())
		if err != nil {
			return nil, fmt.Errorf("claim the summary post: %w", err)
		}
		if !first {
			ref, err := chat.FindPost(ctx, channel, mark)
			switch {
			case err == nil:
				if err := chat.Update(ctx, ref, msg); err != nil {
					return nil, fmt.Errorf("update summary: %w", err)
				}
				return func(*incidentbot.Incident) (incidentbot.Change, error) {
					return incidentbot.Change{Messages: []incidentbot.SavedMessage{{Purpose: purposeSummary, Ref: ref}}}, nil
				}, nil
			case incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND:
				return nil, err
			case job.Attempts < summaryWaits:
				return nil, errSummaryInFlight
			}
			// The job that claimed it never posted (it failed for good).
		}
	default:
		return nil, err
	}
	ref, _, err = e.postOrFind(ctx, chat, channel, msg, mark, job.Attempts > 1)
	if err != nil {
		return nil, fmt.Errorf("post summary: %w", err)
	}
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Messages: []incidentbot.SavedMessage{{Purpose: purposeSummary, Ref: ref}}}, nil
	}, nil
}

// postmortem renders the draft and posts it in the war room, once; the
// archive follows when the playbook says so.
func (e *Engine) postmortem(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	j := e.jobsFor(inc)
	if pb.ArchiveOnClose {
		j.add(kindArchive, kindArchive, nil)
	}
	if err := e.reviewReminder(ctx, j, inc, pb); err != nil {
		return nil, err
	}
	if j.err != nil {
		return nil, j.err
	}
	return e.postOnce(ctx, job, inc, purposePostmortem, j.out, func() (incidentbot.Message, error) {
		md, err := e.render(ctx, inc)
		if err != nil {
			return incidentbot.Message{}, err
		}
		return postmortemMessage(inc, md), nil
	})
}

// shareDraft renders the draft and posts it whole, as a file, in the
// channel where /incident postmortem was typed (the war room when none).
func (e *Engine) shareDraft(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p postPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	channel := p.Channel
	if channel == "" {
		if inc.WarRoom == "" {
			return nil, e.warRoomNotReady(ctx, inc)
		}
		channel = inc.WarRoom
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	md, err := e.render(ctx, inc)
	if err != nil {
		return nil, err
	}
	if _, err := e.postMarked(ctx, chat, job, channel, postmortemMessage(inc, md)); err != nil {
		return nil, fmt.Errorf("share post-mortem: %w", err)
	}
	return nil, nil
}

// postmortemMessage is the draft delivered whole as a Markdown file, with a
// short summary beside it: chat messages cut long text.
func postmortemMessage(inc *incidentbot.Incident, md string) incidentbot.Message {
	name := incidentbot.PostmortemFileName(inc.Key)
	return incidentbot.Message{
		Title: drillLabel(inc, "Post-mortem draft for "+inc.Key),
		Text: fmt.Sprintf("The whole draft is in %s (%d lines): impact, timeline, roles, actions, ads, open checklist items, "+
			"root-cause questions and action items. Edit it, then share it with the team.", name, strings.Count(md, "\n")+1),
		Footer: "Run /incident postmortem " + inc.Key + " to get it again with the latest timeline.",
		File:   &incidentbot.File{Name: name, Content: md},
	}
}

// render builds the post-mortem draft from the stored incident.
func (e *Engine) render(ctx context.Context, inc *incidentbot.Incident) (string, error) {
	st, err := e.status(ctx, inc)
	if err != nil {
		return "", err
	}
	timeline, err := e.store.Timeline(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	followUps, err := e.store.FollowUps(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	md, err := postmortem.Render(postmortem.Data{
		FollowUps:        followUps,
		Incident:         inc,
		Playbook:         st.Playbook,
		Roles:            st.Roles,
		Timeline:         timeline,
		Checklist:        st.Checklist,
		Pauses:           st.Pauses,
		RevenuePerMinute: e.cfg.RevenuePerMinute,
		Currency:         e.cfg.Currency,
		Profile:          e.cfg.RevenueProfile,
		Location:         e.cfg.Location,
		Now:              e.now(),
		Language:         e.cfg.Language,
	})
	if err != nil {
		return "", fmt.Errorf("render post-mortem: %w", err)
	}
	return md, nil
}

func (e *Engine) archive(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	if inc.WarRoom == "" {
		return nil, nil
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	if err := chat.Archive(ctx, inc.WarRoom); err != nil {
		return nil, fmt.Errorf("archive war room: %w", err)
	}
	return nil, nil
}

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
	text := fmt.Sprintf("No update for %s: post one with /incident update <text>.", now.Sub(since).Round(time.Minute))
	who := holders(roles, incidentbot.RoleComms)
	if len(who) == 0 {
		who = holders(roles, incidentbot.RoleCommander)
	}
	for _, u := range who {
		text = u.Mention() + " " + text
	}
	if _, err := e.postMarked(ctx, chat, job, inc.WarRoom, incidentbot.Message{Text: drillLabel(inc, text), Severity: inc.Severity}); err != nil {
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

// adsStillPaused returns the warning for an incident that ends while it
// still holds paused campaigns, or "" when it holds none.
func adsStillPaused(inc *incidentbot.Incident, pauses []incidentbot.CampaignPause) string {
	n := 0
	for _, p := range pauses {
		if p.State == incidentbot.PausePaused {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("Ads are still paused for %d campaigns: run /incident ads resume %s", n, inc.Key)
}

// adsReminder repeats the still-paused warning daily, in the summary
// channel (the war room may be archived) or else where the incident was
// declared, until the campaigns are resumed.
func (e *Engine) adsReminder(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	pauses, err := e.store.Pauses(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	text := adsStillPaused(inc, pauses)
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
