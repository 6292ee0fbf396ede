package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"incidentbot"
)

// historyPage is how many incidents one history page lists.
const historyPage = 50

// historyForm is the history's filters as typed, echoed in the form.
type historyForm struct {
	From, To, Severity, Playbook, Platform, Q string
	Page                                      int
}

// query is the form as a query string, lang included, page left out.
func (f historyForm) query(lang string) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"from": f.From, "to": f.To, "severity": f.Severity, "playbook": f.Playbook, "platform": f.Platform, "q": f.Q, "lang": lang} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// platforms are the values the platform filter takes.
var platforms = []string{incidentbot.PlatformSlack, incidentbot.PlatformDiscord, incidentbot.PlatformConsole}

// parseHistory reads the filters from r. Dates are days in loc, the end
// day included. Bad input gives the message to show and no filter.
func parseHistory(r *http.Request, v Viewer, loc *time.Location, d dashText) (incidentbot.HistoryFilter, historyForm, string) {
	q := r.URL.Query()
	form := historyForm{
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Severity: q.Get("severity"),
		Playbook: strings.TrimSpace(q.Get("playbook")), Platform: q.Get("platform"), Q: strings.TrimSpace(q.Get("q")), Page: 1,
	}
	if loc == nil {
		loc = time.UTC
	}
	f := incidentbot.HistoryFilter{Tenant: tenantOf(v), Playbook: form.Playbook, Search: form.Q}
	day := func(s string) (time.Time, string) {
		if s == "" {
			return time.Time{}, ""
		}
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return time.Time{}, d.BadDate(truncate(s, 30))
		}
		return t, ""
	}
	var msg string
	if f.From, msg = day(form.From); msg != "" {
		return f, form, msg
	}
	to, msg := day(form.To)
	if msg != "" {
		return f, form, msg
	}
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
		if !f.From.IsZero() && f.To.Before(f.From) {
			return f, form, d.BadPeriod
		}
	}
	if form.Severity != "" {
		sev, err := incidentbot.ParseSeverity(form.Severity)
		if err != nil {
			return f, form, d.BadSeverity(truncate(form.Severity, 30))
		}
		f.Severity = sev
	}
	if form.Platform != "" {
		found := false
		for _, p := range platforms {
			found = found || p == form.Platform
		}
		if !found {
			return f, form, d.BadPlatform(truncate(form.Platform, 30))
		}
		f.Platform = form.Platform
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			return f, form, d.BadPage
		}
		form.Page = n
	}
	f.Offset, f.Limit = (form.Page-1)*historyPage, historyPage
	return f, form, ""
}

// truncate keeps an echo of bad input short.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// historyView is incidents.html's.
type historyView struct {
	pageView
	Form                     historyForm
	Rows                     []*incidentbot.Incident
	Total, Pages             int
	PrevURL, NextURL, CSVURL string
	Playbooks, Platforms     []string
	Severities               []incidentbot.Severity
	ResultsLabel, PageLabel  string
}

// Incidents serves /incidents: the history, filtered and paged.
func (s *Site) Incidents() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		p := s.newPage(r, v, func(d dashText) string { return d.History }, "/incidents")
		f, form, msg := parseHistory(r, v, s.cfg.Location, p.D)
		view := historyView{pageView: p, Form: form, Platforms: platforms, Severities: incidentbot.Severities}
		for _, pb := range s.books.All() {
			view.Playbooks = append(view.Playbooks, pb.Name)
		}
		if msg != "" {
			view.Error = msg
			s.write(w, r, http.StatusBadRequest, "incidents.html", view)
			return
		}
		rows, total, err := s.src.History(r.Context(), f)
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		view.Rows, view.Total = rows, total
		view.Pages = max(1, (total+historyPage-1)/historyPage)
		q := form.query(p.Lang)
		view.CSVURL = "/history.csv?" + q.Encode()
		if form.Page > 1 {
			q.Set("page", strconv.Itoa(min(form.Page-1, view.Pages)))
			view.PrevURL = "/incidents?" + q.Encode()
		}
		if form.Page < view.Pages {
			q.Set("page", strconv.Itoa(form.Page+1))
			view.NextURL = "/incidents?" + q.Encode()
		}
		view.ResultsLabel = p.D.Results(total)
		view.PageLabel = p.D.PageOf(min(form.Page, view.Pages), view.Pages)
		s.write(w, r, http.StatusOK, "incidents.html", view)
	})
}
