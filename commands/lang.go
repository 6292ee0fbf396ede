package commands

import (
	"context"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// auto is the lang argument that forgets a person's choice.
const auto = "auto"

var langCmd = &spec{
	name:    "lang",
	aliases: []string{"language"},
	// Typed only: Discord's 25 subcommands are taken, and Discord gives
	// each person's language with every interaction.
	typed: true,
	parse: func(s *spec, c *Command, args string) error {
		tok, rest := next(args)
		switch l := strings.ToLower(tok); {
		case l == "":
		case l == auto || l == "automatique":
			c.Text = auto
		case i18n.Match(l) != "":
			c.Text = i18n.Match(l)
		default:
			return s.invalid("parse.lang", map[string]any{"Token": strconv.Quote(truncate(tok, 40))})
		}
		return noMore(s, rest)
	},
	format: func(c Command) string { return join(c.Name, c.Text) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		ls, ok := h.svc.(incidentbot.Languages)
		if !ok {
			return Reply{}, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "%s", i18n.T(actor.Language, "lang.unavailable", nil))
		}
		if c.Text == "" {
			chosen, err := ls.UserLanguage(ctx, actor)
			if err != nil {
				return Reply{}, err
			}
			if chosen == "" {
				return say(actor.Language, "lang.current_auto", map[string]any{"Language": i18n.T(actor.Language, "lang.name."+actor.Language, nil)}), nil
			}
			return say(actor.Language, "lang.current", map[string]any{"Language": i18n.T(actor.Language, "lang.name."+chosen, nil)}), nil
		}
		chosen := c.Text
		if chosen == auto {
			chosen = ""
		}
		if err := ls.SetUserLanguage(ctx, actor, chosen); err != nil {
			return Reply{}, err
		}
		if chosen == "" {
			actor.Language = i18n.Or(i18n.Match(actor.Locale), ls.WorkspaceLanguage(actor))
			return say(actor.Language, "lang.set_auto", map[string]any{"Language": i18n.T(actor.Language, "lang.name."+actor.Language, nil)}), nil
		}
		return say(chosen, "lang.set", nil), nil
	},
}

// say is a private reply from the catalog.
func say(lang, id string, data any) Reply {
	return Reply{Message: incidentbot.Message{Text: i18n.T(lang, id, data)}}
}
