// Package bot is the incident engine: it implements incidentbot.IncidentService,
// runs the incident lifecycle, and performs every external side effect (the
// war-room saga, ad pauses, probes, notifications, reminders, manager
// summaries) as durable jobs that survive crashes and restarts.
package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"incidentbot"
	"incidentbot/bot/jobrun"
	"incidentbot/i18n"
	"incidentbot/integrations/ads"
	"incidentbot/postmortem"
)

// Config tunes the engine.
type Config struct {
	SummaryChannels  map[string]string // platform -> summary channel id ("" or missing: no summaries there)
	RevenuePerMinute float64
	Currency         string   // default "EUR"
	AdsAdmins        []string // AdsAdmin(platform, user id) of the people allowed to run ads commands besides commander/comms
	Language         string   // "en" | "fr": post-mortem and customer templates
	// Location is BOT_TIMEZONE: times people type ("impact-start 14:02")
	// and the hours of the revenue profile are read in it; nil: UTC.
	Location *time.Location
	// RevenueProfile, when set, replaces RevenuePerMinute for the hours it
	// lists (REVENUE_PROFILE_FILE).
	RevenueProfile *postmortem.RevenueProfile
	// ShopURL is the shop's public address (SHOP_URL): what a playbook's
	// verify_site without url checks, and what customer templates link to.
	ShopURL string
	Workers int // default 4
	// ProbeWorkers (default 2) run the outside-in checks, in a pool of
	// their own: a site that never answers holds them, never the war room.
	ProbeWorkers int
	// Lease is how long a claimed job is held without a renewal (default
	// 20s): a running job renews it every Lease/3, so a crashed worker's
	// jobs are taken over within one Lease.
	Lease time.Duration
	// JobTimeout bounds one run of a job (default 90s), however often its
	// lease is renewed.
	JobTimeout time.Duration
	// WorkerID names this process's workers across restarts ("" : a random
	// name per start). At start, jobs still held under that name, by a run
	// that died, are handed back at once. Two live processes must never
	// share it.
	WorkerID     string
	PollInterval time.Duration // how often idle workers look for due jobs
	MaxAttempts  int
	// While an incident is open, the site it checked is checked again every
	// RecheckInterval (default 2m); after RecheckHealthy healthy checks in a
	// row (default 3) the war room is asked whether to resume ads and resolve.
	RecheckInterval time.Duration
	RecheckHealthy  int
	// DeclareLimit is how many incidents, drills included, one person may
	// declare in any minute (default 5; negative: no limit). Counted in the
	// store, so it holds across replicas.
	DeclareLimit int
	// VerifyLimit is how many manual /incident verify checks one incident
	// may queue in any VerifyWindow (default 3 in 5 minutes; negative: no limit).
	VerifyLimit  int
	VerifyWindow time.Duration
}

// Deps are the parts the engine drives.
type Deps struct {
	Store     incidentbot.Store
	Playbooks incidentbot.Playbooks
	Chats     map[string]incidentbot.Chat // by Platform()
	Ads       *ads.Orchestrator           // nil: ads actions say no ad platform is configured
	Prober    incidentbot.Prober          // nil: verify says checks are not configured yet
	Providers incidentbot.ProviderChecker // nil: check_providers is recorded as skipped
	Notifier  incidentbot.Notifier        // nil: notify/statuspage/page actions are recorded as skipped
	Tracker   incidentbot.Tracker         // nil: follow-ups stay in chat and the post-mortem (FOLLOWUPS_TARGET unset)
	Clock     incidentbot.Clock
	Logger    *slog.Logger
}

// DefaultLease is how long a job is held between renewals unless
// Config.Lease says otherwise.
const DefaultLease = 20 * time.Second

