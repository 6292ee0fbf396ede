package views

import (
	"fmt"
	"strings"
	"time"

	"incidentbot"
)

// Welcome is the first message of a war room: what happened, who does what,
// the checklist and how to drive the incident from here.
func Welcome(st *incidentbot.IncidentStatus, now time.Time) incidentbot.Message {
	inc := st.Incident
	var b strings.Builder
	if inc.Drill {
		b.WriteString("*This is a DRILL.* Every external action (ads, status page, notifications) is a dry run.\n\n")
	}
	what := inc.Title
	if inc.Summary != "" {
		what = inc.Summary
	}
	fmt.Fprintf(&b, "*What happened:* %s\n", what)
	fmt.Fprintf(&b, "%s, %s, declared %s", inc.Severity.Label(), inc.Status, ago(inc.DeclaredAt, now))
	if inc.DeclaredBy.ID != "" || inc.DeclaredBy.Name != "" {
		fmt.Fprintf(&b, " by %s", inc.DeclaredBy.Mention())
	}
	b.WriteString(".\n")
	if inc.Impact != "" {
		fmt.Fprintf(&b, "*Impact:* %s\n", inc.Impact)
	}

	who := holders(st.Roles)
	names := roleNames(st.Playbook, st.Roles)
	if len(names) > 0 {
		b.WriteString("\n*Roles*\n")
	}
	for _, name := range names {
		fmt.Fprintf(&b, "- *%s*", name)
		if st.Playbook != nil {
			if r, ok := st.Playbook.Role(name); ok && r.Description != "" {
				fmt.Fprintf(&b, " (%s)", r.Description)
			}
		}
		if h := who[name]; len(h) > 0 {
			fmt.Fprintf(&b, ": %s\n", strings.Join(h, ", "))
		} else {
			fmt.Fprintf(&b, ": unassigned, take it with `/incident role %s @you`\n", name)
		}
	}

	if len(st.Checklist) > 0 {
		b.WriteString("\n*Checklist*\n")
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

	b.WriteString("\n*Commands* (type them here)\n")
	b.WriteString("- `/incident update <what changed>` status update, resets the reminder\n")
	b.WriteString("- `/incident role <role> @person` give a role\n")
	b.WriteString("- `/incident check <n>` tick a checklist item\n")
	b.WriteString("- `/incident ads pause|resume` control the ad pause\n")
	b.WriteString("- `/incident resolve <summary>` the site is fixed\n")
	b.WriteString("- `/incident help` everything else")

	return incidentbot.Message{
		Title:    title(inc),
		Text:     b.String(),
		Severity: inc.Severity,
		Buttons:  Buttons(inc),
		Footer:   footer(inc),
	}
}
