package ads

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"incidentbot"
)

// Resume sets back to their prior status the campaigns inc paused on the
// named platforms (all when empty). A campaign changed by hand since the
// pause, or still held by another incident that is not closed, is left
// alone and reported in LeftPaused; the last holder resumes it. Records
// left pausing or resuming by a crash are reconciled against the platform.
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
	holding := map[string][]incidentbot.CampaignPause{}
	for _, r := range ownList {
		switch r.State {
		case incidentbot.PausePaused, incidentbot.PausePausing, incidentbot.PauseResuming:
			holding[r.Campaign.Platform] = append(holding[r.Campaign.Platform], r)
		}
	}
	var involved []incidentbot.AdPlatform
	for _, p := range picked {
		if len(holding[p.Name()]) > 0 {
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
	held, err := o.heldBy(ctx, inc)
	if err != nil {
		return rep, fmt.Errorf("resume ads for %s: %w", inc.Key, err)
	}

	now := o.clock.Now()
	var (
		errs    []error
		settled []incidentbot.CampaignPause
		changes []*change
	)
	for _, l := range list(ctx, involved) {
		name := l.platform.Name()
		if l.err != nil {
			errs = append(errs, fmt.Errorf("list %s campaigns: %w", name, l.err))
			rep.Errors = append(rep.Errors, name+": "+incidentbot.ErrorMessage(l.err))
			continue
		}
		ch := &change{platform: l.platform}
		for _, r := range holding[name] {
			c, found := l.campaigns[r.Campaign.Key()]
			holders := held[r.Campaign.Key()]
			switch {
			case !found && r.State == incidentbot.PausePausing:
				settled = append(settled, settle(r, incidentbot.PauseFailed, fmt.Sprintf("no longer found on %s: not paused", name), now))
			case !found:
				settled = append(settled, settle(r, incidentbot.PauseLeftPaused, fmt.Sprintf("no longer found on %s: left alone", name), now))
			case r.State == incidentbot.PausePausing && c.Status != incidentbot.CampaignPaused:
				settled = append(settled, settle(r, incidentbot.PauseFailed, fmt.Sprintf("the pause never took effect (now %s): left alone", c.RawStatus), now))
			case r.State == incidentbot.PauseResuming && c.Status == incidentbot.CampaignActive:
				// The resume went through before a crash kept us from recording it.
				settled = append(settled, settle(r, incidentbot.PauseResumed, "", now))
			case c.Status != incidentbot.CampaignPaused:
				settled = append(settled, settle(r, incidentbot.PauseLeftPaused, fmt.Sprintf("changed by hand since the pause (now %s): left alone", c.RawStatus), now))
			case len(holders) > 0:
				keys := make([]string, len(holders))
				for i, h := range holders {
					keys[i] = h.IncidentKey
				}
				settled = append(settled, settle(r, incidentbot.PauseLeftPaused, "still held by "+strings.Join(keys, ", "), now))
			default:
				r.State, r.Error, r.UpdatedAt = incidentbot.PauseResuming, "", now
				ch.records = append(ch.records, r)
			}
		}
		if len(ch.records) > 0 {
			changes = append(changes, ch)
		}
	}

	if err := o.saveIntents(ctx, inc, "resume", settled, changes); err != nil {
		return rep, err
	}
	for _, r := range settled {
		rep.add(r)
	}

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
				r = settle(r, incidentbot.PauseLeftPaused, incidentbot.ErrorMessage(err), now)
				o.logger.InfoContext(ctx, "campaign not resumed", "incident", inc.Key, "campaign", r.Campaign.Key().String(), "reason", r.Error)
				rep.add(r)
			case ch.err != nil && !ch.answered:
				// Nothing changed: still paused and held, so Resume retries it.
				r = settle(r, incidentbot.PausePaused, incidentbot.ErrorMessage(ch.err), now)
				rep.Failed = append(rep.Failed, r)
			default:
				// Unknown outcome: stay resuming, reconciled by the next run.
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

// saveIntents writes, before any API call, the records this run settled
// and the intents (pausing, resuming) it is about to carry out, so a crash
// between the call and the write is reconciled by the next run. Drills
// write nothing.
func (o *Orchestrator) saveIntents(ctx context.Context, inc *incidentbot.Incident, verb string, settled []incidentbot.CampaignPause, changes []*change) error {
	if inc.Drill {
		return nil
	}
	intents := slices.Clone(settled)
	for _, ch := range changes {
		intents = append(intents, ch.records...)
	}
	if len(intents) == 0 {
		return nil
	}
	if err := o.store.SavePauses(ctx, intents...); err != nil {
		return fmt.Errorf("record ad %s intent for %s: %w", verb, inc.Key, err)
	}
	return nil
}
