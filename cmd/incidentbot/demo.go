package main

import (
	"context"
	"errors"
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
	"incidentbot/i18n"
	"incidentbot/integrations/probe"
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
		return errors.New(i18n.T(cfg.Language, "demo.bad_lang", map[string]any{"Lang": fmt.Sprintf("%q", *lang)}))
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
	return playDemo(ctx, cfg, logger, stdout, demoRun{db: *dbPath, start: time.Now().UTC().Truncate(time.Minute), serve: *serve})
}

// demoRun is one play of the demo: where its store lives, the first
// reading of its clock (tests fix it, so the transcript is the same every
// time) and whether to serve the web pages after the script.
type demoRun struct {
	db    string
	start time.Time
	serve bool
}

// demoLine is one step of the script: what a person types after a pause,
// in each language the demo speaks, and whether the shop answers by then.
type demoLine struct {
	after  time.Duration
	who    string
	en, fr string
	siteUp bool
}

// demoLead is how long before the declaration the deploy that broke
// checkout went out: customers were affected from then, as in most real
// incidents, so the post-mortem shows a time to detect and counts the
// lost sales from it.
const demoLead = 70 * time.Minute

// demoScript is the incident: declared with its impact start ("{deploy}"
// is the deploy's time of day), acknowledged, worked on (one command
// refused, to show the rights), mitigated, resolved and closed.
var demoScript = []demoLine{
	{0, "alice", "/incident declare sev1 --since {deploy} Checkout returns 504", "/incident déclarer sev1 --since {deploy} Le paiement renvoie 504", false},
	{2 * time.Minute, "bob", "/incident ack", "/incident pris", false},
	{1 * time.Minute, "bob", "/incident note The {deploy} deploy changed the payment module",
		"/incident note Le déploiement de {deploy} a modifié le module de paiement", false},
	{1 * time.Minute, "alice", "/incident check 1", "/incident cocher 1", false},
	{3 * time.Minute, "chloe", "/incident update Banner on the site; customers told on social networks that checkout is down",
		"/incident point Bandeau sur le site ; clients prévenus sur les réseaux sociaux que le paiement est en panne", false},
	{2 * time.Minute, "bob", "/incident resolve Rolled back", "/incident résoudre Retour à la version précédente", false},
	{1 * time.Minute, "alice", "/incident role tech-lead @bob", "/incident role tech-lead @bob", false},
	{6 * time.Minute, "bob", "/incident update Rollback done, checkout answers again",
		"/incident point Retour arrière terminé, le paiement répond de nouveau", true},
	{1 * time.Minute, "alice", "/incident verify", "/incident vérifier", true},
	{1 * time.Minute, "alice", "/incident mitigated", "/incident atténué", true},
	{5 * time.Minute, "alice", "/incident resolve Payment module rolled back; checkout works again",
		"/incident résoudre Module de paiement remis à la version précédente ; le paiement fonctionne de nouveau", true},
	{1 * time.Minute, "alice", "/incident ads status", "/incident pubs status", true},
	{10 * time.Minute, "alice", "/incident close", "/incident clore", true},
}

// text is the line as typed in lang, deploy the breaking deploy's time.
func (l demoLine) text(lang, deploy string) string {
	s := l.en
	if lang == "fr" {
		s = l.fr
	}
	return strings.ReplaceAll(s, "{deploy}", deploy)
}

// playDemo runs the script over a fresh app and prints what everyone sees.
func playDemo(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer, run demoRun) error {
	loc, err := cfg.location()
	if err != nil {
		return err
	}
	clock := incidentbot.NewManualClock(run.start)
	chat := console.NewChat(stdout, console.DefaultDirectory())
	chat.SpeakIn(cfg.Language)
	google, meta := demoAdPlatforms(cfg.Language)
	site := &demoSite{}
	cfg.DatabaseURL = ""
	if cfg.ShopURL == "" {
		cfg.ShopURL = "https://shop.example.com/" // checked by demoSite, never over the network
	}
	if cfg.RevenuePerMinute == 0 {
		cfg.RevenuePerMinute = 180 // a shop selling about 260,000 EUR a day
	}
	a, err := newApp(ctx, cfg, logger, parts{
		dsn:       cfg.dsn(run.db),
		clock:     clock,
		chats:     []incidentbot.Chat{chat},
		platforms: []incidentbot.AdPlatform{google, meta},
		prober:    site,
	})
	if err != nil {
		return err
	}
	defer a.store.Close()

	fmt.Fprintln(stdout, i18n.T(cfg.Language, "demo.intro", nil))
	fmt.Fprintln(stdout, i18n.T(cfg.Language, "demo.setup", map[string]any{"Path": run.db}))
	p := demoPlayer{app: a, chat: chat, clock: clock, loc: loc, stdout: stdout, users: map[string]incidentbot.User{}}
	for _, u := range console.DefaultDirectory().Users {
		p.users[u.Name] = u
	}
	deploy := run.start.Add(-demoLead).In(loc).Format("15:04")
	for _, l := range demoScript {
		site.setUp(l.siteUp)
		if err := p.step(ctx, l.after, l.who, l.text(cfg.Language, deploy)); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, i18n.T(cfg.Language, "demo.finished", map[string]any{"Report": demoAdsReport(cfg.Language, google, meta)}))
	if run.serve {
		return serveDemo(ctx, cfg, a, clock, logger, stdout)
	}
	return nil
}

