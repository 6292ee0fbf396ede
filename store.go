package incidentbot

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Change is what one unit of work adds beside an incident's own fields: all
// of it is written in the same transaction as the incident.
type Change struct {
	Events    []TimelineEvent  // IncidentID and At are filled in when zero
	Jobs      []Job            // enqueued; a key that exists already is skipped
	Roles     []RoleChange     // applied in order
	Checklist []ChecklistEntry // upserted by (incident, position)
	Messages  []SavedMessage   // upserted by (incident, purpose)
	// FollowUps are upserted by (incident, number); Number 0 takes the
	// next number of the incident.
	FollowUps []FollowUp
	// Tickets set the ticket of existing follow-ups (an upsert of
	// FollowUps never changes one: a follow-up read before an export
	// must not erase its link).
	Tickets []FollowUpTicket
	// Deliveries are recorded with the work (CreateIncident only): one
	// recorded already aborts it with ECONFLICT wrapping a
	// *DuplicateError{Repeat: true} that names the incident it made.
	Deliveries []Delivery
	// Limits each count this unit of work once. Past any of them nothing
	// is written and the error is EFORBIDDEN wrapping *RateLimitError.
	Limits []RateLimit
}

// Delivery names one inbound request: a source ("slack-trigger") and the
// id the platform gave it.
type Delivery struct {
	Source string
	ID     string
}

type deliveriesKey struct{}

// WithDelivery returns ctx carrying d beside those it carries already: an
// adapter names the request it serves, and the engine records it with the
// request's effect, in one transaction.
func WithDelivery(ctx context.Context, d Delivery) context.Context {
	ds, _ := ctx.Value(deliveriesKey{}).([]Delivery)
	return context.WithValue(ctx, deliveriesKey{}, append(ds[:len(ds):len(ds)], d))
}

// DeliveriesFrom returns the deliveries ctx carries.
func DeliveriesFrom(ctx context.Context) []Delivery {
	ds, _ := ctx.Value(deliveriesKey{}).([]Delivery)
	return ds
}

// RateLimit caps how often one scope may act: at most Max times in any
// Window. The store counts in the transaction that writes the action, so
// the cap holds across replicas and a refused action counts nothing.
type RateLimit struct {
	Scope  string // who is counted, e.g. "declare/slack/T1/U1"
	Max    int
	Window time.Duration
}

// RateLimitError says which limit refused an action and how long until it
// would be allowed.
type RateLimitError struct {
	Limit RateLimit
	Wait  time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limit %s: %d per %s reached, wait %s", e.Limit.Scope, e.Limit.Max, e.Limit.Window, e.Wait)
}

// RoleChange sets who holds a role: Users replace the current holders; no
// users clears the role.
type RoleChange struct {
	Role  string
	Users []User
	By    User
	At    time.Time
}

// The purposes of the messages the engine posts once per incident and
// keeps: the war room's welcome and the managers' summary, which it redraws
// after every change, and the post-mortem draft.
const (
	MessageWelcome    = "welcome"
	MessageSummary    = "summary"
	MessagePostmortem = "postmortem"
)

// SavedMessage remembers a message the bot posted for an incident, so it
// can update it in place (Purpose: MessageWelcome, MessageSummary ...).
type SavedMessage struct {
	Purpose string
	Ref     MessageRef
}

// IncidentFilter selects incidents; zero fields match everything.
type IncidentFilter struct {
	OpenOnly      bool     // not closed
	Statuses      []Status // any of these, when set
	Platform      string
	Workspace     string
	OriginChannel string
	DedupeKey     string
	Since         time.Time // declared at or after, when set
	Limit         int       // 0: no limit
}

