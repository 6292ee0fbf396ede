package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
)

// Incidents lists incidents one line each, most severe colour first.
func Incidents(list []*incidentbot.Incident, now time.Time) incidentbot.Message {
	if len(list) == 0 {
		return incidentbot.Message{Title: "Open incidents", Text: "No open incidents."}
	}
	var b strings.Builder
	sev := incidentbot.SevUnknown
	for i, inc := range list {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- *%s* %s · %s · %s · %s", inc.Key, inc.Severity.Label(), inc.Status, Duration(since(inc, now)), truncate(inc.Title, 80))
		if inc.Drill {
			b.WriteString(" (DRILL)")
		}
		if inc.Severity.Valid() && (sev == incidentbot.SevUnknown || inc.Severity < sev) {
			sev = inc.Severity
		}
	}
	return incidentbot.Message{
		Title:    fmt.Sprintf("Open incidents (%d)", len(list)),
		Text:     b.String(),
		Severity: sev,
		Footer:   "Details: /incident status INC-<n>",
	}
}
