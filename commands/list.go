package commands

import (
	"context"

	"incidentbot"
	"incidentbot/views"
)

var listCmd = &spec{
	name:    "list",
	summary: "Open incidents.",
	example: "list",
	parse:   func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, _ Command) (Reply, error) {
		list, err := h.svc.List(ctx, actor)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Message: views.Incidents(list, h.clock.Now())}, nil
	},
}
