package postmortem

import (
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// analysisView feeds the review sections (Detection, Trigger, Root cause,
// Metadata) with what the timeline already knows, so the prompts start
// from facts.
type analysisView struct {
	// FirstAlert is the first alert that fired ("" if none): when and what.
	FirstAlertAt, FirstAlert string
	// FirstNote is the first note or status update, often the first clue.
	FirstNoteAt, FirstNote string
	Authors                []string // the declarer, then the commanders
	ReviewDate             string   // two working days after close (or now), in Location
	// Alert is the alert's dedupe key, linked to the alert at its sender
	// when it gave an address; "" when declared by hand with no alert.
	Alert string
	// WarRoom is "slack channel C123", linked to the channel on Slack
	// and Discord; "" before it exists.
	WarRoom string
	// StatusPage and Dashboard are links, "" when unknown: the public
	// status page incident, the dashboard the alert came from.
	StatusPage, Dashboard string
}

// analysis gathers the facts the review sections quote; events are the
// timeline in order.
func analysis(d Data, events []incidentbot.TimelineEvent, l *locale) analysisView {
	inc := d.Incident
	var a analysisView
	for _, e := range events {
		switch {
		case e.Kind == incidentbot.EventAlertFired && a.FirstAlert == "":
			a.FirstAlertAt, a.FirstAlert = formatTime(&e.At, l), inline(e.Text)
		case (e.Kind == incidentbot.EventNote || e.Kind == incidentbot.EventStatusUpdate) && a.FirstNote == "":
			a.FirstNoteAt, a.FirstNote = formatTime(&e.At, l), inline(e.Text)
		}
	}
	seen := map[string]bool{}
	add := func(u incidentbot.User) {
		name := inline(l.who(u))
		if u == (incidentbot.User{}) || seen[name] {
			return
		}
		seen[name] = true
		a.Authors = append(a.Authors, name)
	}
	add(inc.DeclaredBy)
	for _, r := range d.Roles {
		if strings.EqualFold(r.Role, incidentbot.RoleCommander) {
			add(r.User)
		}
	}
	end := d.Now
	if inc.ClosedAt != nil {
		end = *inc.ClosedAt
	}
	review := ReviewDate(end, d.Location)
	a.ReviewDate = review.Format("2006-01-02") + " (" + i18n.Weekday(l.lang, review.Weekday(), true) + ")"
	links := findLinks(events)
	a.Alert = alertCell(inc, links.alert.Alert)
	if inc.WarRoom != "" {
		a.WarRoom = markdownLink(inc.Platform+" "+l.channel+" "+inc.WarRoom, warRoomLink(inc))
	}
	a.StatusPage = markdownLink(links.statusPage, links.statusPage)
	a.Dashboard = markdownLink("", links.alert.Dashboard)
	return a
}

// ReviewDate is the default post-mortem review day: two working days
// (Monday to Friday) after t, in loc (nil: UTC), at midnight there.
func ReviewDate(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	for n := 0; n < 2; {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return day
}

// followUpRows renders the recorded follow-ups as rows of the action
// items table; a done one says so.
func followUpRows(list []incidentbot.FollowUp, l *locale) string {
	var b strings.Builder
	for _, f := range list {
		b.WriteString("| ")
		b.WriteString(cell(f.Text))
		if f.DoneAt != nil {
			b.WriteString(l.done)
		}
		b.WriteString(" | ")
		b.WriteString(cmpOr(l.types[f.Type], cell(string(f.Type))))
		b.WriteString(" | P")
		b.WriteString(strconv.Itoa(f.Priority))
		for _, v := range []string{f.Owner, f.Due, f.Ticket} {
			b.WriteString(" | ")
			b.WriteString(cmpOr(cell(v), "…"))
		}
		b.WriteString(" |\n")
	}
	return b.String()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
