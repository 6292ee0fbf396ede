package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// Declare opens an incident: one store call writes it with its declared
// event, checklist and first jobs (the war-room saga, the manager summary,
// the on_declare actions, the first reminder), and it returns at once.
// Nothing here talks to a chat or an API: the person gets an answer in
// milliseconds and the jobs do the rest.
func (e *Engine) Declare(ctx context.Context, actor incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
	if err := inWorkspace(actor); err != nil {
		return nil, err
	}
	title, err := checkDeclare(req)
	if err != nil {
		return nil, err
	}
	pb, err := e.playbooks.Match(req.Type, title)
	if err != nil {
		return nil, err
	}
	if req.PauseAds != nil && *req.PauseAds {
		if err := e.mayPauseAds(actor, pb); err != nil {
			return nil, err
		}
	}
	now := e.now()
	sev := declaredSeverity(req.Severity, pb)
	detected := req.DetectedAt
	if detected.IsZero() || detected.After(now) {
		detected = now
	}
	inc := &incidentbot.Incident{
		Title:         title,
		Severity:      sev,
		Status:        incidentbot.StatusInvestigating,
		Type:          pb.Name,
		Drill:         req.Drill,
		Platform:      actor.Platform,
		Workspace:     actor.Workspace,
		OriginChannel: actor.ChannelID,
		DedupeKey:     req.DedupeKey,
		Impact:        strings.TrimSpace(req.Description),
		DeclaredBy:    actor.User,
		DetectedAt:    detected.UTC(),
		DeclaredAt:    now,
		Guarded:       !req.Force,
	}
	if err := e.declaredImpact(req, inc); err != nil {
		return nil, err
	}
	if cadence := pb.Cadence(sev); cadence > 0 {
		next := now.Add(cadence)
		inc.NextReminderAt = &next
	}
	ch := incidentbot.Change{Events: []incidentbot.TimelineEvent{{
		Kind:  incidentbot.EventDeclared,
		Actor: actor.User,
		At:    now,
		Text: drillLabel(e.lang(inc), inc, i18n.T(e.lang(inc), "engine.declare.event",
			map[string]any{"By": actor.User.Name, "Sev": sev.Label(), "Playbook": pb.Name, "Title": title})),
		Data: linksData(req.Links),
	}}}
	for i, item := range pb.Checklist {
		ch.Checklist = append(ch.Checklist, incidentbot.ChecklistEntry{Position: i + 1, Text: item.In(e.lang(inc)), State: incidentbot.ChecklistOpen})
	}
	ch.Jobs, err = e.declareJobs(inc, pb, req.PauseAds)
	if err != nil {
		return nil, err
	}
	ch.Deliveries = incidentbot.DeliveriesFrom(ctx)
	ch.Limits = req.Limits
	personal := e.declareLimit(actor)
	if personal != nil {
		ch.Limits = append(slices.Clip(ch.Limits), *personal)
	}
	if err := e.store.CreateIncident(ctx, inc, ch); err != nil {
		return nil, declareRefused(err, personal)
	}
	e.logger.InfoContext(ctx, "incident declared", "incident", inc.Key, "severity", sev.String(), "playbook", pb.Name, "drill", inc.Drill)
	e.nudge(ch.Jobs)
	return inc, nil
}

// declaredImpact sets when customers were first affected: the time a
// person typed (refused when it cannot be), else the alert's startsAt
// when plausible (at or before the declaration, within MaxImpactLead),
// else nothing: the impact then starts at detection.
func (e *Engine) declaredImpact(req incidentbot.DeclareRequest, inc *incidentbot.Incident) error {
	if req.ImpactStart != nil {
		start, err := e.impactStart(*req.ImpactStart, inc)
		if err != nil {
			return err
		}
		inc.ImpactStartedAt = &start
		return nil
	}
	start := req.ImpactStartedAt.UTC()
	if !start.IsZero() && start.Before(inc.DetectedAt) && incidentbot.CheckImpactStart(start, inc, e.cfg.Location) == nil {
		inc.ImpactStartedAt = &start
	}
	return nil
}

// linksData is the declared event's Data: the alert's links, when it has
// any web address; nil otherwise.
func linksData(l incidentbot.AlertLinks) json.RawMessage {
	l = l.Clean()
	if l == (incidentbot.AlertLinks{}) {
		return nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return nil // two strings always marshal
	}
	return b
}

// declaredSeverity is the severity asked for, else the playbook's
// default, else sev3.
func declaredSeverity(sev incidentbot.Severity, pb *incidentbot.Playbook) incidentbot.Severity {
	if sev == incidentbot.SevUnknown {
		sev = pb.Match.DefaultSeverity
	}
	if !sev.Valid() {
		sev = incidentbot.SEV3
	}
	return sev
}

