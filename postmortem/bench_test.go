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
	// The baselines build only the timeline table, the part that grows
	// with the incident: one by string concatenation, one by running the
	// template once per row.
	b.Run("naive-concat-table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			naiveTable(d.Timeline, l)
		}
	})
	b.Run("template-per-row-table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := templateTable(d.Timeline, l); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func naiveTable(events []incidentbot.TimelineEvent, l *locale) string {
	s := ""
	var st stamper
	for _, e := range events {
		s += "| " + string(st.stamp(nil, e.At)) + " | " + l.kind(e.Kind) + " | " + cell(l.who(e.Actor)) + " | " + cell(e.Text) + " |\n"
	}
	return s
}

var rowTemplate = template.Must(template.New("rows").Funcs(template.FuncMap{"cell": cell}).Parse(
	`{{range .}}| {{.At}} | {{.Kind}} | {{cell .Who}} | {{cell .Text}} |` + "\n" + `{{end}}`))

func templateTable(events []incidentbot.TimelineEvent, l *locale) (string, error) {
	type row struct{ At, Kind, Who, Text string }
	rows := make([]row, len(events))
	var st stamper
	for i, e := range events {
		rows[i] = row{string(st.stamp(nil, e.At)), l.kind(e.Kind), l.who(e.Actor), e.Text}
	}
	var b strings.Builder
	err := rowTemplate.Execute(&b, rows)
	return b.String(), err
}

// TestBaselinesMatch keeps the benchmark honest: the baselines build the
// same table as Render.
func TestBaselinesMatch(t *testing.T) {
	t.Parallel()
	d := bigIncident()
	l := locales["en"]
	want := timelineRows(d.Timeline, l)
	if got := naiveTable(d.Timeline, l); got != want {
		t.Errorf("naive table differs from timelineRows")
	}
	got, err := templateTable(d.Timeline, l)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("template table differs from timelineRows")
	}
}
