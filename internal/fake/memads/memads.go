// Package memads is an in-memory, stateful incidentbot.AdPlatform for tests
// and the demo: campaigns change status, people can change them "by hand"
// in between, and knobs make calls fail whole or per campaign.
package memads

import (
	"context"
	"sync"
	"time"

	"incidentbot"
)

// DefaultBatchSize is how many campaigns one SetStatus API call changes
// unless BatchSize says otherwise.
const DefaultBatchSize = 50

// Platform is one fake ad platform over any number of accounts. It is safe
// for concurrent use; set BatchSize and Latency before sharing it.
type Platform struct {
	// BatchSize is the most campaigns one API call changes; 0 means DefaultBatchSize.
	BatchSize int
	// Latency is added to every API call (one list, one batch), as a real
	// API's round trip would; a cancelled context cuts it short.
	Latency time.Duration

	name string

	mu        sync.Mutex
	order     []incidentbot.CampaignKey // listing order: creation order
	campaigns map[incidentbot.CampaignKey]*incidentbot.Campaign
	calls     int
	failNext  int
	failErr   error
	failItems map[string]error // by campaign id
}

var _ incidentbot.AdPlatform = (*Platform)(nil)

// New returns a platform called name holding campaigns. A campaign's
// Platform is set to name; an empty RawStatus is derived from Status.
func New(name string, campaigns ...incidentbot.Campaign) *Platform {
	p := &Platform{
		name:      name,
		campaigns: make(map[incidentbot.CampaignKey]*incidentbot.Campaign, len(campaigns)),
		failItems: map[string]error{},
	}
	for _, c := range campaigns {
		c.Platform = name
		if c.RawStatus == "" {
			c.RawStatus = RawStatus(c.Status)
		}
		c.Labels = append([]string(nil), c.Labels...)
		k := c.Key()
		if _, ok := p.campaigns[k]; !ok {
			p.order = append(p.order, k)
		}
		p.campaigns[k] = &c
	}
	return p
}

// RawStatus is the platform's own word for a neutral status, as this fake reports it.
func RawStatus(s incidentbot.CampaignStatus) string {
	switch s {
	case incidentbot.CampaignActive:
		return "ACTIVE"
	case incidentbot.CampaignPaused:
		return "PAUSED"
	}
	return "ARCHIVED"
}

func (p *Platform) Name() string { return p.name }

// Campaign returns the current state of one campaign, for assertions.
func (p *Platform) Campaign(key incidentbot.CampaignKey) (incidentbot.Campaign, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.campaigns[key]
	if !ok {
		return incidentbot.Campaign{}, false
	}
	return clone(c), true
}

// SetByHand changes a campaign as a person in the ad console would: no API
// call is counted and no failure knob applies. Unknown keys are ignored.
func (p *Platform) SetByHand(key incidentbot.CampaignKey, s incidentbot.CampaignStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.campaigns[key]; ok {
		c.Status = s
		c.RawStatus = RawStatus(s)
	}
}

// FailNext makes the next n SetStatus calls fail whole with err, changing
// nothing. A nil err is a throttling error (EUNAVAILABLE).
func (p *Platform) FailNext(n int, err error) {
	if err == nil {
		err = incidentbot.Errorf(incidentbot.EUNAVAILABLE, "%s is throttling requests. Try again in a minute.", p.name)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failNext = n
	p.failErr = err
}

// FailCampaign makes every status change of the campaign with this id fail
// with err as a per-item error, until called again with a nil err.
func (p *Platform) FailCampaign(id string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		delete(p.failItems, id)
		return
	}
	p.failItems[id] = err
}

// Calls returns the number of API calls made so far: one per list, one per
// SetStatus batch (a call failed by FailNext counts once).
func (p *Platform) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// roundTrip counts one API call and waits Latency.
func (p *Platform) roundTrip(ctx context.Context) error {
	p.mu.Lock()
	p.calls++
	d := p.Latency
	p.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func clone(c *incidentbot.Campaign) incidentbot.Campaign {
	out := *c
	out.Labels = append([]string(nil), c.Labels...)
	return out
}
