package main

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/bot/discord"
	"incidentbot/bot/slack"
	"incidentbot/commands"
	"incidentbot/i18n"
	"incidentbot/integrations/alerts"
	"incidentbot/playbooks"
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web"
)

// runServe serves HTTP, the chat platforms' inbound connections and the
// job workers until ctx ends; then it stops HTTP and the connections first,
// then the workers, then closes the store.
func runServe(ctx context.Context, cfg config, logger *slog.Logger) error {
	clock := incidentbot.SystemClock{}
	var chats []incidentbot.Chat
	var slackChat *slack.Chat
	var slackTeam string // the workspace the bot token belongs to
	if cfg.SlackBotToken != "" {
		slackChat = slack.NewChat(slack.ChatConfig{BotToken: cfg.SlackBotToken, APIURL: cfg.SlackAPIURL}, logger)
		chats = append(chats, slackChat)
		var err error
		if slackTeam, err = slackChat.Team(ctx); err != nil {
			return errors.New(i18n.T(cfg.Language, "config.start.slack_team", map[string]any{"Reason": i18n.ErrorMessage(cfg.Language, err)}))
		}
	}
	var discordChat *discord.Chat
	if cfg.DiscordBotToken != "" {
		var err error
		if discordChat, err = newDiscordChat(cfg, logger); err != nil {
			return err
		}
		chats = append(chats, discordChat)
	}
	platforms, err := adPlatforms(ctx, cfg, logger)
	if err != nil {
		return err
	}
	notes, err := notifier(cfg, logger)
	if err != nil {
		return err
	}
	tracker, err := cfg.tracker()
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, logger, parts{
		dsn:       cfg.dsn("incidentbot.db"),
		clock:     clock,
		chats:     chats,
		platforms: platforms,
		prober:    prober(cfg),
		notifier:  notes,
		tracker:   tracker,
		providers: providers(cfg),
		workerID:  cfg.workerID(os.Hostname),
	})
	if err != nil {
		return err
	}
	defer a.store.Close()
	if err := a.store.Warm(ctx); err != nil {
		// The pool still opens connections as they are needed: a server
		// short of connections (max_connections) slows the first answers,
		// it does not keep the bot down.
		logger.WarnContext(ctx, "database connections not opened ahead; check DATABASE_MAX_CONNS against the server's max_connections",
			"code", incidentbot.ErrorCode(err), "err", err)
	}

	deps := server.Deps{
		Logger: logger,
		Ready:  func(r *http.Request) error { return a.store.Ready(r.Context()) },
		Pprof:  cfg.DebugPprof,
	}
	deps.Metrics, deps.Observe = metrics(a.store.Pools())
	if cfg.DebugPprof {
		server.ProfileContention()
	}
	// One gate for every platform: the limit is the process's.
	gate := commands.NewGate(cfg.CommandInFlight, cfg.CommandTimeout)
	site, err := newSite(cfg, a, chats, clock, logger, &deps)
	if err != nil {
		return err
	}
	if err := newAuth(ctx, cfg, a.store, slackTeam, clock, logger, &deps); err != nil {
		return err
	}
	if len(chats) == 0 {
		logger.InfoContext(ctx, chatOffLine)
	}
	// Connections that come to us over a WebSocket instead of HTTP.
	var sockets []func(context.Context) error
	if slackChat != nil {
		teams := cfg.slackTeams()
		if len(teams) == 0 {
			teams = []string{slackTeam}
		}
		slackDeps := slack.InboundDeps{
			SigningSecret: cfg.SlackSigningSecret,
			Teams:         teams,
			Handle:        a.commands.Handle,
			Run:           a.commands.Run,
			Service:       a.engine,
			Deliveries:    a.store,
			Chat:          slackChat,
			Gate:          gate,
			Clock:         clock,
			Logger:        logger,
		}
		if cfg.SlackAppToken != "" {
			sockets = append(sockets, slack.NewSocket(slack.SocketDeps{AppToken: cfg.SlackAppToken, APIURL: cfg.SlackAPIURL, InboundDeps: slackDeps}).Run)
		} else {
			in := slack.NewInbound(slackDeps)
			deps.SlackCommands, deps.SlackInteractions, deps.SlackEvents = in.Commands(), in.Interactions(), in.Events()
		}
	}
	if discordChat != nil {
		var key ed25519.PublicKey
		if cfg.DiscordPublicKey != "" {
			if key, err = discord.ParsePublicKey(cfg.DiscordPublicKey); err != nil {
				return fmt.Errorf("DISCORD_PUBLIC_KEY: %s", i18n.ErrorMessage(cfg.Language, err))
			}
		}
		in := discord.NewInbound(discord.InboundDeps{
			PublicKey:  key,
			GuildID:    cfg.DiscordGuildID,
			Handle:     a.commands.Handle,
			Service:    a.engine,
			Deliveries: a.store,
			Chat:       discordChat,
			Gate:       gate,
			Clock:      clock,
			Logger:     logger,
		})
		if cfg.DiscordMode == "gateway" {
			sockets = append(sockets, discord.NewGateway(discordChat, in, logger).Run)
		} else {
			deps.DiscordInteractions = in.Interactions()
		}
	}
	if cfg.AlertWebhookToken != "" || cfg.AlertGrafanaHMAC != "" {
		rules, err := alerts.LoadRules(cfg.AlertRulesFile)
		if err != nil {
			return errors.New(i18n.M("config.alert_rules", map[string]any{"Problem": i18n.ErrorText(err)}).In(cfg.Language))
		}
		ws := alertWorkspace(cfg, slackTeam)
		if teams := cfg.slackTeams(); cfg.AlertPlatform == incidentbot.PlatformSlack && len(teams) > 0 && !slices.Contains(teams, ws) {
			return errors.New(i18n.T(cfg.Language, "config.start.alert_workspace", nil))
		}
		if n, err := a.store.AdoptIncidents(ctx, cfg.AlertPlatform, ws); err != nil {
			return err
		} else if n > 0 {
			logger.InfoContext(ctx, "alert incidents without a workspace given to the alert workspace", "count", n, "platform", cfg.AlertPlatform)
		}
		rx := alerts.New(alerts.Config{
			Token:         cfg.AlertWebhookToken,
			GrafanaSecret: cfg.AlertGrafanaHMAC,
			Platform:      cfg.AlertPlatform,
			Workspace:     ws,
			Channel:       cfg.AlertChannel,
			Rules:         rules,
			// Valid values are positive (validate), so never New's defaults.
			MaxPerNotification: cfg.AlertMaxPerNotif,
			MaxPerMinute:       cfg.AlertMaxPerMinute,
			Language:           cfg.Language,
			Location:           a.loc,
		}, a.engine, a.store, clock, logger)
		deps.Alertmanager, deps.Grafana, deps.GenericAlerts = rx.Alertmanager(), rx.Grafana(), rx.Generic()
	}

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	srv := newHTTPServer(server.NewServer(deps), serverTimeouts)
	logger.InfoContext(ctx, "serving", "addr", ln.Addr().String(), "store", a.store.Dialect())

	// Workers stop after HTTP and the sockets, so nothing enqueues work that nobody runs.
	wctx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	g, gctx := errgroup.WithContext(ctx)
	inbound, ictx := errgroup.WithContext(gctx)
	inbound.Go(func() error { return serveHTTP(ictx, srv, ln) })
	for _, run := range sockets {
		inbound.Go(func() error { return run(ictx) })
	}
	g.Go(func() error {
		defer stopWorkers()
		return inbound.Wait()
	})
	g.Go(func() error { return site.Run(gctx) })
	if a.engine != nil {
		g.Go(func() error { return a.engine.Run(wctx) })
	}
	err = g.Wait()
	logger.InfoContext(ctx, "stopped")
	return err
}

