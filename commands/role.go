package commands

import (
	"context"
	"strconv"
	"strings"

	"incidentbot"
)

var roleCmd = &spec{
	name:  "role",
	brief: "Give a role to a person or a group (commander)",
	args: []Arg{
		{Name: "role", Help: "Role name, e.g. tech-lead", Kind: ArgText, Required: true},
		{Name: "who", Help: "A person or a role", Kind: ArgMention, Required: true},
	},
	key:    true,
	parse:  parseRole,
	format: func(c Command) string { return join(c.Name, c.Key, c.Role, c.User) },
	handle: handleRole,
}

func parseRole(s *spec, c *Command, args string) error {
	role, rest := next(args)
	if role == "" {
		return s.invalid("parse.role.missing", nil)
	}
	c.Role = strings.ToLower(role)
	if !isName(c.Role) {
		return s.invalid("parse.role.name", map[string]any{"Token": strconv.Quote(truncate(role, 40))})
	}
	user, rest := next(rest)
	if user == "" {
		return s.invalid("parse.role.who", map[string]any{"Role": c.Role})
	}
	if !isUserSpec(user) {
		return s.invalid("parse.role.person", map[string]any{"Token": strconv.Quote(truncate(user, 40))})
	}
	if rest != "" {
		return s.invalid("parse.role.single", nil)
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
		return say(actor.Language, "reply.role.nobody", map[string]any{"Role": c.Role}), nil
	}
	return say(actor.Language, "reply.role.held", map[string]any{"Role": c.Role, "Who": strings.Join(who, ", ")}), nil
}
