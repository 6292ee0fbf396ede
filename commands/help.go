package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

var helpCmd = &spec{
	name:  "help",
	brief: "How to use the bot",
	args:  []Arg{{Name: "command", Help: "A command, e.g. declare", Kind: ArgText}},
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
	handle: func(_ context.Context, _ *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
		if c.Text == "" {
			return Reply{Message: helpAll(actor.Language)}, nil
		}
		return Reply{Message: helpOne(lookup(c.Text), actor.Language)}, nil
	},
}

// helpAll lists every command with its usage and what it does; in French
// each line also gives the command's French words.
func helpAll(lang string) incidentbot.Message {
	var b strings.Builder
	for i, s := range registry {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "`%s` %s", s.synopsis(lang), s.summary(lang))
		if words := s.words(lang); len(words) > 0 {
			b.WriteString(i18n.T(lang, "help.also_inline", map[string]any{"Words": strings.Join(words, ", ")}))
		}
	}
	return incidentbot.Message{
		Title:  i18n.T(lang, "help.title", nil),
		Text:   b.String(),
		Footer: i18n.T(lang, "help.footer", nil),
	}
}

func helpOne(s *spec, lang string) incidentbot.Message {
	var b strings.Builder
	b.WriteString(i18n.T(lang, "help.command", map[string]any{"Synopsis": s.synopsis(lang), "Summary": s.summary(lang), "Example": prefix + " " + s.example(lang)}))
	if words := slices.Concat(s.aliases, s.words(lang)); len(words) > 0 {
		b.WriteString("\n" + i18n.T(lang, "help.also", map[string]any{"Words": strings.Join(words, ", ")}))
	}
	return incidentbot.Message{Title: prefix + " " + s.name, Text: b.String()}
}

// example is a typical use of the command, its free text in lang.
func (s *spec) example(lang string) string {
	return i18n.T(lang, "command."+s.name+".example", nil)
}

// words are the command's French names, shown to French readers only.
func (s *spec) words(lang string) []string {
	if lang != "fr" {
		return nil
	}
	return french[s.name]
}
