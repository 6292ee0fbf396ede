package incidentbot

import (
	"fmt"
	"strings"
	"time"
)

// Severity runs from SEV1 (the shop is down) to SEV4 (minor).
type Severity int

const (
	SevUnknown Severity = iota
	SEV1
	SEV2
	SEV3
	SEV4
)

// Severities lists every valid severity, most severe first.
var Severities = []Severity{SEV1, SEV2, SEV3, SEV4}

// ParseSeverity accepts "sev1".."sev4", "SEV1" and "1".."4".
func ParseSeverity(s string) (Severity, error) {
	t := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "sev")
	switch t {
	case "1":
		return SEV1, nil
	case "2":
		return SEV2, nil
	case "3":
		return SEV3, nil
	case "4":
		return SEV4, nil
	}
	return SevUnknown, phrasef(EINVALID, "error.root.severity", map[string]any{"Text": s}, "Unknown severity %q. Use sev1 (site down) to sev4 (minor).", s)
}

func (s Severity) Valid() bool { return s >= SEV1 && s <= SEV4 }

// String returns "sev1".."sev4", the form used in commands and playbooks.
func (s Severity) String() string {
	if !s.Valid() {
		return "sev?"
	}
	return fmt.Sprintf("sev%d", int(s))
}

// Label returns "SEV1".."SEV4" for display.
func (s Severity) Label() string { return strings.ToUpper(s.String()) }

// MarshalText and UnmarshalText let severities appear as "sev1" in YAML and
// JSON; an unknown severity is the empty string both ways.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, nil
	}
	return []byte(s.String()), nil
}

func (s *Severity) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = SevUnknown
		return nil
	}
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is where an incident stands in its lifecycle.
type Status string

const (
	StatusInvestigating Status = "investigating"
	StatusMitigated     Status = "mitigated"
	StatusResolved      Status = "resolved"
	StatusClosed        Status = "closed"
)

// transitions lists the allowed moves. Going back from mitigated or resolved
// to investigating covers a fix that did not hold; closed is final.
var transitions = map[Status][]Status{
	StatusInvestigating: {StatusMitigated, StatusResolved},
	StatusMitigated:     {StatusInvestigating, StatusResolved},
	StatusResolved:      {StatusInvestigating, StatusClosed},
	StatusClosed:        nil,
}

// NextStatuses returns the statuses an incident in s may move to.
func (s Status) NextStatuses() []Status { return transitions[s] }

// Open reports whether the incident still needs people: anything but closed
// and resolved.
func (s Status) Open() bool { return s == StatusInvestigating || s == StatusMitigated }

// CheckTransition returns an EINVALID error naming the allowed moves when
// from -> to is not allowed.
func CheckTransition(from, to Status) error {
	for _, s := range transitions[from] {
		if s == to {
			return nil
		}
	}
	if from == to {
		return phrasef(EINVALID, "error.root.already", map[string]any{"Status": from.phrase()}, "The incident is already %s.", from)
	}
	next := transitions[from]
	if len(next) == 0 {
		return phrasef(EINVALID, "error.root.final", map[string]any{"Status": from.phrase()}, "The incident is %s: that is final, nothing can change it now.", from)
	}
	names := make([]string, len(next))
	phrases := make([]Phrase, len(next))
	for i, s := range next {
		names[i], phrases[i] = string(s), s.phrase()
	}
	return phrasef(EINVALID, "error.root.transition", map[string]any{"From": from.phrase(), "To": to.phrase(), "Next": phrases},
		"Cannot go from %s to %s. From %s the incident can become: %s.", from, to, from, strings.Join(names, ", "))
}

// phrase is the status word in the catalog.
func (s Status) phrase() Phrase { return Phrase{ID: "status." + string(s)} }

// Platforms an incident can live on.
const (
	PlatformSlack   = "slack"
	PlatformDiscord = "discord"
	PlatformConsole = "console"
)

