package mock

import (
	"context"
	"time"

	"incidentbot"
)

var _ incidentbot.IncidentService = (*IncidentService)(nil)

// IncidentService is a hand-written mock of incidentbot.IncidentService.
// Set the Fn of every method the test expects; an unset one panics,
// exposing an unexpected call.
type IncidentService struct {
	DeclareFn          func(ctx context.Context, actor incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error)
	StatusFn           func(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.IncidentStatus, error)
	ListFn             func(ctx context.Context, actor incidentbot.Actor, q incidentbot.ListQuery) (*incidentbot.IncidentPage, error)
	OpenByDedupeKeysFn func(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error)
	AcknowledgeFn      func(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error)
	PostUpdateFn       func(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error)
	AssignRoleFn       func(ctx context.Context, actor incidentbot.Actor, key, role, userSpec string) ([]incidentbot.RoleAssignment, error)
	SetSeverityFn      func(ctx context.Context, actor incidentbot.Actor, key string, sev incidentbot.Severity) (*incidentbot.Incident, error)
	AddNoteFn          func(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error)
	RecordFn           func(ctx context.Context, actor incidentbot.Actor, key string, ev incidentbot.TimelineEvent, announce *incidentbot.Message) (*incidentbot.Incident, error)
	SetStatusFn        func(ctx context.Context, actor incidentbot.Actor, key string, to incidentbot.Status, summary string) (*incidentbot.Incident, error)
	AdsFn              func(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.AdsOp, platform string) (*incidentbot.IncidentStatus, error)
	AdsPreviewFn       func(ctx context.Context, actor incidentbot.Actor, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error)
	VerifyFn           func(ctx context.Context, actor incidentbot.Actor, key, url string) (*incidentbot.Incident, error)
	CheckFn            func(ctx context.Context, actor incidentbot.Actor, key string, item int, done bool) (*incidentbot.ChecklistEntry, error)
	RemindFn           func(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.RemindOp, d time.Duration) (*incidentbot.Incident, error)
	SendHeldFn         func(ctx context.Context, actor incidentbot.Actor, key string, confirm bool) (*incidentbot.Incident, []incidentbot.Localized, error)
	SetImpactStartFn   func(ctx context.Context, actor incidentbot.Actor, key string, at incidentbot.LocalTime) (*incidentbot.Incident, error)
	SetRevenueShareFn  func(ctx context.Context, actor incidentbot.Actor, key string, share float64) (*incidentbot.Incident, error)
	AddFollowUpFn      func(ctx context.Context, actor incidentbot.Actor, key string, f incidentbot.FollowUp) (*incidentbot.Incident, incidentbot.FollowUp, error)
	FollowUpsFn        func(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FollowUp, error)
	CompleteFollowUpFn func(ctx context.Context, actor incidentbot.Actor, key string, n int) (*incidentbot.Incident, incidentbot.FollowUp, error)
	ExportFollowUpsFn  func(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, string, int, error)
	PostmortemFn       func(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error)
	RetryFn            func(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FailedAction, error)
	PlaybooksFn        func() []*incidentbot.Playbook
}

func (s *IncidentService) Declare(ctx context.Context, actor incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
	return s.DeclareFn(ctx, actor, req)
}

func (s *IncidentService) Status(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.IncidentStatus, error) {
	return s.StatusFn(ctx, actor, key)
}

func (s *IncidentService) List(ctx context.Context, actor incidentbot.Actor, q incidentbot.ListQuery) (*incidentbot.IncidentPage, error) {
	return s.ListFn(ctx, actor, q)
}

func (s *IncidentService) OpenByDedupeKeys(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error) {
	return s.OpenByDedupeKeysFn(ctx, actor, keys)
}

func (s *IncidentService) Acknowledge(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	return s.AcknowledgeFn(ctx, actor, key)
}

func (s *IncidentService) PostUpdate(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	return s.PostUpdateFn(ctx, actor, key, text)
}

