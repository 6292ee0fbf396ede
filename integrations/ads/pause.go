package ads

import (
	"context"
	"errors"
	"fmt"
	"time"

	"incidentbot"
)

// Pause pauses the serving campaigns that sel covers and records each with
// its prior status for inc. Campaigns another open incident already paused
// are recorded as held by inc too (Shared), with no API call.
//
// It is idempotent: what inc already holds is left as it is, failed pauses
// are retried while the campaign still serves, and records left pausing by
// a crash are reconciled against the platform. For a drill nothing changes
// on the platforms and nothing is stored: the Report says what would happen.
//
// The Report is returned even with an error. The error says a platform
// could not be listed or failed a whole SetStatus call (those campaigns are
// in Report.Failed), or that the store failed; calling Pause again is safe.
func (o *Orchestrator) Pause(ctx context.Context, inc *incidentbot.Incident, sel Selection) (Report, error) {
	rep := Report{DryRun: inc.Drill, kind: kindPause}
	pl, err := o.plan(ctx, inc, sel, &rep)
	if err != nil {
		return rep, err
	}
	now, errs, settled, changes := pl.now, pl.errs, pl.settled, pl.changes

	if err := o.saveIntents(ctx, inc, "pause", settled, changes); err != nil {
		return rep, err
	}
	for _, r := range settled {
		rep.add(r)
	}

	apply(ctx, changes, incidentbot.CampaignPaused, inc.Drill)
	var final []incidentbot.CampaignPause
	for _, ch := range changes {
		if ch.err != nil {
			errs = append(errs, fmt.Errorf("pause %s campaigns: %w", ch.platform.Name(), ch.err))
		}
		for _, r := range ch.records {
			r = pauseOutcome(r, ch, now)
			if r.State == incidentbot.PauseFailed {
				o.logger.InfoContext(ctx, "campaign not paused", "incident", inc.Key, "campaign", r.Campaign.Key().String(), "reason", r.Error)
			}
			final = append(final, r)
			rep.add(r)
		}
	}
	if !inc.Drill && len(final) > 0 {
		if err := o.store.SavePauses(ctx, final...); err != nil {
			// The records stay pausing and are reconciled by the next Pause or Resume.
			return rep, fmt.Errorf("record ad pause results for %s: %w", inc.Key, err)
		}
	}
	o.logger.InfoContext(ctx, "ads pause done", "incident", inc.Key, "drill", inc.Drill,
		"paused", len(rep.Paused), "shared", len(rep.Shared), "failed", len(rep.Failed))
	return rep, errors.Join(errs...)
}

// pausePlan is what a pause run would do, before anything is written.
type pausePlan struct {
	now     time.Time
	errs    []error                     // platforms that could not be listed
	settled []incidentbot.CampaignPause // final without an API call
	changes []*change                   // intents (State pausing), per platform
}

// plan lists the platforms sel names and decides, per campaign, what a
// pause for inc does; rep gets the skipped platforms and listing errors.
func (o *Orchestrator) plan(ctx context.Context, inc *incidentbot.Incident, sel Selection, rep *Report) (pausePlan, error) {
	pl := pausePlan{now: o.clock.Now()}
	if err := sel.validate(); err != nil {
		return pl, err
	}
	platforms, skipped := o.pick(sel.Platforms)
	rep.Skipped = skipped
	if len(platforms) == 0 {
		return pl, nil
	}
	ownList, err := o.store.Pauses(ctx, inc.ID)
	if err != nil {
		return pl, fmt.Errorf("pause ads for %s: %w", inc.Key, err)
	}
	own := make(map[incidentbot.CampaignKey]incidentbot.CampaignPause, len(ownList))
	for _, p := range ownList {
		own[p.Campaign.Key()] = p
	}
	held, err := o.heldBy(ctx, inc)
	if err != nil {
		return pl, fmt.Errorf("pause ads for %s: %w", inc.Key, err)
	}
	for _, l := range list(ctx, platforms) {
		if l.err != nil {
			pl.errs = append(pl.errs, fmt.Errorf("list %s campaigns: %w", l.platform.Name(), l.err))
			rep.Errors = append(rep.Errors, l.platform.Name()+": "+incidentbot.ErrorMessage(l.err))
			continue
		}
		ch := &change{platform: l.platform}
		for _, k := range l.order {
			r, ok := planPause(inc, l.campaigns[k], own, held, sel, pl.now)
			if !ok {
				continue
			}
			if r.State == incidentbot.PausePausing {
				ch.records = append(ch.records, r)
			} else {
				pl.settled = append(pl.settled, r)
			}
		}
		// A record left pausing whose campaign is gone cannot be reconciled.
		for _, r := range ownList {
			k := r.Campaign.Key()
			if k.Platform == l.platform.Name() && r.State == incidentbot.PausePausing {
				if _, ok := l.campaigns[k]; !ok {
					pl.settled = append(pl.settled, settle(r, incidentbot.PauseFailed,
						fmt.Sprintf("no longer found on %s: not paused", k.Platform), pl.now))
				}
			}
		}
		if len(ch.records) > 0 {
			pl.changes = append(pl.changes, ch)
		}
	}
	return pl, nil
}

