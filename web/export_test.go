package web

import (
	"context"
	"net/http"
	"strings"

	"incidentbot"
)

// SetCSVPage makes the CSV export read n incidents at a time, so a test
// sees its paging without thousands of incidents.
func (s *Site) SetCSVPage(n int) { s.csvPage = n }

// Uncached is the benchmarks' naive baseline: a handler that reads the
// store and renders the page on every request, as one would at first.
func (s *Site) Uncached() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		open, err := s.openIncidents(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		incs, err := s.incidents(r.Context(), open)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		lang := s.lang(r)
		page, err := render("status.html", s.view(lang, texts[lang], incs))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
}

// NaiveHistory is the history page's baseline: every incident loaded on
// each request, then filtered, counted and paged in Go.
func (s *Site) NaiveHistory() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		p := s.newPage(r, v, func(d dashText) string { return d.History }, "/incidents")
		f, form, _ := parseHistory(r, v, s.cfg.Location, p.D)
		all, err := s.src.FindIncidents(r.Context(), incidentbot.IncidentFilter{})
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		var match []*incidentbot.Incident
		for _, inc := range all {
			if v.Sees(inc.Platform, inc.Workspace) && (f.Severity == 0 || inc.Severity == f.Severity) && (f.Playbook == "" || inc.Type == f.Playbook) &&
				(f.Search == "" || strings.Contains(strings.ToLower(inc.Title), strings.ToLower(f.Search))) {
				match = append(match, inc)
			}
		}
		view := historyView{pageView: p, Form: form, Total: len(match), Rows: match[min(f.Offset, len(match)):min(f.Offset+f.Limit, len(match))]}
		s.write(w, r, http.StatusOK, "incidents.html", view)
	})
}

// NaiveDashboard is the dashboard's baseline: the open incidents read on
// each request, each one's commander, last update and pauses one by one.
func (s *Site) NaiveDashboard() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		ctx := r.Context()
		incs, err := s.src.FindIncidents(ctx, incidentbot.IncidentFilter{OpenOnly: true})
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		var open []liveIncident
		for _, inc := range incs {
			if !inc.Status.Open() {
				continue
			}
			l := liveIncident{Inc: inc}
			roles, err := s.src.Roles(ctx, inc.ID)
			if err != nil {
				s.unavailable(w, r, err)
				return
			}
			for _, ra := range roles {
				if ra.Role == incidentbot.RoleCommander {
					l.Commander = ra.User.Name
				}
			}
			tl, err := s.src.Timeline(ctx, inc.ID)
			if err != nil {
				s.unavailable(w, r, err)
				return
			}
			for i := range tl {
				if tl[i].Kind == incidentbot.EventStatusUpdate {
					l.LastUpdate = &tl[i]
				}
			}
			if l.Pauses, err = s.src.Pauses(ctx, inc.ID); err != nil {
				s.unavailable(w, r, err)
				return
			}
			open = append(open, l)
		}
		p := s.newPage(r, v, func(d dashText) string { return d.Dashboard }, "/")
		s.write(w, r, http.StatusOK, "dashboard.html", dashboardView{pageView: p, Open: s.openRows(open, v, p.now)})
	})
}

// Build builds a snapshot, as a change of the store makes Run do.
func (s *Site) Build(ctx context.Context) error {
	mark, err := s.src.ChangeMark(ctx)
	if err != nil {
		return err
	}
	_, err = s.build(ctx, mark)
	return err
}
