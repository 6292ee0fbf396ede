package bot

import (
	"context"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// AddFollowUp records an action item; anyone in the war room may, as for
// notes. It is numbered by the store under the incident's lock.
func (e *Engine) AddFollowUp(ctx context.Context, actor incidentbot.Actor, key string, f incidentbot.FollowUp) (*incidentbot.Incident, incidentbot.FollowUp, error) {
	f.Text = strings.Join(strings.Fields(f.Text), " ")
	switch n := len([]rune(f.Text)); {
	case n == 0:
		return nil, f, i18n.Errorf(incidentbot.EINVALID, "incident.followup.empty", nil)
	case n > incidentbot.MaxFollowUpText:
		return nil, f, i18n.Errorf(incidentbot.EINVALID, "incident.followup.too_long", map[string]any{"N": n, "Max": incidentbot.MaxFollowUpText})
	}
	if f.Priority == 0 {
		f.Priority = incidentbot.DefaultFollowUpPriority
	}
	if f.Type == "" {
		f.Type = incidentbot.FollowUpPrevent
	}
	f.Number, f.Ticket, f.DoneAt, f.DoneBy = 0, "", nil, incidentbot.User{}
	f.CreatedBy, f.CreatedAt = actor.User, e.now()
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, f, err
	}
	inc, err = e.followUpChange(ctx, actor, inc.ID, incidentbot.Change{
		FollowUps: []incidentbot.FollowUp{f},
		Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: f.CreatedAt,
			Text: i18n.T(e.lang(inc), "incident.followup.added_event", map[string]any{"Text": f.Text})}},
	})
	if err != nil {
		return nil, f, err
	}
	list, err := e.store.FollowUps(ctx, inc.ID)
	if err != nil {
		return nil, f, err
	}
	// The last one this person added with this text is the new one.
	for _, x := range list {
		if x.CreatedBy == f.CreatedBy && x.Text == f.Text {
			f = x
		}
	}
	return inc, f, nil
}

// FollowUps lists the incident's follow-ups, closed incidents included.
func (e *Engine) FollowUps(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FollowUp, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, nil, err
	}
	list, err := e.store.FollowUps(ctx, inc.ID)
	if err != nil {
		return nil, nil, err
	}
	return inc, list, nil
}

// CompleteFollowUp marks follow-up n done; a second time says who did.
func (e *Engine) CompleteFollowUp(ctx context.Context, actor incidentbot.Actor, key string, n int) (*incidentbot.Incident, incidentbot.FollowUp, error) {
	inc, list, err := e.FollowUps(ctx, actor, key)
	if err != nil {
		return nil, incidentbot.FollowUp{}, err
	}
	if n < 1 || n > len(list) {
		return nil, incidentbot.FollowUp{}, i18n.Errorf(incidentbot.ENOTFOUND, "incident.followup.none", map[string]any{"Key": inc.Key, "N": n})
	}
	f := list[n-1]
	if f.DoneAt != nil {
		return nil, f, i18n.Errorf(incidentbot.EINVALID, "incident.followup.done_already", map[string]any{"N": n, "By": f.DoneBy.Mention(), "At": e.localTime(*f.DoneAt)})
	}
	now := e.now()
	f.DoneBy, f.DoneAt = actor.User, &now
	inc, err = e.followUpChange(ctx, actor, inc.ID, incidentbot.Change{
		FollowUps: []incidentbot.FollowUp{f},
		Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: now,
			Text: i18n.T(e.lang(inc), "incident.followup.done_event", map[string]any{"N": n, "Text": f.Text})}},
	})
	if err != nil {
		return nil, f, err
	}
	return inc, f, nil
}

// followUpChange stores ch on incident id. Unlike other writes it is
// allowed on a closed incident: follow-ups come out of the review, after
// the close.
func (e *Engine) followUpChange(ctx context.Context, actor incidentbot.Actor, id int64, ch incidentbot.Change) (*incidentbot.Incident, error) {
	return e.locked(ctx, actor, id, rule{closed: true}, func(*incidentbot.Incident, []incidentbot.RoleAssignment, *jobs) (incidentbot.Change, error) {
		return ch, nil
	})
}
