package incidentbot

import (
	"context"
	"fmt"
	"time"
)

// Lengths people's text may have. Longer text is refused with a message
// that says so (alert descriptions are cut instead: nobody is there to
// shorten them): it is read on phones, in the managers' summary and in
// one chat message, and a wall of text pushes the rest off the screen.
const (
	MaxTitle       = 150  // a title, as the declare command accepts
	MaxDescription = 2000 // what people see (Impact), from the declare form or an alert
	MaxUpdateText  = 3000 // one status update or note: one Slack section
)

// DeclareRequest is what a person (or an alert) gives to open an incident.
type DeclareRequest struct {
	Title       string
	Severity    Severity // SevUnknown: the playbook's default
	Type        string   // playbook name or one of its match types; "" picks the default
	Description string
	Drill       bool
	Force       bool  // declare even when an open incident has the same title here
	PauseAds    *bool // nil: as the playbook says; set: override it
	DedupeKey   string
	DetectedAt  time.Time // when the bot learnt of it; zero: now
	// ImpactStart is when customers were first affected (declare --since),
	// in BOT_TIMEZONE; nil: ImpactStartedAt.
	ImpactStart *LocalTime
	// ImpactStartedAt is when the sender of an alert says the problem
	// began (Alertmanager's startsAt), so the time to detect shows the
	// monitoring's delays; zero or implausible: DetectedAt.
	ImpactStartedAt time.Time
	// Links are the alert's addresses at its sender, kept with the
	// declaration for the post-mortem; never fetched by the bot.
	Links AlertLinks
	// Limits are counted with the incident, besides the engine's own limit
	// per person: alerts cap the incidents they open per minute.
	Limits []RateLimit
}

// IncidentStatus is the one-screen state of an incident.
type IncidentStatus struct {
	Incident   *Incident
	Roles      []RoleAssignment
	Checklist  []ChecklistEntry
	Pauses     []CampaignPause
	LastUpdate *TimelineEvent
	Playbook   *Playbook
	Failed     []FailedAction // side effects the bot gave up on; /incident retry runs them again
	Location   *time.Location // BOT_TIMEZONE, the zone views write times in; nil is UTC
}

// ListPerPage is how many incidents one page of /incident list shows:
// a phone screen's worth.
const ListPerPage = 20

// ListQuery selects a page of /incident list.
type ListQuery struct {
	All  bool // resolved and closed incidents too, after the open ones
	Page int  // 1-based; 0 is the first
}

// IncidentPage is one page of a workspace's incidents: open ones
// (investigating, mitigated) first, then the others, newest first.
type IncidentPage struct {
	Incidents []*Incident
	Page      int // 1-based
	PerPage   int
	Total     int // on every page
}

// More is how many incidents come after this page.
func (p *IncidentPage) More() int { return max(0, p.Total-p.Page*p.PerPage) }

// Pages is how many pages hold the incidents (at least one).
func (p *IncidentPage) Pages() int { return max(1, (p.Total+p.PerPage-1)/p.PerPage) }

// Localized is a text said in the reader's language ("en", "fr"), like
// i18n.Message: this package cannot import the catalog.
type Localized interface{ In(lang string) string }

// FailedAction is a side effect the bot gave up on after its retries.
type FailedAction struct {
	What string    // in the incident's language: "create the war room", "pause the ads"
	Text Localized // What in another language; nil: What in every language
	At   time.Time
}

// In says what failed in lang, for replies only one person sees.
func (f FailedAction) In(lang string) string {
	if f.Text == nil {
		return f.What
	}
	return f.Text.In(lang)
}

// AdsOp is a manual ads command.
type AdsOp string

const (
	AdsPause  AdsOp = "pause"
	AdsResume AdsOp = "resume"
	AdsStatus AdsOp = "status"
)

// RemindOp switches status-update reminders.
type RemindOp string

const (
	RemindOn     RemindOp = "on"
	RemindOff    RemindOp = "off"
	RemindSnooze RemindOp = "snooze"
)

