package commands

import (
	"context"

	"incidentbot"
)

var reopenCmd = &spec{
	name:  "reopen",
	brief: "The fix did not hold: investigate again (commander)",
	key:   true,
	parse: func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.SetStatus(ctx, actor, c.Key, incidentbot.StatusInvestigating, "")
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.reopen", map[string]any{"Key": inc.Key}), nil
	},
}
