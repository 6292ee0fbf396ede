package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/server"
	"incidentbot/web"
)

// BenchmarkStatusPage measures /status over a real listener with parallel
// keep-alive clients during an outage (one SEV1 open, 30 past incidents
// in the 90 days, one every three days, SQLite), reporting requests per second and the p99
// latency a client sees. "snapshot" is the served page and "summary" the
// JSON the site banner polls; "naive" reads the store and renders the page
// on every request, the baseline.
//
//	go test ./web -run '^$' -bench StatusPage -benchtime 5s -count 5
func BenchmarkStatusPage(b *testing.B) {
	db := storetest.SQLite(b)
	books := mustBooks(b)
	clock := incidentbot.NewManualClock(now)
	ctx := context.Background()
	for i := range 30 {
		inc := &incidentbot.Incident{Title: secretTitle, Severity: incidentbot.Severity(1 + i%4), Type: "site-outage",
			Status: incidentbot.StatusClosed, Platform: "slack", Workspace: "T1", DeclaredAt: now.Add(-time.Duration(i) * 72 * time.Hour)}
		if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
			b.Fatal(err)
		}
	}
	open := &incidentbot.Incident{Title: secretTitle, Severity: incidentbot.SEV1, Type: "site-outage", Status: incidentbot.StatusInvestigating, Platform: "slack", Workspace: "T1", DeclaredAt: now}
	if err := db.CreateIncident(ctx, open, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}}}); err != nil {
		b.Fatal(err)
	}
	site, err := web.New(web.Config{Name: "Example Shop"}, db, books, clock, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := site.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, path string
		h          http.Handler
	}{
		{"snapshot", "/status", site.Status()},
		{"summary", "/status/summary.json", site.Summary()},
		{"naive", "/status", site.Uncached()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(server.NewServer(server.Deps{Status: bc.h, StatusSummary: bc.h}))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			defer client.CloseIdleConnections()
			var mu sync.Mutex
			var all []time.Duration
			b.ReportAllocs()
			b.SetParallelism(8) // 8 clients per core
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					t0 := time.Now()
					resp, err := client.Get(srv.URL + bc.path)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("got %s", resp.Status)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			if len(all) == 0 {
				return
			}
			slices.Sort(all)
			b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkStatusHandler is the server's own work per request, without
// the network or the clients: what one core spends on one page.
func BenchmarkStatusHandler(b *testing.B) {
	db := storetest.SQLite(b)
	site, err := web.New(web.Config{Name: "Example Shop"}, db, mustBooks(b), incidentbot.NewManualClock(now), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range 31 {
		inc := &incidentbot.Incident{Title: secretTitle, Severity: incidentbot.Severity(1 + i%4), Type: "site-outage",
			Status: incidentbot.StatusClosed, Platform: "slack", Workspace: "T1", DeclaredAt: now.Add(-time.Duration(i) * 72 * time.Hour)}
		if i == 30 {
			inc.Status, inc.DeclaredAt = incidentbot.StatusInvestigating, now
		}
		if err := db.CreateIncident(ctx, inc, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}}}); err != nil {
			b.Fatal(err)
		}
	}
	if err := site.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/status", nil)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"snapshot", site.Status()}, {"naive", site.Uncached()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bc.h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("got %d", w.Code)
				}
			}
		})
	}
}
