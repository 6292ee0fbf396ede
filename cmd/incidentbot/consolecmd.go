package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/bot/console"
)

// runConsole is the bot in a terminal: the same engine and commands as
// serve, the console chat instead of Slack or Discord, and the demo ad
// accounts instead of real ones.
func runConsole(ctx context.Context, args []string, cfg config, logger *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	fs := newFlagSet("console", stdout)
	as := fs.String("as", "alice", "who you are: alice, bob, chloe, david or emma")
	dbPath := fs.String("db", "incidentbot.db", "SQLite file (ignored when DATABASE_URL is set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := console.DefaultDirectory()
	var me incidentbot.User
	for _, u := range dir.Users {
		if u.Name == *as {
			me = u
		}
	}
	if me.ID == "" {
		return fmt.Errorf("-as %q: no such console user (alice, bob, chloe, david, emma)", *as)
	}
	chat := console.NewChat(stdout, dir)
	// Files (the post-mortem draft) go to the working folder, beside
	// incidentbot.db; the transcript gives their path.
	chat.SaveFilesIn(".")
	chat.SpeakIn(cfg.Language)
	google, meta := demoAdPlatforms(cfg.Language)
	a, err := newApp(ctx, cfg, logger, parts{
		dsn:       cfg.dsn(*dbPath),
		clock:     incidentbot.SystemClock{},
		chats:     []incidentbot.Chat{chat},
		platforms: []incidentbot.AdPlatform{google, meta},
		prober:    prober(cfg),
	})
	if err != nil {
		return err
	}
	defer a.store.Close()

	wctx, stopWorkers := context.WithCancel(ctx)
	g, gctx := errgroup.WithContext(wctx)
	g.Go(func() error { return a.engine.Run(gctx) })
	g.Go(func() error {
		defer stopWorkers()
		return console.RunREPL(gctx, stdin, stdout, chat, me, console.GeneralChannelID,
			func(ctx context.Context, actor incidentbot.Actor, text string) (incidentbot.Message, bool) {
				r := a.commands.Handle(ctx, actor, text)
				return r.Message, r.InChannel
			})
	})
	return g.Wait()
}
