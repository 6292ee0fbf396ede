package incidentbot

import (
	"context"
	"time"
)

// Ad platform names, as used in playbooks and commands.
const (
	AdsGoogle    = "googleads"
	AdsMeta      = "meta"
	AdsMicrosoft = "microsoft"
	AdsTikTok    = "tiktok"
)

// CampaignStatus is a campaign's delivery status in neutral form.
type CampaignStatus string

const (
	CampaignActive CampaignStatus = "active" // serving: Google ENABLED, Meta ACTIVE, Microsoft Active, TikTok ENABLE
	CampaignPaused CampaignStatus = "paused"
	CampaignOther  CampaignStatus = "other" // removed, archived, deleted, in review ...
)

// Campaign is one paid campaign on one ad account.
type Campaign struct {
	Platform  string
	Account   string
	ID        string
	Name      string
	Status    CampaignStatus
	RawStatus string // the platform's own word, for reports
	Labels    []string
	// DailyBudget is in the currency's main unit (euros, not cents); 0 when unknown.
	DailyBudget float64
	Currency    string
}

// CampaignKey identifies a campaign across platforms and accounts.
type CampaignKey struct {
	Platform string
	Account  string
	ID       string
}

func (c Campaign) Key() CampaignKey { return CampaignKey{c.Platform, c.Account, c.ID} }

func (k CampaignKey) String() string { return k.Platform + "/" + k.Account + "/" + k.ID }

// CampaignResult is the outcome of one status change on one campaign.
type CampaignResult struct {
	Campaign Campaign
	Err      error // nil on success
}

// AdOptions tune a status change.
type AdOptions struct {
	DryRun bool // drills: validate only, change nothing
}

// AdPlatform is one ad platform's API (Google Ads, Meta, Microsoft, TikTok)
// over every account configured for it.
type AdPlatform interface {
	Name() string
	// Campaigns lists every campaign of the configured accounts, following pages.
	Campaigns(ctx context.Context) ([]Campaign, error)
	// SetStatus pauses (CampaignPaused) or resumes (CampaignActive) campaigns,
	// batching within the API's limits. It returns one result per campaign;
	// the error is for a failure of the whole call.
	SetStatus(ctx context.Context, campaigns []Campaign, to CampaignStatus, opts AdOptions) ([]CampaignResult, error)
}

// PauseState is where one campaign stands in one incident's pause.
type PauseState string

const (
	PausePausing    PauseState = "pausing"     // we are about to ask the API; reconciled after a crash
	PausePaused     PauseState = "paused"      // paused by this incident (or held: another incident paused it first)
	PauseFailed     PauseState = "failed"      // the pause failed; the campaign still serves
	PauseResuming   PauseState = "resuming"    // we are about to ask the API to resume
	PauseResumed    PauseState = "resumed"     // back to its prior status
	PauseLeftPaused PauseState = "left_paused" // not resumed: changed by hand, held by another incident, or resume failed
)

// CampaignPause records what one incident did to one campaign, so resume
// touches exactly what the bot paused.
type CampaignPause struct {
	IncidentID  int64
	Campaign    Campaign
	PriorStatus CampaignStatus
	PriorRaw    string
	State       PauseState
	Shared      bool   // the campaign was already paused by another open incident
	Error       string // why it failed or was left paused; safe to show
	PausedAt    *time.Time
	ResumedAt   *time.Time
	UpdatedAt   time.Time
}

// SpendAvoided estimates, per currency, the ad spend avoided while campaigns
// were paused: each paused campaign's daily budget prorated over the time it
// stayed paused (until resumed or left paused, or until now). Shared holds
// count once, in the incident that leads the campaign: the first to pause
// it, then whoever it was handed to.
func SpendAvoided(pauses []CampaignPause, now time.Time) map[string]float64 {
	out := map[string]float64{}
	for _, p := range pauses {
		if p.Shared || p.PausedAt == nil || p.Campaign.DailyBudget <= 0 {
			continue
		}
		end := now
		switch {
		case p.ResumedAt != nil:
			end = *p.ResumedAt
		case p.State == PauseLeftPaused && !p.UpdatedAt.IsZero():
			// Handed to another holder, or changed by hand, when the record
			// says: no longer this incident's saving.
			end = p.UpdatedAt
		}
		d := end.Sub(*p.PausedAt)
		if d <= 0 {
			continue
		}
		out[p.Campaign.Currency] += p.Campaign.DailyBudget * d.Hours() / 24
	}
	return out
}
