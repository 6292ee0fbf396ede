package bot

import (
	"context"
	"fmt"
	"slices"

	"incidentbot"
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
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "There is no checklist item %d: %s has %d. /incident status shows them.", item, inc.Key, len(list))
	}
	entry := list[i]
	switch {
	case done && entry.State == incidentbot.ChecklistDone:
		by := ""
		if entry.By.Name != "" {
			by = " by " + entry.By.Name
		}
		if entry.At != nil {
			by += " " + e.when(*entry.At)
		}
		return nil, incidentbot.Errorf(incidentbot.ECONFLICT, "Item %d was already done%s: nothing changed.", entry.Position, by)
	case !done && entry.State == incidentbot.ChecklistOpen:
		return nil, incidentbot.Errorf(incidentbot.ECONFLICT, "Item %d is already open: nothing changed.", entry.Position)
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
