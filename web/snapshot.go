package web

import (
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// history is how far back the status page looks.
const history = 90 * 24 * time.Hour

// level is how bad things are for customers, from one incident or the
// whole page: 0 operational, 1 degraded, 2 partial outage, 3 major outage.
type level int

const (
	operational level = iota
	degraded
	partialOutage
	majorOutage
)

// severityLevels is what customers live through at each severity: SEV1 is
// a major outage, SEV2 a partial one, SEV3 degraded service and SEV4 no
// visible effect.
var severityLevels = map[incidentbot.Severity]level{incidentbot.SEV1: majorOutage, incidentbot.SEV2: partialOutage, incidentbot.SEV3: degraded}

// levelOf maps an open incident to its level. Once mitigated, an incident
// is degraded at most: the fix is in and the team is watching.
func levelOf(inc *incidentbot.Incident) level {
	l := severityLevels[inc.Severity]
	if inc.Status == incidentbot.StatusMitigated && l > degraded {
		l = degraded
	}
	return l
}

// Statuspage's words for each level: the page indicator, the component
// status and an incident's impact.
var (
	indicators = [4]string{"none", "minor", "major", "critical"}
	components = [4]string{"operational", "degraded_performance", "partial_outage", "major_outage"}
	classes    = [4]string{"operational", "degraded", "degraded", "outage"}
)

// snapshot is every public response, built once per change.
type snapshot struct {
	mark     int64
	settled  bool // built a second time at mark
	built    time.Time
	variants map[string]*variant // by language
	open     []liveIncident      // the dashboard's, every workspace's
}

type variant struct {
	page, feed, summary cached
}

// publicIncident is an incident as the public sees it: its level, its
// times and the playbook's customer message, never its title or chat text.
type publicIncident struct {
	ID       string // "inc-42"
	Level    level
	Open     bool
	Status   string // Statuspage's: investigating, monitoring, resolved
	Name     string // the message's first sentence
	Message  string
	Started  time.Time // when customers were first affected
	Declared time.Time // when the team declared it: the incident's creation
	Updated  time.Time
	Resolved time.Time // zero while open
}

func (s *Site) build(ctx context.Context, mark int64) (*snapshot, error) {
	open, err := s.openIncidents(ctx)
	if err != nil {
		return nil, err
	}
	incs, err := s.incidents(ctx, open)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{mark: mark, built: s.clock.Now(), variants: map[string]*variant{}, open: open}
	for lang, t := range texts {
		v, err := buildVariant(s.view(lang, t, incs))
		if err != nil {
			return nil, err
		}
		snap.variants[lang] = v
	}
	return snap, nil
}

// incidents are those the page shows, drills left out: the open ones (the
// dashboard's, read once for both: a storm's thousands were read three
// times a build), then the resolved ones not closed yet, however old, and
// the closed ones declared in the past 90 days, newest first in each.
func (s *Site) incidents(ctx context.Context, live []liveIncident) ([]*incidentbot.Incident, error) {
	resolved, err := s.src.FindIncidents(ctx, incidentbot.IncidentFilter{Statuses: []incidentbot.Status{incidentbot.StatusResolved}})
	if err != nil {
		return nil, err
	}
	closed, err := s.src.FindIncidents(ctx, incidentbot.IncidentFilter{
		Statuses: []incidentbot.Status{incidentbot.StatusClosed}, Since: s.clock.Now().Add(-history)})
	if err != nil {
		return nil, err
	}
	incs := make([]*incidentbot.Incident, 0, len(live)+len(resolved)+len(closed))
	for _, l := range live {
		incs = append(incs, l.Inc)
	}
	incs = append(append(incs, resolved...), closed...)
	// Drills are practice: customers never see them.
	return slices.DeleteFunc(incs, func(inc *incidentbot.Incident) bool { return inc.Drill }), nil
}

// publicMax bounds each list the status page, its feed and its summary
// show: the open incidents, worst first, and the past ones, newest first.
// Customers read the first few; a storm of thousands open must not make
// every rebuild render thousands (the page's level counts them all, and
// says how many more are open).
const publicMax = 25

// view is what the page says in one language.
func (s *Site) view(lang string, t text, incs []*incidentbot.Incident) statusView {
	view := statusView{Lang: lang, T: t, Name: s.name(lang), base: s.cfg.PublicURL, loc: s.location()}
	var updated time.Time
	var open, past []*incidentbot.Incident
	for _, inc := range incs {
		if u := latest(inc); u.After(updated) {
			updated = u
		}
		if publicOpen(inc) {
			open = append(open, inc)
			view.Level = max(view.Level, levelOf(inc))
		} else {
			past = append(past, inc)
		}
	}
	// Worst first, then newest: what customers need to read first.
	slices.SortStableFunc(open, func(a, b *incidentbot.Incident) int { return cmp.Compare(levelOf(b), levelOf(a)) })
	for _, inc := range open[:min(len(open), publicMax)] {
		view.Open = append(view.Open, s.publicOf(inc, lang, t))
	}
	for _, inc := range past[:min(len(past), publicMax)] {
		view.Past = append(view.Past, s.publicOf(inc, lang, t))
	}
	if more := len(open) - len(view.Open); more > 0 {
		view.More = i18n.T(lang, "web.more_open", map[string]any{"Count": more})
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	view.Updated = updated
	return view
}

// buildVariant renders the page, the feed and the JSON of one view.
func buildVariant(view statusView) (*variant, error) {
	page, err := render("status.html", view)
	if err != nil {
		return nil, err
	}
	feed, err := atomFeed(view)
	if err != nil {
		return nil, err
	}
	sum, err := json.Marshal(summaryOf(view))
	if err != nil {
		return nil, err
	}
	return &variant{
		page:    newCached(page, "text/html; charset=utf-8"),
		feed:    newCached(feed, "application/atom+xml; charset=utf-8"),
		summary: newCached(sum, "application/json"),
	}, nil
}

// publicOf renders the incident's customer message from its playbook.
func (s *Site) publicOf(inc *incidentbot.Incident, lang string, t text) publicIncident {
	open := publicOpen(inc)
	p := publicIncident{
		ID:    strings.ToLower(inc.Key),
		Level: levelOf(inc),
		Open:  open,
		// Customers lived the outage from its impact start (an alert's
		// startsAt, impact-start, declare --since), often before anyone
		// declared it.
		Started:  inc.ImpactStart(),
		Declared: inc.DeclaredAt,
		Updated:  latest(inc),
	}
	status := string(inc.Status)
	switch {
	case !open:
		status, p.Status = string(incidentbot.StatusResolved), "resolved"
		p.Resolved = inc.DeclaredAt
		for _, at := range []*time.Time{inc.ResolvedAt, inc.ClosedAt} {
			if at != nil {
				p.Resolved = *at
				break
			}
		}
	case inc.Status == incidentbot.StatusMitigated:
		p.Status = "monitoring"
	default:
		p.Status = "investigating"
	}
	p.Message = s.customerMessage(inc, lang, status)
	if p.Message == "" {
		p.Message = t.Fallback
		if !open {
			p.Message = t.FallbackResolved
		}
	}
	p.Name = incidentbot.PublicName(p.Message)
	return p
}

// customerMessage renders the template the playbook's statuspage action
// names ("customer" when it names none) in lang, or "" when there is none.
// Staff names stay out of public text: Commander is left empty.
func (s *Site) customerMessage(inc *incidentbot.Incident, lang, status string) string {
	pb, err := s.books.Match(inc.Type, "")
	if err != nil {
		if pb, err = s.books.Match("", ""); err != nil {
			return ""
		}
	}
	name := "customer"
	for _, a := range append(pb.OnDeclare[:len(pb.OnDeclare):len(pb.OnDeclare)], pb.OnResolve...) {
		if sp, ok := a.Params.(incidentbot.StatusPageParams); ok && sp.Template != "" {
			name = sp.Template
			break
		}
	}
	tmpl, ok := pb.Template(name, lang)
	if !ok {
		return ""
	}
	body, err := incidentbot.RenderTemplate(name, tmpl, incidentbot.TemplateData{Incident: inc, URL: pb.SiteURL(s.cfg.ShopURL), Status: status})
	if err != nil {
		s.logger.Warn("customer template failed, the status page says it in its own words", "incident", inc.Key, "playbook", pb.Name, "err", err)
		return ""
	}
	return strings.TrimSpace(body)
}

// publicOpen reports whether customers still live inc: resolved is over
// for them, even before the team closes it.
func publicOpen(inc *incidentbot.Incident) bool {
	return inc.Status == incidentbot.StatusInvestigating || inc.Status == incidentbot.StatusMitigated
}

// latest is the incident's last change of state.
func latest(inc *incidentbot.Incident) time.Time {
	t := inc.DeclaredAt
	for _, at := range []*time.Time{inc.AcknowledgedAt, inc.MitigatedAt, inc.ResolvedAt, inc.ClosedAt} {
		if at != nil && at.After(t) {
			t = *at
		}
	}
	return t
}

// statusView is what status.html renders.
type statusView struct {
	Lang    string
	T       text
	Name    string
	Level   level
	Open    []publicIncident
	More    string // how many more are open than Open lists, or ""
	Past    []publicIncident
	Updated time.Time

	base string         // PUBLIC_URL without its trailing slash, or ""
	loc  *time.Location // BOT_TIMEZONE
}

// link is path under PUBLIC_URL: absolute when it is set, else relative.
func (v statusView) link(path string) string { return v.base + path }

// When writes a time for customers in BOT_TIMEZONE, naming the zone:
// "14 March 2026, 10:10 CET".
func (v statusView) When(at time.Time) string { return i18n.When(v.Lang, at, v.loc) }

// timeZone is the page's zone as an IANA name, as Statuspage gives it.
func (v statusView) timeZone() string {
	if v.loc == nil || v.loc == time.UTC {
		return "Etc/UTC"
	}
	return v.loc.String()
}

func (v statusView) StateLabel() string   { return v.T.States[v.Level] }
func (v statusView) StateExplain() string { return v.T.Explain[v.Level] }
func (v statusView) StateClass() string   { return classes[v.Level] }
func (v statusView) ImpactLabel(p publicIncident) string {
	return v.T.Impact[p.Level]
}
func (v statusView) StatusLabel(p publicIncident) string {
	switch p.Status {
	case "monitoring":
		return v.T.Monitoring
	case "resolved":
		return v.T.ResolvedLabel
	}
	return v.T.Investigating
}

// homeView is what home.html renders.
type homeView struct {
	Lang  string
	T     text
	Name  string
	Chats []string
}

// The JSON summary, in the shape of Statuspage's /api/v2/summary.json so
// widgets and monitors written for it read ours.
type (
	summary struct {
		Page                  summaryPage        `json:"page"`
		Components            []summaryComponent `json:"components"`
		Incidents             []summaryIncident  `json:"incidents"`
		ScheduledMaintenances []summaryIncident  `json:"scheduled_maintenances"`
		Status                summaryStatus      `json:"status"`
	}
	summaryPage struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		URL       string    `json:"url"`
		TimeZone  string    `json:"time_zone"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	summaryComponent struct {
		ID                 string    `json:"id"`
		Name               string    `json:"name"`
		Status             string    `json:"status"`
		CreatedAt          time.Time `json:"created_at"`
		UpdatedAt          time.Time `json:"updated_at"`
		Position           int       `json:"position"`
		Description        *string   `json:"description"`
		Showcase           bool      `json:"showcase"`
		StartDate          *string   `json:"start_date"`
		GroupID            *string   `json:"group_id"`
		PageID             string    `json:"page_id"`
		Group              bool      `json:"group"`
		OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	}
	summaryIncident struct {
		ID              string          `json:"id"`
		Name            string          `json:"name"`
		Status          string          `json:"status"`
		CreatedAt       time.Time       `json:"created_at"`
		UpdatedAt       time.Time       `json:"updated_at"`
		MonitoringAt    *time.Time      `json:"monitoring_at"`
		ResolvedAt      *time.Time      `json:"resolved_at"`
		Impact          string          `json:"impact"`
		Shortlink       string          `json:"shortlink"`
		StartedAt       time.Time       `json:"started_at"`
		PageID          string          `json:"page_id"`
		IncidentUpdates []summaryUpdate `json:"incident_updates"`
	}
	summaryUpdate struct {
		ID                   string    `json:"id"`
		Status               string    `json:"status"`
		Body                 string    `json:"body"`
		IncidentID           string    `json:"incident_id"`
		CreatedAt            time.Time `json:"created_at"`
		UpdatedAt            time.Time `json:"updated_at"`
		DisplayAt            time.Time `json:"display_at"`
		AffectedComponents   []string  `json:"affected_components"`
		DeliverNotifications bool      `json:"deliver_notifications"`
	}
	summaryStatus struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	}
)

const pageID = "incidentbot"

// summaryOf lists the open incidents only, worst first as on the page,
// each with one update: its current customer message.
func summaryOf(v statusView) summary {
	out := summary{
		Page: summaryPage{ID: pageID, Name: v.Name, URL: v.link("/status"), TimeZone: v.timeZone(), UpdatedAt: v.Updated.UTC()},
		Components: []summaryComponent{{
			ID: "shop", Name: v.Name, Status: components[v.Level], CreatedAt: time.Unix(0, 0).UTC(), UpdatedAt: v.Updated.UTC(),
			Position: 1, Showcase: true, PageID: pageID,
		}},
		Incidents:             []summaryIncident{},
		ScheduledMaintenances: []summaryIncident{},
		Status:                summaryStatus{Indicator: indicators[v.Level], Description: v.T.SummaryStates[v.Level]},
	}
	for _, p := range v.Open {
		inc := summaryIncident{
			ID: p.ID, Name: p.Name, Status: p.Status, CreatedAt: p.Declared.UTC(), UpdatedAt: p.Updated.UTC(),
			Impact:    map[level]string{operational: "none", degraded: "minor", partialOutage: "major", majorOutage: "critical"}[p.Level],
			Shortlink: v.link("/status#" + p.ID), StartedAt: p.Started.UTC(), PageID: pageID,
			IncidentUpdates: []summaryUpdate{{
				ID: p.ID + "-current", Status: p.Status, Body: p.Message, IncidentID: p.ID,
				CreatedAt: p.Updated.UTC(), UpdatedAt: p.Updated.UTC(), DisplayAt: p.Updated.UTC(),
				AffectedComponents: []string{"shop"}, DeliverNotifications: true,
			}},
		}
		if p.Status == "monitoring" {
			at := p.Updated.UTC()
			inc.MonitoringAt = &at
		}
		out.Incidents = append(out.Incidents, inc)
	}
	return out
}

// The Atom feed (RFC 4287): one entry per incident of the page.
type (
	atomFeedXML struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string      `xml:"xml:lang,attr"`
		Title   string      `xml:"title"`
		ID      string      `xml:"id"`
		Updated string      `xml:"updated"`
		Author  atomPerson  `xml:"author"`
		Links   []atomLink  `xml:"link"`
		Entries []atomEntry `xml:"entry"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	atomEntry struct {
		Title     string   `xml:"title"`
		ID        string   `xml:"id"`
		Published string   `xml:"published"`
		Updated   string   `xml:"updated"`
		Link      atomLink `xml:"link"`
		Content   atomText `xml:"content"`
	}
	atomText struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	}
)

func atomFeed(v statusView) ([]byte, error) {
	f := atomFeedXML{
		Lang:    v.Lang,
		Title:   v.Name + " - " + v.T.StatusTitle,
		ID:      "urn:incidentbot:status",
		Updated: v.Updated.UTC().Format(time.RFC3339),
		Author:  atomPerson{Name: v.Name},
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: v.link("/status?lang=" + v.Lang)},
			{Rel: "self", Type: "application/atom+xml", Href: v.link("/status/feed.atom?lang=" + v.Lang)},
		},
	}
	for _, p := range append(v.Open[:len(v.Open):len(v.Open)], v.Past...) {
		f.Entries = append(f.Entries, atomEntry{
			Title:     v.T.FeedEntry(v.ImpactLabel(p), v.StatusLabel(p), p.Name),
			ID:        "urn:incidentbot:incident:" + p.ID,
			Published: p.Declared.UTC().Format(time.RFC3339),
			Updated:   p.Updated.UTC().Format(time.RFC3339),
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: v.link("/status?lang=" + v.Lang + "#" + p.ID)},
			Content:   atomText{Type: "text", Body: p.Message},
		})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
