package views

import (
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Summary is the one-screen post for managers, read on a phone: no buttons,
// no jargon beyond the severity.
func Summary(st *incidentbot.IncidentStatus, now time.Time, lang string) incidentbot.Message {
	inc := st.Incident
	t := func(id string, data map[string]any) string { return i18n.T(lang, id, data) }
	// The first line only: alert incidents carry labels and links below it,
	// which are for the war room, not for managers.
	impact, _, _ := strings.Cut(strings.TrimSpace(inc.Impact), "\n")
	if impact == "" {
		impact = t("view.summary.being_assessed", nil)
	}
	fields := []incidentbot.Field{
		{Label: t("view.field.severity", nil), Value: inc.Severity.Label(), Short: true},
		{Label: t("view.field.status", nil), Value: status(lang, inc.Status), Short: true},
		{Label: t("view.field.duration", nil), Value: duration(lang, since(inc, now)), Short: true},
		{Label: t("view.field.impact", nil), Value: impact},
	}
	fields = append(fields, adsFields(lang, st.Pauses, now)...)
	return incidentbot.Message{
		// The severity leads, after the drill label so nobody mistakes a drill.
		Title:    drill(lang, inc, inc.Severity.Label()+" · "+inc.Key+" "+inc.Title),
		Text:     inc.Summary,
		Fields:   fields,
		Severity: inc.Severity,
		Footer:   footer(lang, st),
	}
}

// adsFields answers the marketing questions: were ads paused, how many,
// what it saved, and whether they serve again.
func adsFields(lang string, pauses []incidentbot.CampaignPause, now time.Time) []incidentbot.Field {
	t := func(id string, data map[string]any) string { return i18n.T(lang, id, data) }
	c := countAds(pauses)
	if c.total() == 0 {
		return []incidentbot.Field{{Label: t("view.field.ads", nil), Value: t("view.summary.not_paused", nil), Short: true}}
	}
	stopped := c.paused + c.resumed + c.leftPaused
	paused := i18n.N(lang, "view.summary.campaigns_paused", stopped, nil)
	if c.failed > 0 {
		paused += t("view.summary.not_paused_count", map[string]any{"N": c.failed})
	}
	out := []incidentbot.Field{{Label: t("view.field.ads", nil), Value: paused, Short: true}}
	if m := money(lang, incidentbot.SpendAvoided(pauses, now)); m != "" {
		out = append(out, incidentbot.Field{Label: t("view.field.spend_avoided", nil), Value: "~" + m, Short: true})
	}
	var resumed string
	switch {
	case stopped == 0:
		return out
	case c.resumed == 1 && stopped == 1:
		resumed = t("view.summary.resumed_yes", nil)
	case c.resumed == stopped:
		resumed = t("view.summary.resumed_all", map[string]any{"N": c.resumed})
	case c.resumed == 0 && c.leftPaused == 0:
		resumed = t("view.summary.resumed_not_yet", nil)
	default:
		resumed = t("view.summary.resumed_some", map[string]any{"N": c.resumed, "Total": stopped})
		if c.leftPaused > 0 {
			resumed += t("view.summary.left_paused", map[string]any{"N": c.leftPaused})
		}
	}
	return append(out, incidentbot.Field{Label: t("view.field.resumed", nil), Value: resumed, Short: true})
}
