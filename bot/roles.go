package bot

import (
	"slices"
	"strings"

	"incidentbot"
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

// authorize says whether actor may do what verb describes ("resolve",
// "change the severity of" ...) to inc. Commanders may do everything; when
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
	mentions := make([]string, len(commanders))
	for i, u := range commanders {
		mentions[i] = u.Mention()
	}
	who, holder := "the commander", strings.Join(mentions, " or ")+" (commander)"
	if len(commanders) > 1 {
		holder = strings.Join(mentions, " or ") + " (commanders)"
	}
	if r == rightAds {
		who = "the commander, the comms lead or an ads admin"
	}
	// Only a commander hands out roles, so the advice is to ask one: taking
	// the role yourself would be refused too.
	return incidentbot.Errorf(incidentbot.EFORBIDDEN, "Only %s can %s %s. Ask %s to do it, or to hand you the role: /incident role commander %s",
		who, verb, inc.Key, holder, actor.User.Mention())
}

// AdsAdmin names an ads admin as Config.AdsAdmins lists them: "slack:U0123".
func AdsAdmin(platform, userID string) string { return platform + ":" + userID }

func holds(users []incidentbot.User, id string) bool {
	return slices.ContainsFunc(users, func(u incidentbot.User) bool { return u.ID == id })
}
