package web_test

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/web"
)

// FuzzHistoryFilters: whatever the query, the history and its CSV answer
// 200 or 400 (never a panic or a 500), and the CSV, when served, parses
// with no cell a spreadsheet would run as a formula.
func FuzzHistoryFilters(f *testing.F) {
	for _, q := range []string{
		"", "from=2026-03-01&to=2026-03-31", "severity=sev1&playbook=site-outage&platform=slack&q=checkout",
		"q=%25_%5C", "from=2026-13-01", "to=yesterday", "page=-1", "page=99999999999", "severity=0", "platform=teams",
		"q=" + url.QueryEscape("=HYPERLINK(\"http://evil\")"), "lang=fr&from=2026-03-31&to=2026-03-01",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		p := fuzzDash(t)
		for _, path := range []string{"/incidents?", "/history.csv?"} {
			req := httptest.NewRequest(http.MethodGet, path+query, nil)
			req = req.WithContext(web.WithViewer(req.Context(), web.Viewer{Local: true}))
			w := httptest.NewRecorder()
			if strings.HasPrefix(path, "/incidents") {
				p.site.Incidents().ServeHTTP(w, req)
			} else {
				p.site.HistoryCSV().ServeHTTP(w, req)
			}
			if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
				t.Fatalf("%s%s: got %d\n%s", path, query, w.Code, w.Body.String())
			}
			if w.Code != http.StatusOK || !strings.HasPrefix(path, "/history.csv") {
				continue
			}
			recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
			if err != nil {
				t.Fatalf("the CSV does not parse: %v", err)
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Fatalf("cell %q would run as a formula", cell)
					}
				}
			}
		}
	})
}

// fuzzDash is a dashboard with two incidents, one whose title is a formula.
func fuzzDash(t *testing.T) *page {
	t.Helper()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.declare(incidentbot.Incident{Title: "=1+1 checkout", Severity: incidentbot.SEV1, Type: "site-outage"})
	p.declare(incidentbot.Incident{Title: "-2 search", Severity: incidentbot.SEV3, Type: "generic"})
	return p
}