// IncidentService is what commands call. The key selects the incident;
// an empty key means the incident whose war room is actor.ChannelID.
// Every method checks the actor's rights and returns EFORBIDDEN with a
// message that says who may do it.
type IncidentService interface {
	FollowUpService
	Declare(ctx context.Context, actor Actor, req DeclareRequest) (*Incident, error)
	Status(ctx context.Context, actor Actor, key string) (*IncidentStatus, error)
	// List returns one page of the actor's workspace's incidents.
	List(ctx context.Context, actor Actor, q ListQuery) (*IncidentPage, error)
	// OpenByDedupeKeys returns, by alert dedupe key, the open incidents of
	// the actor's workspace that hold any of keys; a key none holds is
	// missing. One indexed lookup, whatever the number of open incidents.
	OpenByDedupeKeys(ctx context.Context, actor Actor, keys []string) (map[string]*Incident, error)
	Acknowledge(ctx context.Context, actor Actor, key string) (*Incident, error)
	PostUpdate(ctx context.Context, actor Actor, key, text string) (*Incident, error)
	AssignRole(ctx context.Context, actor Actor, key, role, userSpec string) ([]RoleAssignment, error)
	SetSeverity(ctx context.Context, actor Actor, key string, sev Severity) (*Incident, error)
	AddNote(ctx context.Context, actor Actor, key, text string) (*Incident, error)
	// Record adds an event that adapters observe (a pinned message at its
	// own time, an alert firing or resolving) and, when announce is set,
	// posts it to the war room.
	Record(ctx context.Context, actor Actor, key string, ev TimelineEvent, announce *Message) (*Incident, error)
	// SetStatus moves the incident (mitigated, resolved, closed, or back to
	// investigating); summary is kept on resolve.
	SetStatus(ctx context.Context, actor Actor, key string, to Status, summary string) (*Incident, error)
	// Ads pauses or resumes (as jobs: results follow in the war room) or reports.
	Ads(ctx context.Context, actor Actor, key string, op AdsOp, platform string) (*IncidentStatus, error)
	// AdsPreview lists, without changing anything, the serving campaigns a
	// manual pause on platform ("" for all) would pause.
	AdsPreview(ctx context.Context, actor Actor, key, platform string) (*Incident, []Campaign, error)
	// Verify runs the outside-in probe now (as a job).
	Verify(ctx context.Context, actor Actor, key, url string) (*Incident, error)
	// Check marks a checklist item (1-based) done, or open again when done is false.
	Check(ctx context.Context, actor Actor, key string, item int, done bool) (*ChecklistEntry, error)
	// Remind switches reminders on, off, or snoozes them for d.
	Remind(ctx context.Context, actor Actor, key string, op RemindOp, d time.Duration) (*Incident, error)
	// SendHeld lists the outward actions (status page, page, notify) that
	// wait for a commander's confirmation because the declarer holds no
	// role; with confirm it lets them, and the later ones, go out.
	SendHeld(ctx context.Context, actor Actor, key string, confirm bool) (*Incident, []Localized, error)
	// SetImpactStart records when customers were first affected.
	SetImpactStart(ctx context.Context, actor Actor, key string, at LocalTime) (*Incident, error)
	// SetRevenueShare records the share of sales (0..1) the incident loses.
	SetRevenueShare(ctx context.Context, actor Actor, key string, share float64) (*Incident, error)
	// Postmortem queues the Markdown draft: a job builds it and posts it
	// as a file in the actor's channel, so the answer never waits for it.
	Postmortem(ctx context.Context, actor Actor, key string) (*Incident, error)
	// Retry runs again the side effects the bot gave up on, and says which.
	Retry(ctx context.Context, actor Actor, key string) (*Incident, []FailedAction, error)
	// Playbooks lists the playbooks people can choose at declaration.
	Playbooks() []*Playbook
}

// Languages is what the commands handler asks to choose the language of a
// reply: the workspace's, and the one a person chose. An IncidentService
// that does not implement it speaks the workspace default to everyone.
type Languages interface {
	// WorkspaceLanguage is the language of posts everyone in actor's
	// workspace sees (BOT_LANGUAGE).
	WorkspaceLanguage(actor Actor) string
	// UserLanguage is the language actor chose with /incident lang, "" for none.
	UserLanguage(ctx context.Context, actor Actor) (string, error)
	// SetUserLanguage stores actor's choice; "" goes back to automatic.
	SetUserLanguage(ctx context.Context, actor Actor, lang string) error
}

// Playbooks finds the playbook for an incident type.
type Playbooks interface {
	// Match returns the playbook whose name or match types include typ.
	// Without a type, a name or type appearing in the title picks it, else
	// the generic playbook. Unknown types give EINVALID listing the known ones.
	Match(typ, title string) (*Playbook, error)
	All() []*Playbook
}

