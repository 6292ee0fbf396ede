package bot

import (
	"context"

	"incidentbot"
)

// Status returns the one-screen state of an incident.
func (e *Engine) Status(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.IncidentStatus, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	return e.status(ctx, inc)
}

// List returns one page of the actor's workspace's incidents: the open
// ones, or all of them, open ones first.
func (e *Engine) List(ctx context.Context, actor incidentbot.Actor, q incidentbot.ListQuery) (*incidentbot.IncidentPage, error) {
	if err := inWorkspace(actor); err != nil {
		return nil, err
	}
	page := max(q.Page, 1)
	incs, total, err := e.store.ListIncidents(ctx, actor.Platform, actor.Workspace, q.All, (page-1)*incidentbot.ListPerPage, incidentbot.ListPerPage)
	if err != nil {
		return nil, err
	}
	return &incidentbot.IncidentPage{Incidents: incs, Page: page, PerPage: incidentbot.ListPerPage, Total: total}, nil
}

// OpenByDedupeKeys returns the open incidents of the actor's workspace
// holding any of keys, by key.
func (e *Engine) OpenByDedupeKeys(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error) {
	if err := inWorkspace(actor); err != nil {
		return nil, err
	}
	found, err := e.store.OpenIncidentsByDedupeKeys(ctx, actor.Platform, actor.Workspace, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*incidentbot.Incident, len(found))
	for _, inc := range found {
		out[inc.DedupeKey] = inc
	}
	return out, nil
}
