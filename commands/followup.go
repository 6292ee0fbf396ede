package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

var followupCmd = &spec{
	name:    "followup",
	aliases: []string{"follow-up"},
	brief:   "Action items: add, list, mark one done, or file them in the tracker",
	args: []Arg{
		{Name: "action", Help: "add, list, done or export", Kind: ArgText, Required: true, Choices: []string{"add", "list", "done", "export"}},
		{Name: "text", Help: "What to do (add)", Kind: ArgText},
		{Name: "owner", Help: "Who does it (add)", Kind: ArgMention},
		{Name: "due", Help: "Due date, YYYY-MM-DD (add)", Kind: ArgText, Prefix: "due "},
		{Name: "priority", Help: "p1 now, p2 this sprint, p3 later (add)", Kind: ArgText, Choices: []string{"p1", "p2", "p3"}},
		{Name: "type", Help: "prevent, detect, mitigate or process (add)", Kind: ArgText, Choices: []string{"prevent", "detect", "mitigate", "process"}, Prefix: "type:"},
		{Name: "number", Help: "Which follow-up (done)", Kind: ArgNumber, Min: 1},
	},
	key:    true,
	parse:  parseFollowup,
	format: formatFollowup,
	handle: handleFollowup,
}

// parseFollowup reads the options of add from the end of the line, each at
// most once; the rest is the text, so a text may hold words like "p1".
func parseFollowup(s *spec, c *Command, args string) error {
	op, rest := next(args)
	c.FollowUpOp = strings.ToLower(op)
	switch c.FollowUpOp {
	case "list", "export":
		return noMore(s, rest)
	case "done":
		tok, after := next(rest)
		n, err := strconv.Atoi(tok)
		if err != nil || n < 1 || n > maxItem {
			return s.invalid("parse.followup.number", nil)
		}
		c.Item = n
		return noMore(s, after)
	case "add":
	case "":
		return s.invalid("parse.followup.missing", nil)
	default:
		return s.invalid("parse.followup.action", map[string]any{"Token": strconv.Quote(truncate(op, 20))})
	}
	for {
		before, tok := last(rest)
		lower := strings.ToLower(tok)
		switch {
		case len(lower) == 2 && lower[0] == 'p' && lower[1] >= '1' && lower[1] <= '3' && c.Priority == 0:
			c.Priority = int(lower[1] - '0')
		case strings.HasPrefix(lower, "type:") && c.Type == "":
			t, err := incidentbot.ParseFollowUpType(tok[len("type:"):])
			if err != nil {
				return s.invalid("parse.as_is", map[string]any{"Text": i18n.ErrorText(err)})
			}
			c.Type = string(t)
		case c.Due == "" && isDate(tok) && hasWord(before, "due"):
			c.Due, before = tok, dropLast(before)
		case c.User == "" && isUserSpec(tok) && !isBroadcast(tok):
			c.User = tok
		default:
			c.Text = strings.Join(strings.Fields(rest), " ")
			switch n := utf8.RuneCountInString(c.Text); {
			case n == 0:
				return s.invalid("parse.followup.text", nil)
			case n > incidentbot.MaxFollowUpText:
				return s.invalid("parse.followup.long", map[string]any{"N": n, "Max": incidentbot.MaxFollowUpText})
			}
			return nil
		}
		rest = before
	}
}

// isBroadcast reports whether u would ping a whole channel or server:
// never an owner.
func isBroadcast(u string) bool {
	switch strings.ToLower(u) {
	case "@channel", "@here", "@everyone":
		return true
	}
	return strings.HasPrefix(u, "<!") && !strings.HasPrefix(u, "<!subteam^")
}

// isDate accepts YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil && len(s) == 10
}

// hasWord reports whether s ends with the word w, any case.
func hasWord(s, w string) bool {
	_, tok := last(s)
	return strings.EqualFold(tok, w)
}

func dropLast(s string) string {
	rest, _ := last(s)
	return rest
}

func formatFollowup(c Command) string {
	switch c.FollowUpOp {
	case "done":
		return join(c.Name, c.Key, c.FollowUpOp, strconv.Itoa(c.Item))
	case "add":
		var due, pri, typ string
		if c.Due != "" {
			due = "due " + c.Due
		}
		if c.Priority != 0 {
			pri = fmt.Sprintf("p%d", c.Priority)
		}
		if c.Type != "" {
			typ = "type:" + c.Type
		}
		return join(c.Name, c.Key, c.FollowUpOp, c.Text, c.User, due, pri, typ)
	}
	return join(c.Name, c.Key, c.FollowUpOp)
}

func handleFollowup(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	switch c.FollowUpOp {
	case "add":
		inc, f, err := h.svc.AddFollowUp(ctx, actor, c.Key, incidentbot.FollowUp{
			Text: c.Text, Owner: c.User, Due: c.Due, Priority: c.Priority, Type: incidentbot.FollowUpType(c.Type),
		})
		if err != nil {
			return Reply{}, err
		}
		r := say(h.workspaceLanguage(actor), "reply.followup.added", map[string]any{"Key": inc.Key, "Line": followupLine(f)})
		r.InChannel = true
		return r, nil
	case "export":
		inc, tracker, n, err := h.svc.ExportFollowUps(ctx, actor, c.Key)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Message: incidentbot.Message{Text: i18n.N(actor.Language, "reply.followup.export", n, map[string]any{"Key": inc.Key, "Tracker": tracker})}}, nil
	case "done":
		inc, f, err := h.svc.CompleteFollowUp(ctx, actor, c.Key, c.Item)
		if err != nil {
			return Reply{}, err
		}
		r := say(h.workspaceLanguage(actor), "reply.followup.done", map[string]any{"Key": inc.Key, "Line": followupLine(f)})
		r.InChannel = true
		return r, nil
	}
	inc, list, err := h.svc.FollowUps(ctx, actor, c.Key)
	if err != nil {
		return Reply{}, err
	}
	if len(list) == 0 {
		return say(actor.Language, "reply.followup.none", map[string]any{"Key": inc.Key}), nil
	}
	var b strings.Builder
	b.WriteString(i18n.T(actor.Language, "reply.followup.list", map[string]any{"Key": inc.Key}))
	for _, f := range list {
		b.WriteString("\n" + followupLine(f))
	}
	return Reply{Message: incidentbot.Message{Text: b.String()}}, nil
}

// followupLine is one follow-up as the war room reads it.
func followupLine(f incidentbot.FollowUp) string {
	box := "[ ]"
	if f.DoneAt != nil {
		box = "[x]"
	}
	s := fmt.Sprintf("%s %d. %s (P%d, %s", box, f.Number, f.Text, f.Priority, f.Type)
	if f.Owner != "" {
		s += ", " + f.Owner
	}
	if f.Due != "" {
		s += ", due " + f.Due
	}
	if f.Ticket != "" {
		s += ", " + f.Ticket
	}
	return s + ")"
}