// chatOffLine is serve's one log line when no chat platform is set.
const chatOffLine = "chat is off: serving the web pages only; to turn chat on set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (README.md, Run it in Slack) or DISCORD_BOT_TOKEN, DISCORD_APP_ID, DISCORD_PUBLIC_KEY and DISCORD_GUILD_ID (Run it in Discord), then restart"

// newSite builds the web pages over the app's store and playbooks and
// puts their handlers in deps; the caller runs the site.
func newSite(cfg config, a *app, chats []incidentbot.Chat, clock incidentbot.Clock, logger *slog.Logger, deps *server.Deps) (*web.Site, error) {
	var names []string
	for _, c := range chats {
		names = append(names, c.Platform())
	}
	site, err := web.New(web.Config{
		Name: cfg.StatusPageName, ShopURL: cfg.ShopURL, PublicURL: cfg.PublicURL, Language: cfg.Language, Chats: names,
		Location: a.loc, RevenuePerMinute: cfg.RevenuePerMinute, Currency: cfg.Currency, Profile: a.profile,
	}, a.store, a.books, clock, logger)
	if err != nil {
		return nil, err
	}
	deps.Home, deps.Assets = site.Home(), site.Assets()
	deps.Status, deps.StatusFeed, deps.StatusSummary, deps.StatusBanner = site.Status(), site.Feed(), site.Summary(), site.Banner()
	deps.Incidents, deps.Incident, deps.Postmortem = site.Incidents(), site.Incident(), site.Postmortem()
	deps.HistoryCSV, deps.Trends, deps.Events = site.HistoryCSV(), site.Trends(), site.Events()
	return site, nil
}

