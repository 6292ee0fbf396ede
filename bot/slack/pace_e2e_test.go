package slack_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/slack"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// TestJobsPacedPostHoldsNoWorker: with one worker and a summary channel
// paced at one post an hour, the fourth incident's summary must wait an
// hour past the burst; it is deferred to its turn, and the worker goes on
// to make every war room meanwhile instead of sleeping on the summary.
func TestJobsPacedPostHoldsNoWorker(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		logger := slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		chat := slack.NewChat(slack.ChatConfig{BotToken: incidentbot.Secret(w.srv.Token()), APIURL: w.srv.URL(), PostInterval: time.Hour}, logger)
		eng, err := bot.New(bot.Config{
			SummaryChannels: map[string]string{incidentbot.PlatformSlack: w.summary.ID},
			Workers:         1,
			PollInterval:    10 * time.Millisecond,
		}, bot.Deps{
			Store: db, Playbooks: playbooks.Defaults(), Chats: map[string]incidentbot.Chat{incidentbot.PlatformSlack: chat},
			Logger: logger,
		})
		if err != nil {
			t.Fatal(err)
		}
		actor := incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: fakeslack.TeamID, ChannelID: w.ops.ID,
			User: incidentbot.User{ID: alice.ID, Name: alice.Name}}
		var incs []*incidentbot.Incident
		for i := range 4 {
			inc, err := eng.Declare(context.Background(), actor, incidentbot.DeclareRequest{Title: fmt.Sprintf("Outage %d", i+1), Type: "generic"})
			if err != nil {
				t.Fatalf("Declare: %v", err)
			}
			incs = append(incs, inc)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- eng.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		deadline := time.Now().Add(20 * time.Second)
		for i := range incs {
			for {
				if _, ok := w.warRoom(fmt.Sprintf("inc-%d-outage-%d", i+1, i+1)); ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("war room %d of 4 not ready after 20 s: the worker is held", i+1)
				}
				time.Sleep(5 * time.Millisecond) // polling the fake's state, not waiting for work
			}
		}
		if got := len(w.srv.Messages(w.summary.ID)); got != 3 {
			t.Errorf("got %d summaries posted, want the burst of 3", got)
		}
		jobs, err := db.Jobs(context.Background(), incs[3].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.Kind != "summary" {
				continue
			}
			if j.State != incidentbot.JobPending || j.Attempts != 0 || j.RunAt.Before(time.Now().Add(50*time.Minute)) {
				t.Errorf("the fourth summary: got %s, %d attempts, due %s; want pending about an hour from now, no attempt counted",
					j.State, j.Attempts, j.RunAt)
			}
		}
	})
}
