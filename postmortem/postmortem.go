// Package postmortem drafts the post-mortem of an incident in Markdown: the
// facts the bot recorded (times, timeline, roles, actions, ads), and the
// questions only people can answer (root cause, customer communication,
// action items). The bot posts it when an incident closes and on
// `/incident postmortem`.
package postmortem

import (
	"cmp"
	"embed"
	"encoding/json"
	"slices"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// Data is everything a post-mortem draft is built from.
type Data struct {
	Incident  *incidentbot.Incident
	Playbook  *incidentbot.Playbook // may be nil
	Roles     []incidentbot.RoleAssignment
	Timeline  []incidentbot.TimelineEvent
	Checklist []incidentbot.ChecklistEntry
	Pauses    []incidentbot.CampaignPause
	// RevenuePerMinute is the shop's average revenue per minute; 0 means
	// unknown, and the draft says how to set REVENUE_PER_MINUTE.
	RevenuePerMinute float64
	Currency         string // of RevenuePerMinute, e.g. "EUR"
	// Profile, when set, gives the revenue per minute hour by hour in
	// Location (BOT_TIMEZONE; nil: UTC); RevenuePerMinute covers the hours
	// it does not list.
	Profile  *RevenueProfile
	Location *time.Location
	// Now comes from the caller's Clock: an open incident's duration,
	// outage and ad pauses run until then.
	Now       time.Time
	Language  string // "en" (default) or "fr"
	FollowUps []incidentbot.FollowUp
}

//go:embed templates/*.md.tmpl
var templateFS embed.FS

// templates holds one complete template per language, named after it
// ("en.md.tmpl"); a template that does not parse is a build mistake.
var templates = template.Must(template.New("").
	Option("missingkey=error").
	Funcs(template.FuncMap{"plural": plural}).
	ParseFS(templateFS, "templates/*.md.tmpl"))

// Render returns the Markdown post-mortem draft. It fails with EINVALID
// when there is no incident or the language is neither en nor fr.
func Render(d Data) (string, error) {
	if d.Incident == nil {
		return "", incidentbot.Errorf(incidentbot.EINVALID, "There is no incident to write a post-mortem for. Name one, for example /incident postmortem INC-42.")
	}
	lang := d.Language
	if lang == "" {
		lang = "en"
	}
	l, ok := locales[lang]
	if !ok {
		return "", incidentbot.Errorf(incidentbot.EINVALID, "Unknown post-mortem language %q. Set BOT_LANGUAGE to en or fr.", d.Language)
	}
	lc := *l
	if d.Location != nil {
		lc.loc = d.Location
	}
	v := build(d, &lc)
	var b strings.Builder
	b.Grow(8192 + len(v.TimelineRows) + len(v.ActionRows))
	if err := templates.ExecuteTemplate(&b, lang+".md.tmpl", v); err != nil {
		return "", incidentbot.WrapError(incidentbot.EINTERNAL, err, "The post-mortem draft could not be written. Try /incident postmortem again; if it fails again, report it to the bot's operator.")
	}
	return b.String(), nil
}

// view is what the templates read: every value is formatted and escaped
// already, so the templates only choose words and layout.
type view struct {
	Key, Title          string
	Drill               bool
	Type                string
	PlaybookDescription string
	Status              string
	DeclaredBy          string
	Generated           string

	Summary, Impact string // "" when nobody wrote them yet

	Severity                                                                     string
	ImpactStarted, Detected, Declared, Acknowledged, Mitigated, Resolved, Closed string
	Duration                                                                     string
	Ongoing                                                                      bool
	TimeToDetect, TimeToAcknowledge, TimeToMitigate, TimeToResolve               string
	Revenue                                                                      revenueView
	SpendAvoided                                                                 []string

	// TimelineRows and ActionRows grow with the incident: they are
	// rendered in Go, where 5,000 rows cost a fraction of a template range.
	TimelineRows string // the table body
	Zone         string // where the times are: BOT_TIMEZONE's name
	ActionRows   string // the list items
	Roles        []roleView
	Ads          adsView
	Checklist    checklistView

	StatusUpdates    int
	LastStatusUpdate string

	Analysis analysisView
	// FollowUpRows are the action items people recorded, as table rows.
	FollowUpRows string
}

// revenueView is the revenue-lost estimate: rate × share × whole minutes
// from impact start, so the minutes shown and the amount agree.
type revenueView struct {
	Known  bool
	Amount string // the sum over Hours, or Rate × Outage, times Share
	Rate   string // per minute, without a profile
	Share  string // of sales lost, "100%"
	Outage string // the whole minutes counted
	// Hours, with a profile: each stretch at one rate, "Sat 14:02, 58m × 150.00 EUR".
	Hours []string
	// Until says which time ended the outage: "mitigated", "resolved",
	// "closed" or "now" (still going on).
	Until string
}

type roleView struct {
	Name, Description string
	Holders           []holderView
}

type holderView struct {
	Name, By, At string
}

type checklistView struct {
	Total, Done int
	Pending     []checkItemView // open or skipped
}

type checkItemView struct {
	Position int
	Text     string
	Skipped  bool
	By       string
}

func build(d Data, l *locale) view {
	inc := d.Incident
	now := d.Now.UTC()
	start := inc.DetectedAt
	if start.IsZero() {
		start = inc.DeclaredAt
	}
	impact := inc.ImpactStart()
	v := view{
		Key:           inline(inc.Key),
		Title:         inline(inc.Title),
		Drill:         inc.Drill,
		Type:          inline(inc.Type),
		Status:        l.status(inc.Status),
		DeclaredBy:    inline(l.who(inc.DeclaredBy)),
		Generated:     formatTime(&now, l),
		Summary:       block(inc.Summary),
		Impact:        block(inc.Impact),
		Severity:      inc.Severity.Label(),
		ImpactStarted: formatTime(&impact, l),
		Detected:      formatTime(&start, l),
		Declared:      formatTime(&inc.DeclaredAt, l),
		Acknowledged:  formatTime(inc.AcknowledgedAt, l),
		Mitigated:     formatTime(inc.MitigatedAt, l),
		Resolved:      formatTime(inc.ResolvedAt, l),
		Closed:        formatTime(inc.ClosedAt, l),
		Ongoing:       inc.ResolvedAt == nil,

		TimeToDetect:      since(impact, &start, l),
		TimeToAcknowledge: since(start, inc.AcknowledgedAt, l),
		TimeToMitigate:    since(start, inc.MitigatedAt, l),
		TimeToResolve:     since(start, inc.ResolvedAt, l),
	}
	if d.Playbook != nil {
		if v.Type == "" {
			v.Type = inline(d.Playbook.Name)
		}
		// The template ends the sentence itself.
		v.PlaybookDescription = strings.TrimRight(inline(d.Playbook.Description.In(l.lang)), ".")
	}
	end := now
	if inc.ResolvedAt != nil {
		end = *inc.ResolvedAt
	}
	v.Duration = formatDuration(end.Sub(start), l)
	v.Revenue = revenue(d, l)
	spend := incidentbot.SpendAvoided(d.Pauses, now)
	for _, c := range sortedKeys(spend) {
		v.SpendAvoided = append(v.SpendAvoided, formatMoney(spend[c], c, l))
	}

	events := d.Timeline
	if !slices.IsSortedFunc(events, byTime) {
		events = slices.Clone(events)
		slices.SortStableFunc(events, byTime)
	}
	v.TimelineRows = timelineRows(withImpactStart(events, impact, start, l), l)
	v.Zone = l.loc.String()
	v.ActionRows = actionRows(events, l)
	for _, e := range events {
		if e.Kind == incidentbot.EventStatusUpdate {
			v.StatusUpdates++
			v.LastStatusUpdate = formatTime(&e.At, l)
		}
	}
	v.Roles = roles(d.Playbook, d.Roles, l)
	v.Ads = ads(d.Pauses, l)
	v.Checklist = checklist(d.Checklist, l)
	v.Analysis = analysis(d, events, l)
	v.FollowUpRows = followUpRows(d.FollowUps, l)
	return v
}

// impactStarted is the timeline row of the impact start: not an event
// the store keeps, a time the incident says.
const impactStarted incidentbot.EventKind = "impact_started"

// withImpactStart puts a row for the impact start in the timeline, in its
// place, when customers were affected before the incident was detected
// (declare --since, impact-start, an alert's startsAt): the review reads
// from there, as the lost sales count.
func withImpactStart(events []incidentbot.TimelineEvent, impact, detected time.Time, l *locale) []incidentbot.TimelineEvent {
	if !impact.Before(detected.Truncate(time.Minute)) {
		return events
	}
	i := slices.IndexFunc(events, func(e incidentbot.TimelineEvent) bool { return !e.At.Before(impact) })
	if i < 0 {
		i = len(events)
	}
	row := incidentbot.TimelineEvent{At: impact, Kind: impactStarted, Actor: incidentbot.User{Name: missing}, Text: l.impactStarted}
	return slices.Insert(slices.Clip(events), i, row)
}

// byTime orders events as the store does: by time, then by id.
func byTime(a, b incidentbot.TimelineEvent) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// revenue estimates the sales lost while customers could not buy: from
// the impact start until the incident was mitigated, else resolved, else
// now, at the share of sales the incident or its playbook says.
func revenue(d Data, l *locale) revenueView {
	inc := d.Incident
	end, until := outageEnd(inc, d.Now)
	share := inc.Share(d.Playbook)
	lost := lostSales(inc.ImpactStart(), end, d.RevenuePerMinute, d.Profile, d.Location)
	r := revenueView{
		Outage: formatDuration(time.Duration(lost.minutes)*time.Minute, l),
		Share:  formatShare(share, l),
		Until:  until,
	}
	if d.RevenuePerMinute <= 0 && d.Profile == nil {
		return r
	}
	r.Known = true
	r.Amount = formatMoney(lost.amount*share, d.Currency, l)
	if d.Profile == nil {
		r.Rate = formatMoney(d.RevenuePerMinute, d.Currency, l)
		return r
	}
	for _, s := range lost.segments {
		r.Hours = append(r.Hours, i18n.Weekday(l.lang, s.from.Weekday(), false)+" "+s.from.Format("15:04")+", "+
			formatDuration(time.Duration(s.minutes)*time.Minute, l)+" × "+formatMoney(s.rate, d.Currency, l))
	}
	return r
}

// outageEnd is when customers could buy again: mitigated, else resolved,
// else (still down) now; and which of the three it is.
func outageEnd(inc *incidentbot.Incident, now time.Time) (time.Time, string) {
	switch {
	case inc.MitigatedAt != nil:
		return *inc.MitigatedAt, "mitigated"
	case inc.ResolvedAt != nil:
		return *inc.ResolvedAt, "resolved"
	case inc.ClosedAt != nil:
		// Closed without being marked mitigated or resolved: the outage
		// ends there, not at every later reading.
		return *inc.ClosedAt, "closed"
	}
	return now.UTC(), "now"
}

// Loss is an incident's outage and the sales it lost, as the post-mortem
// counts them, for pages that add many incidents up (the dashboard).
type Loss struct {
	Outage  time.Duration // from impact start until mitigated, resolved or now
	Revenue float64       // 0 when the shop's revenue is not configured
}

// LostSales is Loss for inc, whose playbook is pb (nil: none), at rate
// per minute or by profile in loc, as of now.
func LostSales(inc *incidentbot.Incident, pb *incidentbot.Playbook, rate float64, profile *RevenueProfile, loc *time.Location, now time.Time) Loss {
	end, _ := outageEnd(inc, now)
	lost := lostSales(inc.ImpactStart(), end, rate, profile, loc)
	return Loss{Outage: time.Duration(lost.minutes) * time.Minute, Revenue: lost.amount * inc.Share(pb)}
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stamper writes event times as HH:MM, with the date in front on the first
// one and whenever the day changes, so long incidents stay readable.
type stamper struct {
	loc   *time.Location
	y     int
	m     time.Month
	d     int
	dated bool
}

// stamp appends the time to dst.
func (s *stamper) stamp(dst []byte, t time.Time) []byte {
	t = t.In(s.loc)
	y, m, d := t.Date()
	if s.dated && y == s.y && m == s.m && d == s.d {
		return t.AppendFormat(dst, "15:04")
	}
	s.y, s.m, s.d, s.dated = y, m, d, true
	return t.AppendFormat(dst, "2006-01-02 15:04")
}

// timelineRows renders the timeline table body. It writes into one
// builder instead of running a template per row: at 5,000 events the
// template's reflection dominates the cost.
func timelineRows(events []incidentbot.TimelineEvent, l *locale) string {
	if len(events) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(events) * 96)
	st := stamper{loc: l.loc}
	var buf []byte
	for _, e := range events {
		buf = st.stamp(buf[:0], e.At)
		b.WriteString("| ")
		b.Write(buf)
		b.WriteString(" | ")
		b.WriteString(l.kind(e.Kind))
		b.WriteString(" | ")
		writeEscaped(&b, cellEscaper, l.who(e.Actor))
		b.WriteString(" | ")
		writeEscaped(&b, cellEscaper, e.Text)
		b.WriteString(" |\n")
	}
	return b.String()
}

// actionKinds are the events that report what the bot did and how it
// went. The ads_paused and ads_resumed details are left to "Paid ads".
var actionKinds = map[incidentbot.EventKind]bool{
	incidentbot.EventActionStarted:   true,
	incidentbot.EventActionSucceeded: true,
	incidentbot.EventActionFailed:    true,
	incidentbot.EventActionSkipped:   true,
	incidentbot.EventActionHeld:      true,
	incidentbot.EventProbeResult:     true,
}

// action is one line of "Actions and their results": an action's start
// and the event that says how it ended, either of which may be missing.
type action struct {
	start, end *incidentbot.TimelineEvent
	what       string
}

// actionRows renders one list item per action, not per event: when it
// started, what it does (and who asked, when a person did), how it ended
// and when, so the section summarises what the timeline lists in full.
// An outcome with no recorded start gets a line of its own.
func actionRows(events []incidentbot.TimelineEvent, l *locale) string {
	var list []*action
	byJob := map[int64]*action{}
	for i := range events {
		e := &events[i]
		if !actionKinds[e.Kind] {
			continue
		}
		var ref incidentbot.ActionRef
		if len(e.Data) > 0 && e.Data[0] == '{' {
			_ = json.Unmarshal(e.Data, &ref) // a row without a job stands alone
		}
		if e.Kind == incidentbot.EventActionStarted {
			a := &action{start: e, what: cmp.Or(ref.Action, e.Text)}
			list = append(list, a)
			if ref.Job != 0 {
				byJob[ref.Job] = a
			}
			continue
		}
		if a, ok := byJob[ref.Job]; ok && ref.Job != 0 && a.end == nil {
			a.end = e
			continue
		}
		list = append(list, &action{end: e})
	}
	var b strings.Builder
	st := stamper{loc: l.loc}
	var buf []byte
	for _, a := range list {
		first := a.start
		if first == nil {
			first = a.end
		}
		buf = st.stamp(buf[:0], first.At)
		b.WriteString("- ")
		b.Write(buf)
		b.WriteString(" · ")
		if a.start == nil {
			writeOutcome(&b, l.kind(a.end.Kind), a.end.Kind)
			b.WriteString(" · ")
			writeEscaped(&b, inlineEscaper, l.who(a.end.Actor))
			writeText(&b, l, a.end.Text)
			b.WriteByte('\n')
			continue
		}
		writeEscaped(&b, inlineEscaper, a.what)
		if a.start.Actor != (incidentbot.User{}) {
			b.WriteString(" (")
			writeEscaped(&b, inlineEscaper, l.who(a.start.Actor))
			b.WriteString(")")
		}
		b.WriteString(" · ")
		if a.end == nil {
			b.WriteString(l.noOutcome)
			b.WriteByte('\n')
			continue
		}
		writeOutcome(&b, cmp.Or(l.outcomes[a.end.Kind], l.kind(a.end.Kind)), a.end.Kind)
		if end := a.end.At.In(l.loc); end.Truncate(time.Minute) != a.start.At.In(l.loc).Truncate(time.Minute) {
			b.WriteString(l.at)
			layout := "15:04"
			if y, m, d := end.Date(); y != st.y || m != st.m || d != st.d {
				layout = "2006-01-02 15:04"
			}
			b.WriteString(end.Format(layout))
		}
		writeText(&b, l, a.end.Text, outcomePrefixes(l.lang, a.what)...)
		b.WriteByte('\n')
	}
	return b.String()
}

// outcomePrefixes are the starts of an outcome's text that repeat the
// action: the engine writes "Could not <what>: why" and "<What>: why"
// (bot's engine.failure.text and engine.action.skipped) in the
// incident's language, which is the draft's or, for an incident recorded
// before a change of language, the default.
func outcomePrefixes(lang, what string) []string {
	var out []string
	for _, l := range []string{lang, i18n.Default} {
		out = append(out,
			i18n.T(l, "engine.failure.text", map[string]any{"What": what, "Error": ""}),
			i18n.T(l, "engine.action.skipped", map[string]any{"What": capitalised(what), "Why": ""}))
	}
	return out
}

// capitalised upper-cases the first letter, as the engine writes a
// sentence about an action.
func capitalised(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// writeOutcome writes an outcome word, bold when the action failed.
func writeOutcome(b *strings.Builder, word string, k incidentbot.EventKind) {
	if k == incidentbot.EventActionFailed {
		b.WriteString("**" + word + "**")
		return
	}
	b.WriteString(word)
}

// writeText writes an event's text after a colon, without a prefix that
// would repeat what the line already says.
func writeText(b *strings.Builder, l *locale, text string, repeats ...string) {
	text = strings.TrimSpace(text)
	for _, r := range repeats {
		text = strings.TrimPrefix(text, r)
	}
	if text == "" {
		return
	}
	b.WriteString(l.colon)
	writeEscaped(b, inlineEscaper, text)
}

// roles lists the playbook's roles in its order, with whoever held them
// (nobody is worth saying too), then any role given outside the playbook.
func roles(pb *incidentbot.Playbook, assigned []incidentbot.RoleAssignment, l *locale) []roleView {
	var out []roleView
	index := map[string]int{}
	if pb != nil {
		for _, r := range pb.Roles {
			index[strings.ToLower(r.Name)] = len(out)
			out = append(out, roleView{Name: inline(r.Name), Description: inline(r.Description.In(l.lang))})
		}
	}
	for _, a := range assigned {
		key := strings.ToLower(a.Role)
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, roleView{Name: inline(a.Role)})
		}
		at := a.At
		out[i].Holders = append(out[i].Holders, holderView{
			Name: inline(l.who(a.User)),
			By:   inline(l.who(a.AssignedBy)),
			At:   formatTime(&at, l),
		})
	}
	return out
}

func checklist(entries []incidentbot.ChecklistEntry, l *locale) checklistView {
	c := checklistView{Total: len(entries)}
	for _, e := range entries {
		switch e.State {
		case incidentbot.ChecklistDone:
			c.Done++
		case incidentbot.ChecklistSkipped:
			c.Pending = append(c.Pending, checkItemView{Position: e.Position, Text: inline(e.Text), Skipped: true, By: inline(l.who(e.By))})
		default:
			c.Pending = append(c.Pending, checkItemView{Position: e.Position, Text: inline(e.Text)})
		}
	}
	return c
}
