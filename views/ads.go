package views

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"incidentbot"
)

// maxAdLines keeps the campaign list to one phone screen; the counts above
// it cover the rest.
const maxAdLines = 15

// Ads reports what an incident did to ad campaigns: the counts, the spend
// avoided, and each campaign's state, problems first.
func Ads(st *incidentbot.IncidentStatus, now time.Time) incidentbot.Message {
	inc := st.Incident
	m := incidentbot.Message{
		Title:    "Ads · " + title(inc),
		Severity: inc.Severity,
		Fields:   adsFields(st.Pauses, now),
	}
	if len(st.Pauses) == 0 {
		m.Text = "No campaign was paused for this incident. Pause them with /incident ads pause."
		return m
	}
	pauses := append([]incidentbot.CampaignPause(nil), st.Pauses...)
	sort.SliceStable(pauses, func(i, j int) bool { return adRank(pauses[i].State) < adRank(pauses[j].State) })
	var b strings.Builder
	for i, p := range pauses {
		if i == maxAdLines {
			fmt.Fprintf(&b, "\n… and %d more", len(pauses)-maxAdLines)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		name := p.Campaign.Name
		if name == "" {
			name = p.Campaign.ID
		}
		fmt.Fprintf(&b, "- %s · %s: %s", p.Campaign.Platform, truncate(name, 60), strings.ReplaceAll(string(p.State), "_", " "))
		if p.Error != "" {
			fmt.Fprintf(&b, " (%s)", truncate(p.Error, 100))
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
