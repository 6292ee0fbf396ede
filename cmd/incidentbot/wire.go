package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/commands"
	"incidentbot/integrations/ads"
	"incidentbot/playbooks"
	"incidentbot/postmortem"
	"incidentbot/store"
)

// app is the wired bot: store, playbooks, engine and command handler.
// Without a chat platform only the store and playbooks are there (engine
// and commands are nil): the web pages still serve.
type app struct {
	store    *store.DB
	books    incidentbot.Playbooks
	engine   *bot.Engine
	commands *commands.Handler
	// What the engine and the dashboard both count lost sales and show times by.
	loc     *time.Location
	profile *postmortem.RevenueProfile
}

// parts are what differ between serve, console and demo.
type parts struct {
	dsn       string
	clock     incidentbot.Clock
	chats     []incidentbot.Chat
	platforms []incidentbot.AdPlatform
	prober    incidentbot.Prober
	notifier  incidentbot.Notifier
	tracker   incidentbot.Tracker
	providers incidentbot.ProviderChecker
	workerID  string // bot.Config.WorkerID: "" for a random name
}

// newApp opens and migrates the store, loads playbooks and wires the engine.
// The caller closes app.store.
func newApp(ctx context.Context, cfg config, logger *slog.Logger, p parts) (*app, error) {
	admins, err := cfg.adsAdmins()
	if err != nil {
		return nil, err
	}
	books, err := playbooks.LoadDir(cfg.PlaybooksDir)
	if err != nil {
		return nil, fmt.Errorf("playbooks in %s: %w", cfg.PlaybooksDir, err)
	}
	loc, err := cfg.location()
	if err != nil {
		return nil, fmt.Errorf("BOT_TIMEZONE: %w", err)
	}
	profile, err := cfg.revenueProfile()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, logger, p.dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate store: %w", err)
	}
	db.SetMaxConns(cfg.DatabaseMaxConns)
	if len(p.chats) == 0 {
		return &app{store: db, books: books, loc: loc, profile: profile}, nil
	}
	chats := map[string]incidentbot.Chat{}
	for _, c := range p.chats {
		chats[c.Platform()] = c
	}
	var orchestrator *ads.Orchestrator
	if len(p.platforms) > 0 {
		orchestrator = ads.New(db, p.platforms, p.clock, logger)
	}
	engine, err := bot.New(bot.Config{
		SummaryChannels:  cfg.summaryChannels(),
		Location:         loc,
		RevenueProfile:   profile,
		RevenuePerMinute: cfg.RevenuePerMinute,
		Currency:         cfg.Currency,
		AdsAdmins:        admins,
		Language:         cfg.Language,
		ShopURL:          cfg.ShopURL,
		Workers:          cfg.Workers,
		Lease:            cfg.JobLease,
		WorkerID:         p.workerID,
		DeclareLimit:     cfg.declareLimit(),
	}, bot.Deps{
		Store:     db,
		Playbooks: books,
		Chats:     chats,
		Ads:       orchestrator,
		Prober:    p.prober,
		Notifier:  p.notifier,
		Tracker:   p.tracker,
		Providers: p.providers,
		Clock:     p.clock,
		Logger:    logger,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &app{
		store:    db,
		books:    books,
		engine:   engine,
		commands: commands.NewHandler(engine, p.clock, logger),
		loc:      loc,
		profile:  profile,
	}, nil
}
