package commands

import (
	"context"

	"incidentbot"
)

var postmortemCmd = &spec{
	name:   "postmortem",
	brief:  "Generate the post-mortem draft",
	key:    true,
	parse:  func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: handlePostmortem,
}

// handlePostmortem answers at once: the draft of a long incident takes a
// moment to build, and a job posts it here as a file.
func handlePostmortem(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	inc, err := h.svc.Postmortem(ctx, actor, c.Key)
	if err != nil {
		return Reply{}, err
	}
	return say(actor.Language, "reply.postmortem", map[string]any{"Key": inc.Key, "File": incidentbot.PostmortemFileName(inc.Key)}), nil
}
