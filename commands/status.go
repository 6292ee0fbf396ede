package commands

import (
	"context"

	"incidentbot"
	"incidentbot/views"
)

var statusCmd = &spec{
	name:   "status",
	brief:  "One-screen state of an incident",
	key:    true,
	parse:  func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: handleStatus,
}

func handleStatus(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	st, err := h.svc.Status(ctx, actor, c.Key)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Message: views.Status(st, h.clock.Now(), actor.Language)}, nil
}
