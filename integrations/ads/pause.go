package ads

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
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
// What to do with each campaign is decided again, and the intents saved,
// with the campaigns' accounts locked against every other pause and resume
// (store.DecidePauses), so a resume on another replica cannot let go of a
// campaign this pause counts on holding. A campaign another incident is
// resuming at that moment is not touched; the error says to run again.
//
// The Report is returned even with an error. The error says a platform
// could not be listed or failed a whole SetStatus call (those campaigns are
// in Report.Failed), or that the store failed; calling Pause again is safe.
func (o *Orchestrator) Pause(ctx context.Context, inc *incidentbot.Incident, sel Selection) (Report, error) {
	rep := Report{DryRun: inc.Drill, kind: kindPause}
	sv, err := o.survey(ctx, inc, sel, &rep)
	if err != nil {
		return rep, err
	}
	var pl pausePlan
	if inc.Drill {
		pl = sv.plan(inc, sv.holds, sel)
	} else {
		err := o.store.DecidePauses(ctx, keysOf(sv.listings), func(held []incidentbot.HeldPause) ([]incidentbot.CampaignPause, error) {
			pl = sv.plan(inc, holdsOf(inc, held).since(sv.holds), sel)
			return pl.intents(), nil
		})
		if err != nil {
			return rep, fmt.Errorf("record ad pause intent for %s: %w", inc.Key, err)
		}
	}
	now, errs, changes := sv.now, slices.Concat(sv.errs, pl.errs), pl.changes
	rep.Errors = append(rep.Errors, pl.busy...)
	for _, r := range pl.settled {
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
				o.logger.InfoContext(ctx, "campaign not paused", "incident", inc.Key, "campaign", r.Campaign.Key().String(), "reason", english(r.Error))
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

// pauseSurvey is what a pause run reads before deciding: inc's own
// records, the other incidents' holds and the platforms' campaigns.
type pauseSurvey struct {
	now      time.Time
	own      map[incidentbot.CampaignKey]incidentbot.CampaignPause
	ownList  []incidentbot.CampaignPause
	holds    holds
	listings []listing // the platforms that could be listed
	errs     []error   // the platforms that could not
}

// pausePlan is what a pause run does, before anything is written.
type pausePlan struct {
	settled []incidentbot.CampaignPause // final without an API call
	changes []*change                   // intents (State pausing), per platform
	busy    []string                    // per platform, campaigns left for the next run, safe to show
	errs    []error                     // the same, for the caller to retry
}

// intents are the records to write before any API call: what this run
// settled and the intents it is about to carry out, so a crash between the
// call and the write is reconciled by the next run.
func (pl pausePlan) intents() []incidentbot.CampaignPause {
	out := slices.Clone(pl.settled)
	for _, ch := range pl.changes {
		out = append(out, ch.records...)
	}
	return out
}

// survey reads inc's records and the other incidents' holds, then lists
// the platforms sel names; rep gets the skipped platforms and listing
// errors. Holds are read before listing, so a campaign listed paused by a
// holder that let go in between is seen as held, never as paused by hand.
func (o *Orchestrator) survey(ctx context.Context, inc *incidentbot.Incident, sel Selection, rep *Report) (pauseSurvey, error) {
	sv := pauseSurvey{now: o.clock.Now()}
	if err := sel.validate(); err != nil {
		return sv, err
	}
	platforms, skipped := o.pick(sel.Platforms)
	rep.Skipped = skipped
	if len(platforms) == 0 {
		return sv, nil
	}
	var err error
	if sv.ownList, err = o.store.Pauses(ctx, inc.ID); err != nil {
		return sv, fmt.Errorf("pause ads for %s: %w", inc.Key, err)
	}
	sv.own = make(map[incidentbot.CampaignKey]incidentbot.CampaignPause, len(sv.ownList))
	for _, p := range sv.ownList {
		sv.own[p.Campaign.Key()] = p
	}
	held, err := o.store.PausesInState(ctx, heldStates...)
	if err != nil {
		return sv, fmt.Errorf("pause ads for %s: %w", inc.Key, err)
	}
	sv.holds = holdsOf(inc, held)
	for _, l := range list(ctx, platforms) {
		if l.err != nil {
			sv.errs = append(sv.errs, fmt.Errorf("list %s campaigns: %w", l.platform.Name(), l.err))
			rep.Errors = append(rep.Errors, platformError(l.platform.Name(), l.err))
			continue
		}
		sv.listings = append(sv.listings, l)
	}
	return sv, nil
}

// plan decides, per listed campaign, what a pause for inc does given the
// other incidents' holds h.
func (sv pauseSurvey) plan(inc *incidentbot.Incident, h holds, sel Selection) pausePlan {
	var pl pausePlan
	for _, l := range sv.listings {
		ch := &change{platform: l.platform}
		var busy []string
		reached := sv.reached(l)
		for _, k := range l.order {
			c := l.campaigns[k]
			r, v := planPause(inc, c, sv.own, h, sel, reached[k], sv.now)
			switch v {
			case pauseIntent:
				ch.records = append(ch.records, r)
			case pauseSettled:
				pl.settled = append(pl.settled, r)
			case pauseLater:
				busy = append(busy, r.Error)
			}
		}
		// A record left pausing whose campaign is gone cannot be reconciled.
		for _, r := range sv.ownList {
			k := r.Campaign.Key()
			if k.Platform == l.platform.Name() && r.State == incidentbot.PausePausing {
				if _, ok := l.campaigns[k]; !ok {
					pl.settled = append(pl.settled, settle(r, incidentbot.PauseFailed,
						reason("gone_not_paused", map[string]any{"Platform": k.Platform}), sv.now))
				}
			}
		}
		if len(ch.records) > 0 {
			pl.changes = append(pl.changes, ch)
		}
		for _, m := range laterMessages(l.platform.Name(), busy) {
			pl.busy = append(pl.busy, m.Store())
			pl.errs = append(pl.errs, i18n.Errorf(incidentbot.EUNAVAILABLE, m.ID, m.Data))
		}
	}
	return pl
}

// reached returns, among the intents an earlier run left pausing on l (a
// crash, or no answer), those its call certainly got past: a later intent
// of the same account, in listing order, shows paused. Clients change an
// account's campaigns in the order given, batch after batch, so such a
// campaign serving now was enabled by hand since. An intent with no paused
// one after it may never have been sent, and is carried out again: a crash
// between batches must not lose a pause.
func (sv pauseSurvey) reached(l listing) map[incidentbot.CampaignKey]bool {
	out := map[incidentbot.CampaignKey]bool{}
	pausedAfter := map[string]bool{} // by account
	for _, k := range slices.Backward(l.order) {
		if r, ok := sv.own[k]; ok && r.State == incidentbot.PausePausing {
			out[k] = pausedAfter[k.Account]
			if l.campaigns[k].Status == incidentbot.CampaignPaused {
				pausedAfter[k.Account] = true
			}
		}
	}
	return out
}

// enabledByHand is the reason of a pause left alone because someone
// enabled the campaign while the pause was under way: a later run leaves
// it alone too, as resume leaves alone what people changed. Records kept
// before reasons were catalog text start with its English.
const (
	enabledByHand        = "enabled_by_hand"
	enabledByHandEnglish = "enabled by hand while the pause was under way"
)

// leftByHand reports a record's reason is enabledByHand.
func leftByHand(r incidentbot.CampaignPause) bool {
	if m, ok := i18n.Restore(r.Error); ok {
		return m.ID == "ads.reason."+enabledByHand
	}
	return strings.HasPrefix(r.Error, enabledByHandEnglish)
}

// Preview says what Pause would do for inc and sel without doing it: it
// lists the campaigns, writes nothing and changes nothing. Report.Paused
// holds the serving campaigns Pause would pause, Report.Shared those
// another open incident already paused; DryRun is set. The error is for a
// platform that could not be listed (its reason is in Report.Errors).
func (o *Orchestrator) Preview(ctx context.Context, inc *incidentbot.Incident, sel Selection) (Report, error) {
	rep := Report{DryRun: true, kind: kindPause}
	sv, err := o.survey(ctx, inc, sel, &rep)
	if err != nil {
		return rep, err
	}
	pl := sv.plan(inc, sv.holds, sel)
	for _, r := range pl.settled {
		rep.add(r)
	}
	for _, ch := range pl.changes {
		for _, r := range ch.records {
			rep.add(settle(r, incidentbot.PausePaused, "", sv.now))
		}
	}
	rep.Errors = append(rep.Errors, pl.busy...)
	return rep, errors.Join(slices.Concat(sv.errs, pl.errs)...)
}

// pauseVerdict is what a pause run does to one campaign.
type pauseVerdict int

const (
	pauseLeave   pauseVerdict = iota // nothing to do or write
	pauseSettled                     // write the record, final without an API call
	pauseIntent                      // write the intent (State pausing), then call the API
	pauseLater                       // another incident is changing it now: the next run decides (Error says why)
)

// planPause decides what this run does to campaign c for inc, given the
// other incidents' holds h; reached says an earlier run's call got past c
// (see pauseSurvey.reached).
func planPause(inc *incidentbot.Incident, c incidentbot.Campaign, own map[incidentbot.CampaignKey]incidentbot.CampaignPause,
	h holds, sel Selection, reached bool, now time.Time) (incidentbot.CampaignPause, pauseVerdict) {
	k := c.Key()
	r, mine := own[k]
	switch {
	case mine && r.State == incidentbot.PausePaused:
		return r, pauseLeave
	case mine && r.State == incidentbot.PauseFailed && leftByHand(r):
		return r, pauseLeave
	case mine && r.State == incidentbot.PausePausing:
		// An intent left by a crash: the campaign tells whether the call went through.
		switch {
		case c.Status == incidentbot.CampaignPaused:
			return settle(r, incidentbot.PausePaused, "", now), pauseSettled
		case c.Status == incidentbot.CampaignActive && reached:
			r.Campaign = c
			return settle(r, incidentbot.PauseFailed, reason(enabledByHand, map[string]any{"Status": c.RawStatus, "Platform": c.Platform}), now), pauseSettled
		case c.Status == incidentbot.CampaignActive:
			r.Campaign, r.Error, r.UpdatedAt = c, "", now
			return r, pauseIntent
		}
		return settle(r, incidentbot.PauseFailed, reason("now_not_paused", map[string]any{"Status": c.RawStatus}), now), pauseSettled
	case mine && r.State == incidentbot.PauseResuming && c.Status == incidentbot.CampaignPaused:
		// A resume that never reached the platform: inc still holds the campaign.
		return settle(r, incidentbot.PausePaused, "", now), pauseSettled
	}
	if !sel.matches(c) {
		return r, pauseLeave
	}
	switch {
	case c.Status == incidentbot.CampaignActive:
		return incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: c.Status, PriorRaw: c.RawStatus,
			State: incidentbot.PausePausing, UpdatedAt: now}, pauseIntent
	case c.Status != incidentbot.CampaignPaused:
		return r, pauseLeave
	case len(h.by[k]) > 0:
		l := h.by[k][0]
		return incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: l.PriorStatus, PriorRaw: l.PriorRaw,
			State: incidentbot.PausePaused, Shared: true, PausedAt: &now, UpdatedAt: now}, pauseSettled
	case h.resuming[k] != "":
		// Listed paused, but on its way back: joining would hold a campaign
		// that serves, pausing would race the resume. The next run sees it serving.
		return incidentbot.CampaignPause{Campaign: c, Error: reason("being_resumed", map[string]any{"Key": h.resuming[k]})}, pauseLater
	case h.before[k]:
		// Held when listed, let go since: the listing is out of date.
		return incidentbot.CampaignPause{Campaign: c, Error: reason("just_released", nil)}, pauseLater
	}
	// Paused before the incident, or by hand: never ours to touch.
	return r, pauseLeave
}

// pauseOutcome turns an intent into what the platform answered.
func pauseOutcome(r incidentbot.CampaignPause, ch *change, now time.Time) incidentbot.CampaignPause {
	err, ok := ch.results[r.Campaign.Key()]
	switch {
	case ok && err == nil:
		return settle(r, incidentbot.PausePaused, "", now)
	case ok:
		return settle(r, incidentbot.PauseFailed, errorReason(err), now)
	case ch.err != nil && !ch.answered && !incidentbot.MayHaveTakenEffect(ch.err):
		return settle(r, incidentbot.PauseFailed, errorReason(ch.err), now)
	}
	// Part of the call may have gone through, or all of it before the answer
	// was lost: stay pausing, so the next run (a retry, or the resume) reads
	// the campaign back instead of guessing. Recorded as failed, a campaign
	// the platform did pause would never be resumed.
	r.Error, r.UpdatedAt = unanswered(ch), now
	return r
}

// unanswered says why a campaign got no result of its own.
func unanswered(ch *change) string {
	if ch.err != nil {
		return errorReason(ch.err)
	}
	return reason("unanswered", map[string]any{"Platform": ch.platform.Name()})
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
