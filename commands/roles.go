package commands

import (
	"context"

	"incidentbot"
	"incidentbot/views"
)

var rolesCmd = &spec{
	name:  "roles",
	brief: "List who holds which role",
	key:   true,
	parse: func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		st, err := h.svc.Status(ctx, actor, c.Key)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Message: views.Roles(st, actor.Language)}, nil
	},
}
