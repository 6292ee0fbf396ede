package memads

import (
	"context"
	"fmt"

	"incidentbot"
)

// SetStatus changes campaigns in batches of BatchSize, one API call each.
// Unknown campaigns, campaigns neither active nor paused, and campaigns
// failed by FailCampaign get a per-item error; with opts.DryRun every item
// is validated and nothing changes. A cancelled context stops between
// batches and returns the results of the batches already applied.
func (p *Platform) SetStatus(ctx context.Context, campaigns []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	if to != incidentbot.CampaignActive && to != incidentbot.CampaignPaused {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Campaigns can only be set active or paused, not %q.", to)
	}
	if len(campaigns) == 0 {
		return nil, nil
	}
	p.mu.Lock()
	size := p.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	var failErr error
	if p.failNext > 0 {
		p.failNext--
		failErr = p.failErr
	}
	p.mu.Unlock()
	if failErr != nil {
		if err := p.roundTrip(ctx); err != nil {
			return nil, fmt.Errorf("set %s campaigns %s: %w", p.name, to, err)
		}
		return nil, fmt.Errorf("set %s campaigns %s: %w", p.name, to, failErr)
	}

	results := make([]incidentbot.CampaignResult, 0, len(campaigns))
	for start := 0; start < len(campaigns); start += size {
		batch := campaigns[start:min(start+size, len(campaigns))]
		if err := p.roundTrip(ctx); err != nil {
			return results, fmt.Errorf("set %s campaigns %s: %w", p.name, to, err)
		}
		p.mu.Lock()
		for _, c := range batch {
			results = append(results, p.apply(c, to, opts.DryRun))
		}
		p.mu.Unlock()
	}
	return results, nil
}

// apply changes one campaign; p.mu is held.
func (p *Platform) apply(in incidentbot.Campaign, to incidentbot.CampaignStatus, dryRun bool) incidentbot.CampaignResult {
	c, ok := p.campaigns[in.Key()]
	if !ok {
		return incidentbot.CampaignResult{Campaign: in, Err: incidentbot.Errorf(incidentbot.ENOTFOUND,
			"Campaign %s is not on %s account %s. It may have been removed: list the campaigns again.", in.ID, p.name, in.Account)}
	}
	if err := p.failItems[c.ID]; err != nil {
		return incidentbot.CampaignResult{Campaign: clone(c), Err: err}
	}
	if c.Status == incidentbot.CampaignOther {
		return incidentbot.CampaignResult{Campaign: clone(c), Err: incidentbot.Errorf(incidentbot.EINVALID,
			"Campaign %q is %s: it can no longer be paused or enabled. Check it in the %s console.", c.Name, c.RawStatus, p.name)}
	}
	if !dryRun {
		c.Status = to
		c.RawStatus = RawStatus(to)
	}
	return incidentbot.CampaignResult{Campaign: clone(c)}
}
