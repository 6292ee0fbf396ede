// Package commands turns the text after "/incident" into a Command, runs it
// against the IncidentService and returns a chat-neutral Reply. It knows
// nothing of Slack or Discord: adapters pass text in and render the reply.
package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// Command is one parsed command line; which fields are used depends on Name.
type Command struct {
	Name     string // "declare","status","update","role","roles","sev","note","ads","verify","ack","mitigated","resolve","reopen","close","postmortem","drill","list","help","check","uncheck","remind"
	Key      string // "INC-42" or ""
	Severity incidentbot.Severity
	Type     string
	Title    string // declare/drill
	Text     string // update/note/resolve summary/help topic
	Role     string
	User     string // role: "<@U1>", "@group", e-mail
	AdsOp    incidentbot.AdsOp
	Platform string
	URL      string
	Item     int
	Remind   incidentbot.RemindOp
	Duration time.Duration
	Force    bool
	// Since is when customers were first affected (impact-start, declare
	// --since), set when HasSince.
	Since    incidentbot.LocalTime
	HasSince bool
	Share    float64 // impact: share of sales lost, 0..1
	// followup: add|list|done; Text, User (owner), Due, Priority and Type
	// (the follow-up's) for add, Item for done.
	FollowUpOp string
	Due        string
	Priority   int
	All        bool // list: resolved and closed incidents too
	Page       int  // list: 1-based page, 0 for the first
	// Description and PauseAds come from a form (Slack's declare modal),
	// never from a typed line: the details, and the "pause ads now" box
	// (false: as the playbook says).
	Description string
	PauseAds    bool
}

// prefix is the slash command itself, which adapters may or may not strip.
const prefix = "/incident"

// Parse reads a command line, with or without the leading "/incident".
// Errors are EINVALID and their message says what is wrong and shows the
// command's usage.
func Parse(text string) (Command, error) {
	name, rest := next(text)
	if strings.EqualFold(name, prefix) {
		name, rest = next(rest)
	}
	if name == "" {
		return Command{}, i18n.Errorf(incidentbot.EINVALID, "parse.empty", map[string]any{"Commands": commandList{}})
	}
	s := lookup(name)
	if s == nil {
		return Command{}, unknown(name)
	}
	c := Command{Name: s.name}
	if s.key {
		tok, after := next(rest)
		if looksLikeKey(tok) {
			key, err := parseKey(s, tok)
			if err != nil {
				return Command{}, err
			}
			c.Key, rest = key, after
		}
	}
	if err := s.parse(s, &c, rest); err != nil {
		return Command{}, err
	}
	return c, nil
}

// String returns the canonical command line, without "/incident":
// Parse(c.String()) gives c back for every c that Parse returned.
func (c Command) String() string {
	s := lookup(c.Name)
	if s == nil {
		return c.Name
	}
	if s.format != nil {
		return s.format(c)
	}
	return join(c.Name, c.Key)
}

// join joins the non-empty parts with single spaces.
func join(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// next splits off the first whitespace-separated token; rest is trimmed.
func next(s string) (tok, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// last splits off the last token; rest is trimmed.
func last(s string) (rest, tok string) {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return "", s
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return strings.TrimSpace(s[:i]), s[i+size:]
}

// looksLikeKey reports whether tok is meant as an incident key, valid or not.
func looksLikeKey(tok string) bool {
	return len(tok) >= len(incidentbot.KeyPrefix) && strings.EqualFold(tok[:len(incidentbot.KeyPrefix)], incidentbot.KeyPrefix)
}

// parseKey normalises a key ("inc-042" -> "INC-42").
func parseKey(s *spec, tok string) (string, error) {
	id, err := incidentbot.ParseIncidentKey(tok)
	if err != nil {
		return "", s.invalid("parse.as_is", map[string]any{"Text": i18n.ErrorText(err)})
	}
	return incidentbot.IncidentKey(id), nil
}

// noMore rejects anything left over after a command's arguments.
func noMore(s *spec, rest string) error {
	if rest == "" {
		return nil
	}
	tok, _ := next(rest)
	return s.invalid("parse.unexpected", map[string]any{"Token": strconv.Quote(truncate(tok, 40))})
}

// truncate shortens what we quote back to people, so a pasted log does not
// flood the reply.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