// IncidentStore keeps incidents and everything attached to them. Each
// method is one transaction.
type IncidentStore interface {
	// CreateIncident stores a new incident and its Change atomically and
	// sets inc.ID and inc.Key. A DedupeKey held by an open incident gives an
	// ECONFLICT error wrapping *DuplicateError, and so does a guarded
	// incident whose title is open in its channel already (Guarded) or a
	// delivery of ch recorded already (Repeat).
	CreateIncident(ctx context.Context, inc *Incident, ch Change) error
	// Incident returns one incident or ENOTFOUND, whatever its workspace:
	// for the engine's own jobs, never for a lookup on behalf of a person.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// IncidentByKey returns the incident with id if it belongs to workspace
	// on platform. One that does not exist and one of another workspace or
	// platform give the same ENOTFOUND (NotFound), so a key's existence
	// elsewhere is never confirmed. An empty platform or workspace finds nothing.
	IncidentByKey(ctx context.Context, platform, workspace string, id int64) (*Incident, error)
	// IncidentByWarRoom finds the incident of workspace on platform whose war
	// room is channelID, or ENOTFOUND. An empty platform or workspace finds nothing.
	IncidentByWarRoom(ctx context.Context, platform, workspace, channelID string) (*Incident, error)
	// OpenIncidentsByDedupeKeys returns the open incidents of workspace on
	// platform holding any of keys (at most one each), through an index:
	// the cost follows len(keys), not the number of open incidents.
	OpenIncidentsByDedupeKeys(ctx context.Context, platform, workspace string, keys []string) ([]*Incident, error)
	// ListIncidents returns limit incidents of workspace on platform from
	// offset, open ones (investigating, mitigated) first, then newest
	// first, and how many there are in all; all adds resolved and closed
	// ones. An empty platform or workspace finds nothing.
	ListIncidents(ctx context.Context, platform, workspace string, all bool, offset, limit int) ([]*Incident, int, error)
	// FindIncidents lists incidents, newest first.
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, error)
	// UpdateIncident locks the incident, lets fn change it and describe the
	// Change, then stores both. An error from fn aborts with nothing written.
	UpdateIncident(ctx context.Context, id int64, fn func(inc *Incident) (Change, error)) (*Incident, error)
	// UpdateIncidentWithRoles is UpdateIncident whose fn also gets the
	// incident's role assignments, read under the same lock: a rights check
	// in fn sees every role change committed before it, and one that comes
	// after waits for its commit (benbjohnson/wtf's UpdateDial: the owner
	// check and the write are one unit of work).
	UpdateIncidentWithRoles(ctx context.Context, id int64, fn func(inc *Incident, roles []RoleAssignment) (Change, error)) (*Incident, error)
	// Timeline returns the incident's events ordered by At, then ID.
	Timeline(ctx context.Context, incidentID int64) ([]TimelineEvent, error)
	// EventsOfKind returns the incident's events of one kind, ordered by At,
	// then ID: an index lookup, whatever the length of the timeline.
	EventsOfKind(ctx context.Context, incidentID int64, kind EventKind) ([]TimelineEvent, error)
	// LastEvent returns the incident's latest event of kind, or nil.
	LastEvent(ctx context.Context, incidentID int64, kind EventKind) (*TimelineEvent, error)
	// Roles returns the role assignments, ordered by role then time.
	Roles(ctx context.Context, incidentID int64) ([]RoleAssignment, error)
	// Checklist returns the incident's checklist ordered by position.
	Checklist(ctx context.Context, incidentID int64) ([]ChecklistEntry, error)
	// FollowUps returns the incident's follow-ups ordered by number.
	FollowUps(ctx context.Context, incidentID int64) ([]FollowUp, error)
	// Message returns a saved message reference or ENOTFOUND.
	Message(ctx context.Context, incidentID int64, purpose string) (MessageRef, error)
}

// JobLane selects the kinds of jobs a pool of workers claims, so that slow
// kinds (outside-in checks of a site that never answers) run in a pool of
// their own and cannot hold up the others. The zero lane claims every kind.
type JobLane struct {
	Only   []string // claim only these kinds, when set
	Except []string // claim every kind but these
}

// Has reports whether the lane claims jobs of kind.
func (l JobLane) Has(kind string) bool {
	if len(l.Only) > 0 {
		return slices.Contains(l.Only, kind)
	}
	return !slices.Contains(l.Except, kind)
}

