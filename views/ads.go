package views

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// maxAdLines keeps the campaign list to one phone screen; the counts above
// it cover the rest.
const maxAdLines = 15

// Ads reports what an incident did to ad campaigns: the counts, the spend
// avoided, and each campaign's state, problems first.
func Ads(st *incidentbot.IncidentStatus, now time.Time, lang string) incidentbot.Message {
	inc := st.Incident
	m := incidentbot.Message{
		Title:    i18n.T(lang, "view.ads.title", map[string]any{"Title": title(lang, inc)}),
		Severity: inc.Severity,
		Fields:   adsFields(lang, st.Pauses, now),
	}
	if len(st.Pauses) == 0 {
		m.Text = i18n.T(lang, "view.ads.none", nil)
		return m
	}
	pauses := append([]incidentbot.CampaignPause(nil), st.Pauses...)
	sort.SliceStable(pauses, func(i, j int) bool { return adRank(pauses[i].State) < adRank(pauses[j].State) })
	var b strings.Builder
	for i, p := range pauses {
		if i == maxAdLines {
			b.WriteString("\n" + i18n.T(lang, "view.ads.more", map[string]any{"N": len(pauses) - maxAdLines}))
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		name := p.Campaign.Name
		if name == "" {
			name = p.Campaign.ID
		}
		fmt.Fprintf(&b, "- %s · %s: %s", p.Campaign.Platform, truncate(name, 60), i18n.T(lang, "view.ads.state."+string(p.State), nil))
		if p.Error != "" {
			fmt.Fprintf(&b, " (%s)", truncate(i18n.Stored(lang, p.Error), 100))
		}
	}
	m.Text = b.String()
	return m
}

// adRank puts what needs a person first: failures, then campaigns left
// paused, then the rest.
func adRank(s incidentbot.PauseState) int {
	switch s {
	case incidentbot.PauseFailed:
		return 0
	case incidentbot.PauseLeftPaused:
		return 1
	default:
		return 2
	}
}