// alertWorkspace is where alert incidents belong: ALERT_WORKSPACE, else
// the bot's own workspace on ALERT_PLATFORM, so its members list and act
// on them.
func alertWorkspace(cfg config, slackTeam string) string {
	switch {
	case cfg.AlertWorkspace != "":
		return cfg.AlertWorkspace
	case cfg.AlertPlatform == incidentbot.PlatformSlack:
		return slackTeam
	case cfg.AlertPlatform == incidentbot.PlatformDiscord:
		return cfg.DiscordGuildID
	}
	return ""
}

// discordLogger receives discordgo's log lines; discordgo.Logger is a
// process-wide variable, so it is set once and reads the current logger.
var (
	discordLogger     atomic.Pointer[slog.Logger]
	discordLoggerOnce sync.Once
)

// routeDiscordLogs sends discordgo's lines (it logs through the standard
// log package) to our JSON log. They are its own connection chatter, never
// our failure to act on: warnings at most. They never hold the token.
func routeDiscordLogs(logger *slog.Logger) {
	discordLogger.Store(logger)
	discordLoggerOnce.Do(func() {
		discordgo.Logger = func(level, _ int, format string, args ...any) {
			l := slog.LevelDebug
			if level <= discordgo.LogWarning {
				l = slog.LevelWarn
			}
			discordLogger.Load().Log(context.Background(), l, "discordgo", "detail", fmt.Sprintf(format, args...))
		}
	})
}

// newDiscordChat connects the Discord adapter to the configured guild.
func newDiscordChat(cfg config, logger *slog.Logger) (*discord.Chat, error) {
	routeDiscordLogs(logger)
	return discord.NewChat(discord.ChatConfig{
		BotToken: cfg.DiscordBotToken,
		GuildID:  cfg.DiscordGuildID,
		AppID:    cfg.DiscordAppID,
		APIURL:   cfg.DiscordAPIURL,
	}, logger)
}

// httpTimeouts bound how long a client may hold a connection: a slow
// header, a slow body or an idle keep-alive cannot pin it for ever.
type httpTimeouts struct {
	header, read, idle time.Duration
}

// serverTimeouts are serve's: every inbound body (a Slack command, an
// alert group) arrives well within 30 seconds.
var serverTimeouts = httpTimeouts{header: 10 * time.Second, read: 30 * time.Second, idle: 60 * time.Second}

func newHTTPServer(h http.Handler, t httpTimeouts) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.header, ReadTimeout: t.read, IdleTimeout: t.idle}
}

// metrics serves the Go runtime's, the process's and the database pools'
// figures (go_sql_*: connections in use, waits for one), and the time
// each route took to answer (incidentbot_http_request_duration_seconds:
// Slack gives a slash command 3 seconds, the load target is 50 ms).
// observe records a request's time, for server.Deps.Observe.
func metrics(pools ...map[string]*sql.DB) (handler http.Handler, observe func(route string, took time.Duration)) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, ps := range pools {
		for name, p := range ps {
			reg.MustRegister(collectors.NewDBStatsCollector(p, name))
		}
	}
	took := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "incidentbot_http_request_duration_seconds",
		Help:    "Time to answer a request, by route pattern (none: no route matched).",
		Buckets: []float64{.005, .01, .02, .03, .05, .1, .25, .5, 1, 2.5, 3, 5, 10},
	}, []string{"route"})
	reg.MustRegister(took)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), func(route string, d time.Duration) {
		took.WithLabelValues(cmp.Or(route, "none")).Observe(d.Seconds())
	}
}

