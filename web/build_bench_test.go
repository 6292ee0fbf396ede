package web_test

import (
	"context"
	"fmt"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/web"
)

// BenchmarkBuild measures one snapshot build (status page, feed, summary
// and the dashboard's open list, both languages) beside n open incidents:
// what a declaration storm makes serve do each time the pages refresh
// (Run waits ten builds' time between them).
//
//	go test ./web -run '^$' -bench Build -count 5
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			db := storetest.SQLite(b)
			ctx := context.Background()
			for i := range n {
				inc := &incidentbot.Incident{Title: fmt.Sprintf("Load %d", i), Severity: incidentbot.SEV3, Type: "generic",
					Status: incidentbot.StatusInvestigating, Platform: "slack", Workspace: "T1", DeclaredAt: now}
				if err := db.CreateIncident(ctx, inc, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}}}); err != nil {
					b.Fatal(err)
				}
			}
			site, err := web.New(web.Config{Name: "Example Shop"}, db, mustBooks(b), incidentbot.NewManualClock(now), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := site.Build(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
