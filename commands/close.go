package commands

import (
	"context"

	"incidentbot"
)

var closeCmd = &spec{
	name:  "close",
	brief: "Close for good; post the post-mortem draft (commander)",
	key:   true,
	parse: func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.SetStatus(ctx, actor, c.Key, incidentbot.StatusClosed, "")
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.close", map[string]any{"Key": inc.Key}), nil
	},
}
