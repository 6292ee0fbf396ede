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
// nobody holds the commander role anyone may, so an incident is never stuck.
// Ads also admit the comms holders and the configured ads admins.
func authorize(actor incidentbot.Actor, inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, r right, verb string, adsAdmins []string) error {
	commanders := holders(roles, incidentbot.RoleCommander)
	if len(commanders) == 0 || holds(commanders, actor.User.ID) {
		return nil
	}
	if r == rightAds && (holds(holders(roles, incidentbot.RoleComms), actor.User.ID) || slices.Contains(adsAdmins, actor.User.ID)) {
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

func holds(users []incidentbot.User, id string) bool {
	return slices.ContainsFunc(users, func(u incidentbot.User) bool { return u.ID == id })
}
