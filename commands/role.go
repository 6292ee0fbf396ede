package commands

import (
	"context"
	"strings"

	"incidentbot"
)

var roleCmd = &spec{
	name:    "role",
	usage:   "<role> <@person|@group|e-mail>",
	summary: "Give a role (commander, tech-lead, comms ...) to someone.",
	example: "role tech-lead @alice",
	key:     true,
	parse:   parseRole,
	format:  func(c Command) string { return join(c.Name, c.Key, c.Role, c.User) },
	handle:  handleRole,
}

func parseRole(s *spec, c *Command, args string) error {
	role, rest := next(args)
	if role == "" {
		return s.invalid("Name the role and the person who takes it.")
	}
	c.Role = strings.ToLower(role)
	if !isName(c.Role) {
		return s.invalid("%q is not a role name: use letters, digits and dashes, e.g. tech-lead.", truncate(role, 40))
	}
	user, rest := next(rest)
	if user == "" {
		return s.invalid("Say who takes the role %s: a mention (@alice), a group (@oncall) or an e-mail.", c.Role)
	}
	if !isUserSpec(user) {
		return s.invalid("%q is not a person: use a mention (@alice), a group (@oncall) or an e-mail.", truncate(user, 40))
	}
	if rest != "" {
		return s.invalid("Give one person or group per command.")
	}
	c.User = user
	return nil
}

// isUserSpec accepts what chat platforms send for people: <@U1>, <@U1|bob>,
// <!subteam^S1>, Discord's <@123> and <@&123>, a plain @handle or an e-mail.
func isUserSpec(u string) bool {
	switch {
	case strings.HasPrefix(u, "<") && strings.HasSuffix(u, ">"):
		return len(u) > 3 && (u[1] == '@' || u[1] == '!')
	case strings.HasPrefix(u, "@"):
		return len(u) > 1
	default:
		at := strings.IndexByte(u, '@')
		return at > 0 && at < len(u)-1 && !strings.ContainsAny(u, "<>")
	}
}

func handleRole(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	roles, err := h.svc.AssignRole(ctx, actor, c.Key, c.Role, c.User)
	if err != nil {
		return Reply{}, err
	}
	var who []string
	for _, r := range roles {
		if r.Role == c.Role {
			who = append(who, r.User.Mention())
		}
	}
	if len(who) == 0 {
		return text("Nobody holds %s now.", c.Role), nil
	}
	return text("%s: %s.", c.Role, strings.Join(who, ", ")), nil
}