// Engine implements incidentbot.IncidentService and runs the job queue.
type Engine struct {
	cfg       Config
	store     incidentbot.Store
	playbooks incidentbot.Playbooks
	chats     map[string]incidentbot.Chat
	ads       *ads.Orchestrator
	prober    incidentbot.Prober
	providers incidentbot.ProviderChecker
	notifier  incidentbot.Notifier
	tracker   incidentbot.Tracker
	clock     incidentbot.Clock
	logger    *slog.Logger

	nonce    string // random, unique per engine: worker ids and job keys
	id       string // worker name prefix (Config.WorkerID), so leases are told apart
	handlers map[string]handler
	runner   *jobrun.Runner
	counter  atomic.Uint64 // see seq
}

var _ incidentbot.IncidentService = (*Engine)(nil)

// New checks the dependencies and fills the configuration defaults.
func New(cfg Config, deps Deps) (*Engine, error) {
	if err := check(cfg, deps); err != nil {
		return nil, err
	}
	if deps.Clock == nil {
		deps.Clock = incidentbot.SystemClock{}
	}
	cfg.fill()
	var b [4]byte
	_, _ = rand.Read(b[:])
	id := cfg.WorkerID
	if id == "" {
		id = "engine-" + hex.EncodeToString(b[:])
	}
	e := &Engine{
		cfg:       cfg,
		store:     deps.Store,
		playbooks: deps.Playbooks,
		chats:     deps.Chats,
		ads:       deps.Ads,
		prober:    deps.Prober,
		providers: deps.Providers,
		notifier:  deps.Notifier,
		tracker:   deps.Tracker,
		clock:     deps.Clock,
		logger:    deps.Logger,
		nonce:     hex.EncodeToString(b[:]),
		id:        id,
	}
	e.handlers = e.jobHandlers()
	e.runner = e.newRunner()
	return e, nil
}

// check refuses missing dependencies and negative settings, all at once.
func check(cfg Config, deps Deps) error {
	var errs []error
	if deps.Store == nil {
		errs = append(errs, errors.New("bot: Deps.Store is required"))
	}
	if deps.Playbooks == nil {
		errs = append(errs, errors.New("bot: Deps.Playbooks is required"))
	}
	if len(deps.Chats) == 0 {
		errs = append(errs, errors.New("bot: Deps.Chats needs at least one chat platform"))
	}
	for name, c := range deps.Chats {
		if c == nil || c.Platform() != name {
			errs = append(errs, fmt.Errorf("bot: Deps.Chats[%q] must be a chat whose Platform() is %q", name, name))
		}
	}
	if deps.Logger == nil {
		errs = append(errs, errors.New("bot: Deps.Logger is required"))
	}
	if cfg.Workers < 0 || cfg.Lease < 0 || cfg.JobTimeout < 0 || cfg.PollInterval < 0 || cfg.MaxAttempts < 0 || cfg.RevenuePerMinute < 0 {
		errs = append(errs, errors.New("bot: Config.Workers, Lease, JobTimeout, PollInterval, MaxAttempts and RevenuePerMinute must not be negative"))
	}
	return errors.Join(errs...)
}

