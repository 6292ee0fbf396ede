package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Welcome is the first message of a war room: what happened, who does what,
// the checklist and how to drive the incident from here.
func Welcome(st *incidentbot.IncidentStatus, now time.Time, lang string) incidentbot.Message {
	t := func(id string, data map[string]any) string { return i18n.T(lang, id, data) }
	inc := st.Incident
	var b strings.Builder
	if inc.Drill {
		b.WriteString(t("view.welcome.drill", nil) + "\n\n")
	}
	what := inc.Title
	if inc.Summary != "" {
		what = inc.Summary
	}
	b.WriteString(t("view.welcome.what", map[string]any{"What": what}) + "\n")
	data := map[string]any{"Sev": inc.Severity.Label(), "Status": status(lang, inc.Status), "Ago": ago(lang, inc.DeclaredAt, now), "By": inc.DeclaredBy.Mention()}
	if inc.DeclaredBy.ID != "" || inc.DeclaredBy.Name != "" {
		b.WriteString(t("view.welcome.declared_by", data))
	} else {
		b.WriteString(t("view.welcome.declared", data))
	}
	b.WriteString(".\n")
	if inc.Impact != "" {
		b.WriteString(t("view.welcome.impact", map[string]any{"Impact": inc.Impact}) + "\n")
	}

	who := holders(st.Roles)
	names := roleNames(st.Playbook, st.Roles)
	if len(names) > 0 {
		b.WriteString("\n" + t("view.welcome.roles", nil) + "\n")
	}
	for _, name := range names {
		fmt.Fprintf(&b, "- *%s*", name)
		if st.Playbook != nil {
			if r, ok := st.Playbook.Role(name); ok && r.Description.In(lang) != "" {
				fmt.Fprintf(&b, " (%s)", r.Description.In(lang))
			}
		}
		if h := who[name]; len(h) > 0 {
			fmt.Fprintf(&b, ": %s\n", strings.Join(h, ", "))
		} else {
			fmt.Fprintf(&b, ": %s\n", t("view.welcome.unassigned_take", map[string]any{"Role": name}))
		}
	}

	if len(st.Checklist) > 0 {
		b.WriteString("\n" + t("view.welcome.checklist", nil) + "\n")
		for _, it := range st.Checklist {
			box := "[ ]"
			switch it.State {
			case incidentbot.ChecklistDone:
				box = "[x]"
			case incidentbot.ChecklistSkipped:
				box = "[-]"
			}
			fmt.Fprintf(&b, "%d. %s %s\n", it.Position, box, it.Text)
		}
	}

	b.WriteString("\n" + t("view.welcome.commands", nil))
	for _, id := range []string{"view.welcome.cmd_update", "view.welcome.cmd_role", "view.welcome.cmd_check", "view.welcome.cmd_ads", "view.welcome.cmd_resolve", "view.welcome.cmd_help"} {
		b.WriteString("\n- " + t(id, nil))
	}

	return incidentbot.Message{
		Title:    title(lang, inc),
		Text:     b.String(),
		Severity: inc.Severity,
		Buttons:  Buttons(inc, lang),
		Footer:   footer(lang, st),
	}
}
