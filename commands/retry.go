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
	return say(actor.Language, "reply.retry", map[string]any{"Key": inc.Key, "What": joinIn(actor.Language, again, ", ")}), nil
}

// joinIn says each text in lang, joined by sep: what the engine lists
// comes in the incident's language unless asked for the reader's.
func joinIn[T incidentbot.Localized](lang string, texts []T, sep string) string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = t.In(lang)
	}
	return strings.Join(out, sep)
}