// fill sets the defaults of the settings left zero.
func (c *Config) fill() {
	if c.Currency == "" {
		c.Currency = "EUR"
	}
	if c.Language == "" {
		c.Language = "en"
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.Lease == 0 {
		c.Lease = DefaultLease
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = 90 * time.Second
	}
	if c.PollInterval == 0 {
		c.PollInterval = 500 * time.Millisecond
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 8
	}
	if c.RecheckInterval <= 0 {
		c.RecheckInterval = 2 * time.Minute
	}
	if c.RecheckHealthy <= 0 {
		c.RecheckHealthy = 3
	}
	if c.DeclareLimit == 0 {
		c.DeclareLimit = 5
	}
	if c.ProbeWorkers <= 0 {
		c.ProbeWorkers = 2
	}
	if c.VerifyLimit == 0 {
		c.VerifyLimit = 3
	}
	if c.VerifyWindow <= 0 {
		c.VerifyWindow = 5 * time.Minute
	}
}

// Playbooks lists the playbooks people can choose at declaration.
func (e *Engine) Playbooks() []*incidentbot.Playbook { return e.playbooks.All() }

func (e *Engine) now() time.Time { return e.clock.Now().UTC() }

// nudge wakes an idle worker of the lanes of jobs, just enqueued, so they
// start at once; none wakes no one.
func (e *Engine) nudge(jobs []incidentbot.Job) {
	if len(jobs) > 0 {
		e.runner.Nudge(jobs...)
	}
}

// chat returns the chat platform an incident lives on.
func (e *Engine) chat(platform string) (incidentbot.Chat, error) {
	c, ok := e.chats[platform]
	if !ok {
		return nil, i18n.Errorf(incidentbot.EINVALID, "engine.no_chat", map[string]any{"Platform": platform})
	}
	return c, nil
}

// playbook returns an incident's playbook; one removed since the
// declaration falls back to the generic playbook so the incident keeps working.
func (e *Engine) playbook(inc *incidentbot.Incident) (*incidentbot.Playbook, error) {
	pb, err := e.playbooks.Match(inc.Type, "")
	if err == nil {
		return pb, nil
	}
	e.logger.Warn("playbook gone, using the generic one", "incident", inc.Key, "type", inc.Type, "err", err)
	pb, err = e.playbooks.Match("", "")
	if err != nil {
		return nil, fmt.Errorf("generic playbook: %w", err)
	}
	return pb, nil
}

// incident resolves the incident a command acts on: the key, or the war
// room the command was typed in, within the actor's workspace only. An
// incident of another workspace or platform is "not found", as a missing
// key is: the store query is scoped, so no caller can forget to check.
func (e *Engine) incident(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	if key == "" {
		inc, err := e.store.IncidentByWarRoom(ctx, actor.Platform, actor.Workspace, actor.ChannelID)
		if incidentbot.ErrorCode(err) == incidentbot.ENOTFOUND {
			return nil, i18n.Wrap(incidentbot.ENOTFOUND, err, "engine.not_war_room", nil)
		}
		return inc, err
	}
	id, err := incidentbot.ParseIncidentKey(key)
	if err != nil {
		return nil, err
	}
	return e.store.IncidentByKey(ctx, actor.Platform, actor.Workspace, id)
}

// inWorkspace refuses an actor who names no platform or workspace: nothing
// can be declared or listed outside a workspace. Adapters refuse such
// requests first; this keeps the engine safe on its own.
func inWorkspace(actor incidentbot.Actor) error {
	if actor.Platform == "" || actor.Workspace == "" {
		return i18n.Errorf(incidentbot.EFORBIDDEN, "engine.no_workspace", nil)
	}
	return nil
}

// status builds the one-screen state of an incident.
func (e *Engine) status(ctx context.Context, inc *incidentbot.Incident) (*incidentbot.IncidentStatus, error) {
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	checklist, err := e.store.Checklist(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	pauses, err := e.store.Pauses(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	// The last update only: a timeline can hold tens of thousands of events.
	last, err := e.store.LastEvent(ctx, inc.ID, incidentbot.EventStatusUpdate)
	if err != nil {
		return nil, err
	}
	failed, err := e.failedJobs(ctx, inc)
	if err != nil {
		return nil, err
	}
	st := &incidentbot.IncidentStatus{Incident: inc, Roles: roles, Checklist: checklist, Pauses: pauses, LastUpdate: last, Playbook: pb, Location: e.cfg.Location}
	st.Failed = failedActions(e.lang(inc), failed)
	return st, nil
}

// holders returns who holds a role.
func holders(roles []incidentbot.RoleAssignment, role string) []incidentbot.User {
	var out []incidentbot.User
	for _, r := range roles {
		if r.Role == role {
			out = append(out, r.User)
		}
	}
	return out
}
