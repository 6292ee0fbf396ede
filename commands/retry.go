package commands

import (
	"context"
	"strings"

	"incidentbot"
)

var retryCmd = &spec{
	name:   "retry",
	brief:  "Run again the actions the bot gave up on",
	key:    true,
	parse:  func(s *spec, _ *Command, args string) error { return noMore(s, args) },
	handle: handleRetry,
}

func handleRetry(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	inc, again, err := h.svc.Retry(ctx, actor, c.Key)
	if err != nil {
		return Reply{}, err
	}
	what := make([]string, len(again))
	for i, f := range again {
		what[i] = f.What
	}
	return say(actor.Language, "reply.retry", map[string]any{"Key": inc.Key, "What": strings.Join(what, ", ")}), nil
}