// ProbeTarget is what an outside-in check fetches.
type ProbeTarget struct {
	URL    string
	Expect string // text the page must hold; "" accepts any good answer
	// Trusted marks a URL from a playbook or the configuration. Any other
	// URL (typed in chat) is fetched only from public addresses on ports
	// 80 and 443, unless the operator lifts the rule (PROBE_ALLOW_PRIVATE).
	Trusted bool
}

// ProbeResult is what an outside-in check of a URL found.
type ProbeResult struct {
	URL     string
	Healthy bool
	Class   string // plain words: "healthy", "DNS failure", "timeout", "5xx from the application" ...
	Summary string // what was found, one sentence: "DNS lookup failed for shop.example.com."
	Detail  string // what it means and what to check, in sentences
	Status  int    // HTTP status, 0 when none
	Latency time.Duration
	Blocked bool // not fetched: an untrusted URL led to an address or port the rule refuses
	// SummaryText and DetailText are Summary and Detail as catalog
	// messages, said in any language; nil from a prober without them (a
	// fake), whose English fields are said instead.
	SummaryText, DetailText interface{ In(lang string) string }
}

// Text is the whole result as sentences, in English.
func (r ProbeResult) Text() string { return joinSentences(r.Summary, r.Detail) }

// SummaryIn is what was found, in lang.
func (r ProbeResult) SummaryIn(lang string) string { return sayIn(lang, r.SummaryText, r.Summary) }

// TextIn is the whole result as sentences in lang, for the timeline and
// the war room.
func (r ProbeResult) TextIn(lang string) string {
	return joinSentences(r.SummaryIn(lang), sayIn(lang, r.DetailText, r.Detail))
}

func joinSentences(summary, detail string) string {
	if detail == "" {
		return summary
	}
	return summary + " " + detail
}

// sayIn is text in lang, or english when there is no text.
func sayIn(lang string, text interface{ In(lang string) string }, english string) string {
	if text == nil {
		return english
	}
	return text.In(lang)
}

// Prober checks from outside whether a site is up.
type Prober interface {
	Probe(ctx context.Context, t ProbeTarget) ProbeResult
}

// Notifier sends a notice about an incident to a named target (hosting
// provider, web agency, status page, pager ...).
type Notifier interface {
	Notify(ctx context.Context, target string, n Notice) error
}

// LinkNotifier is a Notifier that can say where the incident it keeps
// lives: a status page's public address (its shortlink) of the incident
// it opened or updated, "" when the service did not say. The engine puts
// it on the timeline for the post-mortem.
type LinkNotifier interface {
	Notifier
	NotifyLink(ctx context.Context, target string, n Notice) (link string, err error)
}

// Notice is what the engine tells a Notifier about an incident. Services
// that keep their own incident (a status page, a pager) read its fields;
// mail and webhooks send Subject and Text.
type Notice struct {
	Severity Severity
	Key      string
	Status   string // the incident's status or the playbook action's
	Title    string
	// Body is the playbook template rendered for the target; "" when the
	// action names no template.
	Body string
}

// Subject formats the notice as a subject line:
// "[SEV1] INC-42 investigating: Checkout returns 504".
func (n Notice) Subject() string {
	return fmt.Sprintf("[%s] %s %s: %s", n.Severity.Label(), n.Key, n.Status, n.Title)
}

// Text is the message to send: the rendered template, else the subject.
func (n Notice) Text() string {
	if n.Body == "" {
		return n.Subject()
	}
	return n.Body
}

// ProviderStatus is what a provider the shop depends on (payment, hosting,
// platform) says on its public status page.
type ProviderStatus struct {
	Name        string
	Healthy     bool
	Description string // "All Systems Operational", "Partial outage", or why it could not be read
	// DescriptionText is Description in any language when the bot wrote
	// it (why the page could not be read); nil when it is the provider's.
	DescriptionText interface{ In(lang string) string }
}

// DescriptionIn is Description in lang, as far as the bot wrote it.
func (p ProviderStatus) DescriptionIn(lang string) string {
	return sayIn(lang, p.DescriptionText, p.Description)
}

// ProviderChecker reads the status pages of the shop's providers.
type ProviderChecker interface {
	ProviderStatuses(ctx context.Context) []ProviderStatus
}
