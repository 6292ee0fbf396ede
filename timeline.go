package incidentbot

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// EventKind says what a timeline event records.
type EventKind string

const (
	EventDeclared        EventKind = "declared"
	EventAcknowledged    EventKind = "acknowledged"
	EventStatusUpdate    EventKind = "status_update"
	EventNote            EventKind = "note"
	EventRoleAssigned    EventKind = "role_assigned"
	EventSeverityChanged EventKind = "severity_changed"
	EventStatusChanged   EventKind = "status_changed"
	EventActionStarted   EventKind = "action_started"
	EventActionSucceeded EventKind = "action_succeeded"
	EventActionFailed    EventKind = "action_failed"
	EventActionSkipped   EventKind = "action_skipped" // the bot cannot run it here: Text says why
	EventActionHeld      EventKind = "action_held"    // outward action waiting for a commander's confirmation
	EventAdsPaused       EventKind = "ads_paused"
	EventAdsResumed      EventKind = "ads_resumed"
	EventAlertFired      EventKind = "alert_fired"
	EventAlertResolved   EventKind = "alert_resolved"
	EventProbeResult     EventKind = "probe_result"
	EventPinned          EventKind = "pinned"
	EventReminder        EventKind = "reminder"
	EventChecklist       EventKind = "checklist"
)

// TimelineEvent is one entry of an incident's timeline. At is when it
// happened, which is not when it was stored: a pinned message keeps its own time.
type TimelineEvent struct {
	ID         int64
	IncidentID int64
	At         time.Time
	Kind       EventKind
	Actor      User
	Text       string
	Data       json.RawMessage // kind-specific details, may be nil
}

// ActionRef is in the Data of an action_started event and of the event
// that says how that action ended (succeeded, failed, skipped or a probe
// result), so readers such as the post-mortem can pair them.
type ActionRef struct {
	Job    int64  `json:"job"`              // the job that ran the action
	Action string `json:"action,omitempty"` // what it does, "check the site from outside": on action_started
	// StatusPage is the public address (shortlink) of the status page
	// incident a statuspage action opened or updated, when the page said.
	StatusPage string `json:"statuspage_url,omitempty"`
}

// AlertLinks are where an alert's sender shows it, in the Data of the
// declared event of an incident an alert opened and of alert_fired
// events: data from the sender, shown as links, never fetched by the bot.
type AlertLinks struct {
	Alert     string `json:"alert_url,omitempty"`     // the alert or its rule (Alertmanager's generatorURL)
	Dashboard string `json:"dashboard_url,omitempty"` // Grafana's panel, else its dashboard
}

// Clean keeps only the http and https addresses (WebLink).
func (l AlertLinks) Clean() AlertLinks {
	return AlertLinks{Alert: WebLink(l.Alert), Dashboard: WebLink(l.Dashboard)}
}

// WebLink returns s trimmed when it is an absolute http or https URL with
// a host and no user part, else "": no javascript:, data: or relative
// address is ever shown as a link, nor one that names a host before an @
// and goes to another.
func WebLink(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return s
}

// ChecklistState is the state of one checklist item in one incident.
type ChecklistState string

const (
	ChecklistOpen    ChecklistState = "open"
	ChecklistDone    ChecklistState = "done"
	ChecklistSkipped ChecklistState = "skipped"
)

// ChecklistEntry is a playbook checklist item as it stands in one incident.
type ChecklistEntry struct {
	IncidentID int64
	Position   int // 1-based, as shown to people
	Text       string
	State      ChecklistState
	By         User
	At         *time.Time
}
