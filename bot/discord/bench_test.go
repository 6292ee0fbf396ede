package discord_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
)

// BenchmarkDiscordInteraction measures how long the bot takes to answer a
// signed interaction through the HTTP endpoint, with concurrent requests
// on a Postgres store: the answer must reach Discord within 3 seconds and
// the target is p99 < 50 ms. It reports p50 and p99 beside ns/op.
func BenchmarkDiscordInteraction(b *testing.B) {
	for _, tc := range []struct {
		name string
		line func(key string) map[string]any
	}{
		{"status", func(key string) map[string]any { return slash("status", opt("incident", key)) }},
		{"note", func(key string) map[string]any {
			return slash("note", opt("text", "checked the load balancer"), opt("incident", key))
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := newWorld(b, storetest.Postgres(b))
			inc, err := w.engine.Declare(context.Background(), incidentbot.Actor{
				Platform: incidentbot.PlatformDiscord, Workspace: "g", User: incidentbot.User{ID: alice, Name: "Alice"}, ChannelID: general,
			}, incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1})
			if err != nil {
				b.Fatal(err)
			}
			var mu sync.Mutex
			var lat []time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					mu.Lock()
					id, body := w.interaction(2, alice, general, tc.line(inc.Key))
					mu.Unlock()
					start := time.Now()
					status, _ := w.deliver(id, body, w.clock.Now(), priv)
					d := time.Since(start)
					if status != http.StatusOK {
						b.Errorf("got %d, want 200", status)
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

func slash(sub string, opts ...map[string]any) map[string]any {
	return map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{map[string]any{"name": sub, "type": 1, "options": opts}}}
}

func opt(name string, value any) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": value}
}
