package postmortem

import (
	"fmt"
	"strings"
	"testing"
	"text/template"
	"time"

	"incidentbot"
)

// bigIncident is the site outage with 5,000 timeline events over two days,
// some with text that needs escaping.
func bigIncident() Data {
	d := siteOutage()
	kinds := []incidentbot.EventKind{incidentbot.EventNote, incidentbot.EventStatusUpdate, incidentbot.EventActionSucceeded, incidentbot.EventProbeResult, incidentbot.EventReminder}
	events := make([]incidentbot.TimelineEvent, 5000)
	for i := range events {
		events[i] = incidentbot.TimelineEvent{
			At:    t0.Add(time.Duration(i) * 30 * time.Second),
			Kind:  kinds[i%len(kinds)],
			Actor: []incidentbot.User{alice, bruno, chloe, bot}[i%4],
			Text:  fmt.Sprintf("Event %d: checkout p99 at %d ms | error rate %d%%\nsee `dashboard`", i, 800+i%300, i%40),
		}
	}
	d.Timeline = events
	return d
}

// BenchmarkRender5000 renders the whole draft of 5,000 events beside the
// honest baseline for its growing part, the timeline table: one
// text/template ranging over the rows, as a reasonable developer would
// write it (not quadratic string concatenation). The baseline is checked
// to build the same table before it is timed: baselines live here only,
// not in unit tests.
func BenchmarkRender5000(b *testing.B) {
	d := bigIncident()
	l := locales["en"]
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Render(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			timelineRows(d.Timeline, l)
		}
	})
	b.Run("table/baseline=template-over-rows", func(b *testing.B) {
		if got, err := templateTable(d.Timeline, l); err != nil || got != timelineRows(d.Timeline, l) {
			b.Fatalf("the baseline builds another table (err %v)", err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := templateTable(d.Timeline, l); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var rowTemplate = template.Must(template.New("rows").Funcs(template.FuncMap{"cell": cell}).Parse(
	`{{range .}}| {{.At}} | {{.Kind}} | {{cell .Who}} | {{cell .Text}} |` + "\n" + `{{end}}`))

// templateTable is the baseline: the rows as values, one template over them.
func templateTable(events []incidentbot.TimelineEvent, l *locale) (string, error) {
	type row struct{ At, Kind, Who, Text string }
	rows := make([]row, len(events))
	st := stamper{loc: time.UTC}
	for i, e := range events {
		rows[i] = row{string(st.stamp(nil, e.At)), l.kind(e.Kind), l.who(e.Actor), e.Text}
	}
	var b strings.Builder
	err := rowTemplate.Execute(&b, rows)
	return b.String(), err
}
