package views

import (
	"fmt"
	"strings"

	"incidentbot"
)

// Roles lists who does what in an incident, with each role's description,
// and how to hand a role over.
func Roles(st *incidentbot.IncidentStatus) incidentbot.Message {
	inc := st.Incident
	who := holders(st.Roles)
	names := roleNames(st.Playbook, st.Roles)
	var b strings.Builder
	if len(names) == 0 {
		b.WriteString("No roles yet.")
	}
	for i, name := range names {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- *%s*", name)
		if st.Playbook != nil {
			if r, ok := st.Playbook.Role(name); ok && r.Description != "" {
				fmt.Fprintf(&b, " (%s)", r.Description)
			}
		}
		h := "unassigned"
		if len(who[name]) > 0 {
			h = strings.Join(who[name], ", ")
		}
		b.WriteString(": " + h)
	}
	return incidentbot.Message{
		Title:    "Roles · " + title(inc),
		Text:     b.String(),
		Severity: inc.Severity,
		Footer:   "Hand a role over: /incident role <role> @person",
	}
}
