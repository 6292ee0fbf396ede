package bot

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/integrations/ads"
	"incidentbot/internal/fake/memads"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// prober answers every probe with the same result, {url} in its Summary
// replaced by the URL checked, and counts the calls.
type prober struct {
	mu      sync.Mutex
	calls   int
	targets []incidentbot.ProbeTarget
	result  incidentbot.ProbeResult
}

func (p *prober) Probe(ctx context.Context, t incidentbot.ProbeTarget) incidentbot.ProbeResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.targets = append(p.targets, t)
	r := p.result
	r.URL = t.URL
	r.Summary = strings.ReplaceAll(r.Summary, "{url}", t.URL)
	return r
}

// notifier records what it was asked to send, and hands the status page's
// updates to statuspage when set (a real client on a fake page).
type notifier struct {
	mu         sync.Mutex
	sent       []string // "target: subject"
	statuspage incidentbot.Notifier
}

func (n *notifier) Notify(ctx context.Context, target string, notice incidentbot.Notice) error {
	_, err := n.NotifyLink(ctx, target, notice)
	return err
}

// NotifyLink is Notify, returning the status page's link when its client says.
func (n *notifier) NotifyLink(ctx context.Context, target string, notice incidentbot.Notice) (string, error) {
	n.mu.Lock()
	n.sent = append(n.sent, target+": "+notice.Subject())
	n.mu.Unlock()
	if target == incidentbot.ActionStatusPage && n.statuspage != nil {
		if ln, ok := n.statuspage.(incidentbot.LinkNotifier); ok {
			return ln.NotifyLink(ctx, target, notice)
		}
		return "", n.statuspage.Notify(ctx, target, notice)
	}
	return "", nil
}

func (n *notifier) Sent() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

// books overrides some default playbooks.
type books struct {
	*playbooks.Set
	override map[string]*incidentbot.Playbook
}

func (b books) Match(typ, title string) (*incidentbot.Playbook, error) {
	if pb, ok := b.override[typ]; ok {
		return pb, nil
	}
	return b.Set.Match(typ, title)
}

const summaryChannel = console.GeneralChannelID

var (
	alice = incidentbot.User{ID: "U_ALICE", Name: "alice"}
	bob   = incidentbot.User{ID: "U_BOB", Name: "bob"}
	emma  = incidentbot.User{ID: "U_EMMA", Name: "emma"}
)

// fixture is one engine world: store, console chat, one ad platform, fakes
// and a fixed clock.
type fixture struct {
	t        *testing.T
	db       *store.DB
	chat     *console.Chat
	google   *memads.Platform
	clock    *incidentbot.ManualClock
	prober   *prober
	notifier *notifier
	provs    incidentbot.ProviderChecker
	books    incidentbot.Playbooks
	logs     *bytes.Buffer
	logw     *syncWriter          // writes to logs
	admins   []string             // Config.AdsAdmins
	shop     string               // Config.ShopURL
	lang     string               // Config.Language
	tune     func(*Config, *Deps) // changes the next engine's configuration, when set
	eng      *Engine
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{
		t:        t,
		db:       db,
		chat:     console.NewChat(nil, console.DefaultDirectory()),
		clock:    incidentbot.NewManualClock(time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)),
		prober:   &prober{result: incidentbot.ProbeResult{Healthy: false, Class: "5xx from the application", Status: 503, Summary: "{url} answered HTTP 503: the application itself fails.", Detail: "Check its error logs."}},
		notifier: &notifier{},
		books:    playbooks.Defaults(),
		shop:     "https://shop.example.com/",
		logs:     &bytes.Buffer{},
		google: memads.New(incidentbot.AdsGoogle,
			campaign("g1", "Black Friday search", incidentbot.CampaignActive),
			campaign("g2", "Shopping feed", incidentbot.CampaignActive),
			campaign("g3", "Old test", incidentbot.CampaignPaused),
		),
	}
	f.eng = f.engine()
	return f
}

func campaign(id, name string, s incidentbot.CampaignStatus) incidentbot.Campaign {
	return incidentbot.Campaign{Platform: incidentbot.AdsGoogle, Account: "123", ID: id, Name: name, Status: s, DailyBudget: 240, Currency: "EUR"}
}

