// Package alerts turns monitoring alerts into incidents: Alertmanager
// (webhook v4), Grafana unified alerting (payload version 1) and a generic
// JSON webhook. A firing alert declares an incident, or joins the open one
// that holds its dedupe key; a resolved alert lands on the timeline and asks
// the commander whether to resolve. Monitoring re-sends the same alerts many
// times (every group_interval, on every replica, on retries): each alert
// occurrence changes the incident once.
package alerts

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Config says who may call the webhooks and where alert incidents go.
type Config struct {
	Token         incidentbot.Secret // ALERT_WEBHOOK_TOKEN: bearer token of every webhook
	GrafanaSecret incidentbot.Secret // HMAC-SHA256 secret of the Grafana webhook; "" skips the check
	// Platform, Workspace and Channel are where alert incidents are
	// declared (ALERT_PLATFORM, the workspace of that platform, ALERT_CHANNEL).
	Platform  string
	Workspace string
	Channel   string
	Rules     []Rule // from LoadRules; nil: the defaults
	// MaxBody bounds a request body; 0 means 1 MiB (server's own limit),
	// room for about a thousand alerts in one notification.
	MaxBody int64
	// MaxPerNotification and MaxPerMinute cap the incidents alerts open:
	// per notification, and per minute across every source and replica
	// (counted in the store). Beyond them, firing alerts join the one open
	// "alert storm" incident. 0 means 10 and 20.
	MaxPerNotification int
	MaxPerMinute       int
	// Language and Location are those of the incidents' shared posts
	// (BOT_LANGUAGE, BOT_TIMEZONE): the receiver writes its descriptions,
	// war-room posts and timeline entries in them. "" and nil: English, UTC.
	Language string
	Location *time.Location
}

// Validate returns one error a problem with where alert incidents go,
// naming the variable; a Config without a token (alerts off) passes.
func (c Config) Validate() error {
	if c.Token == "" && c.GrafanaSecret == "" {
		return nil
	}
	var errs []error
	if c.Platform != incidentbot.PlatformSlack && c.Platform != incidentbot.PlatformDiscord {
		errs = append(errs, i18n.Problemf("config.alerts.platform", nil))
	}
	if c.Channel == "" {
		errs = append(errs, i18n.Problemf("config.alerts.channel", nil))
	}
	return errors.Join(errs...)
}

// Receiver serves the alert webhooks.
type Receiver struct {
	cfg        Config
	svc        incidentbot.IncidentService
	deliveries incidentbot.DeliveryStore
	clock      incidentbot.Clock
	logger     *slog.Logger
}

