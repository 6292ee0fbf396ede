package commands

import (
	"context"
	"fmt"

	"incidentbot"
	"incidentbot/views"
)

// updateCmd accepts an empty text so the "Post update" button parses; the
// handler then asks for the text (adapters may open a form instead).
var updateCmd = &spec{
	name:    "update",
	example: "update DB restarted, checkout recovering",
	key:     true,
	parse: func(_ *spec, c *Command, args string) error {
		c.Text = args
		return nil
	},
	format: func(c Command) string { return join(c.Name, c.Key, c.Text) },
	handle: handleUpdate,
}

func handleUpdate(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	if c.Text == "" {
		return text("What changed? Type `%s %s`, e.g. `%s DB restarted, checkout recovering`.",
			prefix, withKey("update", c.Key, "<what changed>"), prefix+" "+withKey("update", c.Key)), nil
	}
	inc, err := h.svc.PostUpdate(ctx, actor, c.Key, c.Text)
	if err != nil {
		return Reply{}, err
	}
	r := text("Update posted to %s.", inc.Key)
	if inc.NextReminderAt != nil && !inc.RemindersOff {
		r.Message.Text += fmt.Sprintf(" Next reminder in %s.", views.Duration(inc.NextReminderAt.Sub(h.clock.Now())))
	}
	return r, nil
}
