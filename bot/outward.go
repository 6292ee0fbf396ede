package bot

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Outward actions speak for the shop outside the team: the public status
// page, the pager, e-mails and webhooks to the host and the agency. When
// the person who declared holds no role, they wait for a commander's
// confirmation (stored on the incident, so it outlives restarts).
//
// "Holds no role" is decided once the playbook's roles are assigned: the
// declarer holds a role when the playbook names them for one other than
// through "assign: declarer" (a member of @oncall-web made tech-lead), or
// when someone else gave them one by hand. Commander by "assign: declarer"
// alone does not count: every default playbook gives it to whoever
// declares, so it says nothing about who they are. Alerts (no declarer),
// drills (nothing goes out) and confirmed incidents do not wait.

// outward reports whether an action kind reaches people outside the team.
func outward(kind string) bool { return actionRunners[kind].outward }

// mayGoOut says whether inc's outward actions may run now. Until the
// playbook's roles are assigned it cannot tell: errWarRoomNotReady makes
// the job wait for them.
func (e *Engine) mayGoOut(ctx context.Context, inc *incidentbot.Incident, pb *incidentbot.Playbook) (bool, error) {
	if inc.OutwardConfirmed || inc.Drill || inc.DeclaredBy.ID == "" {
		return true, nil
	}
	jobs, err := e.store.Jobs(ctx, inc.ID)
	if err != nil {
		return false, err
	}
	// A closed incident's roles are settled, and its done jobs pruned.
	assigned, noRoles := inc.Status == incidentbot.StatusClosed, false
	for _, j := range jobs {
		switch {
		case j.Kind == kindAssignRoles && j.State == incidentbot.JobDone:
			assigned = true
		case j.Kind == kindAssignRoles && j.State == incidentbot.JobFailed,
			j.Kind == kindCreateChannel && j.State == incidentbot.JobFailed:
			noRoles = true // the saga stopped: nobody got a role
		}
	}
	if !assigned && !noRoles {
		return false, errWarRoomNotReady
	}
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return false, err
	}
	return holdsRole(inc.DeclaredBy, roles, pb), nil
}

// holdsRole reports whether u holds a role of inc other than one the
// playbook gives to whoever declares.
func holdsRole(u incidentbot.User, roles []incidentbot.RoleAssignment, pb *incidentbot.Playbook) bool {
	for _, r := range roles {
		if r.User.ID != u.ID {
			continue
		}
		if r.AssignedBy.ID != "" && r.AssignedBy.ID != u.ID {
			return true // given by hand, by someone else
		}
		if role, ok := pb.Role(r.Role); ok && r.AssignedBy.ID == "" && role.Assign != incidentbot.AssignDeclarer {
			return true // the playbook names them for it
		}
	}
	return false
}

// held is the outcome of an outward action that waits: timeline only, and
// one question in the war room for all of them.
func held(lang, what string) result {
	return result{kind: incidentbot.EventActionHeld, text: sentence(i18n.T(lang, "engine.action.held", map[string]any{"What": what})), quiet: true}
}

// askToSend is the war-room question, posted once per incident.
func (e *Engine) askToSend(j *jobs, inc *incidentbot.Incident, pb *incidentbot.Playbook) {
	lang := e.lang(inc)
	msg := incidentbot.Message{
		Title:    i18n.T(lang, "engine.outward.title", map[string]any{"Key": inc.Key}),
		Text:     i18n.T(lang, "engine.outward.ask", map[string]any{"By": inc.DeclaredBy.Name, "Key": inc.Key, "Playbook": pb.Name}),
		Severity: inc.Severity,
		Buttons: []incidentbot.Button{{
			ActionID: "send " + inc.Key + " --confirm", Label: i18n.T(lang, "engine.outward.button", nil), Style: incidentbot.ButtonPrimary,
		}},
	}
	j.add(kindPost, "post/outward-ask", postPayload{Message: msg})
}

// confirmedKey is the key of the job that runs a held action once confirmed.
func confirmedKey(job incidentbot.Job) string { return localKey(job) + "/confirmed" }