// New returns a Receiver. A nil clock is the wall clock; a nil logger discards.
func New(cfg Config, svc incidentbot.IncidentService, deliveries incidentbot.DeliveryStore, clock incidentbot.Clock, logger *slog.Logger) *Receiver {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxPerNotification <= 0 {
		cfg.MaxPerNotification = 10
	}
	if cfg.MaxPerMinute <= 0 {
		cfg.MaxPerMinute = 20
	}
	if clock == nil {
		clock = incidentbot.SystemClock{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Language = i18n.Or(cfg.Language)
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Receiver{cfg: cfg, svc: svc, deliveries: deliveries, clock: clock, logger: logger}
}

// Alert statuses, as every source spells them.
const (
	statusFiring   = "firing"
	statusResolved = "resolved"
)

// alert is one alert in neutral form, whatever sent it.
type alert struct {
	Status      string
	Title       string // generic webhook only; others derive it from labels
	Labels      map[string]string
	Annotations map[string]string
	StartsAt    time.Time // zero when the source does not say
	EndsAt      time.Time
	Fingerprint string
	Links       []link
	Key         string // generic webhook only: its dedupe_key, used as is
}

type link struct {
	Name, URL string
}

// links picks the addresses the post-mortem links to: the alert at its
// sender (Alertmanager's and Grafana's generatorURL, the generic url),
// and Grafana's panel, else dashboard.
func (a alert) links() incidentbot.AlertLinks {
	var out incidentbot.AlertLinks
	var dashboard string
	for _, l := range a.Links {
		switch l.Name {
		case "source", "link":
			out.Alert = cmp.Or(out.Alert, l.URL)
		case "panel":
			out.Dashboard = cmp.Or(out.Dashboard, l.URL)
		case "dashboard":
			dashboard = cmp.Or(dashboard, l.URL)
		}
	}
	out.Dashboard = cmp.Or(out.Dashboard, dashboard)
	return out.Clean()
}

// source is one webhook flavour.
type source struct {
	name  string // delivery source and log value: "alertmanager", "grafana", "generic"
	actor string // who the timeline says did it
}

// Actions reported per alert in the response body.
const (
	actDeclared  = "declared"
	actAttached  = "attached"
	actDuplicate = "duplicate" // seen before: nothing changed
	actIgnored   = "ignored"
	actResolved  = "resolved"
	actFailed    = "failed"
)

// result is what happened to one alert.
type result struct {
	Fingerprint string `json:"fingerprint,omitempty"`
	Action      string `json:"action"`
	Incident    string `json:"incident,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// storeFault reports errors that mean nothing could be recorded: the only
// ones worth an Alertmanager retry.
func storeFault(err error) bool {
	switch incidentbot.ErrorCode(err) {
	case incidentbot.EUNAVAILABLE, incidentbot.EINTERNAL:
		return true
	}
	return false
}

// process applies a notification's alerts in order. It stops at the first
// store fault and returns it; other failures are per-alert results.
func (r *Receiver) process(ctx context.Context, src source, alerts []alert) ([]result, error) {
	n := &notification{src: src, actor: incidentbot.Actor{
		Platform:  r.cfg.Platform,
		Workspace: r.cfg.Workspace,
		ChannelID: r.cfg.Channel,
		User:      incidentbot.User{Name: src.actor},
	}, open: map[string]*incidentbot.Incident{}, concluded: map[int64]bool{}}
	decisions := make([]decision, len(alerts))
	firing := map[string]bool{} // dedupe keys still firing in this notification
	keys := []string{stormKey}
	for i, a := range alerts {
		decisions[i] = decide(r.cfg.Rules, a.Labels)
		if a.Key != "" {
			decisions[i].key = a.Key
		}
		if a.Status == statusFiring {
			firing[decisions[i].key] = true
		}
		keys = append(keys, decisions[i].key)
	}
	if err := r.lookUp(ctx, n, keys); err != nil {
		return nil, err
	}
	claims, err := r.claimFiring(ctx, n, alerts, decisions)
	if err != nil {
		return nil, err
	}
	out := make([]result, 0, len(alerts))
	for i, a := range alerts {
		var res result
		var err error
		if a.Status == statusFiring {
			res, err = r.fire(ctx, n, i, a, decisions[i], claims[i])
		} else {
			res, err = r.resolve(ctx, n, a, decisions[i], !firing[decisions[i].key])
		}
		res.Fingerprint = a.Fingerprint
		if err != nil {
			if storeFault(err) {
				return out, err
			}
			r.logger.WarnContext(ctx, "alert not applied", "source", src.name, "fingerprint", a.Fingerprint, "code", incidentbot.ErrorCode(err), "err", err)
			res.Action, res.Reason = actFailed, i18n.ErrorMessage(r.cfg.Language, err)
		}
		out = append(out, res)
	}
	if err := r.announceStorm(ctx, n, out); err != nil {
		return out, err
	}
	return out, nil
}

// claim is what the claims made up front found for one firing alert.
type claim struct {
	done   bool // claimed up front; else fire claims it itself
	first  bool // the occurrence is new
	held   bool // a repeat that the open storm incident holds
	marked bool // its storm marker was taken up front, and was free
}

// claimFiring claims in a few statements the occurrence of every firing
// alert that can change something (all but attach-only alerts whose key no
// incident holds and no earlier alert declares), then the storm marker of
// every repeat whose key no incident holds: a notification of thousands of
// alerts costs a few round trips, not thousands.
func (r *Receiver) claimFiring(ctx context.Context, n *notification, alerts []alert, decisions []decision) ([]claim, error) {
	claims := make([]claim, len(alerts))
	declaring := map[string]bool{} // keys an alert before this one declares
	var idx []int
	var ids []string
	unheld := make([]bool, len(alerts)) // no incident holds the alert's key
	for i, a := range alerts {
		d := decisions[i]
		if a.Status != statusFiring {
			continue
		}
		existing, err := r.openIncident(ctx, n, d.key)
		if err != nil {
			return nil, err
		}
		unheld[i] = existing == nil
		if existing != nil || d.mode != ModeAttach || declaring[d.key] {
			idx, ids = append(idx, i), append(ids, occurrence("fired", d.key, a))
		}
		if d.mode != ModeAttach {
			declaring[d.key] = true
		}
	}
	if len(ids) == 0 {
		return claims, nil
	}
	firsts, err := r.deliveries.ClaimDeliveries(ctx, n.src.name, ids, r.clock.Now())
	if err != nil {
		return nil, err
	}
	var repeats []int
	for j, i := range idx {
		claims[i] = claim{done: true, first: firsts[j]}
		if !firsts[j] && unheld[i] {
			repeats = append(repeats, i)
		}
	}
	if len(repeats) == 0 {
		return claims, nil
	}
	if n.storm, err = r.openIncident(ctx, n, stormKey); err != nil || n.storm == nil {
		return claims, err
	}
	markers := make([]string, len(repeats))
	for j, i := range repeats {
		markers[j] = stormMarker(n.storm, decisions[i], alerts[i])
	}
	free, err := r.deliveries.ClaimDeliveries(ctx, stormSource, markers, r.clock.Now())
	if err != nil {
		return nil, err
	}
	for j, i := range repeats {
		claims[i].held, claims[i].marked = !free[j], free[j]
	}
	return claims, nil
}

// notification is one delivery being applied.
type notification struct {
	src   source
	actor incidentbot.Actor
	// open holds, by dedupe key, the open incident holding each key looked
	// up so far (nil: none), as this notification left it.
	open map[string]*incidentbot.Incident
	// concluded holds the incidents already asked to resolve (or resolved)
	// by this notification: one question per incident, however many of
	// its alerts resolved together.
	concluded map[int64]bool
	declared  int  // incidents this notification opened
	full      bool // the per-minute cap refused one: the rest go to the storm
	storm     *incidentbot.Incident
	stormed   []stormedAlert // joined the storm in this notification
}

// lookUp finds in one indexed query the open incidents holding the keys
// of a notification's alerts (and the storm's): a notification then costs
// the same whether 0 or 1,000 other incidents are open.
func (r *Receiver) lookUp(ctx context.Context, n *notification, keys []string) error {
	var want []string
	asked := map[string]bool{}
	for _, k := range keys {
		if _, ok := n.open[k]; !ok && !asked[k] {
			want, asked[k] = append(want, k), true
		}
	}
	if len(want) == 0 {
		return nil
	}
	found, err := r.svc.OpenByDedupeKeys(ctx, n.actor, want)
	if err != nil {
		return err
	}
	for _, k := range want {
		n.open[k] = found[k] // nil: none holds it
	}
	return nil
}

// openIncident returns the open (investigating or mitigated) incident
// holding key, or nil, looking it up unless the notification knows it.
func (r *Receiver) openIncident(ctx context.Context, n *notification, key string) (*incidentbot.Incident, error) {
	if err := r.lookUp(ctx, n, []string{key}); err != nil {
		return nil, err
	}
	if inc := n.open[key]; inc != nil && inc.Status.Open() {
		return inc, nil
	}
	return nil, nil
}

// fire handles the i-th alert, firing. Its occurrence (key, fingerprint,
// startsAt) is claimed first (c, or here), so every repeat of it finds the
// claim taken and changes nothing. Declaring does not depend on the claim:
// the store allows one open incident per dedupe key, so a retry after a
// failed declaration declares, and concurrent first deliveries declare
// once; a repeat the storm incident holds stays with it.
func (r *Receiver) fire(ctx context.Context, n *notification, i int, a alert, d decision, c claim) (result, error) {
	src, actor := n.src, n.actor
	existing, err := r.openIncident(ctx, n, d.key)
	if err != nil {
		return result{}, err
	}
	if existing == nil && d.mode == ModeAttach {
		return result{Action: actIgnored, Reason: r.say("alerts.reason.attach_only", map[string]any{"Key": d.key})}, nil
	}
	first := c.first
	if !c.done { // attach-only, and its incident appeared since the claims up front
		if first, err = r.deliveries.ClaimDelivery(ctx, src.name, occurrence("fired", d.key, a), r.clock.Now()); err != nil {
			return result{}, err
		}
	}
	desc := describe(r.cfg.Language, r.cfg.Location, src, a)
	if existing == nil {
		if c.held {
			return result{Action: actDuplicate, Incident: n.storm.Key}, nil
		}
		if n.full || n.declared >= r.cfg.MaxPerNotification {
			return r.joinStorm(ctx, n, i, a, d, c.marked)
		}
		inc, err := r.declare(ctx, src, actor, a, d, desc)
		var dup *incidentbot.DuplicateError
		var limited *incidentbot.RateLimitError
		switch {
		case err == nil:
			n.open[inc.DedupeKey] = inc
			n.declared++
			r.logger.InfoContext(ctx, "incident declared from alert", "source", src.name, "incident", inc.Key, "fingerprint", a.Fingerprint, "rule", d.rule)
			return result{Action: actDeclared, Incident: inc.Key}, nil
		case errors.As(err, &limited):
			n.full = true
			return r.joinStorm(ctx, n, i, a, d, c.marked)
		case errors.As(err, &dup):
			existing = dup.Existing
			n.open[existing.DedupeKey] = existing
		default:
			return result{}, err
		}
	}
	// existing.Impact == desc: a concurrent delivery of this very
	// occurrence declared the incident after this one claimed it.
	if !first || existing.Impact == desc {
		return result{Action: actDuplicate, Incident: existing.Key}, nil
	}
	title := alertTitle(r.cfg.Language, a)
	ev := incidentbot.TimelineEvent{
		Kind: incidentbot.EventAlertFired,
		At:   startedAt(a, r.clock.Now()),
		Text: r.say("alerts.timeline.fired", map[string]any{"Source": src.actor, "Title": title}),
		Data: eventData(src, a, d),
	}
	msg := &incidentbot.Message{Title: r.say("alerts.joined", map[string]any{"Key": existing.Key, "Title": title}), Text: desc, Severity: existing.Severity}
	if _, err := r.svc.Record(ctx, actor, existing.Key, ev, msg); err != nil {
		return result{}, err
	}
	return result{Action: actAttached, Incident: existing.Key}, nil
}

// declare opens the incident. A rule naming a playbook that does not exist
// (any more) must not leave an outage without an incident: the title then
// picks the playbook.
func (r *Receiver) declare(ctx context.Context, src source, actor incidentbot.Actor, a alert, d decision, desc string) (*incidentbot.Incident, error) {
	req := incidentbot.DeclareRequest{
		Title:       alertTitle(r.cfg.Language, a),
		Severity:    d.severity,
		Type:        d.typ,
		Description: desc,
		Force:       true, // alerts dedupe on their key, not on titles
		DedupeKey:   d.key,
		// Detected is now, when the bot receives it; the impact started
		// when the sender says it did, so the time to detect shows the
		// monitoring's own delays (for, group_wait).
		ImpactStartedAt: a.StartsAt,
		Links:           a.links(),
		Limits:          []incidentbot.RateLimit{{Scope: minuteScope, Max: r.cfg.MaxPerMinute, Window: time.Minute}},
	}
	inc, err := r.svc.Declare(ctx, actor, req)
	if incidentbot.ErrorCode(err) == incidentbot.EINVALID && req.Type != "" {
		r.logger.WarnContext(ctx, "alert rule type refused, declaring with the default playbook", "source", src.name, "rule", d.rule, "type", req.Type, "err", err)
		req.Type = ""
		inc, err = r.svc.Declare(ctx, actor, req)
	}
	return inc, err
}

// resolve handles one resolved alert: a timeline entry on the open
// incident holding its key (one resolved by hand already needs nothing)
// and, once nothing with that key fires any more, the resolve suggestion
// (or the resolve itself when the rule says so). The claim comes first so
// a redelivery never posts twice; a store failure after it loses this
// entry, never the incident.
func (r *Receiver) resolve(ctx context.Context, n *notification, a alert, d decision, allResolved bool) (result, error) {
	src, actor := n.src, n.actor
	inc, err := r.openIncident(ctx, n, d.key)
	if err != nil {
		return result{}, err
	}
	if inc == nil {
		return result{Action: actIgnored, Reason: r.say("alerts.reason.no_incident", map[string]any{"Key": d.key})}, nil
	}
	first, err := r.deliveries.ClaimDelivery(ctx, src.name, occurrence(fmt.Sprintf("resolved/%d", inc.ID), d.key, a), r.clock.Now())
	if err != nil {
		return result{}, err
	}
	if !first {
		return result{Action: actDuplicate, Incident: inc.Key}, nil
	}
	title := alertTitle(r.cfg.Language, a)
	now := r.clock.Now()
	at := a.EndsAt
	if at.IsZero() || at.After(now) {
		at = now
	}
	ev := incidentbot.TimelineEvent{
		Kind: incidentbot.EventAlertResolved,
		At:   at,
		Text: r.say("alerts.timeline.resolved", map[string]any{"Source": src.actor, "Title": title}),
		Data: eventData(src, a, d),
	}
	var msg *incidentbot.Message
	suggest := allResolved && !n.concluded[inc.ID]
	if suggest && d.resolve {
		about := map[string]any{"Key": inc.Key, "Title": title}
		_, err := r.svc.SetStatus(ctx, actor, inc.Key, incidentbot.StatusResolved, r.say("alerts.auto_resolved.summary", about))
		switch {
		case err == nil:
			suggest = false
			msg = &incidentbot.Message{Title: r.say("alerts.auto_resolved.title", about), Text: r.say("alerts.auto_resolved.text", about), Severity: inc.Severity}
		case storeFault(err):
			return result{}, err
		default:
			// A person commands it now: they decide.
			r.logger.InfoContext(ctx, "auto-resolve refused, suggesting instead", "incident", inc.Key, "code", incidentbot.ErrorCode(err), "err", err)
		}
	}
	if suggest {
		msg, err = r.suggestion(ctx, actor, inc, title)
		if err != nil {
			return result{}, err
		}
	}
	if _, err := r.svc.Record(ctx, actor, inc.Key, ev, msg); err != nil {
		return result{}, err
	}
	if allResolved {
		n.concluded[inc.ID] = true
	}
	return result{Action: actResolved, Incident: inc.Key}, nil
}

// suggestion asks the commander to resolve, with a button for it.
func (r *Receiver) suggestion(ctx context.Context, actor incidentbot.Actor, inc *incidentbot.Incident, title string) (*incidentbot.Message, error) {
	st, err := r.svc.Status(ctx, actor, inc.Key)
	if err != nil {
		return nil, err
	}
	who := r.say("alerts.suggest.commander", nil)
	var mentions []string
	for _, ra := range st.Roles {
		if ra.Role == incidentbot.RoleCommander && ra.User.ID != "" {
			mentions = append(mentions, ra.User.Mention())
		}
	}
	if len(mentions) > 0 {
		who = strings.Join(mentions, ", ")
	}
	return &incidentbot.Message{
		Title:    r.say("alerts.suggest.title", map[string]any{"Title": title}),
		Text:     r.say("alerts.suggest.text", map[string]any{"Who": who, "Key": inc.Key}),
		Severity: inc.Severity,
		Buttons: []incidentbot.Button{
			{ActionID: "resolve " + inc.Key, Label: r.say("alerts.suggest.resolve_button", nil), Style: incidentbot.ButtonPrimary},
			{ActionID: "status " + inc.Key, Label: r.say("alerts.suggest.status_button", nil)},
		},
	}, nil
}

// say is catalog message id in the language of the incidents' shared posts.
func (r *Receiver) say(id string, data map[string]any) string {
	return i18n.T(r.cfg.Language, id, data)
}

// occurrence names one alert occurrence for delivery dedupe: the same
// alert (fingerprint) since the same start, under one dedupe key.
func occurrence(what, key string, a alert) string {
	start := "-"
	if !a.StartsAt.IsZero() {
		start = a.StartsAt.UTC().Format(time.RFC3339Nano)
	}
	return what + "/" + key + "/" + a.Fingerprint + "/" + start
}

func startedAt(a alert, now time.Time) time.Time {
	if a.StartsAt.IsZero() || a.StartsAt.After(now) {
		return now
	}
	return a.StartsAt
}

// eventData is the timeline event's detail, for the post-mortem and the dashboard.
func eventData(src source, a alert, d decision) json.RawMessage {
	b, err := json.Marshal(struct {
		Source      string            `json:"source"`
		Fingerprint string            `json:"fingerprint,omitempty"`
		Key         string            `json:"dedupe_key"`
		Rule        string            `json:"rule,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		StartsAt    *time.Time        `json:"starts_at,omitempty"`
		incidentbot.AlertLinks
	}{src.name, a.Fingerprint, d.key, d.rule, a.Labels, timePtr(a.StartsAt), a.links()})
	if err != nil {
		return nil
	}
	return b
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
