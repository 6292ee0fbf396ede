package commands_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/console"
	"incidentbot/commands"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// slowChat adds a fixed latency to every chat call, like a remote API.
type slowChat struct {
	*console.Chat
	latency time.Duration
}

func (c slowChat) wait(ctx context.Context) error {
	select {
	case <-time.After(c.latency):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c slowChat) CreateChannel(ctx context.Context, name string, o incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	if err := c.wait(ctx); err != nil {
		return incidentbot.Channel{}, err
	}
	return c.Chat.CreateChannel(ctx, name, o)
}

func (c slowChat) Invite(ctx context.Context, ch string, ids []string) error {
	if err := c.wait(ctx); err != nil {
		return err
	}
	return c.Chat.Invite(ctx, ch, ids)
}

func (c slowChat) SetTopic(ctx context.Context, ch, topic string) error {
	if err := c.wait(ctx); err != nil {
		return err
	}
	return c.Chat.SetTopic(ctx, ch, topic)
}

func (c slowChat) Post(ctx context.Context, ch string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	if err := c.wait(ctx); err != nil {
		return incidentbot.MessageRef{}, err
	}
	return c.Chat.Post(ctx, ch, m)
}

func (c slowChat) FindPost(ctx context.Context, channelID, marker string) (incidentbot.MessageRef, error) {
	if err := c.wait(ctx); err != nil {
		return incidentbot.MessageRef{}, err
	}
	return c.Chat.FindPost(ctx, channelID, marker)
}

func (c slowChat) Pin(ctx context.Context, ref incidentbot.MessageRef) error {
	if err := c.wait(ctx); err != nil {
		return err
	}
	return c.Chat.Pin(ctx, ref)
}

func (c slowChat) ResolveUsers(ctx context.Context, spec string) ([]incidentbot.User, error) {
	if err := c.wait(ctx); err != nil {
		return nil, err
	}
	return c.Chat.ResolveUsers(ctx, spec)
}

// BenchmarkDeclare measures what the person who types /incident declare
// waits for (parse, dispatch and the one store transaction: ack p50/p99)
// while war rooms are being made against a chat with 50 ms per API call,
// 4 declarations at a time, and how long after the last answer every war
// room is ready (drain-ms). "jobs" is the engine: the saga as durable jobs
// run by its 4 workers. The honest baseline answers first too and runs the
// saga in a goroutine, 4 at once (the same concurrency), as a bot without
// a durable queue would: its sagas are lost on a crash, which is what the
// difference in cost buys.
func BenchmarkDeclare(b *testing.B) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		for _, variant := range []string{"jobs", "baseline=answer-then-saga-goroutine"} {
			b.Run(dbName+"/"+variant, func(b *testing.B) {
				d := declarer(b, dbName)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var (
					workers sync.WaitGroup
					sagas   sync.WaitGroup
					slots   = make(chan struct{}, 4)
				)
				if variant == "jobs" {
					workers.Go(func() { _ = d.eng.Run(ctx) })
				}
				var mu sync.Mutex
				var lat []time.Duration
				b.ReportAllocs()
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						start := time.Now()
						d.declare()
						since := time.Since(start)
						if variant != "jobs" {
							sagas.Go(func() {
								slots <- struct{}{}
								defer func() { <-slots }()
								if _, err := d.eng.RunDue(ctx, 0); err != nil {
									b.Error(err)
								}
							})
						}
						mu.Lock()
						lat = append(lat, since)
						mu.Unlock()
					}
				})
				drain := time.Now()
				sagas.Wait()
				d.waitWarRooms(b, len(lat))
				b.ReportMetric(float64(time.Since(drain).Milliseconds()), "drain-ms")
				reportPercentiles(b, lat)
				cancel()
				workers.Wait()
			})
		}
	}
}

// declaring declares incidents through the command handler on a fresh store.
type declaring struct {
	eng *bot.Engine
	db  *store.DB
	h   *commands.Handler
	n   atomic.Int64
	b   *testing.B
}

func declarer(b *testing.B, dbName string) *declaring {
	var db *store.DB
	if dbName == "sqlite" {
		db = storetest.SQLite(b)
	} else {
		db = storetest.Postgres(b)
	}
	chat := slowChat{Chat: console.NewChat(nil, console.DefaultDirectory()), latency: 50 * time.Millisecond}
	eng, err := bot.New(bot.Config{PollInterval: 10 * time.Millisecond}, bot.Deps{
		Store:     db,
		Playbooks: playbooks.Defaults(),
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: chat},
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	return &declaring{eng: eng, db: db, h: commands.NewHandler(eng, incidentbot.SystemClock{}, slog.New(slog.DiscardHandler)), b: b}
}

func (d *declaring) declare() {
	actor := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console",
		User: incidentbot.User{ID: fmt.Sprintf("U_%d", d.n.Add(1)), Name: "alice"}, ChannelID: console.GeneralChannelID}
	r := d.h.Handle(context.Background(), actor, fmt.Sprintf("/incident declare sev3 type:generic Bench incident %d", d.n.Load()))
	if r.Message.Severity != incidentbot.SEV3 {
		d.b.Errorf("declare failed: %+v", r.Message)
	}
}

// waitWarRooms polls until n incidents have their war room.
func (d *declaring) waitWarRooms(b *testing.B, n int) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		all, err := d.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{Platform: incidentbot.PlatformConsole})
		if err != nil {
			b.Fatal(err)
		}
		ready := 0
		for _, inc := range all {
			if inc.WarRoom != "" {
				ready++
			}
		}
		if ready >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d war rooms ready after 5 minutes", ready, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
