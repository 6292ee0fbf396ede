package commands

import (
	"context"

	"incidentbot"
	"incidentbot/i18n"
)

// sevCmd without a level parses, so the "Change severity" button works;
// the handler then offers one button per level.
var sevCmd = &spec{
	name:    "sev",
	aliases: []string{"severity"},
	brief:   "Change the severity (commander)",
	args:    []Arg{severityArg(true)},
	key:     true,
	parse: func(s *spec, c *Command, args string) error {
		tok, rest := next(args)
		if tok == "" {
			return nil
		}
		sev, err := incidentbot.ParseSeverity(tok)
		if err != nil {
			return s.invalid("parse.as_is", map[string]any{"Text": i18n.ErrorText(err)})
		}
		c.Severity = sev
		return noMore(s, rest)
	},
	format: func(c Command) string {
		if !c.Severity.Valid() {
			return join(c.Name, c.Key)
		}
		return join(c.Name, c.Key, c.Severity.String())
	},
	handle: handleSev,
}

var sevMeaning = map[incidentbot.Severity]string{
	incidentbot.SEV1: "site down",
	incidentbot.SEV2: "major",
	incidentbot.SEV3: "minor",
	incidentbot.SEV4: "cosmetic",
}

func handleSev(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	if !c.Severity.Valid() {
		r := say(actor.Language, "reply.sev.choose", nil)
		for _, s := range incidentbot.Severities {
			r.Message.Buttons = append(r.Message.Buttons, incidentbot.Button{
				ActionID: withKey("sev", c.Key, s.String()),
				Label:    s.Label() + " " + sevMeaning[s],
			})
		}
		return r, nil
	}
	inc, err := h.svc.SetSeverity(ctx, actor, c.Key, c.Severity)
	if err != nil {
		return Reply{}, err
	}
	r := say(actor.Language, "reply.sev.changed", map[string]any{"Key": inc.Key, "Sev": inc.Severity.Label()})
	r.Message.Severity = inc.Severity
	return r, nil
}
