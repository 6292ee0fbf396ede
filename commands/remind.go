package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/views"
)

// Snooze bounds: shorter is noise, longer forgets an open incident.
const (
	minSnooze = time.Minute
	maxSnooze = 24 * time.Hour
)

var remindCmd = &spec{
	name:    "remind",
	example: "remind snooze 30m",
	key:     true,
	parse:   parseRemind,
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
		return text("Reminders are off for %s. Turn them back on with `/incident remind on`.", inc.Key), nil
	case incidentbot.RemindSnooze:
		return text("Reminders for %s snoozed for %s.", inc.Key, views.Duration(c.Duration)), nil
	}
	if inc.NextReminderAt == nil {
		return text("Reminders are on for %s, but its severity has no update cadence.", inc.Key), nil
	}
	return text("Reminders are on for %s: next in %s.", inc.Key, views.Duration(inc.NextReminderAt.Sub(h.clock.Now()))), nil
}
