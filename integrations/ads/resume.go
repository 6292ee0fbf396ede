package ads

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"incidentbot"
)

// Resume sets back to their prior status the campaigns inc paused on the
// named platforms (all when empty). A campaign changed by hand since the
// pause, or still held by another incident that is not closed, is left
// alone and reported in LeftPaused; the last holder resumes it. Records
// left pausing or resuming by a crash are reconciled against the platform.
//
// Whether another incident still holds a campaign is read, and the resume
// intent saved, in one transaction with the campaign's account locked
// (store.DecidePauses): of two incidents resolved at once on two replicas,
// the first leaves the campaign paused and hands it to the other, whose
// resume then finds no other holder and resumes it.
//
// The Report is returned even with an error, as for Pause; campaigns whose
// resume call failed whole stay recorded as paused, so calling Resume again
// retries them.
func (o *Orchestrator) Resume(ctx context.Context, inc *incidentbot.Incident, platforms []string) (Report, error) {
	rep := Report{DryRun: inc.Drill, kind: kindResume}
	picked, skipped := o.pick(platforms)
	rep.Skipped = skipped
	ownList, err := o.store.Pauses(ctx, inc.ID)
	if err != nil {
		return rep, fmt.Errorf("resume ads for %s: %w", inc.Key, err)
	}
	holding := map[string]bool{}
	for _, r := range ownList {
		if slices.Contains(heldStates, r.State) {
			holding[r.Campaign.Platform] = true
		}
	}
	var involved []incidentbot.AdPlatform
	for _, p := range picked {
		if holding[p.Name()] {
			involved = append(involved, p)
		}
	}
	if len(platforms) == 0 {
		// Held on a platform no longer configured: kept as they are, and said.
		for _, name := range slices.Sorted(maps.Keys(holding)) {
			if !slices.Contains(o.Platforms(), name) {
				rep.Skipped = append(rep.Skipped, name)
			}
		}
	}
	if len(involved) == 0 {
		return rep, nil
	}

	now := o.clock.Now()
	var (
		errs     []error
		listings []listing
	)
	for _, l := range list(ctx, involved) {
		if l.err != nil {
			name := l.platform.Name()
			errs = append(errs, fmt.Errorf("list %s campaigns: %w", name, l.err))
			rep.Errors = append(rep.Errors, platformError(name, l.err))
			continue
		}
		listings = append(listings, l)
	}
	var pl resumePlan
	if inc.Drill {
		// Drills store nothing, so they hold nothing: decide from a plain read.
		held, err := o.store.PausesInState(ctx, heldStates...)
		if err != nil {
			return rep, fmt.Errorf("resume ads for %s: %w", inc.Key, err)
		}
		pl = planResume(inc, listings, held, now)
	} else {
		err := o.store.DecidePauses(ctx, keysOf(listings), func(held []incidentbot.HeldPause) ([]incidentbot.CampaignPause, error) {
			pl = planResume(inc, listings, held, now)
			return pl.writes(), nil
		})
		if err != nil {
			return rep, fmt.Errorf("record ad resume intent for %s: %w", inc.Key, err)
		}
	}
	for _, r := range pl.settled {
		rep.add(r)
	}
	changes := pl.changes

	// Only serving campaigns are ever paused, so the prior status is active.
	apply(ctx, changes, incidentbot.CampaignActive, inc.Drill)
	var final []incidentbot.CampaignPause
	for _, ch := range changes {
		if ch.err != nil {
			errs = append(errs, fmt.Errorf("resume %s campaigns: %w", ch.platform.Name(), ch.err))
		}
		for _, r := range ch.records {
			err, ok := ch.results[r.Campaign.Key()]
			switch {
			case ok && err == nil:
				r = settle(r, incidentbot.PauseResumed, "", now)
				rep.add(r)
			case ok:
				r = settle(r, incidentbot.PauseLeftPaused, errorReason(err), now)
				o.logger.InfoContext(ctx, "campaign not resumed", "incident", inc.Key, "campaign", r.Campaign.Key().String(), "reason", english(r.Error))
				rep.add(r)
			case ch.err != nil && !ch.answered && !incidentbot.MayHaveTakenEffect(ch.err):
				// Nothing changed: still paused and held, so Resume retries it.
				r = settle(r, incidentbot.PausePaused, errorReason(ch.err), now)
				rep.Failed = append(rep.Failed, r)
			default:
				// Unknown outcome (an answer lost, a partial call): stay
				// resuming, reconciled against the platform by the next run.
				r.Error, r.UpdatedAt = unanswered(ch), now
				rep.Failed = append(rep.Failed, r)
			}
			final = append(final, r)
		}
	}
	if !inc.Drill && len(final) > 0 {
		if err := o.store.SavePauses(ctx, final...); err != nil {
			return rep, fmt.Errorf("record ad resume results for %s: %w", inc.Key, err)
		}
	}
	o.logger.InfoContext(ctx, "ads resume done", "incident", inc.Key, "drill", inc.Drill,
		"resumed", len(rep.Resumed), "left_paused", len(rep.LeftPaused), "failed", len(rep.Failed))
	return rep, errors.Join(errs...)
}

