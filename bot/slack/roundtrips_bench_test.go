package slack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
)

// BenchmarkSlackAckRoundTrips counts the network round trips to Postgres
// of one acknowledged declare (signed slash command: replay record, then
// the declaration's transaction), through a relay that counts them. The
// store's default DSN sends each statement with its arguments in one
// round trip (binary_parameters); the baseline is lib/pq's default, which
// prepares each statement, then executes it.
func BenchmarkSlackAckRoundTrips(b *testing.B) {
	for _, tc := range []struct{ name, params string }{
		{"store default (binary_parameters=yes)", ""},
		{"baseline lib/pq prepare+execute", "binary_parameters=no"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db, rt := storetest.PostgresRoundTrips(b, tc.params)
			w := newWorld(b, db, -1, fakeslack.WithoutRateLimits())
			h := w.http.Config.Handler
			i := 0
			b.ReportAllocs()
			start := rt.Count()
			for b.Loop() {
				i++
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, w.signedCommand(fmt.Sprintf("declare sev3 Search is slow on page %d", i)))
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "declared") {
					b.Fatalf("got %d %s, want a declaration", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(rt.Count()-start)/float64(i), "roundtrips/op")
		})
	}
}
