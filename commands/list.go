package commands

import (
	"context"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/views"
)

// maxPage bounds the page people may ask for: far beyond any history.
const maxPage = 10000

var listCmd = &spec{
	name:  "list",
	brief: "Open incidents, 20 a page",
	args: []Arg{
		{Name: "all", Help: "Resolved and closed incidents too, after the open ones", Kind: ArgFlag, Prefix: "--all"},
		{Name: "page", Help: "Which page (default: the first)", Kind: ArgNumber, Min: 1, Prefix: "page "},
	},
	parse: parseList,
	format: func(c Command) string {
		var all, page string
		if c.All {
			all = "--all"
		}
		if c.Page > 0 {
			page = "page " + strconv.Itoa(c.Page)
		}
		return join(c.Name, all, page)
	},
	handle: func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		page, err := h.svc.List(ctx, actor, incidentbot.ListQuery{All: c.All, Page: c.Page})
		if err != nil {
			return Reply{}, err
		}
		return Reply{Message: views.Incidents(page, c.All, h.clock.Now(), actor.Language)}, nil
	},
}

// parseList reads --all and "page <n>", in either order.
func parseList(s *spec, c *Command, args string) error {
	for rest := args; rest != ""; {
		var tok string
		tok, rest = next(rest)
		switch {
		case strings.EqualFold(tok, "--all"):
			c.All = true
		case strings.EqualFold(tok, "page"):
			var n string
			n, rest = next(rest)
			p, err := strconv.Atoi(n)
			if err != nil || p < 1 || p > maxPage {
				return s.invalid("parse.list.page", nil)
			}
			c.Page = p
		default:
			return s.invalid("parse.unexpected", map[string]any{"Token": strconv.Quote(truncate(tok, 40))})
		}
	}
	return nil
}
