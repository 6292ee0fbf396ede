package bot

import (
	"context"

	"incidentbot"
	"incidentbot/i18n"
)

// rule says who may make a change, and whether a closed incident takes it.
type rule struct {
	right  right
	verb   string // what they do, for a refusal ("resolve"); "" lets anyone of the workspace
	closed bool   // a closed incident takes it too
}

// anyone lets every member of the incident's workspace change it while it
// is not closed.
var anyone = rule{}

// commander lets only the commanders do what verb says (anyone, while
// nobody holds the role).
func commander(verb string) rule { return rule{right: rightCommand, verb: verb} }

// allow checks r on inc and its roles: nobody may change a closed incident
// (unless r says so), and only then are rights decided.
func (e *Engine) allow(actor incidentbot.Actor, inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, r rule) error {
	if !r.closed {
		if err := notClosed(inc); err != nil {
			return err
		}
	}
	if r.verb == "" {
		return nil
	}
	return authorize(actor, inc, roles, r.right, r.verb, e.cfg.AdsAdmins)
}

// permit checks r on the incident as it stands now, for a command that
// writes nothing, or that must not call out (resolve users, list
// campaigns) for someone refused. A write checks again under the lock.
func (e *Engine) permit(ctx context.Context, actor incidentbot.Actor, inc *incidentbot.Incident, r rule) error {
	var roles []incidentbot.RoleAssignment
	if r.verb != "" {
		var err error
		if roles, err = e.store.Roles(ctx, inc.ID); err != nil {
			return err
		}
	}
	return e.allow(actor, inc, roles, r)
}

// update is the path of a command that changes an incident: the key is
// resolved to an id once, within the actor's workspace, then locked runs
// fn, whose events it stores.
func (e *Engine) update(ctx context.Context, actor incidentbot.Actor, key string, r rule, fn func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error)) (*incidentbot.Incident, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	return e.locked(ctx, actor, inc.ID, r, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		events, err := fn(inc, j)
		return incidentbot.Change{Events: events}, err
	})
}

// locked is one unit of work of a command on incident id: under the
// store's lock, on the incident and its roles as they stand there, it
// checks r, then fn changes inc and describes the rest of the Change; the
// jobs fn adds and the redraws go with it and wake a worker. Nothing the
// write depends on is read before the lock, so a close or a commander
// change that commits first is seen, and one that comes after waits. An
// error writes nothing.
func (e *Engine) locked(ctx context.Context, actor incidentbot.Actor, id int64, r rule, fn func(inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	var next []incidentbot.Job // what the write enqueued, to wake its workers
	apply := func(inc *incidentbot.Incident, roles []incidentbot.RoleAssignment) (incidentbot.Change, error) {
		if err := e.allow(actor, inc, roles, r); err != nil {
			return incidentbot.Change{}, err
		}
		j := e.jobsFor(inc)
		closed := inc.Status == incidentbot.StatusClosed
		ch, err := fn(inc, roles, j)
		if err != nil {
			return incidentbot.Change{}, err
		}
		if !closed {
			j.redraw() // as withRedraws does for updateByID
		}
		ch.Jobs = append(ch.Jobs, j.out...)
		next = ch.Jobs
		return ch, j.err
	}
	var inc *incidentbot.Incident
	var err error
	if r.verb == "" {
		// Nobody's rights to decide: the roles are not read.
		inc, err = e.store.UpdateIncident(ctx, id, func(inc *incidentbot.Incident) (incidentbot.Change, error) { return apply(inc, nil) })
	} else {
		inc, err = e.store.UpdateIncidentWithRoles(ctx, id, apply)
	}
	if err != nil {
		return nil, err
	}
	e.nudge(next)
	return inc, nil
}

// updateByID is the engine's own write (a job's record), where no
// person's rights apply; a command goes through update or locked. Every
// change also redraws the welcome and the summary (withRedraws).
func (e *Engine) updateByID(ctx context.Context, id int64, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	var next []incidentbot.Job
	withRedraws := e.withRedraws(fn)
	inc, err := e.store.UpdateIncident(ctx, id, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		ch, err := withRedraws(inc)
		next = ch.Jobs
		return ch, err
	})
	if err != nil {
		return nil, err
	}
	e.nudge(next)
	return inc, nil
}

// notClosed is the one answer every command that writes gives on a closed
// incident (ads resume aside: it ends a pause the close left behind).
func notClosed(inc *incidentbot.Incident) error {
	if inc.Status == incidentbot.StatusClosed {
		return i18n.Errorf(incidentbot.EINVALID, "error.closed", map[string]any{"Key": inc.Key})
	}
	return nil
}