// resumePlan is what a resume run does, before anything is written.
type resumePlan struct {
	settled []incidentbot.CampaignPause // inc's records, final without an API call
	changes []*change                   // intents (State resuming), per platform
	handed  []incidentbot.CampaignPause // other incidents' records that now lead a campaign inc let go
}

// writes are the records to save before any API call.
func (pl resumePlan) writes() []incidentbot.CampaignPause {
	out := slices.Concat(pl.settled, pl.handed)
	for _, ch := range pl.changes {
		out = append(out, ch.records...)
	}
	return out
}

// planResume decides, for each campaign inc holds on a listed platform,
// what a resume does. held are the records of every incident in the
// states heldStates, inc's own included: read with the accounts locked,
// they are the truth about who else still holds a campaign.
//
// A campaign still held by others is left paused and handed to them: when
// inc led it (the first to pause it) and no other holder leads, the first
// of them leads from now on, so its resume is the one that resumes it and
// its spend avoided counts from now.
func planResume(inc *incidentbot.Incident, listings []listing, held []incidentbot.HeldPause, now time.Time) resumePlan {
	var pl resumePlan
	h := holdsOf(inc, held)
	mine := map[string][]incidentbot.CampaignPause{}
	for _, r := range held {
		if r.IncidentID == inc.ID {
			mine[r.Campaign.Platform] = append(mine[r.Campaign.Platform], r.CampaignPause)
		}
	}
	for _, l := range listings {
		name := l.platform.Name()
		ch := &change{platform: l.platform}
		for _, r := range mine[name] {
			c, found := l.campaigns[r.Campaign.Key()]
			holders := h.by[r.Campaign.Key()]
			switch {
			case !found && r.State == incidentbot.PausePausing:
				pl.settled = append(pl.settled, settle(r, incidentbot.PauseFailed, reason("gone_not_paused", map[string]any{"Platform": name}), now))
			case !found:
				pl.settled = append(pl.settled, settle(r, incidentbot.PauseLeftPaused, reason("gone_left", map[string]any{"Platform": name}), now))
			case r.State == incidentbot.PausePausing && c.Status != incidentbot.CampaignPaused:
				pl.settled = append(pl.settled, settle(r, incidentbot.PauseFailed, reason("never_took_effect", map[string]any{"Status": c.RawStatus}), now))
			case r.State == incidentbot.PauseResuming && c.Status == incidentbot.CampaignActive:
				// The resume went through before a crash kept us from recording it.
				pl.settled = append(pl.settled, settle(r, incidentbot.PauseResumed, "", now))
			case c.Status != incidentbot.CampaignPaused:
				pl.settled = append(pl.settled, settle(r, incidentbot.PauseLeftPaused, reason("changed_by_hand", map[string]any{"Status": c.RawStatus}), now))
			case len(holders) > 0:
				keys := make([]string, len(holders))
				for i, h := range holders {
					keys[i] = h.IncidentKey
				}
				pl.settled = append(pl.settled, settle(r, incidentbot.PauseLeftPaused, reason("still_held", map[string]any{"Keys": strings.Join(keys, ", ")}), now))
				if next := holders[0]; !r.Shared && next.Shared && next.State == incidentbot.PausePaused {
					next.Shared, next.PausedAt, next.UpdatedAt = false, &now, now
					pl.handed = append(pl.handed, next.CampaignPause)
				}
			default:
				r.State, r.Error, r.UpdatedAt = incidentbot.PauseResuming, "", now
				ch.records = append(ch.records, r)
			}
		}
		if len(ch.records) > 0 {
			pl.changes = append(pl.changes, ch)
		}
	}
	return pl
}
