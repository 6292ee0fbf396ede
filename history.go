package incidentbot

import (
	"context"
	"time"
)

// Tenant is one workspace on one platform: every incident belongs to one.
type Tenant struct {
	Platform  string
	Workspace string
}

// HistoryFilter selects incidents for the managers' dashboard: its history
// page, its CSV export and its trends. Zero fields match everything.
type HistoryFilter struct {
	// Tenant, when set, keeps only that workspace's incidents: what a
	// signed-in viewer may see. Nil is every workspace (a Local viewer).
	Tenant   *Tenant
	OpenOnly bool      // investigating or mitigated
	From, To time.Time // declared at or after From, before To, when set
	Severity Severity  // SevUnknown: any
	Playbook string    // the incident's type
	Platform string    // "slack", "discord", "console"
	Search   string    // a part of the title, any case
	// After, when set, starts the list after that incident (keyset
	// paging): an export read page by page while incidents are declared
	// neither repeats nor skips one, as Offset would. Total ignores it.
	After  *HistoryKey
	Offset int
	Limit  int // 0: all
}

// HistoryKey is an incident's place in the history's order.
type HistoryKey struct {
	DeclaredAt time.Time
	ID         int64
}

// KeyOf is inc's place in the history's order.
func KeyOf(inc *Incident) *HistoryKey { return &HistoryKey{DeclaredAt: inc.DeclaredAt, ID: inc.ID} }

// IncidentHistory is what the dashboard reads beyond one incident: each
// method is a few indexed queries, whatever the length of the history.
type IncidentHistory interface {
	// History lists the incidents f selects, newest declared first, from
	// f.Offset, at most f.Limit of them, and how many match in all.
	History(ctx context.Context, f HistoryFilter) ([]*Incident, int, error)
	// RolesOf returns the role assignments of the incidents, ordered by
	// incident, role, then time.
	RolesOf(ctx context.Context, ids []int64) ([]RoleAssignment, error)
	// PausesOf returns the pause records of the incidents, ordered by
	// incident then campaign key.
	PausesOf(ctx context.Context, ids []int64) ([]CampaignPause, error)
	// LatestEvents returns, for each incident that has one, its latest
	// event of kind (by At, then ID), ordered by incident.
	LatestEvents(ctx context.Context, ids []int64, kind EventKind) ([]TimelineEvent, error)
}

// DashboardSource is everything the web pages read: the status page's
// source, the history, and one incident with what is attached to it.
type DashboardSource interface {
	StatusSource
	IncidentHistory
	Incident(ctx context.Context, id int64) (*Incident, error)
	Timeline(ctx context.Context, incidentID int64) ([]TimelineEvent, error)
	Roles(ctx context.Context, incidentID int64) ([]RoleAssignment, error)
	Checklist(ctx context.Context, incidentID int64) ([]ChecklistEntry, error)
	FollowUps(ctx context.Context, incidentID int64) ([]FollowUp, error)
	Pauses(ctx context.Context, incidentID int64) ([]CampaignPause, error)
}
