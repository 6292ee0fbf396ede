// Package ads pauses the paid campaigns that would keep buying clicks to a
// site that is down, and resumes exactly the ones it paused.
//
// Every campaign the bot pauses is recorded per incident with its prior
// status before the API is called (state pausing), so a crash between the
// call and the write is reconciled by reading the campaign back. Resume
// touches only campaigns this bot paused, still paused, and not held by
// another incident that is not closed: the last holder resumes.
package ads

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"incidentbot"
)

// parallelPlatforms bounds how many platforms are called at once; each
// platform gets one list and one SetStatus call per run, batched inside.
const parallelPlatforms = 4

// Orchestrator pauses and resumes campaigns across the configured platforms.
type Orchestrator struct {
	store     incidentbot.PauseStore
	platforms []incidentbot.AdPlatform
	clock     incidentbot.Clock
	logger    *slog.Logger
}

// New returns an Orchestrator over platforms, recording in store. A nil
// logger discards.
func New(store incidentbot.PauseStore, platforms []incidentbot.AdPlatform, clock incidentbot.Clock, logger *slog.Logger) *Orchestrator {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Orchestrator{store: store, platforms: slices.Clone(platforms), clock: clock, logger: logger}
}

// Platforms returns the names of the configured platforms, in configuration order.
func (o *Orchestrator) Platforms() []string {
	names := make([]string, len(o.platforms))
	for i, p := range o.platforms {
		names[i] = p.Name()
	}
	return names
}

// pick returns the configured platforms named (all when names is empty)
// and the names that are not configured.
func (o *Orchestrator) pick(names []string) (picked []incidentbot.AdPlatform, skipped []string) {
	if len(names) == 0 {
		return o.platforms, nil
	}
	for _, n := range names {
		i := slices.IndexFunc(o.platforms, func(p incidentbot.AdPlatform) bool { return strings.EqualFold(p.Name(), n) })
		switch {
		case i < 0:
			if !slices.Contains(skipped, n) {
				skipped = append(skipped, n)
			}
		case !slices.Contains(picked, o.platforms[i]):
			picked = append(picked, o.platforms[i])
		}
	}
	return picked, skipped
}

// listing is one platform's campaigns, or why they could not be listed.
type listing struct {
	platform  incidentbot.AdPlatform
	campaigns map[incidentbot.CampaignKey]incidentbot.Campaign
	order     []incidentbot.CampaignKey
	err       error
}

// list reads every platform's campaigns, platforms in parallel.
func list(ctx context.Context, platforms []incidentbot.AdPlatform) []listing {
	out := make([]listing, len(platforms))
	var g errgroup.Group
	g.SetLimit(parallelPlatforms)
	for i, p := range platforms {
		g.Go(func() error {
			l := listing{platform: p}
			cs, err := p.Campaigns(ctx)
			if err != nil {
				l.err = err
			} else {
				l.campaigns = make(map[incidentbot.CampaignKey]incidentbot.Campaign, len(cs))
				for _, c := range cs {
					c.Platform = p.Name()
					l.campaigns[c.Key()] = c
					l.order = append(l.order, c.Key())
				}
			}
			out[i] = l
			return nil // one platform failing must not stop the others
		})
	}
	g.Wait()
	return out
}

// change is one SetStatus call: all the campaigns of one platform in a run.
type change struct {
	platform incidentbot.AdPlatform
	records  []incidentbot.CampaignPause // State pausing or resuming: the intent
	results  map[incidentbot.CampaignKey]error
	answered bool // the platform returned at least one result
	err      error
}

// apply runs every change, platforms in parallel.
func apply(ctx context.Context, changes []*change, to incidentbot.CampaignStatus, dryRun bool) {
	var g errgroup.Group
	g.SetLimit(parallelPlatforms)
	for _, ch := range changes {
		g.Go(func() error {
			cs := make([]incidentbot.Campaign, len(ch.records))
			for i, r := range ch.records {
				cs[i] = r.Campaign
			}
			res, err := ch.platform.SetStatus(ctx, cs, to, incidentbot.AdOptions{DryRun: dryRun})
			ch.err = err
			ch.answered = len(res) > 0
			ch.results = make(map[incidentbot.CampaignKey]error, len(res))
			for _, r := range res {
				r.Campaign.Platform = ch.platform.Name()
				ch.results[r.Campaign.Key()] = r.Err
			}
			return nil
		})
	}
	g.Wait()
}

// holds is what other incidents do to the campaigns, as one run sees it.
type holds struct {
	// by lists, per campaign, the records of other incidents that are not
	// closed and hold it (paused, or about to be), leader first: the
	// incident that paused it (not shared), then by incident.
	by map[incidentbot.CampaignKey][]incidentbot.HeldPause
	// resuming names, per campaign, another incident that is not closed and
	// whose resume of it is under way.
	resuming map[incidentbot.CampaignKey]string
	// before holds the campaigns that were held when the platforms were
	// listed, when that read was earlier than this one.
	before map[incidentbot.CampaignKey]bool
}

// heldStates are the records holdsOf reads.
var heldStates = []incidentbot.PauseState{incidentbot.PausePaused, incidentbot.PausePausing, incidentbot.PauseResuming}

// holdsOf sorts records (states heldStates, any incident) into what
// incidents other than inc do to each campaign.
func holdsOf(inc *incidentbot.Incident, records []incidentbot.HeldPause) holds {
	h := holds{by: map[incidentbot.CampaignKey][]incidentbot.HeldPause{}, resuming: map[incidentbot.CampaignKey]string{}}
	for _, r := range records {
		if r.IncidentID == inc.ID || r.IncidentStatus == incidentbot.StatusClosed {
			continue
		}
		k := r.Campaign.Key()
		switch r.State {
		case incidentbot.PausePaused, incidentbot.PausePausing:
			h.by[k] = append(h.by[k], r)
		case incidentbot.PauseResuming:
			h.resuming[k] = r.IncidentKey
		}
	}
	for _, hs := range h.by {
		slices.SortStableFunc(hs, func(a, b incidentbot.HeldPause) int {
			switch {
			case a.Shared == b.Shared:
				return cmp.Compare(a.IncidentID, b.IncidentID)
			case !a.Shared:
				return -1
			}
			return 1
		})
	}
	return h
}

// since returns h, read after earlier: campaigns earlier held are marked,
// so a pause can tell a holder that let go since the listing.
func (h holds) since(earlier holds) holds {
	h.before = make(map[incidentbot.CampaignKey]bool, len(earlier.by))
	for k := range earlier.by {
		h.before[k] = true
	}
	return h
}

// keysOf returns the keys of campaigns, for DecidePauses.
func keysOf(ls []listing) []incidentbot.CampaignKey {
	var out []incidentbot.CampaignKey
	for _, l := range ls {
		out = append(out, l.order...)
	}
	return out
}
