package commands

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

var verifyCmd = &spec{
	name:   "verify",
	brief:  "Check now whether the site is up, from outside",
	args:   []Arg{{Name: "url", Help: "URL to check (default: the playbook's)", Kind: ArgText}},
	key:    true,
	parse:  parseVerify,
	format: func(c Command) string { return join(c.Name, c.Key, c.URL) },
	handle: handleVerify,
}

func parseVerify(s *spec, c *Command, args string) error {
	tok, rest := next(args)
	if tok == "" {
		return nil
	}
	// Slack sends links as <https://x|label>.
	raw := tok
	if strings.HasPrefix(raw, "<") && strings.HasSuffix(raw, ">") {
		raw = raw[1 : len(raw)-1]
		if i := strings.IndexByte(raw, '|'); i >= 0 {
			raw = raw[:i]
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(raw, "<>|") {
		return s.invalid("parse.verify.url", map[string]any{"Token": strconv.Quote(truncate(tok, 80))})
	}
	c.URL = raw
	return noMore(s, rest)
}

func handleVerify(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	inc, err := h.svc.Verify(ctx, actor, c.Key, c.URL)
	if err != nil {
		return Reply{}, err
	}
	what := i18n.T(actor.Language, "reply.verify.site", nil)
	if c.URL != "" {
		what = c.URL
	}
	return say(actor.Language, "reply.verify.checking", map[string]any{"What": what, "Key": inc.Key}), nil
}