// SendHeld lists the held outward actions; with confirm, a commander other
// than a declarer who holds no role lets them and every later one go out.
func (e *Engine) SendHeld(ctx context.Context, actor incidentbot.Actor, key string, confirm bool) (*incidentbot.Incident, []incidentbot.Localized, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, nil, err
	}
	may := commander("send")
	if err := e.permit(ctx, actor, inc, may); err != nil {
		return nil, nil, err
	}
	if err := heldSendable(inc); err != nil {
		return nil, nil, err
	}
	waiting, whats, err := e.heldJobs(ctx, inc)
	if err != nil {
		return nil, nil, err
	}
	if !confirm {
		return inc, whats, nil
	}
	inc, err = e.locked(ctx, actor, inc.ID, may, func(inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, _ *jobs) (incidentbot.Change, error) {
		if err := heldSendable(inc); err != nil {
			return incidentbot.Change{}, err
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return incidentbot.Change{}, err
		}
		if actor.User.ID == inc.DeclaredBy.ID && !holdsRole(inc.DeclaredBy, roles, pb) {
			return incidentbot.Change{}, i18n.Errorf(incidentbot.EFORBIDDEN, "engine.outward.own", map[string]any{"Key": inc.Key, "Playbook": pb.Name})
		}
		if inc.OutwardConfirmed {
			return incidentbot.Change{}, nil
		}
		inc.OutwardConfirmed = true
		return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: e.now(),
			Text: i18n.T(e.lang(inc), "engine.outward.confirmed", map[string]any{"Name": actor.User.Name})}}}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	// Held after the confirmation's commit, a job enqueues its own run
	// (see holdOrRun); these are the ones held before. Keys make both safe.
	var out []incidentbot.Job
	for _, job := range waiting {
		var p actionPayload
		if err := decode(job, &p); err != nil {
			return nil, nil, err
		}
		p.By = actor.User
		j, err := incidentbot.NewJob(inc, kindAction, confirmedKey(job), p, e.now())
		if err != nil {
			return nil, nil, err
		}
		out = append(out, j)
	}
	if len(out) > 0 {
		if err := e.enqueue(ctx, out...); err != nil {
			return nil, nil, err
		}
	}
	return inc, whats, nil
}

// heldSendable refuses to send what waited once the incident is resolved.
func heldSendable(inc *incidentbot.Incident) error {
	if !inc.Status.Open() {
		return i18n.Errorf(incidentbot.EINVALID, "engine.outward.not_open", map[string]any{"Key": inc.Key, "Status": i18n.M("status."+string(inc.Status), nil)})
	}
	return nil
}

// heldJobs returns the jobs of the held outward actions not run since,
// and what each does, in the incident's language.
func (e *Engine) heldJobs(ctx context.Context, inc *incidentbot.Incident) ([]incidentbot.Job, []incidentbot.Localized, error) {
	held, err := e.store.EventsOfKind(ctx, inc.ID, incidentbot.EventActionHeld)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	for _, ev := range held {
		var ref incidentbot.ActionRef
		if json.Unmarshal(ev.Data, &ref) == nil && ref.Job != 0 {
			ids = append(ids, ref.Job)
		}
	}
	jobs, err := e.store.Jobs(ctx, inc.ID)
	if err != nil {
		return nil, nil, err
	}
	sent := map[string]bool{}
	for _, j := range jobs {
		if strings.HasSuffix(j.Key, "/confirmed") {
			sent[j.Key] = true
		}
	}
	var out []incidentbot.Job
	var whats []incidentbot.Localized
	for _, j := range jobs {
		if !slices.Contains(ids, j.ID) || sent[inc.Key+"/"+confirmedKey(j)] {
			continue
		}
		var p actionPayload
		if err := decode(j, &p); err != nil {
			return nil, nil, err
		}
		out = append(out, j)
		whats = append(whats, heldAction{p.Action})
	}
	return out, whats, nil
}

// heldAction says what a held action does in the reader's language: the
// list of what waits is a reply only the commander sees.
type heldAction struct{ action incidentbot.Action }

func (h heldAction) In(lang string) string {
	what, _ := describeAction(lang, h.action)
	return what
}
