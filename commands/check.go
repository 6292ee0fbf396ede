package commands

import (
	"context"
	"strconv"

	"incidentbot"
)

// maxItem bounds checklist numbers; playbooks have a handful of items.
const maxItem = 999

// itemArg is the checklist item check and uncheck take.
var itemArg = Arg{Name: "item", Help: "Checklist item number", Kind: ArgNumber, Required: true, Min: 1}

var checkCmd = &spec{
	name:   "check",
	brief:  "Tick a checklist item",
	args:   []Arg{itemArg},
	key:    true,
	parse:  parseItem,
	format: formatItem,
	handle: handleCheck,
}

func parseItem(s *spec, c *Command, args string) error {
	tok, rest := next(args)
	if tok == "" {
		return s.invalid("parse.check.missing", nil)
	}
	n, err := strconv.Atoi(tok)
	if err != nil || n < 1 || n > maxItem {
		return s.invalid("parse.check.number", map[string]any{"Token": strconv.Quote(truncate(tok, 40))})
	}
	c.Item = n
	return noMore(s, rest)
}

func formatItem(c Command) string { return join(c.Name, c.Key, strconv.Itoa(c.Item)) }

func handleCheck(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	done := c.Name == "check"
	e, err := h.svc.Check(ctx, actor, c.Key, c.Item, done)
	if err != nil {
		return Reply{}, err
	}
	if done {
		return say(actor.Language, "reply.check.done", map[string]any{"N": e.Position, "Text": e.Text}), nil
	}
	return say(actor.Language, "reply.check.open", map[string]any{"N": e.Position, "Text": e.Text}), nil
}
