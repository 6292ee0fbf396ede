package postmortem

import (
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// adsView sums up what the incident did to paid campaigns, per platform.
type adsView struct {
	Any       bool
	Platforms []platformView
	// LeftPaused and Failed name each campaign with its reason, because
	// someone has to decide what to do with every one of them.
	LeftPaused []campaignView
	Failed     []campaignView
	// StillPaused counts campaigns this incident holds paused right now
	// (paused or being resumed): resume them or they keep losing sales.
	StillPaused int
	// Unconfirmed counts pause requests whose outcome was never recorded.
	Unconfirmed int
}

type platformView struct {
	Name                                string
	Paused, Resumed, LeftPaused, Failed int
}

type campaignView struct {
	Platform, Name, ID, Reason string
	Shared                     bool
}

var platformNames = map[string]string{
	incidentbot.AdsGoogle:    "Google Ads",
	incidentbot.AdsMeta:      "Meta",
	incidentbot.AdsMicrosoft: "Microsoft Ads",
	incidentbot.AdsTikTok:    "TikTok",
}

func platformName(p string) string {
	if n, ok := platformNames[p]; ok {
		return n
	}
	return inline(p)
}

func ads(pauses []incidentbot.CampaignPause, l *locale) adsView {
	v := adsView{Any: len(pauses) > 0}
	index := map[string]int{}
	for _, p := range pauses {
		i, ok := index[p.Campaign.Platform]
		if !ok {
			i = len(v.Platforms)
			index[p.Campaign.Platform] = i
			v.Platforms = append(v.Platforms, platformView{Name: platformName(p.Campaign.Platform)})
		}
		row := &v.Platforms[i]
		switch p.State {
		case incidentbot.PausePausing:
			v.Unconfirmed++
		case incidentbot.PausePaused, incidentbot.PauseResuming:
			row.Paused++
			v.StillPaused++
		case incidentbot.PauseResumed:
			row.Paused++
			row.Resumed++
		case incidentbot.PauseLeftPaused:
			row.Paused++
			row.LeftPaused++
			v.LeftPaused = append(v.LeftPaused, campaign(p, l))
		case incidentbot.PauseFailed:
			row.Failed++
			v.Failed = append(v.Failed, campaign(p, l))
		}
	}
	slices.SortFunc(v.Platforms, func(a, b platformView) int { return strings.Compare(a.Name, b.Name) })
	return v
}

func campaign(p incidentbot.CampaignPause, l *locale) campaignView {
	c := campaignView{
		Platform: platformName(p.Campaign.Platform),
		Name:     inline(p.Campaign.Name),
		ID:       inline(p.Campaign.ID),
		Reason:   inline(i18n.Stored(l.lang, p.Error)),
		Shared:   p.Shared,
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	if c.Reason == "" {
		c.Reason = l.noReason
	}
	return c
}