// JobStore is the durable job queue. Claims are safe across processes.
type JobStore interface {
	// EnqueueJobs adds jobs; one whose Key exists already is skipped.
	EnqueueJobs(ctx context.Context, jobs ...Job) error
	// ClaimJobs takes up to limit jobs that are pending with RunAt <= now, or
	// running with an expired lease, marks them running for worker until
	// now+lease and counts the attempt.
	ClaimJobs(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// ClaimLane is ClaimJobs for the kinds of one lane only.
	ClaimLane(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, lane JobLane) ([]Job, error)
	// CompleteJob marks a job done and, in the same transaction, applies fn
	// to its incident as UpdateIncident does (fn may be nil). ECONFLICT when
	// worker no longer holds the job.
	CompleteJob(ctx context.Context, job Job, worker string, fn func(inc *Incident) (Change, error)) error
	// RetryJob puts a job back to pending, to run at runAt, keeping errMsg.
	RetryJob(ctx context.Context, job Job, worker string, runAt time.Time, errMsg string) error
	// FailJob gives up on a job and stores ch (the failure event) with it.
	FailJob(ctx context.Context, job Job, worker string, errMsg string, ch Change) error
	// Jobs lists an incident's jobs in creation order.
	Jobs(ctx context.Context, incidentID int64) ([]Job, error)
	// RequeueFailedJobs puts the failed jobs among ids back to pending, to
	// run at runAt with their attempts counted from zero, and returns them.
	RequeueFailedJobs(ctx context.Context, ids []int64, runAt time.Time) ([]Job, error)
	// HastenJobs makes the pending jobs of kind that would run after now
	// due at now, and returns how many.
	HastenJobs(ctx context.Context, kind string, now time.Time) (int64, error)
	// DeferJob puts a running job back to pending, to run at runAt, counting
	// no attempt and keeping its last error; ECONFLICT when worker lost it.
	DeferJob(ctx context.Context, job Job, worker string, runAt time.Time) error
	// RenewJob extends worker's lease on a running job to until; ECONFLICT
	// when the worker lost it.
	RenewJob(ctx context.Context, job Job, worker string, until time.Time) error
	// ReleaseJobs hands back, due at once, the running jobs of the workers
	// whose names start with prefix, and returns how many.
	ReleaseJobs(ctx context.Context, prefix string) (int64, error)
	// PruneJobs deletes the jobs done for incidents closed before the given
	// time, limit rows per statement, and returns how many.
	PruneJobs(ctx context.Context, closedBefore time.Time, limit int) (int64, error)
}

// DeliveryStore deduplicates inbound deliveries (retried webhooks, Slack
// event ids, Discord interaction ids) across restarts and replicas.
type DeliveryStore interface {
	// ClaimDelivery records source/id and reports whether it is the first time.
	ClaimDelivery(ctx context.Context, source, id string, at time.Time) (first bool, err error)
	// ClaimDeliveries is ClaimDelivery for many ids in few round trips (an
	// alert notification carries thousands): first[i] is ids[i]'s answer,
	// and an id repeated in ids is first at most once.
	ClaimDeliveries(ctx context.Context, source string, ids []string, at time.Time) (first []bool, err error)
	// PruneDeliveries forgets deliveries seen before the given time, and
	// rate-limit counts (Change.Limits) made before it.
	PruneDeliveries(ctx context.Context, before time.Time) (int64, error)
}

// RequestClaimer records an inbound request (a signed Slack command or
// interaction, a Discord interaction) against replays, as ClaimDelivery
// does, but answers without waiting for the record to be durable: the
// request's own writes commit durably after it and carry it along, so a
// database crash can lose only the record of a request that wrote nothing,
// which running again changes nothing. A DeliveryStore may offer it; its
// acknowledgement then waits for one disk flush instead of two.
type RequestClaimer interface {
	ClaimRequest(ctx context.Context, source, id string, at time.Time) (first bool, err error)
}

// ClaimRequest records an inbound request through d: with RequestClaimer's
// ClaimRequest when d offers it, else with ClaimDelivery.
func ClaimRequest(ctx context.Context, d DeliveryStore, source, id string, at time.Time) (first bool, err error) {
	if rc, ok := d.(RequestClaimer); ok {
		return rc.ClaimRequest(ctx, source, id, at)
	}
	return d.ClaimDelivery(ctx, source, id, at)
}

// ClaimReader tells when a claim was made, so that a job which finds a
// post claimed by another can wait for it while its claimer may still be
// at work, and take over once it cannot be.
type ClaimReader interface {
	// DeliveryClaimedAt is when source/id was claimed; ENOTFOUND if never
	// (or forgotten).
	DeliveryClaimedAt(ctx context.Context, source, id string) (time.Time, error)
}

// ClaimEach answers ClaimDeliveries with one claim per id, for a
// DeliveryStore that has no batch statement (fakes, baselines).
func ClaimEach(ctx context.Context, claim func(ctx context.Context, source, id string, at time.Time) (bool, error), source string, ids []string, at time.Time) ([]bool, error) {
	first := make([]bool, len(ids))
	for i, id := range ids {
		var err error
		if first[i], err = claim(ctx, source, id, at); err != nil {
			return nil, err
		}
	}
	return first, nil
}

// PauseStore records the exact set of campaigns each incident paused.
type PauseStore interface {
	// SavePauses upserts records by (incident, campaign key).
	SavePauses(ctx context.Context, pauses ...CampaignPause) error
	// Pauses returns one incident's records.
	Pauses(ctx context.Context, incidentID int64) ([]CampaignPause, error)
	// PausesInState returns the records of every incident in any of the
	// states, with the status of the incident that holds each.
	PausesInState(ctx context.Context, states ...PauseState) ([]HeldPause, error)
	// DecidePauses serializes pause and resume decisions on the ad accounts
	// of keys across replicas: in one transaction, with those accounts
	// locked, it passes decide every record in state paused, pausing or
	// resuming (any incident) and saves the records decide returns.
	DecidePauses(ctx context.Context, keys []CampaignKey, decide func(held []HeldPause) ([]CampaignPause, error)) error
}

// HeldPause is a pause record with its incident's status.
type HeldPause struct {
	CampaignPause
	IncidentKey    string
	IncidentStatus Status
}

// StatusSource is what the public status page reads: incidents, and a
// cheap mark of whether anything changed since it last read them.
type StatusSource interface {
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, error)
	// ChangeMark grows whenever an incident is declared or changes status
	// or severity (each writes a timeline event), so a reader rebuilds only
	// when it moved. It costs one index lookup, whatever the history.
	ChangeMark(ctx context.Context) (int64, error)
}

// LanguageStore keeps the language each person chose with /incident lang,
// by (platform, workspace, user).
type LanguageStore interface {
	// UserLanguage returns the person's choice, "" when they made none.
	UserLanguage(ctx context.Context, platform, workspace, userID string) (string, error)
	// SetUserLanguage stores the person's choice; "" forgets it.
	SetUserLanguage(ctx context.Context, platform, workspace, userID, lang string) error
}

// Store is everything the engine keeps.
type Store interface {
	IncidentStore
	JobStore
	DeliveryStore
	ClaimReader
	PauseStore
	LanguageStore
	Ping(ctx context.Context) error
	Close() error
}
