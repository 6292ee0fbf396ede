package views

import (
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Status is the one-screen state of an incident, with the buttons that fit
// its status.
func Status(st *incidentbot.IncidentStatus, now time.Time, lang string) incidentbot.Message {
	inc := st.Incident
	t := func(id string, data map[string]any) string { return i18n.T(lang, id, data) }
	fields := []incidentbot.Field{
		{Label: t("view.field.severity", nil), Value: inc.Severity.Label(), Short: true},
		{Label: t("view.field.status", nil), Value: statusLine(lang, inc), Short: true},
		{Label: t("view.field.duration", nil), Value: duration(lang, since(inc, now)), Short: true},
		{Label: t("view.field.next_reminder", nil), Value: nextReminder(lang, inc, now), Short: true},
		{Label: t("view.field.roles", nil), Value: rolesLine(lang, st)},
		{Label: t("view.field.ads", nil), Value: adsLine(lang, st.Pauses, now)},
		{Label: t("view.field.last_update", nil), Value: lastUpdate(lang, inc, st.LastUpdate, now)},
	}
	if len(st.Checklist) > 0 {
		fields = append(fields, incidentbot.Field{
			Label: t("view.field.checklist", nil),
			Value: t("view.status.checklist_open", map[string]any{"Open": openItems(st.Checklist), "Total": len(st.Checklist)}),
			Short: true,
		})
	}
	if len(st.Failed) > 0 {
		lines := make([]string, 0, len(st.Failed)+1)
		for _, f := range st.Failed {
			lines = append(lines, t("view.status.could_not", map[string]any{"What": f.In(lang), "Ago": ago(lang, f.At, now)}))
		}
		lines = append(lines, t("view.status.retry", map[string]any{"Key": inc.Key}))
		fields = append(fields, incidentbot.Field{Label: t("view.field.failed", nil), Value: strings.Join(lines, "\n")})
	}
	return incidentbot.Message{
		Title:    title(lang, inc),
		Fields:   fields,
		Severity: inc.Severity,
		Buttons:  Buttons(inc, lang),
		Footer:   footer(lang, st),
	}
}

// footer says when the incident was declared (in BOT_TIMEZONE), by whom,
// and its playbook.
func footer(lang string, st *incidentbot.IncidentStatus) string {
	inc := st.Incident
	data := map[string]any{"At": clock(inc.DeclaredAt, st.Location), "By": inc.DeclaredBy.Mention(), "Playbook": inc.Type}
	parts := []string{i18n.T(lang, "view.footer.declared", data)}
	if inc.DeclaredBy.Name != "" || inc.DeclaredBy.ID != "" {
		parts[0] = i18n.T(lang, "view.footer.declared_by", data)
	}
	if inc.Type != "" {
		parts = append(parts, i18n.T(lang, "view.footer.playbook", data))
	}
	return strings.Join(parts, " · ")
}

// rolesLine is "commander <@U1> · tech-lead unassigned" in playbook order.
func rolesLine(lang string, st *incidentbot.IncidentStatus) string {
	who := holders(st.Roles)
	names := roleNames(st.Playbook, st.Roles)
	if len(names) == 0 {
		return i18n.T(lang, "view.status.none", nil)
	}
	parts := make([]string, len(names))
	for i, n := range names {
		h := i18n.T(lang, "view.status.unassigned", nil)
		if len(who[n]) > 0 {
			h = strings.Join(who[n], ", ")
		}
		parts[i] = n + " " + h
	}
	return strings.Join(parts, " · ")
}

func adsLine(lang string, pauses []incidentbot.CampaignPause, now time.Time) string {
	s := countAds(pauses).in(lang)
	if m := money(lang, incidentbot.SpendAvoided(pauses, now)); m != "" {
		s += " · " + i18n.T(lang, "view.status.spend", map[string]any{"Money": m})
	}
	return s
}

// lastUpdate asks for an update only while one is still wanted: a
// resolved or closed incident needs none.
func lastUpdate(lang string, inc *incidentbot.Incident, ev *incidentbot.TimelineEvent, now time.Time) string {
	switch {
	case ev == nil && inc.Status.Open():
		return i18n.T(lang, "view.status.no_update_open", nil)
	case ev == nil:
		return i18n.T(lang, "view.status.none", nil)
	}
	s := ago(lang, ev.At, now)
	if ev.Actor.ID != "" || ev.Actor.Name != "" {
		s = i18n.T(lang, "view.status.by", map[string]any{"Ago": s, "Who": ev.Actor.Mention()})
	}
	return s + ": " + truncate(ev.Text, 140)
}

func nextReminder(lang string, inc *incidentbot.Incident, now time.Time) string {
	switch {
	case !inc.Status.Open():
		return i18n.T(lang, "view.status.none", nil)
	case inc.RemindersOff || inc.NextReminderAt == nil:
		return i18n.T(lang, "view.status.reminders_off", nil)
	case !inc.NextReminderAt.After(now):
		return i18n.T(lang, "view.status.due_now", nil)
	default:
		return i18n.T(lang, "view.status.in", map[string]any{"Duration": duration(lang, inc.NextReminderAt.Sub(now))})
	}
}
