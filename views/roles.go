package views

import (
	"fmt"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Roles lists who does what in an incident, with each role's description,
// and how to hand a role over.
func Roles(st *incidentbot.IncidentStatus, lang string) incidentbot.Message {
	inc := st.Incident
	who := holders(st.Roles)
	names := roleNames(st.Playbook, st.Roles)
	var b strings.Builder
	if len(names) == 0 {
		b.WriteString(i18n.T(lang, "view.roles.none", nil))
	}
	for i, name := range names {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- *%s*", name)
		if st.Playbook != nil {
			if r, ok := st.Playbook.Role(name); ok && r.Description.In(lang) != "" {
				fmt.Fprintf(&b, " (%s)", r.Description.In(lang))
			}
		}
		h := i18n.T(lang, "view.status.unassigned", nil)
		if len(who[name]) > 0 {
			h = strings.Join(who[name], ", ")
		}
		b.WriteString(": " + h)
	}
	return incidentbot.Message{
		Title:    i18n.T(lang, "view.roles.title", map[string]any{"Title": title(lang, inc)}),
		Text:     b.String(),
		Severity: inc.Severity,
		Footer:   i18n.T(lang, "view.roles.footer", nil),
	}
}
