package commands

import (
	"context"

	"incidentbot"
)

// sevCmd without a level parses, so the "Change severity" button works;
// the handler then offers one button per level.
var sevCmd = &spec{
	name:    "sev",
	aliases: []string{"severity"},
	usage:   "<sev1..sev4>",
	summary: "Change the severity (timeline and managers' summary).",
	example: "sev sev2",
	key:     true,
	parse: func(s *spec, c *Command, args string) error {
		tok, rest := next(args)
		if tok == "" {
			return nil
		}
		sev, err := incidentbot.ParseSeverity(tok)
		if err != nil {
			return s.invalid("%s", incidentbot.ErrorMessage(err))
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
		r := text("Choose the new severity:")
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
	r := text("%s is now %s.", inc.Key, inc.Severity.Label())
	r.Message.Severity = inc.Severity
	return r, nil
}