// engine returns a new engine on the fixture's store and chat, as a
// restarted process would have.
func (f *fixture) engine() *Engine {
	f.t.Helper()
	if f.logw == nil || f.logw.w != f.logs {
		f.logw = &syncWriter{w: f.logs} // one lock for every engine writing to f.logs
	}
	logger := slog.New(slog.NewTextHandler(f.logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{
		SummaryChannels: map[string]string{incidentbot.PlatformConsole: summaryChannel},
		MaxAttempts:     4,
		AdsAdmins:       f.admins,
		ShopURL:         f.shop,
		Language:        f.lang,
		DeclareLimit:    -1, // tests declare many at one fake time; TestDeclareRateLimit sets it
	}
	deps := Deps{
		Store:     f.db,
		Playbooks: f.books,
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: f.chat},
		Ads:       ads.New(f.db, []incidentbot.AdPlatform{f.google}, f.clock, logger),
		Prober:    f.prober,
		Notifier:  f.notifier,
		Providers: f.provs,
		Clock:     f.clock,
		Logger:    logger,
	}
	if f.tune != nil {
		f.tune(&cfg, &deps)
	}
	e, err := New(cfg, deps)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return e
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func actor(u incidentbot.User, channel string) incidentbot.Actor {
	return incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console", User: u, ChannelID: channel}
}

func (f *fixture) declare(req incidentbot.DeclareRequest) *incidentbot.Incident {
	f.t.Helper()
	inc, err := f.eng.Declare(context.Background(), actor(alice, console.GeneralChannelID), req)
	if err != nil {
		f.t.Fatalf("Declare: %v", err)
	}
	return inc
}

// runAll runs every due job, then keeps advancing the clock by step and
// running until nothing is pending or the rounds run out.
func (f *fixture) runAll(step time.Duration) {
	f.t.Helper()
	for range 50 {
		if _, err := f.eng.RunDue(context.Background(), 0); err != nil {
			f.t.Fatalf("RunDue: %v", err)
		}
		if step == 0 || !f.pending() {
			return
		}
		f.clock.Advance(step)
	}
	f.t.Fatalf("jobs still pending after 50 rounds")
}

// pending reports whether a job is pending or running, reminders and site
// re-checks aside (they are always there while an incident is open).
func (f *fixture) pending() bool {
	incs, err := f.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, inc := range incs {
		for _, j := range f.jobs(inc) {
			if j.Kind != kindReminder && j.Kind != kindAdsReminder && j.Kind != kindRecheck && (j.State == incidentbot.JobPending || j.State == incidentbot.JobRunning) {
				return true
			}
		}
	}
	return false
}

func (f *fixture) jobs(inc *incidentbot.Incident) []incidentbot.Job {
	f.t.Helper()
	jobs, err := f.db.Jobs(context.Background(), inc.ID)
	if err != nil {
		f.t.Fatalf("Jobs: %v", err)
	}
	return jobs
}

// job returns the incident's last job of a kind.
func (f *fixture) job(inc *incidentbot.Incident, kind string) incidentbot.Job {
	f.t.Helper()
	var out incidentbot.Job
	for _, j := range f.jobs(inc) {
		if j.Kind == kind {
			out = j
		}
	}
	return out
}

func (f *fixture) reload(inc *incidentbot.Incident) *incidentbot.Incident {
	f.t.Helper()
	got, err := f.db.Incident(context.Background(), inc.ID)
	if err != nil {
		f.t.Fatalf("Incident: %v", err)
	}
	return got
}

func (f *fixture) timeline(inc *incidentbot.Incident) []incidentbot.TimelineEvent {
	f.t.Helper()
	events, err := f.db.Timeline(context.Background(), inc.ID)
	if err != nil {
		f.t.Fatalf("Timeline: %v", err)
	}
	return events
}

// warRoom returns the incident's war room as the chat sees it.
func (f *fixture) warRoom(inc *incidentbot.Incident) console.ChannelState {
	f.t.Helper()
	inc = f.reload(inc)
	if inc.WarRoom == "" {
		f.t.Fatalf("%s has no war room", inc.Key)
	}
	ch, ok := f.chat.Channel(inc.WarRoom)
	if !ok {
		f.t.Fatalf("war room %s not in the chat", inc.WarRoom)
	}
	return ch
}

// draft asks for the post-mortem as a's /incident postmortem does, runs
// the job, and returns the file it posted in a's channel.
func (f *fixture) draft(a incidentbot.Actor, key string) string {
	f.t.Helper()
	if _, err := f.eng.Postmortem(context.Background(), a, key); err != nil {
		f.t.Fatalf("Postmortem: %v", err)
	}
	f.runAll(0)
	ch, ok := f.chat.Channel(a.ChannelID)
	if !ok {
		f.t.Fatalf("channel %s not in the chat", a.ChannelID)
	}
	for i := len(ch.Messages) - 1; i >= 0; i-- {
		if file := ch.Messages[i].Message.File; file != nil {
			return file.Content
		}
	}
	f.t.Fatalf("no post-mortem file posted in %s", a.ChannelID)
	return ""
}

// posts returns the texts and titles of a channel's messages that contain s.
func posts(ch console.ChannelState, s string) []string {
	var out []string
	for _, m := range ch.Messages {
		if text := m.Message.Title + "\n" + m.Message.Text; strings.Contains(text, s) {
			out = append(out, text)
		}
	}
	return out
}

// events returns the timeline events of a kind.
func events(tl []incidentbot.TimelineEvent, kind incidentbot.EventKind) []incidentbot.TimelineEvent {
	var out []incidentbot.TimelineEvent
	for _, e := range tl {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func status(f *fixture, key incidentbot.CampaignKey) incidentbot.CampaignStatus {
	f.t.Helper()
	c, ok := f.google.Campaign(key)
	if !ok {
		f.t.Fatalf("no campaign %s", key)
	}
	return c.Status
}

func key(id string) incidentbot.CampaignKey {
	return incidentbot.CampaignKey{Platform: incidentbot.AdsGoogle, Account: "123", ID: id}
}
