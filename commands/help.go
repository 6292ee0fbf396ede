package commands

import (
	"context"
	"fmt"
	"strings"

	"incidentbot"
)

var helpCmd = &spec{
	name:    "help",
	usage:   "[command]",
	summary: "This list, or one command in detail.",
	example: "help declare",
	parse: func(s *spec, c *Command, args string) error {
		tok, rest := next(args)
		if tok == "" {
			return nil
		}
		topic := lookup(tok)
		if topic == nil {
			return unknown(tok)
		}
		c.Text = topic.name
		return noMore(s, rest)
	},
	format: func(c Command) string { return join(c.Name, c.Text) },
	handle: func(_ context.Context, _ *Handler, _ incidentbot.Actor, c Command) (Reply, error) {
		if c.Text == "" {
			return Reply{Message: helpAll()}, nil
		}
		return Reply{Message: helpOne(lookup(c.Text))}, nil
	},
}

// helpAll lists every command with its usage and what it does.
func helpAll() incidentbot.Message {
	var b strings.Builder
	for i, s := range registry {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "`%s` %s", s.synopsis(), s.summary)
	}
	return incidentbot.Message{
		Title:  "Incident commands",
		Text:   b.String(),
		Footer: "In a war room, commands act on its incident; elsewhere add the key: /incident status INC-42. More: /incident help <command>.",
	}
}

func helpOne(s *spec) incidentbot.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "`%s`\n%s\nExample: `%s %s`", s.synopsis(), s.summary, prefix, s.example)
	if len(s.aliases) > 0 {
		fmt.Fprintf(&b, "\nAlso: %s", strings.Join(s.aliases, ", "))
	}
	return incidentbot.Message{Title: "/incident " + s.name, Text: b.String()}
}