// Preview says what Pause would do for inc and sel without doing it: it
// lists the campaigns, writes nothing and changes nothing. Report.Paused
// holds the serving campaigns Pause would pause, Report.Shared those
// another open incident already paused; DryRun is set. The error is for a
// platform that could not be listed (its reason is in Report.Errors).
func (o *Orchestrator) Preview(ctx context.Context, inc *incidentbot.Incident, sel Selection) (Report, error) {
	rep := Report{DryRun: true, kind: kindPause}
	pl, err := o.plan(ctx, inc, sel, &rep)
	if err != nil {
		return rep, err
	}
	for _, r := range pl.settled {
		rep.add(r)
	}
	for _, ch := range pl.changes {
		for _, r := range ch.records {
			rep.add(settle(r, incidentbot.PausePaused, "", pl.now))
		}
	}
	return rep, errors.Join(pl.errs...)
}

// planPause decides what this run does to campaign c for inc: a record to
// write, either final (shared, reconciled) or an intent (State pausing) to
// carry out; ok is false when c is left alone.
func planPause(inc *incidentbot.Incident, c incidentbot.Campaign, own map[incidentbot.CampaignKey]incidentbot.CampaignPause,
	held map[incidentbot.CampaignKey][]incidentbot.HeldPause, sel Selection, now time.Time) (r incidentbot.CampaignPause, ok bool) {
	r, mine := own[c.Key()]
	switch {
	case mine && r.State == incidentbot.PausePaused:
		return r, false
	case mine && r.State == incidentbot.PausePausing:
		// An intent left by a crash: the campaign tells whether the call went through.
		switch c.Status {
		case incidentbot.CampaignPaused:
			return settle(r, incidentbot.PausePaused, "", now), true
		case incidentbot.CampaignActive:
			r.Campaign, r.Error, r.UpdatedAt = c, "", now
			return r, true
		}
		return settle(r, incidentbot.PauseFailed, fmt.Sprintf("now %s: not paused", c.RawStatus), now), true
	case mine && r.State == incidentbot.PauseResuming && c.Status == incidentbot.CampaignPaused:
		// A resume that never reached the platform: inc still holds the campaign.
		return settle(r, incidentbot.PausePaused, "", now), true
	}
	if !sel.matches(c) {
		return r, false
	}
	switch {
	case c.Status == incidentbot.CampaignActive:
		return incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: c.Status, PriorRaw: c.RawStatus,
			State: incidentbot.PausePausing, UpdatedAt: now}, true
	case c.Status == incidentbot.CampaignPaused && len(held[c.Key()]) > 0:
		h := held[c.Key()][0]
		return incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: h.PriorStatus, PriorRaw: h.PriorRaw,
			State: incidentbot.PausePaused, Shared: true, PausedAt: &now, UpdatedAt: now}, true
	}
	// Paused before the incident, or by hand: never ours to touch.
	return r, false
}

// pauseOutcome turns an intent into what the platform answered.
func pauseOutcome(r incidentbot.CampaignPause, ch *change, now time.Time) incidentbot.CampaignPause {
	err, ok := ch.results[r.Campaign.Key()]
	switch {
	case ok && err == nil:
		return settle(r, incidentbot.PausePaused, "", now)
	case ok:
		return settle(r, incidentbot.PauseFailed, incidentbot.ErrorMessage(err), now)
	case ch.err != nil && !ch.answered:
		return settle(r, incidentbot.PauseFailed, incidentbot.ErrorMessage(ch.err), now)
	}
	// Part of the call may have gone through: stay pausing, so the next run
	// reads the campaign back instead of guessing.
	r.Error, r.UpdatedAt = unanswered(ch), now
	return r
}

// unanswered says why a campaign got no result of its own.
func unanswered(ch *change) string {
	if ch.err != nil {
		return incidentbot.ErrorMessage(ch.err)
	}
	return fmt.Sprintf("%s gave no answer for this campaign: run the command again to check it", ch.platform.Name())
}

// settle moves r to state with a reason (empty on success).
func settle(r incidentbot.CampaignPause, state incidentbot.PauseState, reason string, now time.Time) incidentbot.CampaignPause {
	r.State, r.Error, r.UpdatedAt = state, reason, now
	switch state {
	case incidentbot.PausePaused:
		if r.PausedAt == nil {
			r.PausedAt = &now
		}
	case incidentbot.PauseResumed:
		r.ResumedAt = &now
	}
	return r
}
