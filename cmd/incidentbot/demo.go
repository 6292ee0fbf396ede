package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/fake/memads"
	"incidentbot/server"
)

// runDemo plays a whole site-outage incident on a throwaway SQLite file,
// the console chat and in-memory ad platforms, printing the war room as it
// happens and the post-mortem at the end.
func runDemo(ctx context.Context, args []string, cfg config, logger *slog.Logger, stdout io.Writer) error {
	fs := newFlagSet("demo", stdout)
	dbPath := fs.String("db", "", "SQLite file to keep (default: a temporary file, removed at the end)")
	serve := fs.Bool("serve", false, "after the script, keep serving the web pages on HTTP_ADDR with the demo incident in them")
	lang := fs.String("lang", cfg.Language, "the workspace's language, en or fr (default: BOT_LANGUAGE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lang != "en" && *lang != "fr" {
		return fmt.Errorf("demo --lang %q: choose en or fr", *lang)
	}
	cfg.Language = *lang
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "incidentbot-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}

	// The demo's time moves only when the script says, so the post-mortem
	// shows a realistic 30-minute incident played in a second.
	clock := incidentbot.NewManualClock(time.Now().UTC().Truncate(time.Minute))
	chat := console.NewChat(stdout, console.DefaultDirectory())
	google, meta := demoAdPlatforms()
	site := &demoSite{}
	cfg.DatabaseURL = ""
	if cfg.ShopURL == "" {
		cfg.ShopURL = "https://shop.example.com/" // checked by demoSite, never over the network
	}
	if cfg.RevenuePerMinute == 0 {
		cfg.RevenuePerMinute = 180 // a shop selling about 260,000 EUR a day
	}
	a, err := newApp(ctx, cfg, logger, parts{
		dsn:       cfg.dsn(*dbPath),
		clock:     clock,
		chats:     []incidentbot.Chat{chat},
		platforms: []incidentbot.AdPlatform{google, meta},
		prober:    site,
	})
	if err != nil {
		return err
	}
	defer a.store.Close()

	users := map[string]incidentbot.User{}
	for _, u := range console.DefaultDirectory().Users {
		users[u.Name] = u
	}
	warRoom := ""
	step := func(after time.Duration, who, line string) error {
		clock.Advance(after)
		channel := warRoom
		if channel == "" {
			channel = console.GeneralChannelID
		}
		fmt.Fprintf(stdout, "\n%s  %s> %s\n", clock.Now().Format("15:04"), who, line)
		reply := a.commands.Handle(ctx, incidentbot.Actor{
			Platform: incidentbot.PlatformConsole, Workspace: "console", User: users[who], ChannelID: channel,
		}, line)
		// Replies go through the chat like on Slack: to the channel or to the person only.
		m := reply.Message
		if !reply.InChannel {
			m.EphemeralTo = users[who].ID
		}
		if _, err := chat.Post(ctx, channel, m); err != nil {
			return err
		}
		if _, err := a.engine.RunDue(ctx, 0); err != nil {
			return err
		}
		if warRoom == "" {
			if chs := chat.Channels(); len(chs) > 1 {
				warRoom = chs[len(chs)-1].ID
			}
		}
		return nil
	}

	fmt.Fprintln(stdout, "incidentbot demo: a checkout outage at an online shop, from declaration to post-mortem.")
	fmt.Fprintln(stdout, "Chat: the built-in console. Ads: two demo accounts (Google Ads, Meta). Store: SQLite", *dbPath)
	script := []struct {
		after     time.Duration
		who, line string
		siteUp    bool
	}{
		{0, "alice", "/incident declare sev1 Checkout returns 504", false},
		{2 * time.Minute, "bob", "/incident ack", false},
		{1 * time.Minute, "bob", "/incident note The 14:02 deploy changed the payment module", false},
		{1 * time.Minute, "alice", "/incident check 1", false},
		{3 * time.Minute, "chloe", "/incident update Banner on the site; customers told on social networks that checkout is down", false},
		{2 * time.Minute, "bob", "/incident resolve Rolled back", false},
		{1 * time.Minute, "alice", "/incident role tech-lead @bob", false},
		{6 * time.Minute, "bob", "/incident update Rollback done, checkout answers again", true},
		{1 * time.Minute, "alice", "/incident verify", true},
		{1 * time.Minute, "alice", "/incident mitigated", true},
		{5 * time.Minute, "alice", "/incident resolve Payment module rolled back; checkout works again", true},
		{1 * time.Minute, "alice", "/incident ads status", true},
		{10 * time.Minute, "alice", "/incident close", true},
	}
	for _, s := range script {
		site.setUp(s.siteUp)
		if err := step(s.after, s.who, s.line); err != nil {
			return err
		}
	}
	report := demoAdsReport(google, meta)
	fmt.Fprintf(stdout, "\nDemo finished. Ad platforms now: %s\n", report)
	if *serve {
		return serveDemo(ctx, cfg, a, clock, logger, stdout)
	}
	return nil
}

