package postmortem

import (
	"strings"
	"time"

	"incidentbot/i18n"
)

// missing stands for a time or duration that did not happen (yet).
const missing = "—"

// formatTime gives a time to the minute in the draft's time zone, naming
// it ("2025-11-28 19:02 CET"), or "—" when t is nil or zero.
func formatTime(t *time.Time, l *locale) string {
	if t == nil || t.IsZero() {
		return missing
	}
	return t.In(l.loc).Format("2006-01-02 15:04 MST")
}

// since gives the time from start to t in words, or "—" when either is
// missing: the time to acknowledge, mitigate or resolve.
func since(start time.Time, t *time.Time, l *locale) string {
	if start.IsZero() || t == nil || t.IsZero() {
		return missing
	}
	return formatDuration(t.Sub(start), l)
}

// formatDuration writes d the way people read it on a phone: "2h 05m",
// "3d 4h", "45s". A negative duration (clocks that disagree) reads as zero.
func formatDuration(d time.Duration, l *locale) string { return i18n.Duration(l.lang, d) }

// formatMoney writes an amount with two decimals, the locale's separators
// and the currency, when known: "€1,234.50", "1 234,50 €".
func formatMoney(v float64, currency string, l *locale) string {
	return i18n.Money(l.lang, v, currency)
}

// cellEscaper keeps user text inside one Markdown table cell: a pipe would
// open a new column and a newline would end the row; backticks could open a
// code span that swallows the rest of the row. Every escaper also
// backslash-escapes < and [ (CommonMark shows an escaped character as
// itself): user text then opens no raw HTML (<script>, <img onerror>), no
// autolink and no link or image, so no [x](javascript:...), wherever the
// draft is shown.
var cellEscaper = strings.NewReplacer(
	"\r\n", "<br>",
	"\r", "<br>",
	"\n", "<br>",
	"|", `\|`,
	"`", "\\`",
	`\`, `\\`,
	"<", `\<`,
	"[", `\[`,
)

// special lists the characters the escapers change; most text has none,
// and skipping the replacer for it saves an allocation per row.
const special = "\r\n|`\\<["

// cell escapes user text for a Markdown table cell.
func cell(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, special) {
		return s
	}
	return cellEscaper.Replace(s)
}

// writeEscaped writes s, trimmed and escaped by r, without the
// intermediate string cell and inline make.
func writeEscaped(b *strings.Builder, r *strings.Replacer, s string) {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, special) {
		b.WriteString(s)
		return
	}
	r.WriteString(b, s)
}

// inlineEscaper keeps user text on one line of a list item or heading.
var inlineEscaper = strings.NewReplacer(
	"\r\n", " ",
	"\r", " ",
	"\n", " ",
	"|", `\|`,
	"`", "\\`",
	`\`, `\\`,
	"<", `\<`,
	"[", `\[`,
)

// inline escapes user text for one line of a list item or a heading.
func inline(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, special) {
		return s
	}
	return inlineEscaper.Replace(s)
}

// block escapes multi-line user text (the summary, the impact) so it stays
// inside its section: lines are kept, backticks and pipes are escaped, and a
// line starting with "#" cannot open a heading of its own.
func block(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = inlineEscaper.Replace(strings.TrimRight(line, " \t"))
		// CommonMark allows up to three spaces before a heading's "#".
		if n := len(line) - len(strings.TrimLeft(line, " ")); strings.HasPrefix(line[n:], "#") {
			line = line[:n] + `\` + line[n:]
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

// formatShare writes a share of sales (0..1) as a percentage: "100%",
// "12.5%" ("12,5 %" in French).
func formatShare(share float64, l *locale) string { return i18n.Percent(l.lang, share) }
