package web_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web"
)

// BenchmarkDashboard measures, on Postgres with 10,000 incidents (one an
// hour back from now, two workspaces, every twentieth a drill) and 20 open
// ones with a commander, a status update and two campaigns paused each,
// the latency one manager sees for each page, as p50 and p99 of
// sequential requests over a real listener. "naive" pages are the
// baselines: the dashboard reading every open incident's roles, timeline
// and pauses one by one on each request, and the history loading every
// incident and filtering it in Go.
//
//	TEST_DATABASE_URL=... go test ./web -run '^$' -bench Dashboard -benchtime 200x -count 5
func BenchmarkDashboard(b *testing.B) {
	dsn := storetest.PostgresDSN(b)
	db := storetest.Open(b, dsn)
	seedHistory(b, db, dsn)
	site, err := web.New(web.Config{Name: "Example Shop", RevenuePerMinute: 20, Currency: "EUR"}, db, mustBooks(b), incidentbot.NewManualClock(now), nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := site.Refresh(b.Context()); err != nil {
		b.Fatal(err)
	}
	deps := dashDeps(site, testGuard)
	srv := httptest.NewServer(server.NewServer(deps))
	b.Cleanup(srv.Close)
	naive := httptest.NewServer(testGuard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			site.NaiveDashboard().ServeHTTP(w, r)
			return
		}
		site.NaiveHistory().ServeHTTP(w, r)
	})))
	b.Cleanup(naive.Close)
	for _, bc := range []struct {
		name, base, path, viewer string
	}{
		{"dashboard", srv.URL, "/", "slack/T1"},
		{"dashboard/naive", naive.URL, "/", "slack/T1"},
		{"history", srv.URL, "/incidents?page=3", "slack/T1"},
		{"history/filtered", srv.URL, "/incidents?severity=sev2&playbook=checkout-failure&q=incident+9", "slack/T1"},
		{"history/naive", naive.URL, "/incidents?page=3", "slack/T1"},
		{"history/filtered/naive", naive.URL, "/incidents?severity=sev2&playbook=checkout-failure&q=incident+9", "slack/T1"},
		{"incident", srv.URL, "/incidents/INC-10005", "local"},
		{"trends", srv.URL, "/trends?months=3", "slack/T1"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			client := &http.Client{}
			req, _ := http.NewRequest(http.MethodGet, bc.base+bc.path, nil)
			req.Header.Set(viewerHeader, bc.viewer)
			var took []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %s", bc.path, resp.Status)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// seedHistory writes the 10,000 closed incidents in one statement and the
// 20 open ones through the store, as the engine would.
func seedHistory(b *testing.B, db *store.DB, dsn string) {
	b.Helper()
	raw, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	_, err = raw.Exec(`INSERT INTO incidents (title, severity, status, type, drill, platform, workspace,
		detected_at, declared_at, acknowledged_at, mitigated_at, resolved_at, closed_at)
		SELECT 'Incident ' || g, 1 + g % 4, 'closed', (ARRAY['site-outage', 'checkout-failure', 'generic', 'launch-traffic'])[1 + g % 4], g % 20 = 0,
			CASE WHEN g % 3 = 0 THEN 'discord' ELSE 'slack' END, CASE WHEN g % 3 = 0 THEN 'G1' ELSE 'T1' END,
			$1::timestamptz - g * interval '1 hour', $1::timestamptz - g * interval '1 hour', $1::timestamptz - g * interval '1 hour' + interval '4 minutes',
			$1::timestamptz - g * interval '1 hour' + interval '25 minutes', $1::timestamptz - g * interval '1 hour' + interval '40 minutes', $1::timestamptz - g * interval '1 hour' + interval '50 minutes'
		FROM generate_series(1, 10000) g`, now.Add(-24*time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	alice := incidentbot.User{ID: "U1", Name: "Alice Martin"}
	for i := range 20 {
		inc := &incidentbot.Incident{Title: "Open incident", Severity: incidentbot.Severity(1 + i%4), Type: "site-outage", Status: incidentbot.StatusInvestigating,
			Platform: "slack", Workspace: "T1", DeclaredAt: now.Add(-time.Duration(i) * time.Minute)}
		ch := incidentbot.Change{
			Roles:  []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, At: inc.DeclaredAt}},
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared, At: inc.DeclaredAt}, {Kind: incidentbot.EventStatusUpdate, At: inc.DeclaredAt.Add(time.Minute), Text: "Rolled back"}},
		}
		if err := db.CreateIncident(ctx, inc, ch); err != nil {
			b.Fatal(err)
		}
		paused := inc.DeclaredAt.Add(time.Minute)
		for _, id := range []string{"c1", "c2"} {
			if err := db.SavePauses(ctx, incidentbot.CampaignPause{IncidentID: inc.ID, State: incidentbot.PausePaused, PausedAt: &paused,
				Campaign: incidentbot.Campaign{Platform: "meta", Account: "act_1", ID: id + inc.Key, DailyBudget: 48, Currency: "EUR"}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	// A table of 10,000 rows has been vacuumed by autovacuum long since:
	// counting a workspace's incidents is then an index-only scan.
	if _, err := raw.Exec(`VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
}
