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
		writeLine(&b, strings.TrimRight(m.Text, "\n"))
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

// messageTitle is the title on one line, after its severity.
func messageTitle(m incidentbot.Message) string {
	title := strings.Join(strings.Fields(m.Title), " ")
	switch {
	case m.Severity.Valid() && title != "":
		return "[" + m.Severity.Label() + "] " + title
	case m.Severity.Valid():
		return "[" + m.Severity.Label() + "]"
	}
	return title
}

// writeFields puts consecutive short fields side by side, two per line as
// Slack does; long fields get their own line, continuation lines indented.
func writeFields(b *strings.Builder, fields []incidentbot.Field) {
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if oneLine(f) && i+1 < len(fields) && oneLine(fields[i+1]) {
			writeLine(b, fieldText(f)+"   "+fieldText(fields[i+1]))
			i++
			continue
		}
		label := strings.Join(strings.Fields(f.Label), " ")
		writeLine(b, label+": "+strings.ReplaceAll(strings.TrimRight(f.Value, "\n"), "\n", "\n  "))
	}
}

func oneLine(f incidentbot.Field) bool {
	return f.Short && !strings.Contains(f.Label, "\n") && !strings.Contains(f.Value, "\n")
}

func fieldText(f incidentbot.Field) string { return f.Label + ": " + f.Value }

// writeLine writes s inside the frame, one "│" line per line of s.
func writeLine(b *strings.Builder, s string) {
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t\r")
		b.WriteString("│")
		if line != "" {
			b.WriteString(" ")
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
}
