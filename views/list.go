package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
)

// Incidents lists one page of incidents one line each, most severe colour
// first, and says how to see the rest.
func Incidents(p *incidentbot.IncidentPage, all bool, now time.Time) incidentbot.Message {
	title, none := "Open incidents", "No open incidents."
	if all {
		title, none = "Incidents", "No incidents yet."
	}
	if p.Total > 0 {
		title += fmt.Sprintf(" (%d)", p.Total)
	}
	if p.Pages() > 1 && len(p.Incidents) > 0 {
		title += fmt.Sprintf(" · page %d of %d", p.Page, p.Pages())
	}
	var footer []string
	if more := p.More(); more > 0 {
		cmd := "/incident list"
		if all {
			cmd += " --all"
		}
		footer = append(footer, fmt.Sprintf("%d more: %s page %d", more, cmd, p.Page+1))
	}
	if !all {
		footer = append(footer, "Resolved and closed too: /incident list --all")
	}
	switch {
	case p.Total == 0:
		return incidentbot.Message{Title: title, Text: none}
	case len(p.Incidents) == 0:
		return incidentbot.Message{Title: title, Text: fmt.Sprintf("Page %d is empty: the last is page %d.", p.Page, p.Pages()),
			Footer: strings.Join(footer, " · ")}
	}
	var b strings.Builder
	sev := incidentbot.SevUnknown
	for i, inc := range p.Incidents {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- *%s* %s · %s · %s · %s", inc.Key, inc.Severity.Label(), inc.Status, Duration(since(inc, now)), truncate(inc.Title, 80))
		if inc.Drill {
			b.WriteString(" (DRILL)")
		}
		if inc.Status.Open() && inc.Severity.Valid() && (sev == incidentbot.SevUnknown || inc.Severity < sev) {
			sev = inc.Severity
		}
	}
	return incidentbot.Message{
		Title:    title,
		Text:     b.String(),
		Severity: sev,
		Footer:   strings.Join(append(footer, "Details: /incident status INC-<n>"), " · "),
	}
}
