package web_test

import (
	"context"
	"encoding/csv"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web"
)

// declaringSource is the store, with an incident declared right after the
// CSV export reads its first page.
type declaringSource struct {
	*store.DB
	pages   atomic.Int32
	declare func()
}

func (s *declaringSource) History(ctx context.Context, f incidentbot.HistoryFilter) ([]*incidentbot.Incident, int, error) {
	rows, total, err := s.DB.History(ctx, f)
	if f.Limit == csvTestPage && s.pages.Add(1) == 1 {
		s.declare()
	}
	return rows, total, err
}

const csvTestPage = 2

// TestHistoryCSVPaging: an incident declared while the export reads its
// pages neither repeats nor skips a row (keyset paging, not offsets), two
// incidents declared at the same second included; each row says when the
// impact started.
func TestHistoryCSVPaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		{
			src := &declaringSource{DB: db}
			p := &page{t: t, db: db}
			site, err := web.New(web.Config{Name: "Example Shop", Location: paris}, src, mustBooks(t), incidentbot.NewManualClock(now), nil)
			if err != nil {
				t.Fatal(err)
			}
			site.SetCSVPage(csvTestPage)
			srv := httptest.NewServer(server.NewServer(dashDeps(site, testGuard)))
			t.Cleanup(srv.Close)
			p.srv = srv

			var want []string
			for i, ago := range []time.Duration{5 * time.Hour, 4 * time.Hour, 3 * time.Hour, 3 * time.Hour, time.Hour} {
				inc := p.declare(incidentbot.Incident{Title: "Incident " + string(rune('A'+i)), Severity: incidentbot.SEV2, DeclaredAt: now.Add(-ago), ImpactStartedAt: at(-ago - 10*time.Minute)})
				want = append([]string{inc.Key}, want...) // newest first; same time: higher id first
			}
			src.declare = func() {
				p.declare(incidentbot.Incident{Title: "Declared during the export", Severity: incidentbot.SEV1})
			}

			_, body := p.get("/history.csv", viewerHeader, "local")
			recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, rec := range recs[1:] {
				got = append(got, rec[0])
			}
			if !slices.Equal(got, want) {
				t.Errorf("exported %v, want %v once each", got, want)
			}
			if n := src.pages.Load(); n != 3 {
				t.Errorf("the export read %d pages, want 3 (2+2+1)", n)
			}
			col := slices.Index(recs[0], "impact_started_at")
			if col < 0 || len(recs) < 2 {
				t.Fatalf("no impact_started_at column: %q", recs[0])
			}
			// The newest: declared an hour ago (09:30 CET), impact 10 minutes earlier.
			if got, want := recs[1][col], now.Add(-70*time.Minute).In(paris).Format(time.RFC3339); got != want {
				t.Errorf("impact_started_at %q, want %q", got, want)
			}
		}
	})
}