// Incident is one outage or problem, from declaration to close.
type Incident struct {
	ID            int64
	Key           string // "INC-42"
	Title         string
	Severity      Severity
	Status        Status
	Type          string // playbook name
	Drill         bool   // practice: every external action is a dry run
	Platform      string
	Workspace     string // Slack team id, Discord guild id
	OriginChannel string // where it was declared
	WarRoom       string // channel id, "" until created
	DedupeKey     string // alerts: one incident per key while open
	Summary       string
	Impact        string
	DeclaredBy    User

	DetectedAt     time.Time
	DeclaredAt     time.Time
	AcknowledgedAt *time.Time
	MitigatedAt    *time.Time
	ResolvedAt     *time.Time
	ClosedAt       *time.Time

	// ImpactStartedAt is when customers were first affected, when a person
	// said so (declare --since, /incident impact-start) or the alert that
	// opened the incident did (its startsAt); nil: ImpactStart falls back
	// to DetectedAt, when the bot learnt of it.
	ImpactStartedAt *time.Time
	// RevenueShare is the share of sales lost (0..1) set with /incident
	// impact; nil: the playbook's.
	RevenueShare *float64

	// Status-update reminders: when the next nudge is due (nil: off).
	NextReminderAt *time.Time
	RemindersOff   bool
	LastUpdateAt   *time.Time

	// OutwardConfirmed: a commander confirmed that the outward actions
	// (status page, page, notify) of an incident declared by someone who
	// holds no role may go out. Until then they wait.
	OutwardConfirmed bool

	// Guarded: while open, no other guarded incident of the same platform,
	// workspace and origin channel may have the same title (TitleGuard).
	// The store enforces it with a unique index, so two declarations at
	// once cannot both win. False when declared with --force or by an
	// alert, and from the moment the incident is resolved.
	Guarded bool
}

// TitleGuard is the form of a title the one-open-incident-per-title rule
// compares: lower case, runs of spaces as one.
func TitleGuard(title string) string {
	return strings.ToLower(strings.Join(strings.Fields(title), " "))
}

// KeyPrefix starts every incident key.
const KeyPrefix = "INC-"

// IncidentKey returns the key of the incident with the given id.
func IncidentKey(id int64) string { return fmt.Sprintf("%s%d", KeyPrefix, id) }

// ParseIncidentKey accepts "INC-42" (any case) and returns 42.
func ParseIncidentKey(key string) (int64, error) {
	k := strings.ToUpper(strings.TrimSpace(key))
	if !strings.HasPrefix(k, KeyPrefix) {
		return 0, badKey(key)
	}
	var id int64
	digits := k[len(KeyPrefix):]
	if digits == "" || len(digits) > 18 {
		return 0, badKey(key)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, badKey(key)
		}
		id = id*10 + int64(c-'0')
	}
	if id == 0 {
		return 0, badKey(key)
	}
	return id, nil
}

func badKey(key string) *Error {
	return phrasef(EINVALID, "error.root.key", map[string]any{"Text": key}, "%q is not an incident key. Keys look like INC-42.", key)
}

// IncidentNotFound is the one answer to a key that names no incident of
// the caller's workspace: the same whether it exists elsewhere or not.
func IncidentNotFound(key string) *Error {
	return phrasef(ENOTFOUND, "error.root.not_found", map[string]any{"Key": key}, "Incident %s not found. Run /incident list to see open incidents.", key)
}

// Duration is how long the incident has lasted (until resolve, or now).
func (inc *Incident) Duration(now time.Time) time.Duration {
	end := now
	if inc.ResolvedAt != nil {
		end = *inc.ResolvedAt
	}
	return end.Sub(inc.DetectedAt)
}

// User is a person on a chat platform.
type User struct {
	ID   string // platform user id ("U0123", Discord snowflake); "" for the bot itself
	Name string // display name
}

// Mention returns the platform-neutral mention "<@ID>", or the name when there is no id.
func (u User) Mention() string {
	if u.ID == "" {
		return u.Name
	}
	return "<@" + u.ID + ">"
}

// ParseMention reads a chat mention: "<@U123>", Slack's "<@U123|bob>" and
// "<!subteam^S1|@web>", Discord's "<@!123>" and role "<@&123>". It gives
// the id and the label the mention carries ("" when none); ok is false for
// anything else (an e-mail, "@name").
func ParseMention(s string) (id, label string, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || s[0] != '<' || s[len(s)-1] != '>' {
		return "", "", false
	}
	id, label, _ = strings.Cut(s[1:len(s)-1], "|")
	id = strings.TrimPrefix(strings.TrimPrefix(id, "!subteam^"), "@")
	id = strings.TrimLeft(id, "!&")
	if id == "" {
		return "", "", false
	}
	return id, label, true
}

// Actor is who runs a command, from where.
type Actor struct {
	Platform  string
	Workspace string
	User      User
	ChannelID string // where the command was typed
	// Locale is the person's language as their chat app reports it ("fr",
	// "en-US"; Discord with each interaction, Slack from users.info), ""
	// when unknown.
	Locale string
	// Language is the language of replies only this person sees ("en",
	// "fr"): their /incident lang choice, else their Locale when the bot
	// speaks it, else the workspace's. The commands handler sets it; ""
	// means the workspace's.
	Language string
}

// RoleAssignment gives a playbook role to a person for one incident.
type RoleAssignment struct {
	IncidentID int64
	Role       string
	User       User
	AssignedBy User
	At         time.Time
}

// Well-known roles: the engine checks them for commands that need them.
const (
	RoleCommander = "commander"
	RoleComms     = "comms"
)
