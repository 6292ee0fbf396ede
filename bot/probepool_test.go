package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
)

// hangingHost is a site that never answers: every check blocks until the
// test releases it (or the job's deadline ends it), counting how many hang at once.
type hangingHost struct {
	release chan struct{}
	mu      sync.Mutex
	now     int
	most    int
}

func (h *hangingHost) Probe(ctx context.Context, t incidentbot.ProbeTarget) incidentbot.ProbeResult {
	h.mu.Lock()
	h.now++
	h.most = max(h.most, h.now)
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.now--
		h.mu.Unlock()
	}()
	select {
	case <-h.release:
	case <-ctx.Done():
	}
	return incidentbot.ProbeResult{URL: t.URL, Class: "timeout", Summary: t.URL + " gave no complete answer."}
}

func (h *hangingHost) hanging() (now, most int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now, h.most
}

// poll waits for cond until a deadline: the workers run on their own.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not a wait for work
	}
}

// TestProbeStarvationWarRoomReady: four checks of a host that never
// answers used to hold every job worker, and a new SEV1 waited for them
// (30 ms became 9 s, 50 s at defaults). They now run in their own bounded
// pool and the new war room is ready while they still hang.
func TestProbeStarvationWarRoomReady(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	host := &hangingHost{release: make(chan struct{})}
	chat := console.NewChat(nil, console.DefaultDirectory())
	eng, err := New(Config{Workers: 4, ProbeWorkers: 2, PollInterval: 10 * time.Millisecond, ShopURL: "https://shop.example.com/"}, Deps{
		Store:     db,
		Playbooks: playbooks.Defaults(),
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: chat},
		Prober:    host,
		Clock:     incidentbot.SystemClock{},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- eng.Run(rctx) }()
	t.Cleanup(func() {
		close(host.release)
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	general := actor(alice, console.GeneralChannelID)
	first, err := eng.Declare(ctx, general, incidentbot.DeclareRequest{Title: "Shop down", Severity: incidentbot.SEV1, Type: "site-outage"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := eng.Verify(ctx, general, first.Key, fmt.Sprintf("https://slow%d.example.com/", i)); err != nil {
			t.Fatalf("verify %d: %v", i, err)
		}
	}
	poll(t, "checks hanging", func() bool { now, _ := host.hanging(); return now >= 2 })

	second, err := eng.Declare(ctx, general, incidentbot.DeclareRequest{Title: "Checkout fails too", Severity: incidentbot.SEV1, Type: "generic"})
	if err != nil {
		t.Fatal(err)
	}
	poll(t, "the new war room ready", func() bool {
		inc, err := db.Incident(ctx, second.ID)
		if err != nil || inc.WarRoom == "" {
			return false
		}
		room, ok := chat.Channel(inc.WarRoom)
		if !ok {
			return false
		}
		for _, m := range room.Messages {
			if strings.Contains(m.Message.Title+m.Message.Text, second.Key) {
				return true
			}
		}
		return false
	})
	if now, most := host.hanging(); now != 2 || most != 2 {
		t.Errorf("got %d checks hanging (at most %d), want the 2 probe workers busy and no more", now, most)
	}
}

// liveRechecks lists the URLs of the incident's pending or running re-checks.
func (f *fixture) liveRechecks(inc *incidentbot.Incident) []string {
	var urls []string
	for _, j := range f.jobs(inc) {
		var p recheckPayload
		if j.Kind == kindRecheck && (j.State == incidentbot.JobPending || j.State == incidentbot.JobRunning) && decode(j, &p) == nil {
			urls = append(urls, p.URL)
		}
	}
	return urls
}

// TestProbeRecheckOneChainPerURL: checking a URL again while a re-check
// chain follows it starts no second chain, and of two chains started at
// once (two checks failing together) the younger ends at its next link.
func TestProbeRecheckOneChainPerURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.siteDown()
	if got := f.liveRechecks(inc); len(got) != 1 || got[0] != f.shop {
		t.Fatalf("after declare: got re-checks %q, want one of %s", got, f.shop)
	}
	room := actor(alice, f.reload(inc).WarRoom)
	for range 2 {
		if _, err := f.eng.Verify(ctx, room, "", ""); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
	}
	if _, err := f.eng.Verify(ctx, room, "", "https://other.example.com/"); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	if got := strings.Join(f.liveRechecks(inc), " "); got != f.shop+" https://other.example.com/" {
		t.Fatalf("after verifies: got re-checks %q, want one per URL", got)
	}

	// A second chain on the same URL, as two checks failing at once leave.
	young, err := incidentbot.NewJob(inc, kindRecheck, "recheck/young", recheckPayload{URL: f.shop, Chain: 1 << 40}, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.EnqueueJobs(ctx, young); err != nil {
		t.Fatal(err)
	}
	probes := f.prober.count()
	f.runAll(0)
	if got := f.prober.count(); got != probes {
		t.Errorf("the younger chain checked %d times, want it ended without a check", got-probes)
	}
	f.clock.Advance(2 * time.Minute)
	f.runAll(0)
	if got := strings.Join(f.liveRechecks(inc), " "); got != f.shop+" https://other.example.com/" {
		t.Errorf("after a round: got re-checks %q, want one per URL", got)
	}
}

// TestProbeVerifyRateLimit: an incident takes three manual checks in five
// minutes; the fourth is refused with a clear reply and queues nothing.
func TestProbeVerifyRateLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, storetest.SQLite(t))
	f.db.SetClock(f.clock) // the store counts with its own clock
	inc := f.siteDown()
	room := actor(bob, f.reload(inc).WarRoom)
	for i := range 3 {
		if _, err := f.eng.Verify(ctx, room, "", ""); err != nil {
			t.Fatalf("verify %d: %v", i+1, err)
		}
		f.clock.Advance(time.Minute)
	}
	jobs := len(f.jobs(inc))
	_, err := f.eng.Verify(ctx, room, "", "https://shop.example.com/cart")
	msg := incidentbot.ErrorMessage(err)
	if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN || !strings.Contains(msg, inc.Key+" was checked from outside 3 times in the last 5 minutes") || !strings.Contains(msg, "Try again in 120 s.") {
		t.Errorf("fourth: got %v, want EFORBIDDEN saying 3 checks in 5 minutes, try again in 120 s", err)
	}
	if got := len(f.jobs(inc)); got != jobs {
		t.Errorf("the refused verify queued %d jobs, want none", got-jobs)
	}
	other := f.declare(incidentbot.DeclareRequest{Title: "Checkout down", Severity: incidentbot.SEV2, Type: "generic"})
	if _, err := f.eng.Verify(ctx, actor(bob, console.GeneralChannelID), other.Key, "https://shop.example.com/"); err != nil {
		t.Errorf("another incident: got %v, want its own allowance", err)
	}
	f.clock.Advance(2 * time.Minute)
	if _, err := f.eng.Verify(ctx, room, "", ""); err != nil {
		t.Errorf("once the first left the window: got %v, want accepted", err)
	}
}