func (s *IncidentService) AssignRole(ctx context.Context, actor incidentbot.Actor, key, role, userSpec string) ([]incidentbot.RoleAssignment, error) {
	return s.AssignRoleFn(ctx, actor, key, role, userSpec)
}

func (s *IncidentService) SetSeverity(ctx context.Context, actor incidentbot.Actor, key string, sev incidentbot.Severity) (*incidentbot.Incident, error) {
	return s.SetSeverityFn(ctx, actor, key, sev)
}

func (s *IncidentService) AddNote(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	return s.AddNoteFn(ctx, actor, key, text)
}

func (s *IncidentService) Record(ctx context.Context, actor incidentbot.Actor, key string, ev incidentbot.TimelineEvent, announce *incidentbot.Message) (*incidentbot.Incident, error) {
	return s.RecordFn(ctx, actor, key, ev, announce)
}

func (s *IncidentService) SetStatus(ctx context.Context, actor incidentbot.Actor, key string, to incidentbot.Status, summary string) (*incidentbot.Incident, error) {
	return s.SetStatusFn(ctx, actor, key, to, summary)
}

func (s *IncidentService) Ads(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.AdsOp, platform string) (*incidentbot.IncidentStatus, error) {
	return s.AdsFn(ctx, actor, key, op, platform)
}

func (s *IncidentService) AdsPreview(ctx context.Context, actor incidentbot.Actor, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error) {
	return s.AdsPreviewFn(ctx, actor, key, platform)
}

func (s *IncidentService) Verify(ctx context.Context, actor incidentbot.Actor, key, url string) (*incidentbot.Incident, error) {
	return s.VerifyFn(ctx, actor, key, url)
}

func (s *IncidentService) Check(ctx context.Context, actor incidentbot.Actor, key string, item int, done bool) (*incidentbot.ChecklistEntry, error) {
	return s.CheckFn(ctx, actor, key, item, done)
}

func (s *IncidentService) Remind(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.RemindOp, d time.Duration) (*incidentbot.Incident, error) {
	return s.RemindFn(ctx, actor, key, op, d)
}

func (s *IncidentService) Postmortem(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	return s.PostmortemFn(ctx, actor, key)
}

func (s *IncidentService) SendHeld(ctx context.Context, actor incidentbot.Actor, key string, confirm bool) (*incidentbot.Incident, []incidentbot.Localized, error) {
	return s.SendHeldFn(ctx, actor, key, confirm)
}

func (s *IncidentService) Retry(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FailedAction, error) {
	return s.RetryFn(ctx, actor, key)
}

func (s *IncidentService) Playbooks() []*incidentbot.Playbook { return s.PlaybooksFn() }

func (s *IncidentService) SetImpactStart(ctx context.Context, actor incidentbot.Actor, key string, at incidentbot.LocalTime) (*incidentbot.Incident, error) {
	return s.SetImpactStartFn(ctx, actor, key, at)
}

func (s *IncidentService) SetRevenueShare(ctx context.Context, actor incidentbot.Actor, key string, share float64) (*incidentbot.Incident, error) {
	return s.SetRevenueShareFn(ctx, actor, key, share)
}

func (s *IncidentService) AddFollowUp(ctx context.Context, actor incidentbot.Actor, key string, f incidentbot.FollowUp) (*incidentbot.Incident, incidentbot.FollowUp, error) {
	return s.AddFollowUpFn(ctx, actor, key, f)
}

func (s *IncidentService) FollowUps(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FollowUp, error) {
	return s.FollowUpsFn(ctx, actor, key)
}

func (s *IncidentService) CompleteFollowUp(ctx context.Context, actor incidentbot.Actor, key string, n int) (*incidentbot.Incident, incidentbot.FollowUp, error) {
	return s.CompleteFollowUpFn(ctx, actor, key, n)
}

func (s *IncidentService) ExportFollowUps(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, string, int, error) {
	return s.ExportFollowUpsFn(ctx, actor, key)
}
