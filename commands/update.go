package commands

import (
	"context"

	"incidentbot"
	"incidentbot/i18n"
)

// updateCmd accepts an empty text so the "Post update" button parses; the
// handler then asks for the text (adapters may open a form instead).
var updateCmd = &spec{
	name:  "update",
	brief: "Post a status update; resets the reminder",
	args:  []Arg{{Name: "text", Help: "What changed", Kind: ArgText, Required: true}},
	key:   true,
	parse: func(_ *spec, c *Command, args string) error {
		c.Text = args
		return nil
	},
	format: func(c Command) string { return join(c.Name, c.Key, c.Text) },
	handle: handleUpdate,
}

func handleUpdate(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	if c.Text == "" {
		return say(actor.Language, "reply.update.empty", map[string]any{"Line": prefix + " " + withKey("update", c.Key), "Changed": i18n.T(actor.Language, "command.update.usage", nil)}), nil
	}
	inc, err := h.svc.PostUpdate(ctx, actor, c.Key, c.Text)
	if err != nil {
		return Reply{}, err
	}
	r := say(actor.Language, "reply.update.posted", map[string]any{"Key": inc.Key})
	if inc.NextReminderAt != nil && !inc.RemindersOff {
		r.Message.Text += " " + i18n.T(actor.Language, "reply.update.next", map[string]any{"In": i18n.Duration(actor.Language, inc.NextReminderAt.Sub(h.clock.Now()))})
	}
	return r, nil
}