// demoPlayer types the script's lines into the bot, as its people.
type demoPlayer struct {
	app     *app
	chat    *console.Chat
	clock   *incidentbot.ManualClock
	loc     *time.Location
	stdout  io.Writer
	users   map[string]incidentbot.User
	warRoom string // once the bot has opened it, where people type
}

// step waits, has who type line, shows the reply and runs the jobs it queued.
func (p *demoPlayer) step(ctx context.Context, after time.Duration, who, line string) error {
	p.clock.Advance(after)
	channel := p.warRoom
	if channel == "" {
		channel = console.GeneralChannelID
	}
	fmt.Fprintf(p.stdout, "\n%s  %s> %s\n", p.clock.Now().In(p.loc).Format("15:04"), who, line)
	reply := p.app.commands.Handle(ctx, incidentbot.Actor{
		Platform: incidentbot.PlatformConsole, Workspace: "console", User: p.users[who], ChannelID: channel,
	}, line)
	// Replies go through the chat like on Slack: to the channel or to the person only.
	m := reply.Message
	if !reply.InChannel {
		m.EphemeralTo = p.users[who].ID
	}
	if _, err := p.chat.Post(ctx, channel, m); err != nil {
		return err
	}
	if _, err := p.app.engine.RunDue(ctx, 0); err != nil {
		return err
	}
	if p.warRoom == "" {
		if chs := p.chat.Channels(); len(chs) > 1 {
			p.warRoom = chs[len(chs)-1].ID
		}
	}
	return nil
}

// serveDemo serves the web pages over the demo's store until ctx ends.
func serveDemo(ctx context.Context, cfg config, a *app, clock incidentbot.Clock, logger *slog.Logger, stdout io.Writer) error {
	deps := server.Deps{
		Logger: logger,
		Ready:  func(r *http.Request) error { return a.store.Ready(r.Context()) },
	}
	deps.Metrics, deps.Observe = metrics()
	site, err := newSite(cfg, a, nil, clock, logger, &deps)
	if err != nil {
		return err
	}
	// Without sign-in configured, this machine's browser sees the
	// dashboard, the demo incident's page and its post-mortem too.
	if err := newAuth(ctx, cfg, a.store, "", clock, logger, &deps); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	fmt.Fprintln(stdout, i18n.T(cfg.Language, "demo.web", map[string]any{"Addr": displayAddr(ln.Addr())}))
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
func demoAdsReport(lang string, platforms ...*memads.Platform) string {
	var parts []string
	for _, p := range platforms {
		active := 0
		all, _ := p.Campaigns(context.Background())
		for _, c := range all {
			if c.Status == incidentbot.CampaignActive {
				active++
			}
		}
		parts = append(parts, i18n.T(lang, "demo.serving", map[string]any{"Platform": p.Name(), "Serving": active, "All": len(all)}))
	}
	return strings.Join(parts, ", ")
}

// demoCampaign is a campaign of the demo accounts, named the way a shop
// speaking each language would name it.
type demoCampaign struct {
	platform, account, id string
	en, fr                string
	status                incidentbot.CampaignStatus
	budget                float64
}

var demoCampaigns = []demoCampaign{
	{incidentbot.AdsGoogle, "123-456-7890", "1001", "Search - Sneakers", "Recherche - Baskets", incidentbot.CampaignActive, 400},
	{incidentbot.AdsGoogle, "123-456-7890", "1002", "Shopping - All products", "Shopping - Tous les produits", incidentbot.CampaignActive, 900},
	{incidentbot.AdsGoogle, "123-456-7890", "1003", "Performance Max - Winter sale", "Performance Max - Soldes d'hiver", incidentbot.CampaignActive, 1200},
	{incidentbot.AdsGoogle, "123-456-7890", "1004", "Search - Summer 2026 (ended)", "Recherche - Été 2026 (terminée)", incidentbot.CampaignPaused, 300},
	{incidentbot.AdsMeta, "act_9876543210", "2001", "Retargeting - cart abandoners", "Reciblage - paniers abandonnés", incidentbot.CampaignActive, 250},
	{incidentbot.AdsMeta, "act_9876543210", "2002", "Prospecting - lookalike buyers", "Prospection - acheteurs similaires", incidentbot.CampaignActive, 500},
}

// demoAdPlatforms are two small ad accounts: mostly serving campaigns, one
// paused before the incident (it must stay paused after it).
func demoAdPlatforms(lang string) (google, meta *memads.Platform) {
	byPlatform := map[string][]incidentbot.Campaign{}
	for _, c := range demoCampaigns {
		name := c.en
		if lang == "fr" {
			name = c.fr
		}
		byPlatform[c.platform] = append(byPlatform[c.platform], incidentbot.Campaign{
			Platform: c.platform, Account: c.account, ID: c.id, Name: name, Status: c.status, DailyBudget: c.budget, Currency: "EUR",
		})
	}
	return memads.New(incidentbot.AdsGoogle, byPlatform[incidentbot.AdsGoogle]...), memads.New(incidentbot.AdsMeta, byPlatform[incidentbot.AdsMeta]...)
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
		return probe.Answer(t, http.StatusOK, t.Expect, 180*time.Millisecond)
	}
	return probe.Answer(t, http.StatusGatewayTimeout, "", 30*time.Second)
}
