package slack_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/slack"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
)

// BenchmarkJobsBurstWarRooms: 200 incidents declared at once on Postgres,
// 4 workers, the fake Slack answering every call in 100 ms and a summary
// channel set. It reports declare -> war room ready (welcome pinned) p50
// and p99 over the 200, and the time until the last is ready. One op is
// the whole burst: run it with -benchtime 1x.
func BenchmarkJobsBurstWarRooms(b *testing.B) {
	for b.Loop() {
		db := storetest.Postgres(b)
		w := newWorld(b, db, 0, fakeslack.WithoutRateLimits())
		w.srv.SetLatency("", 100*time.Millisecond)
		logger := slog.New(slog.DiscardHandler)
		chat := slack.NewChat(slack.ChatConfig{BotToken: incidentbot.Secret(w.srv.Token()), APIURL: w.srv.URL()}, logger)
		eng, err := bot.New(bot.Config{
			SummaryChannels: map[string]string{incidentbot.PlatformSlack: w.summary.ID},
			Workers:         4,
			DeclareLimit:    -1,
		}, bot.Deps{Store: db, Playbooks: playbooks.Defaults(), Chats: map[string]incidentbot.Chat{incidentbot.PlatformSlack: chat}, Logger: logger})
		if err != nil {
			b.Fatal(err)
		}
		actor := incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: fakeslack.TeamID, ChannelID: w.ops.ID,
			User: incidentbot.User{ID: alice.ID, Name: alice.Name}}
		var incs []*incidentbot.Incident
		for i := range 200 {
			inc, err := eng.Declare(context.Background(), actor, incidentbot.DeclareRequest{Title: fmt.Sprintf("Outage %d", i+1), Type: "generic", Force: true})
			if err != nil {
				b.Fatal(err)
			}
			incs = append(incs, inc)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- eng.Run(ctx) }()
		var ready []time.Duration
		for _, inc := range incs {
			for {
				jobs, err := db.Jobs(context.Background(), inc.ID)
				if err != nil {
					b.Fatal(err)
				}
				i := slices.IndexFunc(jobs, func(j incidentbot.Job) bool { return j.Kind == "pin_welcome" && j.State == incidentbot.JobDone })
				if i >= 0 {
					ready = append(ready, jobs[i].UpdatedAt.Sub(inc.DeclaredAt))
					break
				}
				time.Sleep(50 * time.Millisecond) // polling the store, not waiting for work
			}
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		slices.Sort(ready)
		b.ReportMetric(ready[len(ready)/2].Seconds(), "p50-s")
		b.ReportMetric(ready[len(ready)*99/100].Seconds(), "p99-s")
		b.ReportMetric(ready[len(ready)-1].Seconds(), "last-s")
		b.ReportMetric(ready[0].Seconds(), "first-s")
	}
}
