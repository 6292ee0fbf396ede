package commands

import (
	"context"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// sendCmd lets the outward actions of an incident declared by someone who
// holds no role go out (status page, page, messages to the host or the
// agency). Without --confirm it says what waits and offers the button.
var sendCmd = &spec{
	name:  "send",
	brief: "See and send what waits for a commander's confirmation (status page, page, mail)",
	key:   true,
	parse: parseSend,
	format: func(c Command) string {
		confirm := ""
		if c.Force {
			confirm = confirmFlag
		}
		return join(c.Name, c.Key, confirm)
	},
	handle: handleSend,
}

// parseSend takes --confirm before or after the key, like ads does.
func parseSend(s *spec, c *Command, args string) error {
	for _, tok := range strings.Fields(args) {
		switch {
		case strings.EqualFold(tok, confirmFlag):
			c.Force = true
		case c.Key == "" && looksLikeKey(tok):
			key, err := parseKey(s, tok)
			if err != nil {
				return err
			}
			c.Key = key
		default:
			return s.invalid("parse.send.unexpected", map[string]any{"Token": strconv.Quote(truncate(tok, 40)), "Flag": confirmFlag})
		}
	}
	return nil
}

func handleSend(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	inc, whats, err := h.svc.SendHeld(ctx, actor, c.Key, c.Force)
	if err != nil {
		return Reply{}, err
	}
	switch {
	case c.Force && len(whats) == 0:
		return say(actor.Language, "reply.send.nothing_waiting", map[string]any{"Key": inc.Key}), nil
	case c.Force:
		lang := h.workspaceLanguage(actor)
		return Reply{InChannel: true, Message: incidentbot.Message{Text: i18n.T(lang, "reply.send.sending", map[string]any{"Key": inc.Key, "What": joinIn(lang, whats, i18n.T(lang, "reader.list_sep", nil))})}}, nil
	case len(whats) == 0:
		return say(actor.Language, "reply.send.none", map[string]any{"Key": inc.Key}), nil
	}
	c.Key, c.Force = inc.Key, true
	r := say(actor.Language, "reply.send.waiting", map[string]any{"What": joinIn(actor.Language, whats, i18n.T(actor.Language, "reader.list_sep", nil))})
	r.Message.Title = i18n.T(actor.Language, "reply.send.title", map[string]any{"Key": inc.Key})
	r.Message.Buttons = []incidentbot.Button{{ActionID: c.String(), Label: i18n.T(actor.Language, "reply.send.button", nil), Style: incidentbot.ButtonPrimary}}
	return r, nil
}
