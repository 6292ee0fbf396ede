package bot

import (
	"context"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// right is something only some people may do in an incident.
type right int

const (
	// rightCommand covers severity and status changes.
	rightCommand right = iota
	// rightRoles covers role assignment: once someone commands, only they
	// hand roles out, the commander role included.
	rightRoles
	// rightAds covers pausing and resuming ads by hand.
	rightAds
)

// authorize says whether actor may do what verb names (incident.verb.<verb>:
// "resolved", "sev" ...) to inc. Commanders may do everything; when
// nobody holds the commander role anyone of the incident's workspace may,
// so an incident is never stuck. Ads also admit the comms holders and the
// configured ads admins ("platform:user id").
//
// A role is held by a user id on the incident's platform: the same id on
// another platform, or in another workspace, is someone else, and holds
// nothing here (their lookups already say "not found"; this is the rule
// again, where rights are decided).
func authorize(actor incidentbot.Actor, inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, r right, verb string, adsAdmins []string) error {
	if actor.Platform != inc.Platform || actor.Workspace != inc.Workspace {
		return incidentbot.IncidentNotFound(inc.Key)
	}
	commanders := holders(roles, incidentbot.RoleCommander)
	if len(commanders) == 0 || holds(commanders, actor.User.ID) {
		return nil
	}
	if r == rightAds && (holds(holders(roles, incidentbot.RoleComms), actor.User.ID) || slices.Contains(adsAdmins, AdsAdmin(actor.Platform, actor.User.ID))) {
		return nil
	}
	mentions := make(orList, len(commanders))
	for i, u := range commanders {
		mentions[i] = u.Mention()
	}
	holder, id := "incident.forbidden.holder", "incident.forbidden.command"
	if len(commanders) > 1 {
		holder = "incident.forbidden.holders"
	}
	if r == rightAds {
		id = "incident.forbidden.ads"
	}
	// Only a commander hands out roles, so the advice is to ask one: taking
	// the role yourself would be refused too.
	return i18n.Errorf(incidentbot.EFORBIDDEN, id, map[string]any{
		"Verb":    i18n.M("incident.verb."+verb, map[string]any{"Key": inc.Key}),
		"Holders": i18n.M(holder, map[string]any{"Mentions": mentions}),
		"You":     actor.User.Mention(),
	})
}

// orList is people to ask, any of them, said in the message's language.
type orList []string

func (l orList) In(lang string) string {
	return strings.Join(l, i18n.T(lang, "incident.forbidden.or", nil))
}

// AdsAdmin names an ads admin as Config.AdsAdmins lists them: "slack:U0123".
func AdsAdmin(platform, userID string) string { return platform + ":" + userID }

func holds(users []incidentbot.User, id string) bool {
	return slices.ContainsFunc(users, func(u incidentbot.User) bool { return u.ID == id })
}

// AssignRole gives a playbook role to the people userSpec names and invites
// them to the war room.
func (e *Engine) AssignRole(ctx context.Context, actor incidentbot.Actor, key, role, userSpec string) ([]incidentbot.RoleAssignment, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	if err := notClosed(inc); err != nil {
		return nil, err
	}
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	r, ok := pb.Role(role)
	if !ok {
		names := make([]string, len(pb.Roles))
		for i, r := range pb.Roles {
			names[i] = r.Name
		}
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.role.unknown", map[string]any{"Role": role, "Playbook": pb.Name, "Roles": strings.Join(names, ", ")})
	}
	// Checked before the users are looked up on the chat platform, then
	// again under the lock, where it holds.
	may := rule{right: rightRoles, verb: "roles"}
	if err := e.permit(ctx, actor, inc, may); err != nil {
		return nil, err
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	users, err := chat.ResolveUsers(ctx, userSpec)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.role.nobody", map[string]any{"Spec": userSpec, "Role": r.Name})
	}
	_, err = e.locked(ctx, actor, inc.ID, may, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		now := e.now()
		ids := make([]string, 0, len(users))
		for _, u := range users {
			ids = append(ids, u.ID)
		}
		j.add(kindInvite, "invite/"+e.seq(), invitePayload{UserIDs: ids})
		if r.Name == incidentbot.RoleCommander {
			j.add(kindTopic, "topic/"+e.seq(), nil)
		}
		return incidentbot.Change{
			Roles:  []incidentbot.RoleChange{{Role: r.Name, Users: users, By: actor.User, At: now}},
			Events: []incidentbot.TimelineEvent{roleEvent(e.lang(inc), r.Name, users, actor.User, now)},
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.store.Roles(ctx, inc.ID)
}
