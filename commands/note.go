package commands

import (
	"context"

	"incidentbot"
)

var noteCmd = &spec{
	name:  "note",
	brief: "Add a note to the timeline",
	args:  []Arg{{Name: "text", Help: "The note", Kind: ArgText, Required: true}},
	key:   true,
	parse: func(s *spec, c *Command, args string) error {
		if args == "" {
			return s.invalid("parse.note.text", nil)
		}
		c.Text = args
		return nil
	},
	format: func(c Command) string { return join(c.Name, c.Key, c.Text) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.AddNote(ctx, actor, c.Key, c.Text)
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.note", map[string]any{"Key": inc.Key}), nil
	},
}
