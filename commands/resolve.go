package commands

import (
	"context"

	"incidentbot"
)

var resolveCmd = &spec{
	name:  "resolve",
	brief: "The site is fixed: resume ads, run on_resolve (commander)",
	args:  []Arg{{Name: "summary", Help: "What was wrong and what fixed it", Kind: ArgText}},
	key:   true,
	parse: func(_ *spec, c *Command, args string) error {
		c.Text = args
		return nil
	},
	format: func(c Command) string { return join(c.Name, c.Key, c.Text) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.SetStatus(ctx, actor, c.Key, incidentbot.StatusResolved, c.Text)
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.resolve", map[string]any{"Key": inc.Key}), nil
	},
}