// serveDemo serves the web pages over the demo's store until ctx ends.
func serveDemo(ctx context.Context, cfg config, a *app, clock incidentbot.Clock, logger *slog.Logger, stdout io.Writer) error {
	deps := server.Deps{
		Logger:  logger,
		Ready:   func(r *http.Request) error { return a.store.Ready(r.Context()) },
		Metrics: metricsHandler(),
	}
	site, err := newSite(cfg, a, nil, clock, logger, &deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	fmt.Fprintf(stdout, "Web pages: http://%s/ and the status page http://%s/status (Ctrl-C to stop)\n", displayAddr(ln.Addr()), displayAddr(ln.Addr()))
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return serveHTTP(gctx, newHTTPServer(server.NewServer(deps), serverTimeouts), ln) })
	g.Go(func() error { return site.Run(gctx) })
	return g.Wait()
}

// displayAddr is a listener's address as a person types it in a browser.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil || host == "::" || host == "0.0.0.0" || host == "" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}

// demoAdsReport says how many demo campaigns serve on each platform.
func demoAdsReport(platforms ...*memads.Platform) string {
	var parts []string
	for _, p := range platforms {
		active := 0
		all, _ := p.Campaigns(context.Background())
		for _, c := range all {
			if c.Status == incidentbot.CampaignActive {
				active++
			}
		}
		parts = append(parts, fmt.Sprintf("%s %d/%d serving", p.Name(), active, len(all)))
	}
	return strings.Join(parts, ", ")
}

// demoAdPlatforms are two small ad accounts: mostly serving campaigns, one
// paused before the incident (it must stay paused after it).
func demoAdPlatforms() (*memads.Platform, *memads.Platform) {
	c := func(platform, account, id, name string, status incidentbot.CampaignStatus, budget float64) incidentbot.Campaign {
		return incidentbot.Campaign{Platform: platform, Account: account, ID: id, Name: name, Status: status, DailyBudget: budget, Currency: "EUR"}
	}
	google := memads.New(incidentbot.AdsGoogle,
		c(incidentbot.AdsGoogle, "123-456-7890", "1001", "Search - Sneakers", incidentbot.CampaignActive, 400),
		c(incidentbot.AdsGoogle, "123-456-7890", "1002", "Shopping - All products", incidentbot.CampaignActive, 900),
		c(incidentbot.AdsGoogle, "123-456-7890", "1003", "Performance Max - Winter sale", incidentbot.CampaignActive, 1200),
		c(incidentbot.AdsGoogle, "123-456-7890", "1004", "Search - Summer 2026 (ended)", incidentbot.CampaignPaused, 300),
	)
	meta := memads.New(incidentbot.AdsMeta,
		c(incidentbot.AdsMeta, "act_9876543210", "2001", "Retargeting - cart abandoners", incidentbot.CampaignActive, 250),
		c(incidentbot.AdsMeta, "act_9876543210", "2002", "Prospecting - lookalike buyers", incidentbot.CampaignActive, 500),
	)
	return google, meta
}

// demoSite answers outside-in checks like a shop whose checkout is down, then back.
type demoSite struct {
	mu sync.Mutex
	up bool
}

func (s *demoSite) setUp(up bool) {
	s.mu.Lock()
	s.up = up
	s.mu.Unlock()
}

func (s *demoSite) Probe(_ context.Context, t incidentbot.ProbeTarget) incidentbot.ProbeResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.up {
		summary := t.URL + " answered HTTP 200 in 180ms."
		if t.Expect != "" {
			summary = fmt.Sprintf("%s answered HTTP 200 in 180ms with %q on the page.", t.URL, t.Expect)
		}
		return incidentbot.ProbeResult{URL: t.URL, Healthy: true, Class: "healthy", Status: 200, Latency: 180 * time.Millisecond, Summary: summary}
	}
	return incidentbot.ProbeResult{URL: t.URL, Class: "502/503/504 from a proxy or load balancer", Status: 504, Latency: 30 * time.Second,
		Summary: t.URL + " answered HTTP 504: the load balancer got no answer from the application within 30 s.",
		Detail:  "Check that the application servers run and are not overloaded, and recent deploys."}
}