// checkDeclare refuses a declaration whose title, description or severity
// cannot be, and returns its title trimmed.
func checkDeclare(req incidentbot.DeclareRequest) (string, error) {
	title := strings.TrimSpace(req.Title)
	if title == "" {
		return "", i18n.Errorf(incidentbot.EINVALID, "engine.declare.no_title", nil)
	}
	if n := utf8.RuneCountInString(title); n > incidentbot.MaxTitle {
		return "", i18n.Errorf(incidentbot.EINVALID, "engine.declare.title_long", map[string]any{"N": n, "Max": incidentbot.MaxTitle})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(req.Description)); n > incidentbot.MaxDescription {
		return "", i18n.Errorf(incidentbot.EINVALID, "engine.declare.description_long", map[string]any{"N": n, "Max": incidentbot.MaxDescription})
	}
	if req.Severity != incidentbot.SevUnknown && !req.Severity.Valid() {
		return "", i18n.Errorf(incidentbot.EINVALID, "engine.declare.unknown_sev", nil)
	}
	return title, nil
}

// declareRefused says why the store refused a declaration: the person's
// own rate limit (personal, when set), or the same title open in the
// channel; other errors as they are.
func declareRefused(err error, personal *incidentbot.RateLimit) error {
	var rl *incidentbot.RateLimitError
	if personal != nil && errors.As(err, &rl) && rl.Limit == *personal {
		return i18n.Wrap(incidentbot.EFORBIDDEN, err, "engine.declare.rate_limit", map[string]any{
			"Incidents": counted{"engine.declare.incidents", rl.Limit.Max},
			"Wait":      int((rl.Wait + time.Second - 1) / time.Second),
		})
	}
	var dup *incidentbot.DuplicateError
	if errors.As(err, &dup) && !dup.Repeat && dup.Existing.DedupeKey == "" {
		return duplicate(dup.Existing)
	}
	return err
}

// mayPauseAds applies the rule of "/incident ads pause" to the declare
// form's "Pause ads now" box: the declarer must be who the playbook makes
// commander or comms lead, or an ads admin. The roles are not assigned
// yet, so they are read from the playbook: a role given to "declarer" is
// the declarer's, one given to a group or a person is someone else's.
func (e *Engine) mayPauseAds(actor incidentbot.Actor, pb *incidentbot.Playbook) error {
	var roles []incidentbot.RoleAssignment
	for _, r := range pb.Roles {
		switch r.Assign {
		case "":
		case incidentbot.AssignDeclarer:
			roles = append(roles, incidentbot.RoleAssignment{Role: r.Name, User: actor.User})
		default:
			roles = append(roles, incidentbot.RoleAssignment{Role: r.Name, User: incidentbot.User{Name: r.Assign}})
		}
	}
	inc := &incidentbot.Incident{Key: "this incident", Platform: actor.Platform, Workspace: actor.Workspace}
	if err := authorize(actor, inc, roles, rightAds, "pause", e.cfg.AdsAdmins); err != nil {
		return i18n.Wrap(incidentbot.EFORBIDDEN, err, "engine.declare.ads_rights", map[string]any{"Playbook": pb.Name})
	}
	return nil
}

// declareLimit is the cap on the declarations of the person behind actor,
// drills included (each opens a real war room and posts): nil for alerts,
// which have no user id and their own caps, and when the limit is off.
func (e *Engine) declareLimit(actor incidentbot.Actor) *incidentbot.RateLimit {
	if actor.User.ID == "" || e.cfg.DeclareLimit < 0 {
		return nil
	}
	return &incidentbot.RateLimit{
		Scope:  "declare/" + actor.Platform + "/" + actor.Workspace + "/" + actor.User.ID,
		Max:    e.cfg.DeclareLimit,
		Window: time.Minute,
	}
}

// duplicate answers a second open incident with the same title in the
// same channel, which the store refused (Incident.Guarded): slash commands
// are never retried, so this is a person asking again, or two people at
// once, who may join the first or declare anyway with --force.
func duplicate(inc *incidentbot.Incident) error {
	return i18n.Wrap(incidentbot.ECONFLICT, &incidentbot.DuplicateError{Existing: inc},
		"engine.declare.duplicate", map[string]any{"Key": inc.Key, "Title": inc.Title})
}

// counted is a number of things said with its plural in the language of
// the message that holds it (an error's, said in the reader's).
type counted struct {
	id string
	n  int
}

func (c counted) In(lang string) string { return i18n.N(lang, c.id, c.n, nil) }

// declareJobs builds the first jobs. The incident has no id or key until
// the store writes it, in the same transaction as these jobs, so their
// keys start with a unique declaration id instead (the store fills in the
// incident id); the jobs that follow use the incident key.
func (e *Engine) declareJobs(inc *incidentbot.Incident, pb *incidentbot.Playbook, pauseAds *bool) ([]incidentbot.Job, error) {
	inc.Key = "declare-" + e.seq()
	defer func() { inc.Key = "" }()
	j := e.jobsFor(inc).add(kindCreateChannel, kindCreateChannel, nil).add(kindSummary, "summary/declared", nil)
	actions := pb.OnDeclare
	if pauseAds != nil && *pauseAds && !slices.ContainsFunc(actions, func(a incidentbot.Action) bool { return a.Kind() == incidentbot.ActionPauseAds }) {
		actions = append(slices.Clip(actions), incidentbot.Action{Params: incidentbot.PauseAdsParams{}})
	}
	actionJobs(j, "declare", actions, inc.Severity, pauseAds)
	if inc.NextReminderAt != nil {
		reminderJob(j, *inc.NextReminderAt)
	}
	return j.out, j.err
}
