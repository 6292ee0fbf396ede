package commands

import (
	"context"

	"incidentbot"
)

var ackCmd = &spec{
	name:    "ack",
	aliases: []string{"acknowledge"},
	brief:   "Acknowledge: tell everyone someone is on it",
	key:     true,
	parse:   func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.Acknowledge(ctx, actor, c.Key)
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.ack", map[string]any{"Key": inc.Key}), nil
	},
}
