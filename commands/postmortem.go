package commands

import (
	"context"
	"strings"

	"incidentbot"
)

var postmortemCmd = &spec{
	name:    "postmortem",
	summary: "(Re)generate the post-mortem draft, as a Markdown file.",
	example: "postmortem INC-42",
	key:     true,
	parse:   func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle:  handlePostmortem,
}

func handlePostmortem(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	md, err := h.svc.Postmortem(ctx, actor, c.Key)
	if err != nil {
		return Reply{}, err
	}
	key := c.Key
	if key == "" {
		// Typed in the war room: the file still needs the key in its name.
		st, err := h.svc.Status(ctx, actor, "")
		if err != nil {
			return Reply{}, err
		}
		key = st.Incident.Key
	}
	lines := strings.Count(md, "\n") + 1
	r := text("Post-mortem draft for %s attached (%d lines). Edit it, then share it with the team.", key, lines)
	r.Message.File = &incidentbot.File{Name: incidentbot.PostmortemFileName(key), Content: md}
	return r, nil
}
