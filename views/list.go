package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Incidents lists one page of incidents one line each, most severe colour
// first, and says how to see the rest.
func Incidents(p *incidentbot.IncidentPage, all bool, now time.Time, lang string) incidentbot.Message {
	t := func(id string, data map[string]any) string { return i18n.T(lang, id, data) }
	title, none := t("view.list.open_title", nil), t("view.list.open_none", nil)
	if all {
		title, none = t("view.list.all_title", nil), t("view.list.all_none", nil)
	}
	if p.Total > 0 {
		title = t("view.list.total", map[string]any{"Title": title, "Total": p.Total})
	}
	if p.Pages() > 1 && len(p.Incidents) > 0 {
		title = t("view.list.page", map[string]any{"Title": title, "Page": p.Page, "Pages": p.Pages()})
	}
	var footer []string
	if more := p.More(); more > 0 {
		cmd := "/incident list"
		if all {
			cmd += " --all"
		}
		footer = append(footer, t("view.list.more", map[string]any{"More": more, "Command": cmd, "Next": p.Page + 1}))
	}
	if !all {
		footer = append(footer, t("view.list.all_too", nil))
	}
	switch {
	case p.Total == 0:
		return incidentbot.Message{Title: title, Text: none}
	case len(p.Incidents) == 0:
		return incidentbot.Message{Title: title, Text: t("view.list.empty_page", map[string]any{"Page": p.Page, "Pages": p.Pages()}),
			Footer: strings.Join(footer, " · ")}
	}
	var b strings.Builder
	sev := incidentbot.SevUnknown
	for i, inc := range p.Incidents {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- *%s* %s · %s · %s · %s", inc.Key, inc.Severity.Label(), status(lang, inc.Status), duration(lang, since(inc, now)), truncate(inc.Title, 80))
		if inc.Drill {
			b.WriteString(t("view.list.drill", nil))
		}
		if inc.Status.Open() && inc.Severity.Valid() && (sev == incidentbot.SevUnknown || inc.Severity < sev) {
			sev = inc.Severity
		}
	}
	return incidentbot.Message{
		Title:    title,
		Text:     b.String(),
		Severity: sev,
		Footer:   strings.Join(append(footer, t("view.list.details", nil)), " · "),
	}
}
