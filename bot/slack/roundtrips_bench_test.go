package slack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
)

// BenchmarkSlackAckRoundTrips counts what one acknowledged declare costs
// before its answer: network round trips to Postgres (the signed command's
// replay record, then the declaration's transaction, with the default
// per-person limit counted), through a relay that counts them; and Slack
// API calls (users.info for the person's language, once, then cached).
// The clock moves 13 s a declare, so the person's limit (5 a minute) never
// refuses one: each is a real declaration. The store prepares each
// statement once a connection (prepares/op, near 0 once warm), then sends
// it with its arguments in one round trip: 13 round trips at first, 8
// with statements batched, 7 with the duplicate check in the insert.
func BenchmarkSlackAckRoundTrips(b *testing.B) {
	db, rt := storetest.PostgresRoundTrips(b, "")
	w := newWorld(b, db, -1, fakeslack.WithoutRateLimits())
	h := w.http.Config.Handler
	i := 0
	b.ReportAllocs()
	start, prepares, calls := rt.Count(), rt.Prepares(), w.srv.Calls("users.info")
	for b.Loop() {
		i++
		w.clock.Advance(13 * time.Second)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, w.signedCommand(fmt.Sprintf("declare sev3 Search is slow on page %d", i)))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "in_channel") {
			b.Fatalf("got %d %s, want a declaration in the channel", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(rt.Count()-start)/float64(i), "roundtrips/op")
	b.ReportMetric(float64(rt.Prepares()-prepares)/float64(i), "prepares/op")
	b.ReportMetric(float64(w.srv.Calls("users.info")-calls)/float64(i), "slackcalls/op")
}
