package commands

import (
	"context"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

var impactCmd = &spec{
	name:  "impact",
	brief: "Share of sales lost (e.g. 30%), or when the impact started",
	args: []Arg{
		{Name: "share", Help: "Share of sales lost, e.g. 30%", Kind: ArgText},
		{Name: "start", Help: "When customers were first affected, e.g. 14:02 (BOT_TIMEZONE)", Kind: ArgText, Prefix: "start "},
	},
	covers: []*spec{impactStartCmd},
	key:    true,
	parse: func(s *spec, c *Command, args string) error {
		tok, rest := next(args)
		if strings.EqualFold(tok, "start") {
			// One Discord subcommand carries both: "impact start 14:02".
			c.Name = impactStartCmd.name
			return impactStartCmd.parse(impactStartCmd, c, rest)
		}
		if tok == "" {
			return s.invalid("parse.impact.share", nil)
		}
		v, err := incidentbot.ParseRevenueShare(tok)
		if err != nil {
			return s.invalid("parse.as_is", map[string]any{"Text": i18n.ErrorText(err)})
		}
		c.Share = v
		return noMore(s, rest)
	},
	format: func(c Command) string {
		return join(c.Name, c.Key, incidentbot.FormatRevenueShare(c.Share))
	},
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.SetRevenueShare(ctx, actor, c.Key, c.Share)
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.impact.share", map[string]any{"Key": inc.Key, "Share": i18n.Percent(actor.Language, c.Share)}), nil
	},
}

var impactStartCmd = &spec{
	name: "impact-start",
	key:  true,
	parse: func(s *spec, c *Command, args string) error {
		at, rest, err := parseSince(s, args)
		if err != nil {
			return err
		}
		c.Since, c.HasSince = at, true
		return noMore(s, rest)
	},
	format: func(c Command) string { return join(c.Name, c.Key, c.Since.String()) },
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		inc, err := h.svc.SetImpactStart(ctx, actor, c.Key, c.Since)
		if err != nil {
			return Reply{}, err
		}
		return say(actor.Language, "reply.impact.start", map[string]any{"Key": inc.Key, "Since": c.Since.String()}), nil
	},
}

// parseSince reads a time at the start of args: "14:02", "2026-12-05T14:02"
// or "2026-12-05 14:02" (two tokens).
func parseSince(s *spec, args string) (incidentbot.LocalTime, string, error) {
	tok, rest := next(args)
	if tok == "" {
		return incidentbot.LocalTime{}, "", s.invalid("parse.impact.start", nil)
	}
	if len(tok) == len("2006-01-02") && strings.Count(tok, "-") == 2 {
		clock, after := next(rest)
		tok, rest = tok+" "+clock, after
	}
	at, err := incidentbot.ParseLocalTime(tok)
	if err != nil {
		return incidentbot.LocalTime{}, "", s.invalid("parse.as_is", map[string]any{"Text": i18n.ErrorText(err)})
	}
	return at, rest, nil
}
