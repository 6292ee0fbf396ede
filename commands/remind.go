package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Snooze bounds: shorter is noise, longer forgets an open incident.
const (
	minSnooze = time.Minute
	maxSnooze = 24 * time.Hour
)

var remindCmd = &spec{
	name:  "remind",
	brief: "Status-update reminders: on, off or snooze",
	args: []Arg{
		{Name: "switch", Help: "on, off or snooze", Kind: ArgText, Required: true, Choices: []string{"on", "off", "snooze"}},
		{Name: "duration", Help: "How long to snooze, e.g. 30m or 2h", Kind: ArgText},
	},
	key:   true,
	parse: parseRemind,
	format: func(c Command) string {
		var d string
		if c.Remind == incidentbot.RemindSnooze {
			d = formatDuration(c.Duration)
		}
		return join(c.Name, c.Key, string(c.Remind), d)
	},
	handle: handleRemind,
}

func parseRemind(s *spec, c *Command, args string) error {
	op, rest := next(args)
	switch o := incidentbot.RemindOp(strings.ToLower(op)); o {
	case "":
		return s.invalid("parse.remind.missing", nil)
	case incidentbot.RemindOn, incidentbot.RemindOff:
		c.Remind = o
		return noMore(s, rest)
	case incidentbot.RemindSnooze:
		c.Remind = o
	default:
		return s.invalid("parse.remind.switch", map[string]any{"Token": strconv.Quote(truncate(op, 40))})
	}
	tok, rest := next(rest)
	if tok == "" {
		return s.invalid("parse.remind.how_long", nil)
	}
	d, err := time.ParseDuration(strings.ToLower(tok))
	if err != nil {
		return s.invalid("parse.remind.duration", map[string]any{"Token": strconv.Quote(truncate(tok, 40))})
	}
	if d < minSnooze || d > maxSnooze {
		return s.invalid("parse.remind.range", map[string]any{"Token": truncate(tok, 40)})
	}
	c.Duration = d
	return noMore(s, rest)
}

// formatDuration prints "30m" and "1h30m" rather than Go's "30m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func handleRemind(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	inc, err := h.svc.Remind(ctx, actor, c.Key, c.Remind, c.Duration)
	if err != nil {
		return Reply{}, err
	}
	switch c.Remind {
	case incidentbot.RemindOff:
		return say(actor.Language, "reply.remind.off", map[string]any{"Key": inc.Key}), nil
	case incidentbot.RemindSnooze:
		return say(actor.Language, "reply.remind.snoozed", map[string]any{"Key": inc.Key, "For": i18n.Duration(actor.Language, c.Duration)}), nil
	}
	if inc.NextReminderAt == nil {
		return say(actor.Language, "reply.remind.no_cadence", map[string]any{"Key": inc.Key}), nil
	}
	return say(actor.Language, "reply.remind.on", map[string]any{"Key": inc.Key, "In": i18n.Duration(actor.Language, inc.NextReminderAt.Sub(h.clock.Now()))}), nil
}
