package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
)

// Summary is the one-screen post for managers, read on a phone: no buttons,
// no jargon beyond the severity.
func Summary(st *incidentbot.IncidentStatus, now time.Time) incidentbot.Message {
	inc := st.Incident
	// The first line only: alert incidents carry labels and links below it,
	// which are for the war room, not for managers.
	impact, _, _ := strings.Cut(strings.TrimSpace(inc.Impact), "\n")
	if impact == "" {
		impact = "being assessed"
	}
	fields := []incidentbot.Field{
		{Label: "Severity", Value: inc.Severity.Label(), Short: true},
		{Label: "Status", Value: string(inc.Status), Short: true},
		{Label: "Duration", Value: Duration(since(inc, now)), Short: true},
		{Label: "Impact", Value: impact},
	}
	fields = append(fields, adsFields(st.Pauses, now)...)
	return incidentbot.Message{
		Title:    summaryTitle(inc),
		Text:     inc.Summary,
		Fields:   fields,
		Severity: inc.Severity,
		Footer:   footer(inc),
	}
}

// adsFields answers the marketing questions: were ads paused, how many,
// what it saved, and whether they serve again.
func adsFields(pauses []incidentbot.CampaignPause, now time.Time) []incidentbot.Field {
	c := countAds(pauses)
	if c.total() == 0 {
		return []incidentbot.Field{{Label: "Ads", Value: "not paused", Short: true}}
	}
	stopped := c.paused + c.resumed + c.leftPaused
	paused := fmt.Sprintf("%d campaign%s paused", stopped, plural(stopped))
	if c.failed > 0 {
		paused += fmt.Sprintf(", %d could not be paused", c.failed)
	}
	out := []incidentbot.Field{{Label: "Ads", Value: paused, Short: true}}
	if m := money(incidentbot.SpendAvoided(pauses, now)); m != "" {
		out = append(out, incidentbot.Field{Label: "Spend avoided", Value: "~" + m, Short: true})
	}
	var resumed string
	switch {
	case stopped == 0:
		return out
	case c.resumed == 1 && stopped == 1:
		resumed = "yes"
	case c.resumed == stopped:
		resumed = fmt.Sprintf("yes, all %d", c.resumed)
	case c.resumed == 0 && c.leftPaused == 0:
		resumed = "not yet"
	default:
		resumed = fmt.Sprintf("%d of %d", c.resumed, stopped)
		if c.leftPaused > 0 {
			resumed += fmt.Sprintf(", %d left paused: check them by hand", c.leftPaused)
		}
	}
	return append(out, incidentbot.Field{Label: "Resumed", Value: resumed, Short: true})
}

// summaryTitle leads with the severity, after the drill label so nobody
// reads a practice run as an outage.
func summaryTitle(inc *incidentbot.Incident) string {
	t := inc.Severity.Label() + " · " + inc.Key + " " + inc.Title
	if inc.Drill {
		t = "DRILL · " + t
	}
	return t
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
