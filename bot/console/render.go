package console

import (
	"strings"

	"incidentbot"
)

// Render returns m as a plain-text block for a terminal:
//
//	┌ [SEV1] INC-42 Checkout returns 504
//	│ text lines
//	│ Field: value   Field: value
//	│ [Acknowledge] [Resolve]
//	│ — footer
//	└
func Render(m incidentbot.Message) string {
	return renderBlock(nil, m)
}

// renderBlock renders m with extra header parts (channel, "(only you)",
// "(edited)") before the title.
func renderBlock(header []string, m incidentbot.Message) string {
	var b strings.Builder
	if title := messageTitle(m); title != "" {
		header = append(header, title)
	}
	b.WriteString("┌")
	if len(header) > 0 {
		b.WriteString(" ")
		b.WriteString(strings.Join(header, " · "))
	}
	b.WriteString("\n")
	if m.Text != "" {
		for _, line := range strings.Split(strings.TrimRight(m.Text, "\n"), "\n") {
			writeLine(&b, line)
		}
	}
	writeFields(&b, m.Fields)
	if len(m.Buttons) > 0 {
		labels := make([]string, len(m.Buttons))
		for i, btn := range m.Buttons {
			labels[i] = "[" + btn.Label + "]"
		}
		writeLine(&b, strings.Join(labels, " "))
	}
	if m.Footer != "" {
		writeLine(&b, "— "+m.Footer)
	}
	b.WriteString("└\n")
	return b.String()
}

func messageTitle(m incidentbot.Message) string {
	switch {
	case m.Severity.Valid() && m.Title != "":
		return "[" + m.Severity.Label() + "] " + m.Title
	case m.Severity.Valid():
		return "[" + m.Severity.Label() + "]"
	}
	return m.Title
}

// writeFields puts consecutive short fields side by side, two per line as
// Slack does; long fields get their own line, continuation lines indented.
func writeFields(b *strings.Builder, fields []incidentbot.Field) {
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f.Short && !strings.Contains(f.Value, "\n") && i+1 < len(fields) &&
			fields[i+1].Short && !strings.Contains(fields[i+1].Value, "\n") {
			writeLine(b, fieldText(f)+"   "+fieldText(fields[i+1]))
			i++
			continue
		}
		lines := strings.Split(strings.TrimRight(f.Value, "\n"), "\n")
		writeLine(b, f.Label+": "+lines[0])
		for _, l := range lines[1:] {
			writeLine(b, "  "+l)
		}
	}
}

func fieldText(f incidentbot.Field) string { return f.Label + ": " + f.Value }

func writeLine(b *strings.Builder, line string) {
	line = strings.TrimRight(line, " \t")
	b.WriteString("│")
	if line != "" {
		b.WriteString(" ")
		b.WriteString(line)
	}
	b.WriteString("\n")
}
