package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/views"
)

// maxTitle keeps titles readable in topics, channel names and phone screens.
const maxTitle = 150

const (
	forceFlag = "--force"
	sinceFlag = "--since"
)

var declareCmd = &spec{
	name:    "declare",
	example: "declare sev1 type:outage Checkout returns 504",
	parse:   parseDeclare,
	format:  formatDeclare,
	handle:  handleDeclare,
}

// parseDeclare reads the options (severity, type, --force) in any order
// before the title; --force may also end the line.
func parseDeclare(s *spec, c *Command, args string) error {
	for {
		tok, rest := next(args)
		switch {
		case isSevToken(tok):
			if c.Severity != incidentbot.SevUnknown {
				return s.invalid("parse.declare.sev_once", nil)
			}
			sev, err := incidentbot.ParseSeverity(tok)
			if err != nil {
				return s.invalid("parse.as_is", map[string]any{"Text": i18n.ErrorText(err)})
			}
			c.Severity = sev
		case len(tok) >= len("type:") && strings.EqualFold(tok[:len("type:")], "type:"):
			if c.Type != "" {
				return s.invalid("parse.declare.type_once", nil)
			}
			typ := strings.ToLower(tok[len("type:"):])
			if !isName(typ) {
				// Playbooks match types without accents: type:sécurité asks for "securite".
				typ = incidentbot.Slug(typ)
			}
			if !isName(typ) {
				return s.invalid("parse.declare.type", map[string]any{"Token": strconv.Quote(truncate(tok, 40))})
			}
			c.Type = typ
		case strings.EqualFold(tok, forceFlag):
			c.Force = true
		case strings.EqualFold(tok, sinceFlag):
			if c.HasSince {
				return s.invalid("parse.declare.since_once", nil)
			}
			at, after, err := parseSince(s, rest)
			if err != nil {
				return err
			}
			c.Since, c.HasSince, rest = at, true, after
		default:
			if rest, tok := last(args); strings.EqualFold(tok, forceFlag) {
				c.Force = true
				args = rest
			}
			if before, at, ok := trailingSince(args); ok {
				if c.HasSince {
					return s.invalid("parse.declare.since_once", nil)
				}
				t, _, err := parseSince(s, at)
				if err != nil {
					return err
				}
				c.Since, c.HasSince, args = t, true, before
			}
			c.Title = strings.Join(strings.Fields(args), " ")
			switch n := utf8.RuneCountInString(c.Title); {
			case n == 0:
				return s.invalid("parse.declare.title", nil)
			case n > maxTitle:
				return s.invalid("parse.declare.title_long", map[string]any{"N": n, "Max": maxTitle})
			}
			return nil
		}
		args = rest
	}
}

func formatDeclare(c Command) string {
	var sev, typ, since, force string
	if c.Severity.Valid() {
		sev = c.Severity.String()
	}
	if c.Type != "" {
		typ = "type:" + c.Type
	}
	if c.HasSince {
		since = sinceFlag + " " + c.Since.String()
	}
	if c.Force {
		force = forceFlag
	}
	return join(c.Name, sev, typ, since, c.Title, force)
}

// isSevToken reports whether tok is meant as a severity: "sev" and digits.
func isSevToken(tok string) bool {
	if len(tok) <= 3 || !strings.EqualFold(tok[:3], "sev") {
		return false
	}
	for _, r := range tok[3:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isName reports whether s is a role or playbook name: a-z, 0-9, - and _.
func isName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// trailingSince splits "<title> --since 14:02" (or "--since 2026-12-05
// 14:02") into the title and the time.
func trailingSince(args string) (before, at string, ok bool) {
	rest, clock := last(args)
	if rest, flag := last(rest); strings.EqualFold(flag, sinceFlag) {
		return rest, clock, true
	}
	if rest, date := last(rest); date != "" {
		if rest, flag := last(rest); strings.EqualFold(flag, sinceFlag) {
			return rest, date + " " + clock, true
		}
	}
	return "", "", false
}

// since is the impact start a declaration names, or nil.
func since(c Command) *incidentbot.LocalTime {
	if !c.HasSince {
		return nil
	}
	return &c.Since
}

// pauseAds is the ads override a declaration asks for: nil leaves it to
// the playbook.
func pauseAds(c Command) *bool {
	if !c.PauseAds {
		return nil
	}
	return &c.PauseAds
}

func handleDeclare(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	inc, err := h.svc.Declare(ctx, actor, incidentbot.DeclareRequest{
		Title:       c.Title,
		Severity:    c.Severity,
		Type:        c.Type,
		Description: c.Description,
		Drill:       c.Name == "drill",
		Force:       c.Force,
		PauseAds:    pauseAds(c),
		ImpactStart: since(c),
	})
	var dup *incidentbot.DuplicateError
	switch {
	case errors.As(err, &dup) && dup.Repeat:
		// The same request again (a retry): the answer the first got.
		r := declared(actor, dup.Existing)
		r.Repeat = true
		return r, nil
	case errors.As(err, &dup):
		return duplicate(h, dup.Existing, c), nil
	case err != nil:
		return Reply{}, err
	}
	return declared(actor, inc), nil
}

// declared is the answer to a declaration that opened inc.
func declared(actor incidentbot.Actor, inc *incidentbot.Incident) Reply {
	var b strings.Builder
	if inc.Drill {
		b.WriteString("This is a DRILL: every external action is a dry run.\n")
	}
	fmt.Fprintf(&b, "%s declared by %s", inc.Severity.Label(), actor.User.Mention())
	if inc.Type != "" {
		fmt.Fprintf(&b, " with the %s playbook", inc.Type)
	}
	b.WriteString(". Opening the war room now.")
	title := inc.Key + " declared: " + inc.Title
	if inc.Drill {
		title = "DRILL · " + title
	}
	return Reply{
		InChannel: true,
		Message: incidentbot.Message{
			Title:    title,
			Text:     b.String(),
			Severity: inc.Severity,
			Buttons:  []incidentbot.Button{{ActionID: "status " + inc.Key, Label: "Status"}},
		},
	}
}

// duplicate offers to join the open incident or to declare anyway.
func duplicate(h *Handler, inc *incidentbot.Incident, c Command) Reply {
	c.Force = true
	return Reply{Message: incidentbot.Message{
		Title: inc.Key + " is already open here",
		Text: fmt.Sprintf("%s %q: %s, %s, declared %s ago. Join it, or declare a new incident anyway?",
			inc.Key, inc.Title, inc.Severity.Label(), inc.Status, views.Duration(h.clock.Now().Sub(inc.DeclaredAt))),
		Severity: inc.Severity,
		Buttons: []incidentbot.Button{
			{ActionID: "status " + inc.Key, Label: "Join " + inc.Key, Style: incidentbot.ButtonPrimary},
			{ActionID: c.String(), Label: "Declare anyway"},
		},
	}}
}
