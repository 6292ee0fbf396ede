package alerts

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
)

const (
	stormNotifications = 10_000
	stormConcurrency   = 16
)

// BenchmarkAlertStorm sends 10,000 Alertmanager notifications of one alert
// group (three alerts each, as storm_group.json) through the handler from
// 16 goroutines, on the real engine and a Postgres store. Each iteration
// is a storm of its own alert group; it must yield exactly one incident.
// Reported: the webhook latency p50 and p99 over every notification.
func BenchmarkAlertStorm(b *testing.B) {
	w := newWorld(b, storetest.Postgres(b), Config{})
	h := w.recv.Alertmanager()
	base := fixture(b, "alertmanager/storm_group.json")
	var latencies []time.Duration
	storm := 0
	b.ReportAllocs()
	for b.Loop() {
		storm++
		name := fmt.Sprintf("StormLatency%d", storm)
		body := edit(b, base, func(p map[string]any) {
			for _, a := range p["alerts"].([]any) {
				a.(map[string]any)["labels"].(map[string]any)["alertname"] = name
				delete(a.(map[string]any), "fingerprint")
			}
		})
		lat := make([]time.Duration, stormNotifications)
		next := make(chan int)
		var wg sync.WaitGroup
		var failed sync.Once
		for range stormConcurrency {
			wg.Go(func() {
				for i := range next {
					req := httptest.NewRequest(http.MethodPost, "/webhooks/alertmanager", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+testToken)
					rec := httptest.NewRecorder()
					start := time.Now()
					h.ServeHTTP(rec, req)
					lat[i] = time.Since(start)
					if rec.Code != http.StatusOK {
						failed.Do(func() { b.Errorf("notification %d: got status %d (%s), want 200", i, rec.Code, rec.Body) })
					}
				}
			})
		}
		for i := range stormNotifications {
			next <- i
		}
		close(next)
		wg.Wait()
		latencies = append(latencies, lat...)

		found, err := w.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{DedupeKey: fmt.Sprintf(`alert:alertname=%q,env="prod",job="checkout",service="checkout"`, name)})
		if err != nil {
			b.Fatal(err)
		}
		if len(found) != 1 {
			b.Fatalf("storm %d: got %d incidents, want exactly 1", storm, len(found))
		}
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(stormNotifications), "notifications/op")
}

// perClaim is the naive baseline of BenchmarkAlertStormNotification: every
// delivery claimed in a round trip of its own.
type perClaim struct{ incidentbot.DeliveryStore }

func (p perClaim) ClaimDeliveries(ctx context.Context, source string, ids []string, at time.Time) ([]bool, error) {
	return incidentbot.ClaimEach(ctx, p.ClaimDelivery, source, ids, at)
}

// BenchmarkAlertStormNotification posts one Alertmanager notification of
// 4,000 distinct critical alerts (new ones each iteration, a minute apart)
// to the real engine on Postgres: 10 incidents, the rest gathered in the
// storm incident. Reported: milliseconds per notification.
func BenchmarkAlertStormNotification(b *testing.B) {
	for _, bc := range []struct {
		name string
		wrap func(incidentbot.DeliveryStore) incidentbot.DeliveryStore
	}{
		{"batched", func(d incidentbot.DeliveryStore) incidentbot.DeliveryStore { return d }},
		{"per-claim", func(d incidentbot.DeliveryStore) incidentbot.DeliveryStore { return perClaim{d} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := newWorld(b, storetest.Postgres(b), Config{MaxBody: 4 << 20})
			w.recv.deliveries = bc.wrap(w.db)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n++
				w.clock.Advance(time.Minute)
				r := post(b, w.recv.Alertmanager(), stormBody(b, fmt.Sprintf("Bench%d-", n), 4000), testToken, nil)
				if r.status != http.StatusOK {
					b.Fatalf("got %d %s", r.status, r.raw)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(n), "ms/notification")
		})
	}
}