// serveHTTP serves until ctx ends, then shuts down within 10 seconds.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func runMigrate(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer) error {
	db, err := store.Open(ctx, logger, cfg.dsn("incidentbot.db"))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer db.Close()
	applied, err := db.ApplyMigrations(ctx)
	for _, name := range applied {
		fmt.Fprintln(stdout, i18n.T(cfg.Language, "cli.migrate.applied", map[string]any{"Name": name, "Dialect": db.Dialect()}))
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, i18n.T(cfg.Language, "cli.migrate.none", map[string]any{"Dialect": db.Dialect()}))
	}
	return nil
}

// runPlaybooks is `playbooks check [dir]`: every problem with file, line
// and field, or a list of what loaded and the warnings for lang
// (BOT_LANGUAGE): playbooks that would show a war room two languages. It
// runs without the configuration, so lang is BOT_LANGUAGE as given
// (English when not a language we speak).
func runPlaybooks(args []string, lang string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "check" || len(args) > 2 {
		return errors.New(i18n.T(lang, "cli.playbooks.usage", nil))
	}
	dir := ""
	if len(args) == 2 {
		dir = args[1]
	}
	set, err := playbooks.Check(dir)
	if le := (*playbooks.LoadError)(nil); errors.As(err, &le) {
		return errors.New(le.In(lang))
	} else if err != nil {
		return err
	}
	for _, p := range set.All() {
		// A playbook's description is in its own language when it has one.
		fmt.Fprintf(stdout, "%s  %-18s %s\n", i18n.T(lang, "config.check.ok", nil), p.Name, p.Description.In(cmp.Or(p.Language, lang)))
	}
	for _, w := range set.Warnings(lang) {
		fmt.Fprintln(stdout, i18n.T(lang, "config.check.warning", map[string]any{"Problem": w.In(lang)}))
	}
	return nil
}

// runHealthcheck asks the server on HTTP_ADDR for /healthz: container images
// without a shell or curl use it as their health check.
func runHealthcheck(ctx context.Context, cfg config) error {
	_, port, err := net.SplitHostPort(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	return nil
}

// runSlackManifest prints the manifest to paste into "Create an app from a
// manifest" on api.slack.com.
func runSlackManifest(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("slack-manifest", stderr)
	base := fs.String("url", "", "public https URL of the bot (not needed with --socket)")
	socket := fs.Bool("socket", false, "Socket Mode: no public URL; set SLACK_APP_TOKEN when running")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := slack.Manifest(*base, *socket)
	if err != nil {
		return errors.New(incidentbot.ErrorMessage(err))
	}
	_, err = stdout.Write(b)
	return err
}

// runRegisterDiscord overwrites the /incident command in bulk and says
// what changed.
func runRegisterDiscord(ctx context.Context, args []string, cfg config, logger *slog.Logger, stdout, stderr io.Writer) error {
	fs := newFlagSet("register-discord-commands", stderr)
	global := fs.Bool("global", false, "register for every server the bot is in (takes up to an hour to show) instead of DISCORD_GUILD_ID")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.DiscordBotToken == "" {
		return errors.New(i18n.T(cfg.Language, "config.register.token", nil))
	}
	guild := cfg.DiscordGuildID
	if *global {
		guild = ""
	} else if guild == "" {
		return errors.New(i18n.T(cfg.Language, "config.register.guild", nil))
	}
	routeDiscordLogs(logger)
	chat, err := discord.NewChat(discord.ChatConfig{
		BotToken: cfg.DiscordBotToken, GuildID: guild, AppID: cfg.DiscordAppID, APIURL: cfg.DiscordAPIURL, CommandsOnly: true,
	}, logger)
	if err != nil {
		return err
	}
	changes, err := discord.RegisterCommands(ctx, chat, guild)
	if err != nil {
		// Without a message for people, or for a network error (whose
		// message promises a retry this one-shot command does not make),
		// the cause says what failed; it holds no token (that travels in a header).
		var ie *incidentbot.Error
		if incidentbot.IsTransientNetError(err) && errors.As(err, &ie) && ie.Err != nil {
			err = ie.Err
		}
		if incidentbot.ErrorCode(err) == incidentbot.EINTERNAL {
			return fmt.Errorf("%s: %w", i18n.T(cfg.Language, "config.register.failed", nil), err)
		}
		return fmt.Errorf("%s: %s", i18n.T(cfg.Language, "config.register.failed", nil), i18n.ErrorMessage(cfg.Language, err))
	}
	if len(changes) == 0 {
		fmt.Fprintln(stdout, i18n.T(cfg.Language, "cli.discord.unchanged", nil))
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, c.In(cfg.Language))
	}
	return nil
}
