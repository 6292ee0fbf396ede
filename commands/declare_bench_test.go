package commands_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
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
// waits for: parse, dispatch and the one store transaction. The naive
// sibling also runs the war-room saga before answering, as a bot without
// durable jobs would, against a chat with 50 ms per API call.
func BenchmarkDeclare(b *testing.B) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		b.Run(dbName+"/ack", func(b *testing.B) {
			declare := declarer(b, dbName)
			var mu sync.Mutex
			var lat []time.Duration
			b.ReportAllocs()
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					start := time.Now()
					declare()
					d := time.Since(start)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			reportPercentiles(b, lat)
		})
		b.Run(dbName+"/naive-saga-before-answer", func(b *testing.B) {
			declare := declarer(b, dbName)
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				declare()
				lat = append(lat, time.Since(start))
			}
			reportPercentiles(b, lat)
		})
	}
}

// declarer returns a function that declares one incident through the
// command handler on a fresh store; for the naive variant it also runs the
// war-room saga before returning.
func declarer(b *testing.B, dbName string) func() {
	var db *store.DB
	if dbName == "sqlite" {
		db = storetest.SQLite(b)
	} else {
		db = storetest.Postgres(b)
	}
	chat := slowChat{Chat: console.NewChat(nil, console.DefaultDirectory()), latency: 50 * time.Millisecond}
	eng, err := bot.New(bot.Config{}, bot.Deps{
		Store:     db,
		Playbooks: playbooks.Defaults(),
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: chat},
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	h := commands.NewHandler(eng, incidentbot.SystemClock{}, slog.New(slog.DiscardHandler))
	naive := strings.HasSuffix(b.Name(), "naive-saga-before-answer")
	var n atomic.Int64
	return func() {
		actor := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console",
			User: incidentbot.User{ID: "U_ALICE", Name: "alice"}, ChannelID: console.GeneralChannelID}
		r := h.Handle(context.Background(), actor, fmt.Sprintf("/incident declare sev3 type:generic Bench incident %d", n.Add(1)))
		if r.Message.Severity != incidentbot.SEV3 {
			b.Fatalf("declare failed: %+v", r.Message)
		}
		if naive {
			if _, err := eng.RunDue(context.Background(), 0); err != nil {
				b.Fatal(err)
			}
		}
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
