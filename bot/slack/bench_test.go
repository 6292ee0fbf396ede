package slack_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
)

// unavoidable are the Web API calls a war room cannot be ready without,
// one after the other: create, purpose (finds it again after a crash),
// topic, invite, welcome, pin.
var unavoidable = []string{
	"conversations.create", "conversations.setPurpose", "conversations.setTopic",
	"conversations.invite", "chat.postMessage", "pins.add",
}

// BenchmarkSlackAck measures, with the real engine on Postgres: the
// acknowledgement latency of signed slash commands arriving 8 at a time
// (p50, p99), and the time from a declaration to a war room with its
// welcome pinned when every Slack call takes 50 ms, beside the sum of the
// unavoidable calls.
func BenchmarkSlackAck(b *testing.B) {
	b.Run("ack", func(b *testing.B) {
		w := newWorld(b, storetest.Postgres(b), -1, fakeslack.WithoutRateLimits())
		h := w.http.Config.Handler
		const concurrent = 8
		var (
			n   atomic.Int64
			mu  sync.Mutex
			lat []time.Duration
		)
		b.ReportAllocs()
		for b.Loop() {
			var wg sync.WaitGroup
			for range concurrent {
				wg.Go(func() {
					i := n.Add(1)
					r := w.signedCommand(fmt.Sprintf("declare sev3 Search is slow on page %d", i))
					rec := httptest.NewRecorder()
					start := time.Now()
					h.ServeHTTP(rec, r)
					d := time.Since(start)
					if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte("declared")) {
						b.Errorf("got %d %s, want a declaration", rec.Code, rec.Body)
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				})
			}
			wg.Wait()
		}
		slices.Sort(lat)
		b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
		b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	})

	b.Run("war room ready", func(b *testing.B) {
		w := newWorld(b, storetest.Postgres(b), -1, fakeslack.WithoutRateLimits())
		const latency = 50 * time.Millisecond
		w.srv.SetLatency("", latency)
		h := w.http.Config.Handler
		var total time.Duration
		calls := 0
		before := w.callCount()
		i := 0
		for b.Loop() {
			i++
			start := time.Now()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, w.signedCommand(fmt.Sprintf("declare sev2 Checkout fails for order %d", i)))
			if rec.Code != http.StatusOK {
				b.Fatalf("got %d %s, want 200", rec.Code, rec.Body)
			}
			name := fmt.Sprintf("inc-%d-checkout-fails-for-order-%d", i, i)
			w.settle("war room "+name, func() bool { _, ok := w.warRoom(name); return ok })
			total += time.Since(start)
		}
		calls = w.callCount() - before
		b.ReportMetric(ms(total)/float64(i), "ready-ms")
		b.ReportMetric(ms(time.Duration(len(unavoidable))*latency), "unavoidable-ms")
		b.ReportMetric(float64(calls)/float64(i), "api-calls/op")
	})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// callCount sums the Web API calls the fake has answered.
func (w *world) callCount() int {
	n := 0
	for _, m := range []string{
		"conversations.create", "conversations.setPurpose", "conversations.setTopic", "conversations.invite",
		"conversations.list", "conversations.members", "chat.postMessage", "chat.postEphemeral", "chat.update",
		"pins.add", "users.info", "users.lookupByEmail", "usergroups.list", "usergroups.users.list",
	} {
		n += w.srv.Calls(m)
	}
	return n
}

// signedCommand builds a signed /incident request from alice in #ops.
func (w *world) signedCommand(text string) *http.Request {
	form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {w.ops.ID}, "user_id": {alice.ID},
		"user_name": {alice.Name}, "command": {"/incident"}, "text": {text}}
	body := []byte(form.Encode())
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	ts := strconv.FormatInt(w.clock.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return r.WithContext(context.Background())
}
