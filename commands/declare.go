package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// maxTitle keeps titles readable in topics, channel names and phone screens.
const maxTitle = 150

const (
	forceFlag = "--force"
	sinceFlag = "--since"
)

var declareCmd = &spec{
	name:   "declare",
	brief:  "Open an incident: war room, roles, playbook actions",
	args:   []Arg{severityArg(false), typeArg, sinceArg, titleArg, forceArg},
	parse:  parseDeclare,
	format: formatDeclare,
	handle: handleDeclare,
}

// The fields declare and drill share (sev takes the severity too).
var (
	typeArg  = Arg{Name: "type", Help: "Playbook, e.g. site-outage (default: from the title)", Kind: ArgText, Suggest: true, Prefix: "type:"}
	sinceArg = Arg{Name: "since", Help: "When customers were first affected, e.g. 14:02 (BOT_TIMEZONE)", Kind: ArgText, Prefix: sinceFlag + " "}
	titleArg = Arg{Name: "title", Help: "What is broken, as customers see it", Kind: ArgText, Required: true, MaxLen: maxTitle}
	forceArg = Arg{Name: "force", Help: "Declare even if an incident with this title is open here", Kind: ArgFlag, Prefix: forceFlag}
)

func severityArg(required bool) Arg {
	return Arg{Name: "severity", Help: "sev1 site down … sev4 minor", Kind: ArgText, Required: required, Choices: []string{"sev1", "sev2", "sev3", "sev4"}}
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
		r := declared(h.workspaceLanguage(actor), actor, dup.Existing)
		r.Repeat = true
		return r, nil
	case errors.As(err, &dup):
		return duplicate(h, actor.Language, dup.Existing, c), nil
	case err != nil:
		return Reply{}, err
	}
	return declared(h.workspaceLanguage(actor), actor, inc), nil
}

// declared is the answer to a declaration that opened inc, for the whole
// channel: in the workspace's language.
func declared(lang string, actor incidentbot.Actor, inc *incidentbot.Incident) Reply {
	data := map[string]any{"Key": inc.Key, "Title": inc.Title, "Sev": inc.Severity.Label(), "By": actor.User.Mention(), "Playbook": inc.Type}
	var b strings.Builder
	if inc.Drill {
		b.WriteString(i18n.T(lang, "reply.declare.drill", nil) + "\n")
	}
	id := "reply.declare.by"
	if inc.Type != "" {
		id = "reply.declare.by_playbook"
	}
	b.WriteString(i18n.T(lang, id, data))
	title := i18n.T(lang, "reply.declare.title", data)
	if inc.Drill {
		title = i18n.T(lang, "reply.declare.drill_title", map[string]any{"Title": title})
	}
	return Reply{
		InChannel: true,
		Message: incidentbot.Message{
			Title:    title,
			Text:     b.String(),
			Severity: inc.Severity,
			Buttons:  []incidentbot.Button{{ActionID: "status " + inc.Key, Label: i18n.T(lang, "reply.declare.status_button", nil)}},
		},
	}
}

// duplicate offers the person to join the open incident or to declare anyway.
func duplicate(h *Handler, lang string, inc *incidentbot.Incident, c Command) Reply {
	c.Force = true
	data := map[string]any{"Key": inc.Key, "Title": strconv.Quote(inc.Title), "Sev": inc.Severity.Label(),
		"Status": i18n.T(lang, "status."+string(inc.Status), nil), "Ago": i18n.Duration(lang, h.clock.Now().Sub(inc.DeclaredAt))}
	return Reply{Message: incidentbot.Message{
		Title:    i18n.T(lang, "reply.declare.open_here", data),
		Text:     i18n.T(lang, "reply.declare.join_or_declare", data),
		Severity: inc.Severity,
		Buttons: []incidentbot.Button{
			{ActionID: "status " + inc.Key, Label: i18n.T(lang, "reply.declare.join", data), Style: incidentbot.ButtonPrimary},
			{ActionID: c.String(), Label: i18n.T(lang, "reply.declare.anyway", nil)},
		},
	}}
}
