package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
)

// Status is the one-screen state of an incident, with the buttons that fit
// its status.
func Status(st *incidentbot.IncidentStatus, now time.Time) incidentbot.Message {
	inc := st.Incident
	fields := []incidentbot.Field{
		{Label: "Severity", Value: inc.Severity.Label(), Short: true},
		{Label: "Status", Value: statusLine(inc), Short: true},
		{Label: "Duration", Value: Duration(since(inc, now)), Short: true},
		{Label: "Next reminder", Value: nextReminder(inc, now), Short: true},
		{Label: "Roles", Value: rolesLine(st)},
		{Label: "Ads", Value: adsLine(st.Pauses, now)},
		{Label: "Last update", Value: lastUpdate(inc, st.LastUpdate, now)},
	}
	if len(st.Checklist) > 0 {
		fields = append(fields, incidentbot.Field{
			Label: "Checklist",
			Value: fmt.Sprintf("%d of %d open", openItems(st.Checklist), len(st.Checklist)),
			Short: true,
		})
	}
	if len(st.Failed) > 0 {
		lines := make([]string, 0, len(st.Failed)+1)
		for _, f := range st.Failed {
			lines = append(lines, fmt.Sprintf("- could not %s (gave up %s)", f.What, ago(f.At, now)))
		}
		lines = append(lines, "Run `/incident retry "+inc.Key+"` to try again.")
		fields = append(fields, incidentbot.Field{Label: "Failed actions", Value: strings.Join(lines, "\n")})
	}
	return incidentbot.Message{
		Title:    title(inc),
		Fields:   fields,
		Severity: inc.Severity,
		Buttons:  Buttons(inc),
		Footer:   footer(inc),
	}
}

func footer(inc *incidentbot.Incident) string {
	parts := []string{"Declared " + clock(inc.DeclaredAt)}
	if inc.DeclaredBy.Name != "" || inc.DeclaredBy.ID != "" {
		parts[0] += " by " + inc.DeclaredBy.Mention()
	}
	if inc.Type != "" {
		parts = append(parts, "playbook "+inc.Type)
	}
	return strings.Join(parts, " · ")
}

// rolesLine is "commander <@U1> · tech-lead unassigned" in playbook order.
func rolesLine(st *incidentbot.IncidentStatus) string {
	who := holders(st.Roles)
	names := roleNames(st.Playbook, st.Roles)
	if len(names) == 0 {
		return "none"
	}
	parts := make([]string, len(names))
	for i, n := range names {
		h := "unassigned"
		if len(who[n]) > 0 {
			h = strings.Join(who[n], ", ")
		}
		parts[i] = n + " " + h
	}
	return strings.Join(parts, " · ")
}

func adsLine(pauses []incidentbot.CampaignPause, now time.Time) string {
	s := countAds(pauses).String()
	if m := money(incidentbot.SpendAvoided(pauses, now)); m != "" {
		s += " · ~" + m + " spend avoided"
	}
	return s
}

// lastUpdate asks for an update only while one is still wanted: a
// resolved or closed incident needs none.
func lastUpdate(inc *incidentbot.Incident, ev *incidentbot.TimelineEvent, now time.Time) string {
	switch {
	case ev == nil && inc.Status.Open():
		return "none yet: post one with `/incident update <what changed>`"
	case ev == nil:
		return "none"
	}
	s := ago(ev.At, now)
	if ev.Actor.ID != "" || ev.Actor.Name != "" {
		s += " by " + ev.Actor.Mention()
	}
	return s + ": " + truncate(ev.Text, 140)
}

func nextReminder(inc *incidentbot.Incident, now time.Time) string {
	switch {
	case !inc.Status.Open():
		return "none"
	case inc.RemindersOff || inc.NextReminderAt == nil:
		return "off"
	case !inc.NextReminderAt.After(now):
		return "due now"
	default:
		return "in " + Duration(inc.NextReminderAt.Sub(now))
	}
}
