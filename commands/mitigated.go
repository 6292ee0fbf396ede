package commands

import (
	"context"

	"incidentbot"
)

var mitigatedCmd = &spec{
	name:    "mitigated",
	aliases: []string{"mitigate"},
	brief:   "Customers are fine again; the fix may be temporary (commander)",
	key:     true,
	parse:   func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.SetStatus(ctx, actor, c.Key, incidentbot.StatusMitigated, "")
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.mitigated", map[string]any{"Key": inc.Key}), nil
	},
}
