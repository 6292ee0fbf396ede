package bot

import (
	"context"
	"fmt"
	"slices"

	"incidentbot"
	"incidentbot/i18n"
)

// Check marks a checklist item (1-based) done, or open again.
func (e *Engine) Check(ctx context.Context, actor incidentbot.Actor, key string, item int, done bool) (*incidentbot.ChecklistEntry, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	// Refused before the list is read, and again under the lock.
	if err := e.permit(ctx, actor, inc, anyone); err != nil {
		return nil, err
	}
	list, err := e.store.Checklist(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(list, func(c incidentbot.ChecklistEntry) bool { return c.Position == item })
	if i < 0 {
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.checklist.none", map[string]any{"N": item, "Key": inc.Key, "Count": len(list)})
	}
	entry := list[i]
	switch {
	case done && entry.State == incidentbot.ChecklistDone:
		data := map[string]any{"N": entry.Position, "By": entry.By.Name}
		if entry.By.Name == "" {
			data["By"] = i18n.M("incident.someone", nil)
		}
		id := "incident.checklist.done_by"
		if entry.At != nil {
			id, data["When"] = "incident.checklist.done_by_when", e.when(*entry.At)
		}
		return nil, i18n.Errorf(incidentbot.ECONFLICT, id, data)
	case !done && entry.State == incidentbot.ChecklistOpen:
		return nil, i18n.Errorf(incidentbot.ECONFLICT, "incident.checklist.open_already", map[string]any{"N": entry.Position})
	}
	now := e.now()
	entry.State, entry.By, entry.At = incidentbot.ChecklistDone, actor.User, &now
	mark := "✓"
	if !done {
		entry.State, mark = incidentbot.ChecklistOpen, "☐"
	}
	_, err = e.locked(ctx, actor, inc.ID, anyone, func(*incidentbot.Incident, []incidentbot.RoleAssignment, *jobs) (incidentbot.Change, error) {
		return incidentbot.Change{
			Checklist: []incidentbot.ChecklistEntry{entry},
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventChecklist, Actor: actor.User, At: now,
				Text: fmt.Sprintf("%s %d. %s", mark, entry.Position, entry.Text)}},
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &entry, nil
}
