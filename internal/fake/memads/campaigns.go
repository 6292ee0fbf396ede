package memads

import (
	"context"
	"fmt"

	"incidentbot"
)

// Campaigns lists every campaign in creation order, in one API call.
func (p *Platform) Campaigns(ctx context.Context) ([]incidentbot.Campaign, error) {
	if err := p.roundTrip(ctx); err != nil {
		return nil, fmt.Errorf("list %s campaigns: %w", p.name, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]incidentbot.Campaign, 0, len(p.order))
	for _, k := range p.order {
		out = append(out, clone(p.campaigns[k]))
	}
	return out, nil
}
