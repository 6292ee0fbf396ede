package bot

import (
	"context"
	"fmt"
	"strings"

	"incidentbot"
)

// AddFollowUp records an action item; anyone in the war room may, as for
// notes. It is numbered by the store under the incident's lock.
func (e *Engine) AddFollowUp(ctx context.Context, actor incidentbot.Actor, key string, f incidentbot.FollowUp) (*incidentbot.Incident, incidentbot.FollowUp, error) {
	f.Text = strings.Join(strings.Fields(f.Text), " ")
	switch n := len([]rune(f.Text)); {
	case n == 0:
		return nil, f, incidentbot.Errorf(incidentbot.EINVALID, "Write what to do, e.g. /incident followup add Alert on checkout 5xx @bruno due 2026-12-12 p1.")
	case n > incidentbot.MaxFollowUpText:
		return nil, f, incidentbot.Errorf(incidentbot.EINVALID, "The follow-up is %d characters long; keep it under %d: a tracker titles it.", n, incidentbot.MaxFollowUpText)
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
			Text: "Follow-up added: " + f.Text}},
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
		return nil, incidentbot.FollowUp{}, incidentbot.Errorf(incidentbot.ENOTFOUND, "%s has no follow-up %d: /incident followup list shows them.", inc.Key, n)
	}
	f := list[n-1]
	if f.DoneAt != nil {
		return nil, f, incidentbot.Errorf(incidentbot.EINVALID, "Follow-up %d was done already, by %s on %s.", n, f.DoneBy.Mention(), e.localTime(*f.DoneAt))
	}
	now := e.now()
	f.DoneBy, f.DoneAt = actor.User, &now
	inc, err = e.followUpChange(ctx, actor, inc.ID, incidentbot.Change{
		FollowUps: []incidentbot.FollowUp{f},
		Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: now,
			Text: fmt.Sprintf("Follow-up %d done: %s", n, f.Text)}},
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
